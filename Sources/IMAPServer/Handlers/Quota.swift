import IMAPSyntax
import MailCore
import MailStore

extension Session {
    /// The one quota root of every user, holding all of the user's mailboxes: named as
    /// Dovecot names its default root, so that clients showing the name (Thunderbird's folder
    /// properties) show words, and those keyed on it see what they see with Dovecot.
    static let quotaRootName = "User quota"

    /// The QUOTA capabilities (RFC 9208 §3.1.1, §9.1): one `QUOTA=RES-` per resource kept.
    /// `QUOTASET` is not among them: limits are set by the administrator (`tern quota set`),
    /// and IMAP here has no administrator login (§4.1.3).
    static let quotaCapabilities: [Capability] =
        ["QUOTA"] + QuotaResource.allCases.map { Capability("QUOTA=RES-\($0.rawValue)") }

    /// GETQUOTA (RFC 9208 §4.1.1): the usage and limits of a quota root; a root other than the
    /// user's own is `NO [NONEXISTENT]`.
    func getQuota(root: String) async throws -> CommandOutcome {
        guard let user = state.user else { return .bad("Log in first") }
        guard root == Self.quotaRootName else { return .no("No such quota root", code: .nonExistent) }
        let quota = try await store.quotas.quota(of: user.id)
        send(.quota(root: root, Self.quotaResponse(quota)))
        return .ok("GETQUOTA completed")
    }

    /// GETQUOTAROOT (RFC 9208 §4.1.2): the quota root of a mailbox (the user's one root,
    /// whether the mailbox exists or not: "handy … when it gets created") and its QUOTA; none
    /// for a mailbox of another user or a public folder.
    func getQuotaRoot(_ wireName: MailboxName) async throws -> CommandOutcome {
        guard let user = state.user else { return .bad("Log in first") }
        let name = try decodeMailboxName(wireName)
        // Another owner's mailbox (RFC 2342) counts against that owner's root, which is not
        // the user's to see: no root is named.
        guard try await resolveMailbox(name).path.owner == user.id else {
            send(.quotaRoot(name, roots: []))
            return .ok("GETQUOTAROOT completed")
        }
        let quota = try await store.quotas.quota(of: user.id)
        send(.quotaRoot(name, roots: [Self.quotaRootName]))
        send(.quota(root: Self.quotaRootName, Self.quotaResponse(quota)))
        return .ok("GETQUOTAROOT completed")
    }

    /// SETQUOTA (RFC 9208 §4.1.3): parsed, and refused, since only an administrator sets limits
    /// and none logs in over IMAP; `QUOTASET` is not advertised. A client "MUST be prepared for
    /// a SETQUOTA command to fail" (§3.2).
    func setQuota(root: String, limits: [QuotaLimitRequest]) -> CommandOutcome {
        guard state.user != nil else { return .bad("Log in first") }
        return .no("Quota limits are set by the administrator (tern quota set)", code: .noPerm)
    }

    /// The triplets of a QUOTA response (RFC 9208 §4.2.1): one per limited resource (an
    /// unlimited one is left out: "Resources not named in the list are not limited").
    /// STORAGE goes in units of 1024 octets (§5.1): the usage rounded up, so that it never
    /// shows less than is used, the limit rounded down, so that it never shows more than is
    /// allowed.
    static func quotaResponse(_ quota: Quota) -> [QuotaResourceStatus] {
        QuotaResource.allCases.compactMap { resource in
            guard let limit = quota.limits[resource] else { return nil }
            let usage = quota.usage[resource]
            if resource == .storage {
                return QuotaResourceStatus(resource: resource.rawValue, usage: kibibytesRoundedUp(usage),
                                           limit: limit / 1024)
            }
            return QuotaResourceStatus(resource: resource.rawValue, usage: usage, limit: limit)
        }
    }

    /// Octets in units of 1024, rounded up.
    static func kibibytesRoundedUp(_ octets: UInt64) -> UInt64 {
        octets / 1024 + (octets % 1024 == 0 ? 0 : 1)
    }
}
