import MailCore
import MailStore

/// Finds the account an envelope recipient names (RFC 5321 §2.3.11 mailbox, RFC 5233
/// subaddress): `alice`, `Alice@Example.org`, `alice+lists@example.org`.
struct RecipientResolver: Sendable {
    let accounts: any AccountStore
    let configuration: DeliveryConfiguration

    /// The recipient, or nil when no account has that address (LMTP `550 5.1.1`). An account
    /// may be named by the whole address (user names may hold `@`) or by its local part; the
    /// subaddress is cut off only when the full name is no account (`a+b` may be a user).
    func resolve(_ address: String) async throws -> DeliveryRecipient? {
        guard let (localPart, domain) = Self.split(address) else { return nil }
        if let domain, !configuration.domains.isEmpty,
           !configuration.domains.contains(domain.lowercased()) {
            return nil
        }
        if let user = try await account(localPart: localPart, domain: domain) {
            return DeliveryRecipient(address: address, user: user, detail: nil)
        }
        let delimiters = Set(configuration.subaddressDelimiter)
        guard let cut = localPart.firstIndex(where: { delimiters.contains($0) }), cut != localPart.startIndex,
              let user = try await account(localPart: String(localPart[..<cut]), domain: domain)
        else { return nil }
        let detail = String(localPart[localPart.index(after: cut)...])
        return DeliveryRecipient(address: address, user: user, detail: detail)
    }

    /// The account named `local@domain`, else the one named `local`.
    private func account(localPart: String, domain: String?) async throws -> User? {
        if let domain, let user = try await account(named: localPart + "@" + domain) { return user }
        return try await account(named: localPart)
    }

    private func account(named name: String) async throws -> User? {
        guard let canonical = User.canonicalName(name) else { return nil }
        return try await accounts.user(named: canonical)
    }

    /// The local part (unquoted, RFC 5321 §4.1.2 `Quoted-string`) and the domain, if any.
    static func split(_ address: String) -> (localPart: String, domain: String?)? {
        var local = Substring(address)
        var domain: String?
        if let at = address.lastIndex(of: "@") {
            local = address[..<at]
            domain = String(address[address.index(after: at)...])
            if domain?.isEmpty == true { return nil }
        }
        if local.count >= 2, local.first == "\"", local.last == "\"" {
            var unquoted = ""
            var escaped = false
            for character in local.dropFirst().dropLast() {
                if escaped || character != "\\" {
                    unquoted.append(character)
                    escaped = false
                } else {
                    escaped = true
                }
            }
            local = Substring(unquoted)
        }
        guard !local.isEmpty else { return nil }
        return (String(local), domain)
    }
}
