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

    private static func string(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
