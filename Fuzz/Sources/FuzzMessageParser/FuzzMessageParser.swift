// libFuzzer target: the message library (MailMessage) on one input taken as a message, and
// (one of these per input, chosen by its first byte) read as FETCH and SEARCH read it, as a
// header value, as a transfer-encoded body, and as a stored structure blob.
//
// Checked with `precondition`, so a violation is reported as a crash:
// - the parsed structure is sound: the root spans the message, every header ends where its
//   body starts, every part lies in its parent's body after its previous sibling, every line
//   count is the number of LFs in its body; every section range lies within the message;
// - the stored form round-trips: `encoded()` decodes to the same structure, its envelope
//   alone and its part tree alone too;
// - `MessageStructure(decoding:)` of raw bytes (with and without the format marker in front)
//   throws or gives a structure whose root spans its size, whose ranges nest as above, and
//   which round-trips;
// - base64 and quoted-printable decoding undo an independent encoder; a parsed date is a
//   real calendar date and time of day;
// - a literal8 conversion (BinaryConversion) keeps the MIME tree and every part's decoded
//   bytes, leaves no NUL, and refuses only messages that hold one;
// - SORT and THREAD (MailSort): the message's sort keys round-trip through their stored
//   form; base-subject extraction is idempotent; every msg-id found has an `@` inside and no
//   quote, space or angle bracket; the input's lines, each taken as a message header, are
//   sorted by every key and threaded by both algorithms into exactly those messages;
// - the preview (RFC 8970): at most 200 Unicode scalars, no leading, trailing or doubled
//   space, no other white space or control character, the same from the prefix of
//   `MessagePreview.bytesNeeded` bytes as from the whole message; HTMLText of the input
//   as text never grows it by more than its character references can.
// Everything else that reads message bytes (header selection, addresses, RFC 2047 words,
// body text in its charset) only has to return.

import FuzzSupport
import MailMessage
import MailSort

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMessageParser(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    let structure = checkStructure(bytes)
    // One of the other readers per input, picked by the first byte (which stays part of the
    // message): running all of them on every input would cost more than half the speed.
    switch (bytes.first ?? 0) % 4 {
    case 0:
        checkText(bytes, structure)
        checkSortAndThread(bytes, structure)
        checkPreview(bytes, structure)
    case 1:
        checkHeaderValue(Array(bytes.prefix(512)))
    case 2:
        checkTransferDecoding(bytes, roundTripping: Array(bytes.prefix(128)))
        checkBinaryConversion(bytes, structure)
    default:
        checkStoredForm(bytes)
        checkStoredForm([0x4D, MessageStructure.encodingVersion] + bytes)
    }
    return 0
}

/// The parsed structure is sound and its stored form round-trips.
private func checkStructure(_ message: [UInt8]) -> MessageStructure {
    let structure = MessageParser.parse(message)
    precondition(structure.size == message.count, "size is not the message's length")
    precondition(structure.root.headerRange.lowerBound == 0
                 && structure.root.bodyRange.upperBound == message.count,
                 "the root does not span the message")
    checkNesting(structure.root, within: 0..<message.count)
    forEachPart(structure.root) { part in
        let lines = message[part.bodyRange].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        precondition(part.bodyLines == lines, "a line count is not the body's LF count")
    }

    let stored = structure.encoded()
    precondition((try? MessageStructure(decoding: stored)) == structure, "stored form does not round-trip")
    let tree = try? MessageStructure(decoding: stored, skippingEnvelope: true)
    precondition(tree?.root == structure.root, "the part tree alone does not round-trip")
    precondition((try? MessageStructure.decodeEnvelope(from: stored)) == structure.envelope,
                 "the envelope alone does not round-trip")

    for (path, _) in structure.allParts().prefix(64) {
        for section in [SectionText.full, .header, .text, .mime] {
            if let range = structure.range(of: path, section) {
                precondition(range.lowerBound >= 0 && range.upperBound <= message.count,
                             "a section lies outside the message")
            }
        }
    }
    return structure
}

/// What FETCH and SEARCH read from a message: decoded body text, header text and values,
/// HEADER.FIELDS selections, the header fields with their decoded values.
private func checkText(_ message: [UInt8], _ structure: MessageStructure) {
    message.withUnsafeBytes { buffer in
        MessageText.forEachBodyText(in: buffer, structure: structure,
                                    options: .init(includesNonText: true)) { _ in true }
        _ = MessageText.headerText(in: buffer, range: structure.root.headerRange)
        _ = MessageText.headerValues(named: "subject", in: buffer, range: structure.root.headerRange)
    }
    for excluding in [false, true] {
        _ = HeaderFieldSelection(names: ["From", "subject", "DATE", "x-a"], excluding: excluding)
            .select(from: message, range: structure.root.headerRange)
    }
    let fields = HeaderFields(parsing: message)
    for field in fields.prefix(64) {
        precondition(field.range.upperBound <= message.count, "a header field outside the message")
        _ = fields.decodedValue(of: field)
    }
}

