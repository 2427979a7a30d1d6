import Glibc

/// Makes a message that arrived as a `literal8` (RFC 3516 §4.4 APPEND) fit for IMAP4rev1:
/// every leaf part whose bytes a `BODY[]` could not return as its BODYSTRUCTURE describes them
/// is re-encoded to base64, with its Content-Transfer-Encoding changed to say so.
///
/// RFC 3516 §4.4: "The server MAY modify the CTE of the appended data, however any such
/// transformation MUST NOT result in a loss of data." §6: the server "MUST issue BODYSTRUCTURE
/// responses that describe the message as though the binary-encoded sections are encoded in a
/// CTE acceptable to the IMAP4 base specification", and "this should only be done when it is
/// absolutely necessary". So exactly these leaves are converted:
/// - a leaf whose Content-Transfer-Encoding is `binary` (RFC 2045 §6.2), as Dovecot does;
/// - a leaf whose body holds NUL, which no IMAP4rev1 string can carry (RFC 9051 §4.3), when
///   its encoding is the identity (absent, `7bit`, `8bit`): such a body is binary data under a
///   wrong label (RFC 2045 §2.7, §2.8 exclude NUL from 7bit and 8bit data).
///
/// The converted leaf keeps its header except the value of each Content-Transfer-Encoding
/// field, which becomes ` base64` (one field is added when there is none, and `MIME-Version:
/// 1.0` to a message header that has neither it nor Content-Type, without which the field
/// would not count, RFC 2045 §4); its body becomes the base64 of the original body (RFC 2045
/// §6.8: lines of 76 characters, ended as the part's header lines end, no line break after
/// the last), so decoding it gives the original bytes back. Every other byte is copied; boundaries cannot appear in base64 text, so the
/// converted message has the same MIME tree.
///
/// A NUL that no re-encoding can carry (in a header, a preamble or epilogue, a base64,
/// quoted-printable or unknown encoding, or a multipart or message part kept as a leaf) makes
/// the message `refused`: RFC 3516 §4.4 lets the server refuse what it cannot store.
public enum BinaryConversion {
    /// What to do with a `literal8` message.
    public enum Outcome: Hashable, Sendable {
        /// Nothing needs converting: store the message as it is.
        case unchanged
        /// Store `plan`'s converted message instead (see `BinaryConverter`).
        case converted(BinaryConversionPlan)
        /// The message holds a NUL at `offset` that no re-encoding can carry.
        case refused(offset: Int)
    }

    /// Decides how to store a message that came as a `literal8`, from its parsed structure.
    public static func plan(for structure: MessageStructure, in buffer: UnsafeRawBufferPointer) -> Outcome {
        var planner = Planner(buffer: buffer)
        planner.visit(structure.root, isMIMEChild: false)
        // Every NUL must lie in a body that is being re-encoded.
        var position = 0
        var next = 0
        while let nul = buffer.firstIndex(of: ASCII.nul, from: position, to: buffer.count) {
            while next < planner.encodedBodies.count, planner.encodedBodies[next].upperBound <= nul { next += 1 }
            guard next < planner.encodedBodies.count, planner.encodedBodies[next].contains(nul) else {
                return .refused(offset: nul)
            }
            position = planner.encodedBodies[next].upperBound
        }
        guard !planner.edits.isEmpty else { return .unchanged }
        return .converted(BinaryConversionPlan(edits: planner.edits, originalSize: buffer.count))
    }

    /// Parses and converts a message held in memory: the converted bytes, the message itself
    /// when nothing needs converting, or nil when it is refused.
    public static func convert(_ message: [UInt8]) -> [UInt8]? {
        message.withUnsafeBytes { buffer in
            switch plan(for: MessageParser.parse(buffer), in: buffer) {
            case .unchanged:
                return message
            case .refused:
                return nil
            case .converted(let plan):
                var converter = BinaryConverter(plan: plan)
                var output: [UInt8] = []
                output.reserveCapacity(plan.convertedSize)
                while let chunk = converter.next(from: buffer, maximumCount: 1 << 20) { output += chunk }
                return output
            }
        }
    }

    /// The single walk over the part tree behind `plan`.
    private struct Planner {
        let buffer: UnsafeRawBufferPointer
        var edits: [BinaryConversionPlan.Edit] = []
        /// The bodies being re-encoded, ascending.
        var encodedBodies: [Range<Int>] = []

        init(buffer: UnsafeRawBufferPointer) {
            self.buffer = buffer
        }

