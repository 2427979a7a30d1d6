/// Secrets of one installation that must outlive restarts and travel with the data: made of
/// random bytes at first use and never changed, so that what is derived from them (EMAILIDs,
/// RFC 8474 §5.1, which must never change for a message) stays the same.
public protocol ServerSecrets: Sendable {
    /// The 32-byte secret called `name`, created on the first call.
    func secret(named name: String) async throws -> [UInt8]
}