/// A stored structure from untrusted bytes: an error, or a structure that is sound.
private func checkStoredForm(_ blob: [UInt8]) {
    _ = try? MessageStructure.decodeEnvelope(from: blob)
    guard let structure = try? MessageStructure(decoding: blob) else { return }
    precondition(structure.root.headerRange.lowerBound == 0
                 && structure.root.bodyRange.upperBound == structure.size,
                 "a decoded root does not span the message")
    checkNesting(structure.root, within: 0..<structure.size)
    precondition((try? MessageStructure(decoding: structure.encoded())) == structure,
                 "a decoded structure does not round-trip")
}

/// Header ends where the body starts; the part lies in `bounds`; children follow each other
/// inside the body; an embedded message starts its part's body.
private func checkNesting(_ part: MessagePart, within bounds: Range<Int>) {
    precondition(part.headerRange.upperBound == part.bodyRange.lowerBound, "header does not end at the body")
    precondition(part.headerRange.lowerBound >= bounds.lowerBound
                 && part.bodyRange.upperBound <= bounds.upperBound, "a part outside its parent")
    precondition(part.bodyLines >= 0 && part.bodyLines <= part.bodyRange.count, "more lines than bytes")
    switch part.kind {
    case .single:
        break
    case .multipart(let children):
        var cursor = part.bodyRange.lowerBound
        for child in children {
            precondition(child.headerRange.lowerBound >= cursor, "a part overlaps the one before")
            checkNesting(child, within: part.bodyRange)
            cursor = child.bodyRange.upperBound
        }
    case .message(_, let inner):
        precondition(inner.headerRange.lowerBound == part.bodyRange.lowerBound,
                     "an embedded message does not start its part's body")
        checkNesting(inner, within: part.bodyRange)
    }
}

private func forEachPart(_ part: MessagePart, _ visit: (MessagePart) -> Void) {
    visit(part)
    switch part.kind {
    case .single: break
    case .multipart(let children): children.forEach { forEachPart($0, visit) }
    case .message(_, let inner): forEachPart(inner, visit)
    }
}

/// The input as the value of a header field.
private func checkHeaderValue(_ value: [UInt8]) {
    _ = AddressParser.parseAddressList(value)
    _ = EncodedWordDecoder.decode(value)
    if let date = MessageDate.parse(value) {
        precondition((1...12).contains(date.month)
                     && (1...daysIn(month: date.month, year: date.year)).contains(date.day)
                     && (0..<24).contains(date.hour) && (0..<60).contains(date.minute)
                     && (0...60).contains(date.second), "a parsed date that is not a date")
        _ = date.secondsSince1970
    }
}

/// The input as a transfer-encoded body, and the encodings of `sample` decoded back.
private func checkTransferDecoding(_ bytes: [UInt8], roundTripping sample: [UInt8]) {
    bytes.withUnsafeBytes { buffer in
        let base64 = TransferDecoder.decode(buffer, encoding: "BASE64")
        precondition(base64.count <= buffer.count / 4 * 3 + 3, "base64 decoded to more than it can hold")
        let quoted = TransferDecoder.decode(buffer, encoding: "Quoted-Printable")
        precondition(quoted.count <= buffer.count, "quoted-printable decoded to more bytes")
        precondition(TransferDecoder.decode(buffer, encoding: "8bit").elementsEqual(bytes),
                     "8bit is not passed through")
    }
    let base64 = encodeBase64(sample)
    precondition(base64.withUnsafeBytes { TransferDecoder.decode($0, encoding: "base64") } == sample,
                 "base64 does not decode its encoding")
    let quoted = encodeQuotedPrintable(sample)
    precondition(quoted.withUnsafeBytes { TransferDecoder.decode($0, encoding: "quoted-printable") } == sample,
                 "quoted-printable does not decode its encoding")
}

/// The input as a `literal8` APPEND (RFC 3516 §4.4): refused only for a NUL, and otherwise
/// converted into a message of the same MIME tree, without NUL, whose every leaf decodes to
/// what the same leaf of the input decodes to.
private func checkBinaryConversion(_ message: [UInt8], _ structure: MessageStructure) {
    guard let converted = BinaryConversion.convert(message) else {
        precondition(message.contains(0), "refused a message without NUL")
        return
    }
    guard converted != message else { return }
    precondition(!converted.contains(0), "a NUL left in the converted message")
    let after = MessageParser.parse(converted)
    let before = structure.allParts(), now = after.allParts()
    precondition(before.map { $0.path } == now.map { $0.path }, "the conversion changed the MIME tree")
    for ((_, old), (_, new)) in zip(before, now) {
        guard case .single = new.kind else { continue }
        let original = message[old.bodyRange].withUnsafeBytes { TransferDecoder.decode($0, encoding: old.transferEncoding) }
        let decoded = converted[new.bodyRange].withUnsafeBytes { TransferDecoder.decode($0, encoding: new.transferEncoding) }
        precondition(original == decoded, "a converted part does not decode to the original")
    }
}

private let hexDigits = Array("0123456789ABCDEF".utf8)