        /// `isMIMEChild`: a body part of a multipart, whose Content-* fields always count;
        /// elsewhere they count only beside MIME-Version or Content-Type (as the parser reads them).
        mutating func visit(_ part: MessagePart, isMIMEChild: Bool) {
            switch part.kind {
            case .multipart(let children):
                for child in children { visit(child, isMIMEChild: true) }
            case .message(_, let inner):
                visit(inner, isMIMEChild: false)
            case .single:
                convertIfNeeded(part, isMIMEChild: isMIMEChild)
            }
        }

        private mutating func convertIfNeeded(_ part: MessagePart, isMIMEChild: Bool) {
            let encoding = part.content.transferEncoding
            let isBinary = encoding.map { ASCII.equalsIgnoringCase($0.utf8, "binary") } ?? false
            let isIdentity = encoding.map { value in
                ["7bit", "8bit", "binary"].contains { ASCII.equalsIgnoringCase(value.utf8, $0) }
            } ?? true
            // A multipart or message beyond the parser's limits is a leaf here, but RFC 2045
            // §6.4 forbids base64 for composite types.
            let isComposite = ["multipart", "message"].contains {
                ASCII.equalsIgnoringCase(part.mediaType.utf8, $0)
            }
            let body = part.bodyRange
            let holdsNUL = buffer.firstIndex(of: ASCII.nul, from: body.lowerBound, to: body.upperBound) != nil
            guard isIdentity, !isComposite, isBinary || holdsNUL else { return }
            let lineBreak = headerLineBreak(part.headerRange)
            let header = HeaderScanner.scan(buffer, from: part.headerRange.lowerBound,
                                            to: part.headerRange.upperBound)
            let buffer = self.buffer
            func named(_ name: String) -> (HeaderField) -> Bool {
                { $0.hasColon && ASCII.equalsIgnoringCase(buffer[$0.nameRange], name) }
            }
            let fields = header.fields.filter(named("content-transfer-encoding"))
            // Fields added before the empty line that ends the header: the encoding when none
            // is named, and MIME-Version when without it the encoding would not count
            // (RFC 2045 §4). A header that no empty line ends has no body to convert.
            var added: [UInt8] = []
            if !isMIMEChild, !header.fields.contains(where: named("mime-version")),
               !header.fields.contains(where: named("content-type")) {
                added += Array("MIME-Version: 1.0".utf8) + (lineBreak ?? [])
            }
            if fields.isEmpty { added += Array("Content-Transfer-Encoding: base64".utf8) + (lineBreak ?? []) }
            if !added.isEmpty && lineBreak == nil { return }
            for field in fields {
                edits.append(.init(range: field.valueRange, replacement: .bytes(Array(" base64".utf8))))
            }
            if let lineBreak, !added.isEmpty {
                let emptyLine = part.headerRange.upperBound - lineBreak.count
                edits.append(.init(range: emptyLine..<emptyLine, replacement: .bytes(added)))
            }
            edits.append(.init(range: body, replacement: .base64(lineBreak: lineBreak ?? [ASCII.cr, ASCII.lf])))
            encodedBodies.append(body)
        }

        /// The line break of the empty line that ends a header (CRLF or a bare LF), or nil when
        /// no empty line ends it.
        private func headerLineBreak(_ header: Range<Int>) -> [UInt8]? {
            let end = header.upperBound
            guard end > header.lowerBound, buffer[end - 1] == ASCII.lf else { return nil }
            let start = end - 1
            if start > header.lowerBound, buffer[start - 1] == ASCII.cr {
                let lineStart = start - 1
                guard lineStart == header.lowerBound || buffer[lineStart - 1] == ASCII.lf else { return nil }
                return [ASCII.cr, ASCII.lf]
            }
            guard start == header.lowerBound || buffer[start - 1] == ASCII.lf else { return nil }
            return [ASCII.lf]
        }
    }
}

/// How a message is converted (`BinaryConversion.plan`): byte ranges of the original message
/// replaced, in ascending order, everything between them copied.
public struct BinaryConversionPlan: Hashable, Sendable {
    public struct Edit: Hashable, Sendable {
        /// The original bytes replaced (empty for an insertion).
        public var range: Range<Int>
        public var replacement: Replacement
    }

    public enum Replacement: Hashable, Sendable {
        /// These bytes instead.
        case bytes([UInt8])
        /// The base64 encoding of the range, in lines of 76 characters separated by `lineBreak`.
        case base64(lineBreak: [UInt8])
    }

