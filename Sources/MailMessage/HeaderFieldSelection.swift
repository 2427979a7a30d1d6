/// IMAP's `HEADER.FIELDS (names)` and `HEADER.FIELDS.NOT (names)` (RFC 3501 §6.4.5,
/// RFC 9051 §6.4.5): a subset of a header block, byte for byte as Dovecot returns it.
public struct HeaderFieldSelection: Sendable {
    /// The lowercased names to select or to leave out.
    private let names: Set<[UInt8]>
    /// True for HEADER.FIELDS.NOT.
    public let excluding: Bool

    /// `names` are matched ASCII case-insensitively against whole field names.
    public init(names: some Sequence<String>, excluding: Bool) {
        self.names = Set(names.map { $0.utf8.map(ASCII.lowercased) })
        self.excluding = excluding
    }

    /// Selects from a header block (for example the bytes of `SectionText.header`).
    ///
    /// HEADER.FIELDS returns the matching fields in message order, each with its original
    /// bytes (folding kept), each ending in a line break (CRLF is added to a field that the end
    /// of the input cut short). HEADER.FIELDS.NOT returns the other fields as they are. Both
    /// then add the empty line (CRLF) — also when nothing matched — if the block had its
    /// ending empty line: "the blank line is included in all header fetches, except in the
    /// case of a message which has no body and no blank line" (RFC 3501 §6.4.5, RFC 9051
    /// §6.4.5). Dovecot 2.3 adds it there too, except when the fields come from its cache and
    /// the last one selected is the field the end of the message cuts short. Lines without a
    /// colon never match a name.
    public func select(from header: UnsafeRawBufferPointer) -> [UInt8] {
        select(from: header, followedByLineBreak: false)
    }

    /// `followedByLineBreak`: the message continues with a line break right after the block;
    /// HEADER.FIELDS.NOT then counts it as the empty line that ends the header, even where the
    /// MIME structure gives it to a boundary line that follows (Dovecot reads it that way).
    func select(from header: UnsafeRawBufferPointer, followedByLineBreak: Bool) -> [UInt8] {
        let block = HeaderScanner.scan(header, from: 0, to: header.count)
        var output: [UInt8] = []
        output.reserveCapacity(excluding ? header.count : 256)
        for field in block.fields where matches(field, in: header) != excluding {
            output += header[field.range]
            if !excluding, field.range.upperBound > field.range.lowerBound,
               header[field.range.upperBound - 1] != ASCII.lf {
                output += [ASCII.cr, ASCII.lf]
            }
        }
        if block.terminated || followedByLineBreak { output += [ASCII.cr, ASCII.lf] }
        return output
    }

    /// Selects from a header block held in an array.
    public func select(from header: [UInt8]) -> [UInt8] {
        header.withUnsafeBytes { select(from: $0) }
    }

    /// Selects from the header block at `range` of a stored message (a `SectionText.header`
    /// range).
    public func select(from message: UnsafeRawBufferPointer, range: Range<Int>) -> [UInt8] {
        let clamped = range.clamped(to: 0..<message.count)
        let next = clamped.upperBound
        let lineBreak = next < message.count && (message[next] == ASCII.lf
            || (message[next] == ASCII.cr && next + 1 < message.count && message[next + 1] == ASCII.lf))
        return select(from: UnsafeRawBufferPointer(rebasing: message[clamped]),
                      followedByLineBreak: lineBreak)
    }

    /// Selects from the header block at `range` of a stored message held in an array.
    public func select(from message: [UInt8], range: Range<Int>) -> [UInt8] {
        message.withUnsafeBytes { select(from: $0, range: range) }
    }

    private func matches(_ field: HeaderField, in header: UnsafeRawBufferPointer) -> Bool {
        guard field.hasColon, field.nameRange.count <= 256 else { return false }
        var name: [UInt8] = []
        name.reserveCapacity(field.nameRange.count)
        for offset in field.nameRange { name.append(ASCII.lowercased(header[offset])) }
        return names.contains(name)
    }
}
