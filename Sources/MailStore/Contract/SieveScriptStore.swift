public import MailCore

/// One Sieve script of a user, as LISTSCRIPTS shows it (RFC 5804 §2.7).
public struct SieveScriptInfo: Hashable, Sendable {
    /// The script name: any UTF-8 string of the client's choosing, compared exactly
    /// (RFC 5804 §1.6).
    public var name: String
    /// Whether this is the script run at delivery (at most one per user, RFC 5804 §1.x).
    public var isActive: Bool
    /// The script's size in octets.
    public var size: Int

    public init(name: String, isActive: Bool, size: Int) {
        self.name = name
        self.isActive = isActive
        self.size = size
    }
}

/// One line of a user's filtering log: what went wrong while a script ran at delivery, kept
/// for the user to read (Pigeonhole's per-user `.dovecot.sieve.log`).
public struct SieveLogEntry: Hashable, Sendable {
    /// When it was written, seconds since 1970.
    public var date: Int64
    public var text: String

    /// How many entries of a user's log every backend keeps (the newest).
    public static let capacity = 200

    public init(date: Int64, text: String) {
        self.date = date
        self.text = text
    }
}

/// Each user's Sieve scripts (RFC 5804 §1: a user has many scripts, at most one of them
/// active) and a per-user log of filtering errors. Deleting a user removes both.
///
/// Script names compare byte for byte (no case folding, no normalization): the ManageSieve
/// server checks them against RFC 5804 §1.6 before they get here.
public protocol SieveScriptStore: Sendable {
    /// The user's scripts, sorted by name (byte order).
    func sieveScripts(of user: UserID) async throws -> [SieveScriptInfo]
    /// The content of a script, or nil if there is none of that name.
    func sieveScript(named name: String, of user: UserID) async throws -> [UInt8]?
    /// Creates a script or replaces its content; a replaced script keeps its active state
    /// (RFC 5804 §2.6).
    func putSieveScript(named name: String, content: [UInt8], of user: UserID) async throws
    /// Deletes a script. Throws `sieveScriptNotFound`, or `sieveScriptActive` for the active
    /// script (RFC 5804 §2.10: the active script cannot be deleted).
    func deleteSieveScript(named name: String, of user: UserID) async throws
    /// Renames a script; the active state moves with it (RFC 5804 §2.11.1). Throws
    /// `sieveScriptNotFound` or `sieveScriptExists`.
    func renameSieveScript(named name: String, to newName: String, of user: UserID) async throws
    /// Makes `name` the one active script, or (nil) leaves none active (RFC 5804 §2.8).
    /// Throws `sieveScriptNotFound`.
    func activateSieveScript(named name: String?, of user: UserID) async throws
    /// The active script, if any.
    func activeSieveScript(of user: UserID) async throws -> (name: String, content: [UInt8])?
    /// Adds a line to the user's filtering log, which keeps the newest 200 entries.
    func appendSieveLog(_ text: String, of user: UserID, at date: Int64) async throws
    /// The user's filtering log, oldest first.
    func sieveLog(of user: UserID) async throws -> [SieveLogEntry]
}
