/// The stored form of `MessageSortKeys`: compact bytes that a store keeps beside each blob
/// without knowing what is in them.
///
/// Layout: a format byte (`MessageSortKeys.format`), a flags byte (bit 0: a sent date
/// follows, bit 1: reply or forward, bit 2: a Message-ID follows), the sent date as 8 bytes
/// little-endian, then each string as a LEB128 length and its bytes: subject, from, to, cc,
/// display-from, display-to, [message-id], then the number of references and each reference.
///
/// Keys written in another format decode to nil: the store treats them as missing and they
/// are made again from the message (how a change of the key rules reaches stored messages).
extension MessageSortKeys {
    /// The format written now; bump it when what the keys hold or how they are made changes.
    public static let format: UInt8 = 1

    public func encoded() -> [UInt8] {
        var output: [UInt8] = [Self.format]
        var flags: UInt8 = 0
        if sentDate != nil { flags |= 1 }
        if isReplyOrForward { flags |= 2 }
        if messageID != nil { flags |= 4 }
        output.append(flags)
        if let sentDate {
            withUnsafeBytes(of: sentDate.littleEndian) { output += $0 }
        }
        for field in [subject, from, to, cc, displayFrom, displayTo] { Self.append(field, to: &output) }
        if let messageID { Self.append(Array(messageID.utf8), to: &output) }
        Self.appendNumber(references.count, to: &output)
        for reference in references { Self.append(Array(reference.utf8), to: &output) }
        return output
    }

    /// Decodes `encoded()`; nil for another format or damaged bytes.
    public init?(decoding bytes: some Collection<UInt8>) {
        var reader = Reader(bytes: Array(bytes))
        guard reader.byte() == Self.format, let flags = reader.byte() else { return nil }
        var sentDate: Int64?
        if flags & 1 != 0 {
            guard let raw = reader.bytes(8) else { return nil }
            var value: Int64 = 0
            for (index, byte) in raw.enumerated() { value |= Int64(byte) << (8 * Int64(index)) }
            sentDate = value
        }
        guard let subject = reader.field(), let from = reader.field(), let to = reader.field(),
              let cc = reader.field(), let displayFrom = reader.field(), let displayTo = reader.field()
        else { return nil }
        var messageID: String?
        if flags & 4 != 0 {
            guard let id = reader.field() else { return nil }
            messageID = String(decoding: id, as: UTF8.self)
        }
        guard let count = reader.number(), count <= reader.remaining else { return nil }
        var references: [String] = []
        references.reserveCapacity(count)
        for _ in 0..<count {
            guard let reference = reader.field() else { return nil }
            references.append(String(decoding: reference, as: UTF8.self))
        }
        guard reader.remaining == 0 else { return nil }
        self.init(sentDate: sentDate, subject: subject, isReplyOrForward: flags & 2 != 0, from: from, to: to,
                  cc: cc, displayFrom: displayFrom, displayTo: displayTo, messageID: messageID,
                  references: references)
    }

    private static func append(_ field: [UInt8], to output: inout [UInt8]) {
        appendNumber(field.count, to: &output)
        output += field
    }

    private static func appendNumber(_ number: Int, to output: inout [UInt8]) {
        var value = UInt64(number)
        repeat {
            let low = UInt8(value & 0x7F)
            value >>= 7
            output.append(value == 0 ? low : low | 0x80)
        } while value != 0
    }

    private struct Reader {
        let bytes: [UInt8]
        var position = 0

        var remaining: Int { bytes.count - position }

        mutating func byte() -> UInt8? {
            guard position < bytes.count else { return nil }
            defer { position += 1 }
            return bytes[position]
        }

        mutating func bytes(_ count: Int) -> ArraySlice<UInt8>? {
            guard count >= 0, count <= remaining else { return nil }
            defer { position += count }
            return bytes[position..<position + count]
        }

        mutating func number() -> Int? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while let byte = byte() {
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value <= UInt64(Int32.max) ? Int(value) : nil }
                shift += 7
                if shift > 35 { return nil }
            }
            return nil
        }

        mutating func field() -> [UInt8]? {
            guard let count = number(), let slice = bytes(count) else { return nil }
            return Array(slice)
        }
    }
}
