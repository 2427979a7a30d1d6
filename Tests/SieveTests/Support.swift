import MailCore
import Sieve

/// Builds a message from lines joined with CRLF.
func message(_ lines: String) -> SieveMessage {
    SieveMessage(crlf(lines))
}

func crlf(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = []
    for byte in text.utf8 {
        if byte == 0x0A, bytes.last != 0x0D { bytes.append(0x0D) }
        bytes.append(byte)
    }
    return bytes
}

/// Message A of RFC 5228 §1.1 (the coyote's apology).
let messageA = message("""
    Date: Tue, 1 Apr 1997 09:06:31 -0800 (PST)
    From: coyote@desert.example.org
    To: roadrunner@acme.example.com
    Subject: I have a present for you

    Look, I'm sorry about the whole anvil thing, and I really
    didn't mean to try and drop it on you from the top of the
    cliff.  I want to try to make it up to you.

    """)

/// Message B of RFC 5228 §1.1 (the millionaire spam).
let messageB = message("""
    From: youcouldberich!@reply-by-postal-mail.invalid
    Sender: b1ff@de.res.example.com
    To: rube@landru.example.com
    Date:  Mon, 31 Mar 1997 18:26:10 -0800
    Subject: $$$ YOU, TOO, CAN BE A MILLIONAIRE! $$$

    YOU MAY HAVE ALREADY WON TEN MILLION DOLLARS, BUT I DOUBT
    IT!  SO JUST POST THIS TO SIX HUNDRED NEWSGROUPS!

    """)

/// 2026-03-14 15:09:26 +0100
let testNow = ZonedDateTime(date: CalendarDate(year: 2026, month: 3, day: 14), hour: 15, minute: 9, second: 26,
                            zoneMinutes: 60)

func context(from: String = "coyote@desert.example.org", to: String = "roadrunner@acme.example.com",
             environment: [String: String] = [:], limits: SieveLimits = SieveLimits()) -> SieveContext {
    SieveContext(envelope: SieveEnvelope(from: from, to: to), now: testNow, environment: environment,
                 limits: limits)
}

/// A host with a fixed set of mailboxes, scripts and earlier vacation responses.
struct TestHost: SieveHost {
    var mailboxes: Set<String> = ["INBOX"]
    var personal: [String: String] = [:]
    var global: [String: String] = [:]
    var responded: Set<String> = []

    func mailboxExists(_ name: String) -> Bool { mailboxes.contains(name) }

    func includedScript(named name: String, location: IncludeLocation) -> [UInt8]? {
        (location == .personal ? personal[name] : global[name]).map { Array($0.utf8) }
    }

    func vacationResponded(to address: String, handle: String, within period: Int) -> Bool {
        responded.contains(address)
    }
}

/// Compiles and runs; a compile error fails the calling test through the thrown error.
func run(_ script: String, on message: SieveMessage = messageA, context: SieveContext = context(),
         host: TestHost = TestHost()) throws -> SieveResult {
    try SieveScript(compiling: script).run(on: message, context: context, host: host)
}

/// The compile error of a script, nil when it compiles.
func compileError(_ script: String, limits: SieveLimits = SieveLimits()) -> SieveError? {
    do {
        _ = try SieveScript(compiling: script, limits: limits)
        return nil
    } catch {
        return error
    }
}

let implicitKeep: [SieveAction] = [.keep(flags: [])]

func fileInto(_ mailbox: String, flags: [Flag] = [], copy: Bool = false, create: Bool = false) -> SieveAction {
    .fileInto(mailbox: mailbox, flags: flags, copy: copy, create: create)
}
