import MailMessage

/// The address form of FROM, TO, CC and BCC (RFC 9051 §6.4.4: "Messages that contain the
/// specified string in the envelope structure's FROM field"): the field's addresses as the
/// ENVELOPE parses them, written out without comments, quoting or folding.
///
/// The raw header text alone misses addresses split by comments and spaces, which
/// RFC 5322 §3.4.1 allows around the "@" and between the words of a local part
/// (`<user-from (comment)@ (comment) domain.org>` is `user-from@domain.org`); searching this
/// form as well finds them. It is written much as Dovecot writes the addresses it searches
/// (`Display Name <local@domain>`, `local@domain`, groups as `name: members;`, separated by
/// `, `), with RFC 2047 encoded words in display names decoded and no display name quoted.
enum SearchAddresses {
    /// The searchable text of one address field's parsed value.
    static func text(of addresses: [Address]) -> String {
        var pieces: [String] = []
        var groupMembers: [String]?
        var groupName = ""
        for address in addresses {
            if address.isGroupStart {
                groupName = string(address.mailbox ?? [])
                groupMembers = []
            } else if address.isGroupEnd {
                pieces.append("\(groupName): \((groupMembers ?? []).joined(separator: ", "));")
                groupMembers = nil
            } else if groupMembers != nil {
                groupMembers?.append(mailbox(address))
            } else {
                pieces.append(mailbox(address))
            }
        }
        if let groupMembers {
            pieces.append("\(groupName): \(groupMembers.joined(separator: ", "))")
        }
        return pieces.joined(separator: ", ")
    }

    /// One mailbox (RFC 5322 §3.4): `name <local@domain>`, or `local@domain` without a name.
    /// Parts the parser filled in for missing or broken ones are not text of the message and
    /// are left out.
    private static func mailbox(_ address: Address) -> String {
        let name = address.name.map { EncodedWordDecoder.decode($0) } ?? ""
        let local = address.mailbox.flatMap { Address.isPlaceholder($0) ? nil : string($0) }
        let domain = address.host.flatMap { Address.isPlaceholder($0) ? nil : string($0) }
        let spec: String
        switch (local, domain) {
        case let (local?, domain?): spec = "\(local)@\(domain)"
        case let (local?, nil): spec = local
        case let (nil, domain?): spec = "@\(domain)"
        case (nil, nil): spec = ""
        }
        if name.isEmpty { return spec }
        return spec.isEmpty ? name : "\(name) <\(spec)>"
    }

    /// Whether a needle stays within one word of the address form: it holds no space and none
    /// of the characters that separate or wrap addresses there (`<>,:;`, quotes, comments).
    static func staysWithinOneWord(_ needle: [UInt8]) -> Bool {
        !needle.contains { isSpace($0) || isWrapping($0) }
    }

    /// Whether an address field's unfolded value is written so plainly that each word of its
    /// address form (`text(of:)`) is also a piece of its decoded text, which the search
    /// already looked through: then a needle that `staysWithinOneWord` cannot match the
    /// address form without matching that text.
    ///
    /// Plain means: no comments, quoted strings, quoted pairs or groups (RFC 5322 §3.2.2,
    /// §3.2.4, §3.4); valid UTF-8 (other bytes are decoded differently by the two forms);
    /// and per comma-separated entry either a bare address without spaces, or a display name
    /// then `<addr-spec>` with nothing but spaces after it, where the address has no spaces,
    /// the name no "@" and no space beside a ".", and only the name holds encoded words
    /// (RFC 2047 §5 allows them nowhere else, and the address form does not decode them).
    static func isWrittenPlainly(_ value: [UInt8]) -> Bool {
        var highBytes = false
        let plain = value.withUnsafeBufferPointer { bytes in
            var scan = PlainnessScan()
            for byte in bytes {
                highBytes = highBytes || byte >= 0x80
                guard scan.next(byte) else { return false }
            }
            return scan.endOfEntry()
        }
        return plain && (!highBytes || String(validating: value, as: UTF8.self) != nil)
    }

    /// One pass of `isWrittenPlainly` over a field's bytes, entry by entry, without allocating.
    private struct PlainnessScan {
        private enum Section { case name, address, tail }
        private var section = Section.name
        private var previous: UInt8 = space
        /// The name part so far has a space between two other characters (a bare address may not).
        private var innerSpace = false
        private var spaceAfterWord = false
        private var nameHasAt = false
        private var nameHasGreater = false
        private var spaceBesideDot = false
        private var encodedWord = false

        /// Takes the next byte; false as soon as the field is not plain.
        mutating func next(_ byte: UInt8) -> Bool {
            defer { previous = byte == comma ? space : byte }  // an entry starts as after a space
            if breaksPlainness(byte) { return false }
            if byte == comma {
                guard endOfEntry() else { return false }
                self = PlainnessScan()
                return true
            }
            let startsEncodedWord = previous == UInt8(ascii: "=") && byte == UInt8(ascii: "?")
            switch section {
            case .name:
                if isSpace(byte) {
                    spaceAfterWord = spaceAfterWord || !isSpace(previous)
                    spaceBesideDot = spaceBesideDot || previous == dot
                } else if byte == lessThan {
                    guard !nameHasAt, !nameHasGreater, !spaceBesideDot else { return false }
                    section = .address
                } else {
                    innerSpace = innerSpace || spaceAfterWord
                    spaceBesideDot = spaceBesideDot || (byte == dot && isSpace(previous))
                    nameHasAt = nameHasAt || byte == at
                    nameHasGreater = nameHasGreater || byte == greaterThan
                    encodedWord = encodedWord || startsEncodedWord
                }
            case .address:
                if isSpace(byte) || byte == lessThan || startsEncodedWord { return false }
                if byte == greaterThan { section = .tail }
            case .tail:
                if !isSpace(byte) { return false }
            }
            return true
        }

        /// The entry ends (a comma or the end of the field): a bare address must be one word
        /// without encoded words, and `<` must have been closed.
        func endOfEntry() -> Bool {
            switch section {
            case .name: !innerSpace && !encodedWord && !nameHasGreater
            case .address: false
            case .tail: true
            }
        }
    }

    private static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), comma = UInt8(ascii: ",")
    private static let lessThan = UInt8(ascii: "<"), greaterThan = UInt8(ascii: ">")
    private static let at = UInt8(ascii: "@"), dot = UInt8(ascii: ".")

    /// Characters that separate or wrap addresses in the address form.
    private static func isWrapping(_ byte: UInt8) -> Bool {
        byte == lessThan || byte == greaterThan || byte == comma || breaksPlainness(byte)
    }

    /// Groups, quoted strings, comments and quoted pairs.
    private static func breaksPlainness(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: ":"), UInt8(ascii: ";"), UInt8(ascii: "\""), UInt8(ascii: "("), UInt8(ascii: ")"),
             UInt8(ascii: "\\"): true
        default: false
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    private static func string(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
