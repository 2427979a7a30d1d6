/// Reads the format that `StructureWriter` writes, checking everything (see StructureCoding).
struct StructureReader {
    let bytes: UnsafeRawBufferPointer
    var position = 0

    /// Deeper nesting than the parser produces is rejected before it can exhaust the stack.
    static let maximumDepth = 2 * MessageParser.maximumDepth + 4

    /// A reader positioned after the format marker and version, which it checks.
    init(header bytes: UnsafeRawBufferPointer) throws {
        self.bytes = bytes
        guard remaining >= 2, try byte() == MessageStructure.marker,
              try byte() == MessageStructure.encodingVersion else {
            throw StructureDecodingError.unsupportedFormat
        }
    }

    var remaining: Int { bytes.count - position }

    mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw StructureDecodingError.truncated }
        defer { position += 1 }
        return bytes[position]
    }

    /// A varint no greater than `limit`.
    mutating func varint(limit: Int) throws -> Int {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = try byte()
            guard shift < 63 else { throw StructureDecodingError.malformed("varint too long") }
            value |= UInt64(next & 0x7F) << shift
            if next & 0x80 == 0 { break }
            shift += 7
        }
        guard value <= UInt64(limit) else {
            throw StructureDecodingError.malformed("value \(value) above \(limit)")
        }
        return Int(value)
    }

    /// A count of items that each take at least `minimumSize` bytes.
    mutating func count(minimumSize: Int) throws -> Int {
        try varint(limit: remaining / max(minimumSize, 1))
    }

    mutating func blob() throws -> [UInt8] {
        let code = try varint(limit: Int.max)
        if code & 1 == 1 {
            let index = code >> 1
            guard index < StructureTokens.bytes.count else {
                throw StructureDecodingError.malformed("unknown token \(index)")
            }
            return StructureTokens.bytes[index]
        }
        let length = code >> 1
        guard length <= remaining else { throw StructureDecodingError.truncated }
        defer { position += length }
        return Array(UnsafeRawBufferPointer(rebasing: bytes[position..<position + length]))
    }

    mutating func string() throws -> String {
        let code = try varint(limit: Int.max)
        if code & 1 == 1 {
            let index = code >> 1
            guard index < StructureTokens.strings.count else {
                throw StructureDecodingError.malformed("unknown token \(index)")
            }
            return StructureTokens.strings[index]
        }
        let length = code >> 1
        guard length <= remaining else { throw StructureDecodingError.truncated }
        defer { position += length }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[position..<position + length]),
                      as: UTF8.self)
    }

    /// Steps over a byte string without copying it.
    mutating func skipBlob() throws {
        let code = try varint(limit: Int.max)
        if code & 1 == 1 {
            guard code >> 1 < StructureTokens.bytes.count else {
                throw StructureDecodingError.malformed("unknown token")
            }
            return
        }
        guard code >> 1 <= remaining else { throw StructureDecodingError.truncated }
        position += code >> 1
    }

    /// Steps over an envelope without building it.
    mutating func skipEnvelope() throws {
        let flags = try varint(limit: 0x3FF)
        for bit in 0..<4 where flags & (1 << bit) != 0 { try skipBlob() }
        for bit in 4..<10 where flags & (1 << bit) != 0 {
            for _ in 0..<(try count(minimumSize: 1)) {
                let present = try byte()
                guard present < 16 else { throw StructureDecodingError.malformed("address flags") }
                for field in 0..<4 where present & (1 << field) != 0 { try skipBlob() }
            }
        }
    }

    mutating func parameters() throws -> [MIMEParameter] {
        let count = try count(minimumSize: 2)
        var list: [MIMEParameter] = []
        list.reserveCapacity(count)
        for _ in 0..<count {
            let name = try string()
            list.append(MIMEParameter(name: name, value: try blob()))
        }
        return list
    }

    mutating func addresses() throws -> [Address] {
        let count = try count(minimumSize: 1)
        var list: [Address] = []
        list.reserveCapacity(count)
        for _ in 0..<count {
            let flags = try byte()
            guard flags < 16 else { throw StructureDecodingError.malformed("address flags") }
            let name = flags & 1 != 0 ? try blob() : nil
            let route = flags & 2 != 0 ? try blob() : nil
            let mailbox = flags & 4 != 0 ? try blob() : nil
            let host = flags & 8 != 0 ? try blob() : nil
            list.append(Address(name: name, route: route, mailbox: mailbox, host: host))
        }
        return list
    }

    mutating func envelope() throws -> Envelope {
        let flags = try varint(limit: 0x3FF)
        var envelope = Envelope()
        if flags & 1 != 0 { envelope.date = try blob() }
        if flags & 2 != 0 { envelope.subject = try blob() }
        if flags & 4 != 0 { envelope.inReplyTo = try blob() }
        if flags & 8 != 0 { envelope.messageID = try blob() }
        if flags & 16 != 0 { envelope.from = try addresses() }
        if flags & 32 != 0 { envelope.sender = try addresses() }
        if flags & 64 != 0 { envelope.replyTo = try addresses() }
        if flags & 128 != 0 { envelope.to = try addresses() }
        if flags & 256 != 0 { envelope.cc = try addresses() }
        if flags & 512 != 0 { envelope.bcc = try addresses() }
        return envelope
    }

    /// Reads a part that must lie within `cursor..<limit`; an `anchored` part (the root, the
    /// message inside a message/rfc822 part) must start at `cursor`, as the parser makes it.
    mutating func part(cursor: Int, limit: Int, depth: Int, anchored: Bool = false) throws -> MessagePart {
        guard depth <= Self.maximumDepth else {
            throw StructureDecodingError.malformed("nesting too deep")
        }
        let headerStart = cursor + (try varint(limit: anchored ? 0 : limit - cursor))
        let headerEnd = headerStart + (try varint(limit: limit - headerStart))
        let bodyEnd = headerEnd + (try varint(limit: limit - headerEnd))
        let lines = try varint(limit: bodyEnd - headerEnd)
        let flags = try varint(limit: 0x1FFF)
        var content = ContentFields()
        if flags & (1 << 0) != 0 { content.type = try string() }
        if flags & (1 << 1) != 0 { content.subtype = try string() }
        if flags & (1 << 2) != 0 { content.parameters = try parameters() }
        if flags & (1 << 3) != 0 { content.transferEncoding = try string() }
        if flags & (1 << 4) != 0 { content.id = try blob() }
        if flags & (1 << 5) != 0 { content.description = try blob() }
        if flags & (1 << 6) != 0 { content.md5 = try blob() }
        if flags & (1 << 7) != 0 { content.disposition = try string() }
        if flags & (1 << 8) != 0 { content.dispositionParameters = try parameters() }
        if flags & (1 << 9) != 0 {
            let count = try count(minimumSize: 1)
            content.language.reserveCapacity(count)
            for _ in 0..<count { content.language.append(try string()) }
        }
        if flags & (1 << 10) != 0 { content.location = try blob() }
        let kind: MessagePart.Kind
        switch flags >> 11 {
        case 0:
            kind = .single
        case 1:
            let count = try count(minimumSize: 5)
            var children: [MessagePart] = []
            children.reserveCapacity(count)
            var childCursor = headerEnd
            for _ in 0..<count {
                let child = try part(cursor: childCursor, limit: bodyEnd, depth: depth + 1)
                children.append(child)
                childCursor = child.bodyRange.upperBound
            }
            kind = .multipart(children)
        case 2:
            let envelope = try envelope()
            let inner = try part(cursor: headerEnd, limit: bodyEnd, depth: depth + 1, anchored: true)
            kind = .message(envelope, inner)
        default:
            throw StructureDecodingError.malformed("part kind")
        }
        return MessagePart(headerRange: headerStart..<headerEnd, bodyRange: headerEnd..<bodyEnd,
                           bodyLines: lines, content: content, kind: kind)
    }
}
