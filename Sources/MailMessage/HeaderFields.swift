/// One header field (RFC 5322 §2.2). Offsets index into the bytes the field was parsed from.
public struct HeaderField: Hashable, Sendable {
    /// The whole field: from the first byte of its name through the line ending of its last
    /// line (a field cut short by the end of the input has no line ending).
    public var range: Range<Int>
    /// The field name, without white space between it and the colon (RFC 5322 §4.5.8 allows
    /// that in obsolete syntax). For a line without a colon: the whole line.
    public var nameRange: Range<Int>
    /// The bytes after the colon up to the final line ending, folding kept (RFC 5322 §2.2.3).
    /// Empty for a line without a colon.
    public var valueRange: Range<Int>
    /// False for a line that has no colon (RFC 5322 §3.6.8 does not allow it; kept leniently).
    public var hasColon: Bool

    public init(range: Range<Int>, nameRange: Range<Int>, valueRange: Range<Int>, hasColon: Bool) {
        self.range = range
        self.nameRange = nameRange
        self.valueRange = valueRange
        self.hasColon = hasColon
    }
}

/// Splits header blocks into fields (RFC 5322 §2.2, §3.6; obsolete syntax of §4 tolerated):
/// a line that starts with WSP continues the previous field, the first empty line ends the
/// block, a line without a colon is kept as a field whose name is the whole line.
enum HeaderScanner {
    struct Line {
        var start: Int
        /// End of the line's content, before its CRLF or LF.
        var contentEnd: Int
        /// Start of the next line.
        var next: Int
        var hasLineFeed: Bool
        var isEmpty: Bool { hasLineFeed && contentEnd == start }
    }

    /// The line starting at `start` (which must be below `end`).
    @inline(__always)
    static func line(in buffer: UnsafeRawBufferPointer, at start: Int, end: Int) -> Line {
        guard let lf = buffer.firstIndex(of: ASCII.lf, from: start, to: end) else {
            return Line(start: start, contentEnd: end, next: end, hasLineFeed: false)
        }
        let contentEnd = lf > start && buffer[lf - 1] == ASCII.cr ? lf - 1 : lf
        return Line(start: start, contentEnd: contentEnd, next: lf + 1, hasLineFeed: true)
    }

    /// Accumulates lines into fields.
    struct FieldBuilder {
        var fields: [HeaderField] = []
        private var current: HeaderField?
        private var currentContentEnd = 0

        mutating func add(_ line: Line, in buffer: UnsafeRawBufferPointer) {
            if current != nil, ASCII.isWhitespace(buffer[line.start]) {
                current!.range = current!.range.lowerBound..<line.next
                currentContentEnd = line.contentEnd
                return
            }
            flush()
            if let colon = buffer.firstIndex(of: ASCII.colon, from: line.start, to: line.contentEnd) {
                var nameEnd = colon
                while nameEnd > line.start, ASCII.isWhitespace(buffer[nameEnd - 1]) { nameEnd -= 1 }
                current = HeaderField(range: line.start..<line.next, nameRange: line.start..<nameEnd,
                                      valueRange: colon + 1..<colon + 1, hasColon: true)
            } else {
                current = HeaderField(range: line.start..<line.next,
                                      nameRange: line.start..<line.contentEnd,
                                      valueRange: line.contentEnd..<line.contentEnd, hasColon: false)
            }
            currentContentEnd = line.contentEnd
        }

        /// Ends the field in progress; `cut` removes its final line ending (when a MIME boundary
        /// ends a header, the line ending before it belongs to the boundary, RFC 2046 §5.1.1).
        mutating func flush(cutLineEndingAt cut: Int? = nil) {
            guard var field = current else { return }
            if let cut, cut < field.range.upperBound {
                field.range = field.range.lowerBound..<max(cut, field.range.lowerBound)
            }
            if field.hasColon {
                field.valueRange = field.valueRange.lowerBound..<max(field.valueRange.lowerBound,
                                                                     currentContentEnd)
            }
            fields.append(field)
            current = nil
        }
    }

    struct Block {
        var fields: [HeaderField]
        /// End of the header block: after the empty line, or the end of the input.
        var end: Int
        /// Whether an empty line ended the block.
        var terminated: Bool
    }

