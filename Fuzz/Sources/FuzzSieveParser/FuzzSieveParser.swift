// libFuzzer target: the Sieve compiler (lexer, grammar, checks) and, when a script compiles,
// the interpreter on three small messages.
//
// Errors are expected; what must hold is checked with `precondition`:
// - a compile error names a line of the script (1 ... number of line breaks + 1);
// - limits are monotonic: a script that compiles under small limits compiles under the
//   defaults too;
// - a run is pure: the same script on the same message gives the same result twice;
// - a run ends with at least one action; after a runtime error, with exactly one keep, and the
//   error of the top-level script names one of its lines;
// - a run never takes more actions or redirects than its limits, more than one reject or
//   vacation, or a reject beside an action that delivers the message.

import FuzzSupport
import MailCore
import Sieve

private let messages: [SieveMessage] = [
    "From: Coyote <coyote@desert.example.org>\r\nTo: roadrunner+birds@acme.example.com\r\n"
        + "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?= [list] money\r\nDate: Tue, 1 Apr 1997 09:06:31 -0800\r\n"
        + "Received: from a by b; Sat, 14 Mar 2026 23:59:59 +0000\r\nMessage-ID: <1@x>\r\n\r\nHello there\r\n",
    "From: list@example.org\r\nList-Id: <l.example.org>\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        + "pre\r\n--b\r\nContent-Type: text/plain\r\n\r\none\r\n--b\r\nContent-Type: message/rfc822\r\n\r\n"
        + "Subject: inner\r\n\r\ntwo\r\n--b--\r\npost\r\n",
    "Subject: no body",
].map { SieveMessage(Array($0.utf8)) }

private let smallLimits: SieveLimits = {
    var limits = SieveLimits()
    limits.maximumScriptSize = 2048
    limits.maximumNestingDepth = 4
    limits.maximumCommands = 20
    limits.maximumStrings = 40
    return limits
}()

private let runLimits: SieveLimits = {
    var limits = SieveLimits()
    limits.maximumSteps = 20_000
    limits.maximumActions = 6
    limits.maximumRedirects = 2
    return limits
}()

private struct Host: SieveHost {
    func mailboxExists(_ name: String) -> Bool { name.utf8.count % 2 == 0 }
    func includedScript(named name: String, location: IncludeLocation) -> [UInt8]? {
        name == "missing" ? nil : Array("require [\"include\", \"variables\"]; global \"g\"; set \"g\" \"${g}x\";".utf8)
    }
    func vacationResponded(to address: String, handle: String, within period: Int) -> Bool { handle.count % 3 == 0 }
}

private let now = ZonedDateTime(date: CalendarDate(year: 2026, month: 3, day: 14), hour: 15, minute: 9, second: 26,
                                zoneMinutes: 60)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSieveParser(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    let lines = bytes.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }

    var compiledSmall = false
    do {
        _ = try SieveScript(compiling: bytes, limits: smallLimits)
        compiledSmall = true
    } catch {
        precondition(error.line >= 1 && error.line <= lines, "compile error outside the script")
    }

    let script: SieveScript
    do {
        script = try SieveScript(compiling: bytes)
    } catch {
        precondition(!compiledSmall, "compiles under small limits but not under the defaults")
        precondition(error.line >= 1 && error.line <= lines, "compile error outside the script")
        _ = error.description
        return 0
    }

    for message in messages {
        let context = SieveContext(envelope: SieveEnvelope(from: "coyote@desert.example.org",
                                                           to: "roadrunner+birds@acme.example.com"),
                                   now: now, environment: ["domain": "acme.example.com"], limits: runLimits)
        let result = script.run(on: message, context: context, host: Host())
        precondition(script.run(on: message, context: context, host: Host()) == result, "two runs differ")
        let actions = result.actions
        precondition(!actions.isEmpty, "a run without any action")
        if let error = result.error {
            precondition(actions == [.keep(flags: [])], "a runtime error did not fall back to keep")
            precondition(error.script != nil || (error.line >= 1 && error.line <= lines),
                         "runtime error outside the script")
            _ = error.description
            continue
        }
        var redirects = 0, rejects = 0, vacations = 0, delivering = 0
        for action in actions {
            switch action {
            case .redirect: redirects += 1; delivering += 1
            case .reject, .ereject: rejects += 1
            case .vacation: vacations += 1
            case .keep, .fileInto: delivering += 1
            case .discard: precondition(actions.count == 1 || actions.allSatisfy {
                if case .vacation = $0 { return true }
                return $0 == .discard
            }, "discard beside an action that delivers")
            }
        }
        // The implicit keep may come on top of the limited actions.
        precondition(actions.count <= runLimits.maximumActions + 1, "more actions than the limit")
        precondition(redirects <= runLimits.maximumRedirects, "more redirects than the limit")
        precondition(rejects <= 1 && vacations <= 1, "two rejects or two vacations")
        precondition(rejects == 0 || (delivering == 0 && vacations == 0), "reject beside delivery or vacation")
    }
    return 0
}
