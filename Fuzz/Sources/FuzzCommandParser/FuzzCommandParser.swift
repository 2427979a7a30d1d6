// libFuzzer target: the command grammar (IMAPSyntax.GrammarParser) on one whole command.
//
// Every entry point that reads client bytes gets the same input. Errors are expected; what
// must hold is checked with `precondition`, so a violation is reported as a crash:
// - the tag of a parsed command, and of a thrown error, is the tag `parseTag(ofLine:)` reads;
// - a malformed APPEND prefix carries its tag, a well-formed one the line's tag;
// - base64 (AUTHENTICATE, RFC 4648) decodes only canonical text: encoding the decoded bytes
//   gives the input back; a SASL line is `*`, or base64 decoded the same way.

import FuzzSupport
import IMAPSyntax

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCommandParser(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    let tag = GrammarParser.parseTag(ofLine: bytes)

    do {
        let command = try GrammarParser.parseCommand(bytes)
        precondition(command.tag == tag, "parsed command has another tag than its line")
        _ = command.command.name
    } catch {
        precondition(error.tag == tag, "parse error has another tag than its line")
        _ = error.description
    }

    switch GrammarParser.parseAppendPrefix(bytes) {
    case .message(let messageTag, _, _):
        precondition(messageTag == tag, "APPEND prefix has another tag than its line")
    case .invalid(let error):
        precondition(error.tag != nil && error.tag == tag, "APPEND prefix error without its tag")
    case .notAppend, .mailboxLiteral:
        break
    }

    do {
        _ = try GrammarParser.parseAppendContinuation(bytes)
    } catch {
        precondition(error.tag == nil, "APPEND continuation error with a tag")
    }

    let decoded = GrammarParser.decodeBase64(bytes)
    if let decoded {
        precondition(base64(decoded) == bytes, "base64 accepted a non-canonical text")
    }

    switch GrammarParser.parseSASLResponse(bytes) {
    case .cancel:
        precondition(bytes == [UInt8(ascii: "*")], "SASL cancel for something other than *")
    case .data(let response):
        precondition(response == decoded, "SASL response differs from its base64")
    case nil:
        precondition(decoded == nil, "SASL line refused although it is base64")
    }
    return 0
}

/// Base64 with padding (RFC 4648 §4), written independently of the decoder under test.
private func base64(_ bytes: [UInt8]) -> [UInt8] {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var output: [UInt8] = []
    output.reserveCapacity((bytes.count + 2) / 3 * 4)
    var index = 0
    while index < bytes.count {
        let count = min(3, bytes.count - index)
        var group = UInt32(bytes[index]) << 16
        if count > 1 { group |= UInt32(bytes[index + 1]) << 8 }
        if count > 2 { group |= UInt32(bytes[index + 2]) }
        for slot in 0..<4 {
            if slot <= count {
                output.append(alphabet[Int(group >> UInt32(18 - 6 * slot) & 0x3F)])
            } else {
                output.append(UInt8(ascii: "="))
            }
        }
        index += 3
    }
    return output
}