    /// Scans the header block that starts at `start`.
    static func scan(_ buffer: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Block {
        var builder = FieldBuilder()
        var position = start
        while position < end {
            let line = line(in: buffer, at: position, end: end)
            if line.isEmpty {
                builder.flush()
                return Block(fields: builder.fields, end: line.next, terminated: true)
            }
            builder.add(line, in: buffer)
            position = line.next
        }
        builder.flush()
        return Block(fields: builder.fields, end: end, terminated: false)
    }

    /// The value the way Dovecot's header parser sees it ("full value"): white space after the
    /// colon skipped on the first line (only one byte of it when the first line holds nothing
    /// else), line endings of folded lines removed (RFC 5322 §2.2.3 unfolding), NUL replaced by
    /// U+FFFD when asked.
    static func fullValue(_ buffer: UnsafeRawBufferPointer, _ field: HeaderField,
                          replacingNUL: Bool) -> [UInt8] {
        guard field.hasColon else { return [] }
        var output: [UInt8] = []
        output.reserveCapacity(field.valueRange.count)
        var position = field.valueRange.lowerBound
        let end = field.valueRange.upperBound
        // White space after the colon on the first line.
        let firstLineEnd = buffer.firstIndex(of: ASCII.lf, from: position, to: end) ?? end
        var firstContentEnd = firstLineEnd
        if firstLineEnd < end, firstContentEnd > position, buffer[firstContentEnd - 1] == ASCII.cr {
            firstContentEnd -= 1
        }
        var skip = position
        while skip < firstContentEnd, ASCII.isWhitespace(buffer[skip]) { skip += 1 }
        if skip == firstContentEnd, firstContentEnd > position { skip = position + 1 }
        position = skip
        while position < end {
            let byte = buffer[position]
            if byte == ASCII.lf {
                position += 1
                continue
            }
            if byte == ASCII.cr, position + 1 < end, buffer[position + 1] == ASCII.lf {
                position += 2
                continue
            }
            if byte == ASCII.nul, replacingNUL {
                output.append(contentsOf: ASCII.replacementCharacter)
            } else {
                output.append(byte)
            }
            position += 1
        }
        return output
    }
}

/// The fields of one header block, kept with the bytes they came from; lookups by name are
/// ASCII case-insensitive (RFC 5322 §1.2.2).
public struct HeaderFields: Sendable, RandomAccessCollection {
    /// The bytes the field offsets index into.
    public let bytes: [UInt8]
    public let fields: [HeaderField]
    /// The header block: its fields and, when present, the empty line that ends it.
    public let blockRange: Range<Int>
    /// Whether an empty line ended the block (false when the input ended first).
    public let isTerminated: Bool

    /// Parses the header block at the start of `bytes` (a whole message or just its header).
    public init(parsing bytes: [UInt8]) {
        self.init(parsing: bytes, from: 0)
    }

    /// Parses the header block that starts at `start` in `bytes`, for example the MIME header
    /// of a part.
    public init(parsing bytes: [UInt8], from start: Int) {
        let start = Swift.min(Swift.max(start, 0), bytes.count)
        let block = bytes.withUnsafeBytes { HeaderScanner.scan($0, from: start, to: $0.count) }
        self.bytes = bytes
        self.fields = block.fields
        self.blockRange = start..<block.end
        self.isTerminated = block.terminated
    }

    public var startIndex: Int { fields.startIndex }
    public var endIndex: Int { fields.endIndex }
    public subscript(position: Int) -> HeaderField { fields[position] }

    /// The field name's bytes.
    public func name(of field: HeaderField) -> ArraySlice<UInt8> { bytes[field.nameRange] }

    /// The field name as a string (lossy UTF-8).
    public func nameString(of field: HeaderField) -> String { ASCII.string(bytes[field.nameRange]) }

    /// The raw value: all bytes after the colon, folding and 8-bit bytes kept.
    public func rawValue(of field: HeaderField) -> ArraySlice<UInt8> { bytes[field.valueRange] }

    /// The unfolded value (RFC 5322 §2.2.3): line breaks of folded lines removed, white space
    /// after the colon skipped; other bytes kept as they are.
    public func unfoldedValue(of field: HeaderField) -> [UInt8] {
        bytes.withUnsafeBytes { HeaderScanner.fullValue($0, field, replacingNUL: false) }
    }

    /// The unfolded value with RFC 2047 encoded words decoded, converted to Unicode: the text
    /// a SEARCH HEADER or SUBJECT key matches against.
    public func decodedValue(of field: HeaderField) -> String {
        EncodedWordDecoder.decode(unfoldedValue(of: field))
    }

    /// Whether the field is named `name` (ASCII case-insensitive).
    public func field(_ field: HeaderField, isNamed name: String) -> Bool {
        field.hasColon && ASCII.equalsIgnoringCase(bytes[field.nameRange], name)
    }

    /// The first field named `name`.
    public func first(named name: String) -> HeaderField? {
        fields.first { field($0, isNamed: name) }
    }

    /// All fields named `name`, in message order.
    public func all(named name: String) -> [HeaderField] {
        fields.filter { field($0, isNamed: name) }
    }

    /// The unfolded value of the first field named `name`.
    public func value(named name: String) -> [UInt8]? {
        first(named: name).map { unfoldedValue(of: $0) }
    }
}
