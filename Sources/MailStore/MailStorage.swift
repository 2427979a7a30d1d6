public import MailCore

/// Everything one backend implements: `SQLiteMailStore` (embedded default), the in-memory
/// reference store and, for many nodes, PostgreSQL. All pass the one conformance suite
/// (`MailStoreConformance`).
public typealias MailStoreBackend = AccountStore & CredentialStore & MailboxStore & MessageStore
    & BlobStore & SortKeyStore & ChangeNotifying & ServerSecrets & Housekeeping & SieveScriptStore & DeliveryLedger
    & ImportStore & QuotaStore & MetadataStore & ThreadStore & AccessControlStore & PreviewStore & MessageReplacing

/// The store as the servers use it: one value per concern, so that a decorator (quota, ACL,
/// metrics) wraps only the concern it changes and forwards nothing else.
public struct MailStorage: Sendable {
    public var accounts: any AccountStore
    public var credentials: any CredentialStore
    public var mailboxes: any MailboxStore
    public var messages: any MessageStore
    public var blobs: any BlobStore
    /// What SORT and THREAD read: dates, sizes and the sort keys kept per blob.
    public var sortKeys: any SortKeyStore
    /// THREADIDs: each user's threads, given once (RFC 8474 §5.2).
    public var threads: any ThreadStore
    /// The installation's secrets (the EMAILID key).
    public var secrets: any ServerSecrets
    /// What background jobs call (purging ghosts of expunged messages).
    public var housekeeping: any Housekeeping
    /// Each user's Sieve scripts and filtering log (RFC 5804).
    public var sieveScripts: any SieveScriptStore
    /// Records of deliveries: duplicates, vacation replies (RFC 5230 §4.2).
    public var ledger: any DeliveryLedger
    /// Per-user quota limits and usage (RFC 9208).
    public var quotas: any QuotaStore
    /// METADATA entries of mailboxes and of the server (RFC 5464).
    public var metadata: any MetadataStore
    /// Access control lists and public folders (RFC 4314, RFC 2342).
    public var accessControl: any AccessControlStore
    /// The preview text kept per blob (RFC 8970 FETCH PREVIEW).
    public var previews: any PreviewStore
    /// REPLACE's append-and-expunge in one step (RFC 8508).
    public var replacing: any MessageReplacing
    /// Where committed changes are announced (RFC 2180, IDLE).
    public var notifications: ChangeNotifier
    /// Mail brought over from another server keeping its UIDs (`tern import`).
    public var imports: any ImportStore

    /// Every concern served by one backend.
    public init(_ backend: some MailStoreBackend) {
        accounts = backend
        credentials = backend
        mailboxes = backend
        messages = backend
        blobs = backend
        sortKeys = backend
        threads = backend
        secrets = backend
        housekeeping = backend
        sieveScripts = backend
        ledger = backend
        quotas = backend
        metadata = backend
        accessControl = backend
        previews = backend
        replacing = backend
        notifications = backend.notifications
        imports = backend
    }
}

extension MailStorage {
    /// The mailboxes every new account gets besides INBOX, with their special use
    /// (RFC 6154 §2), so that every client finds the same Drafts, Sent and Trash.
    public static let standardMailboxes: [(name: String, use: SpecialUse)] =
        [("Drafts", .drafts), ("Sent", .sent), ("Trash", .trash), ("Junk", .junk), ("Archive", .archive)]

    /// Creates an account with INBOX and the standard special-use mailboxes, all subscribed,
    /// and gives it `quota` (the configured default, `[quota]`), set last so that a small
    /// MAILBOX limit cannot stop the standard mailboxes.
    public func provisionAccount(name: String, credentials: PasswordCredentials,
                                 quota: QuotaLimits = .unlimited) async throws -> User {
        let user = try await accounts.addUser(name: name, credentials: credentials)
        try await mailboxes.setSubscribed(true, name: "INBOX", of: user.id)
        for (mailbox, use) in Self.standardMailboxes {
            _ = try await mailboxes.create(MailboxPath(owner: user.id, name: mailbox), specialUse: use,
                                           as: .administrator)
            try await mailboxes.setSubscribed(true, name: mailbox, of: user.id)
        }
        if quota != .unlimited { try await quotas.setQuotaLimits(quota, of: user.id) }
        return user
    }
}