    public let edits: [Edit]
    public let originalSize: Int
    /// The size of the converted message.
    public let convertedSize: Int

    init(edits: [Edit], originalSize: Int) {
        self.edits = edits
        self.originalSize = originalSize
        var size = originalSize
        for edit in edits {
            size -= edit.range.count
            switch edit.replacement {
            case .bytes(let bytes): size += bytes.count
            case .base64(let lineBreak): size += Base64Lines.encodedCount(edit.range.count, lineBreak: lineBreak.count)
            }
        }
        self.convertedSize = size
    }
}

/// Produces a converted message a piece at a time from the original's bytes, so that a large
/// message is never held twice in memory: each `next` call may get the original anew (a
/// mapped file), and returns at most about `maximumCount` bytes.
public struct BinaryConverter: Sendable {
    public let plan: BinaryConversionPlan
    /// The next original byte to read.
    private var position = 0
    /// The edit that starts at or after `position`.
    private var editIndex = 0
    /// Bytes produced so far.
    public private(set) var producedCount = 0

    public init(plan: BinaryConversionPlan) {
        self.plan = plan
    }

    /// The next bytes of the converted message, nil once all were returned. `buffer` is the
    /// whole original message.
    public mutating func next(from buffer: UnsafeRawBufferPointer, maximumCount: Int) -> [UInt8]? {
        precondition(buffer.count == plan.originalSize, "not the message the plan was made for")
        let limit = max(maximumCount, Base64Lines.inputPerLine)
        var output: [UInt8] = []
        output.reserveCapacity(min(limit, plan.convertedSize - producedCount) + 80)
        while output.count < limit, position < buffer.count || editIndex < plan.edits.count {
            guard editIndex < plan.edits.count, plan.edits[editIndex].range.lowerBound <= position else {
                let stop = editIndex < plan.edits.count ? plan.edits[editIndex].range.lowerBound : buffer.count
                let end = min(stop, position + (limit - output.count))
                output.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[position..<end]))
                position = end
                continue
            }
            let edit = plan.edits[editIndex]
            switch edit.replacement {
            case .bytes(let bytes):
                output += bytes
                position = edit.range.upperBound
            case .base64(let lineBreak):
                // Whole lines, so that each call can resume on a line boundary.
                while position < edit.range.upperBound, output.count < limit {
                    if position > edit.range.lowerBound { output += lineBreak }
                    let end = min(edit.range.upperBound, position + Base64Lines.inputPerLine)
                    Base64Lines.encode(UnsafeRawBufferPointer(rebasing: buffer[position..<end]), into: &output)
                    position = end
                }
            }
            if position >= edit.range.upperBound { editIndex += 1 }
        }
        guard !output.isEmpty else { return nil }
        producedCount += output.count
        return output
    }
}

/// Base64 in the line layout of RFC 2045 §6.8: 57 input bytes make one line of 76 characters.
enum Base64Lines {
    static let inputPerLine = 57
    static let charactersPerLine = 76

    /// The encoded size of `count` bytes, with `lineBreak` bytes between lines.
    static func encodedCount(_ count: Int, lineBreak: Int) -> Int {
        guard count > 0 else { return 0 }
        let characters = (count + 2) / 3 * 4
        let lines = (characters + charactersPerLine - 1) / charactersPerLine
        return characters + (lines - 1) * lineBreak
    }

    /// Appends the base64 of `input` (with padding, no line breaks).
    static func encode(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        var index = 0
        let count = input.count
        while index + 3 <= count {
            let value = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
            output.append(alphabet[Int(value >> 18 & 63)])
            output.append(alphabet[Int(value >> 12 & 63)])
            output.append(alphabet[Int(value >> 6 & 63)])
            output.append(alphabet[Int(value & 63)])
            index += 3
        }
        switch count - index {
        case 1:
            let value = UInt32(input[index]) << 16
            output.append(alphabet[Int(value >> 18 & 63)])
            output.append(alphabet[Int(value >> 12 & 63)])
            output.append(ASCII.equals)
            output.append(ASCII.equals)
        case 2:
            let value = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8
            output.append(alphabet[Int(value >> 18 & 63)])
            output.append(alphabet[Int(value >> 12 & 63)])
            output.append(alphabet[Int(value >> 6 & 63)])
            output.append(ASCII.equals)
        default:
            break
        }
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
}