/// Base64 as RFC 2045 §6.8 writes it: lines of 76 characters, CRLF between them.
private func encodeBase64(_ bytes: [UInt8]) -> [UInt8] {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var output: [UInt8] = []
    var index = 0
    var column = 0
    while index < bytes.count {
        let count = min(3, bytes.count - index)
        var group = UInt32(bytes[index]) << 16
        if count > 1 { group |= UInt32(bytes[index + 1]) << 8 }
        if count > 2 { group |= UInt32(bytes[index + 2]) }
        for slot in 0..<4 {
            output.append(slot <= count ? alphabet[Int(group >> UInt32(18 - 6 * slot) & 0x3F)] : 0x3D)
        }
        index += 3
        column += 4
        if column == 76 {
            output += [0x0D, 0x0A]
            column = 0
        }
    }
    return output
}

/// Quoted-printable as RFC 2045 §6.7 allows it for binary data: printable ASCII other than
/// "=" as itself, a space too unless it ends the text, every other byte (line breaks
/// included) as "=XX", and a soft line break before a line would pass 76 characters.
private func encodeQuotedPrintable(_ bytes: [UInt8]) -> [UInt8] {
    var output: [UInt8] = []
    var column = 0
    for (index, byte) in bytes.enumerated() {
        let literal = (0x21...0x7E).contains(byte) && byte != 0x3D
            || byte == 0x20 && index + 1 < bytes.count
        let width = literal ? 1 : 3
        if column + width > 75 {
            output += [0x3D, 0x0D, 0x0A]
            column = 0
        }
        if literal {
            output.append(byte)
        } else {
            output += [0x3D, hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
        }
        column += width
    }
    return output
}

/// Days in a month of the proleptic Gregorian calendar.
private func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
}

/// MailSort's invariants (see the top of the file).
private func checkSortAndThread(_ message: [UInt8], _ structure: MessageStructure) {
    let keys = message.withUnsafeBytes { MessageSortKeys(structure: structure, message: $0) }
    precondition(MessageSortKeys(decoding: keys.encoded()) == keys, "sort keys do not round-trip")
    let header = Array(message[structure.root.headerRange])
    let base = BaseSubject(fieldValue: header)
    precondition(BaseSubject(decoded: base.text).text == base.text, "base subject extraction is not idempotent")
    for id in MessageIDs.all(in: header) + keys.references + [keys.messageID].compactMap({ $0 }) {
        let bytes = Array(id.utf8)
        precondition(bytes.dropFirst().dropLast().contains(UInt8(ascii: "@")), "a msg-id without an inner @")
        precondition(!bytes.contains { $0 == 0x22 || $0 == 0x20 || $0 == 0x3C || $0 == 0x3E }, "a msg-id not normalised")
    }
    var messages: [SortableMessage] = []
    for (index, line) in message.split(separator: 0x0A, omittingEmptySubsequences: false).prefix(16).enumerated() {
        let text = Array(line) + [0x0D, 0x0A, 0x0D, 0x0A]
        let lineKeys = text.withUnsafeBytes { MessageSortKeys(message: $0) }
        messages.append(SortableMessage(sequence: UInt32(index + 1), internalDate: Int64(index % 3),
                                        size: UInt64(line.count), keys: lineKeys))
    }
    let everyone = Array(messages.indices)
    for key in SortKey.allCases {
        let order = MessageSorter.order(messages, by: [SortCriterion(key, reverse: key == .date)])
        precondition(order.sorted() == everyone, "SORT is not a permutation")
    }
    for algorithm in ThreadAlgorithm.allCases {
        var found: [Int] = []
        func walk(_ thread: MessageThread) {
            if let message = thread.message { found.append(message) }
            thread.children.forEach(walk)
        }
        MessageThreader.threads(messages, by: algorithm).forEach(walk)
        precondition(found.sorted() == everyone, "THREAD does not hold every message once")
    }
}

/// The preview of RFC 8970 §3.3: short, collapsed, and the same from the prefix it says it needs.
private func checkPreview(_ message: [UInt8], _ structure: MessageStructure) {
    let preview = MessagePreview.text(of: structure, in: message)
    let scalars = Array(preview.unicodeScalars)
    precondition(scalars.count <= MessagePreview.maximumCharacters, "preview longer than 200 characters")
    precondition(scalars.first != " " && scalars.last != " ", "preview not trimmed")
    for (index, scalar) in scalars.enumerated() {
        if scalar == " " {
            precondition(scalars[index + 1] != " ", "doubled space in a preview")
        } else {
            precondition(!scalar.properties.isWhitespace && scalar.properties.generalCategory != .control,
                         "white space or a control character left in a preview")
        }
    }
    let needed = min(MessagePreview.bytesNeeded(for: structure), message.count)
    precondition(MessagePreview.text(of: structure, in: Array(message[..<needed])) == preview,
                 "the preview depends on bytes beyond bytesNeeded")
    let text = String(decoding: message, as: UTF8.self)
    let references = message.reduce(0) { $0 + ($1 == UInt8(ascii: "&") ? 1 : 0) }
    precondition(HTMLText.plainText(text).count <= text.count + references, "HTMLText grew the text")
}
