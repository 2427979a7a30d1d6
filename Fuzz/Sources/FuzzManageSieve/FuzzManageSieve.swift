// libFuzzer target: the ManageSieve grammar (RFC 5804): framer, command parser, response
// string encoding, base64, script names.
//
// The input is `config chunk data...`: `config` picks small or default framing limits, `chunk`
// the size of the pieces the data is fed in. Checked with `precondition`:
// - the framer's events are the same fed whole, in pieces, or one event at a time with
//   `next(in:)`, which consumes every byte exactly once;
// - no token is longer than the limits allow;
// - every frame parses to a command or a `ManageSieveCommandError` (never a crash), and a
//   parsed script name is a valid one;
// - a string the server encodes (quoted or literal) reads back as the same octets;
// - base64: decode(encode(x)) == x, and text that decodes is canonical (it re-encodes to itself).

import FuzzSupport
import ManageSieveSyntax

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManageSieve(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    let config = bytes.first ?? 0
    let chunk = max(1, Int(bytes.count > 1 ? bytes[1] : 1))
    let stream = Array(bytes.dropFirst(2))
    let limits = config & 1 == 1
        ? ManageSieveFramingLimits(maximumLineLength: 64, maximumLiteralSize: 32)
        : ManageSieveFramingLimits()

    var whole = ManageSieveFramer(limits: limits)
    let events = whole.feed(stream)

    var pieces = ManageSieveFramer(limits: limits)
    var chunked: [ManageSieveFramerEvent] = []
    var offset = 0
    while offset < stream.count {
        let end = min(stream.count, offset + chunk)
        chunked += pieces.feed(Array(stream[offset..<end]))
        offset = end
    }
    precondition(chunked == events, "events depend on how the bytes were split")

    var stepwise = ManageSieveFramer(limits: limits)
    var rest = stream[...]
    var one: [ManageSieveFramerEvent] = []
    var consumed = 0
    while !rest.isEmpty {
        let (event, used) = stepwise.next(in: rest)
        precondition(used > 0 && used <= rest.count, "next(in:) consumed nothing or too much")
        consumed += used
        rest = rest.dropFirst(used)
        if let event { one.append(event) } else { precondition(rest.isEmpty, "stopped without an event") }
    }
    precondition(consumed == stream.count && one == events, "next(in:) differs from feed")

    for event in events {
        guard case .frame(let frame) = event else { continue }
        for token in frame.tokens {
            switch token {
            case .atom(let atom):
                precondition(!atom.isEmpty && atom.count <= 1024, "atom size")
            case .string(let string):
                precondition(string.count <= max(limits.maximumLineLength, limits.maximumLiteralSize), "string size")
            }
        }
        if let command = try? ManageSieveCommand.parse(frame) {
            switch command {
            case .getScript(let name), .deleteScript(let name), .putScript(let name, _), .haveSpace(let name, _),
                 .setActive(let name?):
                precondition((try? ScriptName.validate(Array(name.utf8)).get()) != nil, "invalid name accepted")
            default: break
            }
        }
    }

    // What the server encodes reads back the same through the framer (literals as `{n}`).
    var encoded = Array("NOOP ".utf8)
    ManageSieveEncoder.string(stream.prefix(2000), into: &encoded)
    encoded += [0x0D, 0x0A]
    var reader = ManageSieveFramer(limits: ManageSieveFramingLimits(maximumLineLength: 4200, maximumLiteralSize: 4096))
    let back = reader.feed(encoded)
    precondition(back == [.frame(ManageSieveFrame(tokens: [.atom(Array("NOOP".utf8)), .string(Array(stream.prefix(2000)))]))],
                 "an encoded string does not read back")

    precondition(Base64.decode(Base64.encode(stream)) == stream, "base64 round trip")
    if let decoded = Base64.decode(stream) {
        precondition(Base64.encode(decoded) == stream, "non-canonical base64 accepted")
    }
    return 0
}
