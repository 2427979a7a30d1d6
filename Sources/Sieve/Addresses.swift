import MailMessage

/// Addresses as the tests and actions see them (RFC 5228 §2.7.4): parsed by MailMessage's
/// RFC 5322 parser, split into local part and domain, and the local part into user and
/// detail (RFC 5233 §4).
enum SieveAddresses {
    /// The parts of one address; nil parts are missing (a broken or partial address).
    struct Parts: Hashable {
        var localPart: String?
        var domain: String?

        /// The address part asked for, nil when the address has none (RFC 5233 §4: an
        /// address without detail matches no key for :detail).
        func part(_ part: AddressPart, separator: String) -> String? {
            switch part {
            case .all:
                guard let localPart else { return domain.map { "@" + $0 } }
                guard let domain else { return localPart }
                return localPart + "@" + domain
            case .localpart:
                return localPart
            case .domain:
                return domain
            case .user, .detail:
                guard let localPart else { return nil }
                let bytes = Array(localPart.utf8), mark = Array(separator.utf8)
                guard !mark.isEmpty, bytes.count >= mark.count,
                      let start = (0...(bytes.count - mark.count)).first(where: { bytes[$0..<$0 + mark.count].elementsEqual(mark) })
                else {
                    return part == .user ? localPart : nil
                }
                return part == .user ? String(decoding: bytes[..<start], as: UTF8.self)
                                     : String(decoding: bytes[(start + mark.count)...], as: UTF8.self)
            }
        }
    }

    /// The mailboxes of a parsed address list, group markers left out; placeholders the
    /// parser puts in for missing parts become nil parts.
    static func parts(of addresses: [Address]) -> [Parts] {
        addresses.compactMap { address in
            guard !address.isGroupStart, !address.isGroupEnd else { return nil }
            func text(_ bytes: [UInt8]?) -> String? {
                guard let bytes, !bytes.isEmpty, !Address.isPlaceholder(bytes) else { return nil }
                return CharsetDecoder.decode(bytes, charset: nil)
            }
            let parts = Parts(localPart: text(address.mailbox), domain: text(address.host))
            return parts.localPart == nil && parts.domain == nil ? nil : parts
        }
    }

    /// An envelope address (RFC 5228 §5.4) split at its last "@"; the null reverse path
    /// is the empty string in every part.
    static func envelopeParts(_ address: String) -> Parts {
        var text = Substring(address)
        if text.hasPrefix("<"), text.hasSuffix(">"), text.count >= 2 { text = text.dropFirst().dropLast() }
        guard !text.isEmpty else { return Parts(localPart: "", domain: "") }
        guard let at = text.lastIndex(of: "@") else { return Parts(localPart: String(text), domain: nil) }
        return Parts(localPart: String(text[..<at]), domain: String(text[text.index(after: at)...]))
    }

    /// The single mailbox of `text` (`mailbox` of RFC 5322 §3.4, a display name allowed), as
    /// `local@domain`; nil unless `text` is exactly one complete address.
    static func mailbox(_ text: String) -> String? {
        let addresses = AddressParser.parseAddressList(Array(text.utf8))
        guard addresses.count == 1, let parts = parts(of: addresses).first,
              let localPart = parts.localPart, let domain = parts.domain,
              addresses[0].route == nil else { return nil }
        return quotedLocalPart(localPart) + "@" + domain
    }

    /// The address a `redirect` sends to (RFC 5228 §4.2): one `addr-spec`, possibly in angle
    /// brackets, no display name.
    static func redirectTarget(_ text: String) -> String? {
        let addresses = AddressParser.parseAddressList(Array(text.utf8))
        guard addresses.count == 1, addresses[0].name == nil else { return nil }
        return mailbox(text)
    }

    /// The local part quoted when it is not a `dot-atom-text` (RFC 5322 §3.4.1).
    static func quotedLocalPart(_ localPart: String) -> String {
        let atext = Set("!#$%&'*+-/=?^_`{|}~".utf8)
        let bytes = Array(localPart.utf8)
        let isDotAtom = !bytes.isEmpty && bytes.first != UInt8(ascii: ".") && bytes.last != UInt8(ascii: ".")
            && !localPart.contains("..")
            && bytes.allSatisfy { Byte.isAlpha($0) || Byte.isDigit($0) || atext.contains($0) || $0 == UInt8(ascii: ".") || $0 >= 0x80 }
        guard !isDotAtom else { return localPart }
        var quoted = "\""
        for scalar in localPart.unicodeScalars {
            if scalar == "\"" || scalar == "\\" { quoted.append("\\") }
            quoted.unicodeScalars.append(scalar)
        }
        return quoted + "\""
    }

    /// Header fields that hold addresses: the `address` test looks only at these
    /// (RFC 5228 §5.1 requires at least From, To, Cc, Bcc, Sender, Resent-From, Resent-To).
    static let addressHeaders: Set<String> = [
        "from", "to", "cc", "bcc", "sender", "reply-to", "resent-from", "resent-to", "resent-cc",
        "resent-bcc", "resent-sender", "resent-reply-to", "return-path", "delivered-to", "errors-to",
        "disposition-notification-to", "mail-followup-to", "mail-reply-to", "x-original-to",
        "envelope-to", "original-recipient", "x-envelope-to", "x-envelope-from", "apparently-to",
    ]
}
