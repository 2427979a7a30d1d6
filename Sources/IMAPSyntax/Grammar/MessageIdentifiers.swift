/// A message sequence number: the 1-based position of a message in one session's view of the
/// selected mailbox (RFC 3501 §2.3.1.2). It changes as messages are expunged.
public struct SequenceNumber: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ value: UInt32) { self.rawValue = value }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(rawValue) }
}

/// A unique identifier (RFC 3501 §2.3.1.1): strictly ascending within a mailbox and never
/// reused while the mailbox's UIDVALIDITY stays the same.
public struct UID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ value: UInt32) { self.rawValue = value }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(rawValue) }
}

/// The UIDVALIDITY of a mailbox (RFC 3501 §2.3.1.1): changes only when UIDs are not kept,
/// e.g. when a mailbox is deleted and a new one is created under the same name.
public struct UIDValidity: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ value: UInt32) { self.rawValue = value }
    public var description: String { String(rawValue) }
}

/// A modification sequence (RFC 7162 §3.1.1): a per-mailbox counter, bumped by every change
/// to a message's metadata, to the set of messages, or by an expunge.
public struct ModSeq: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public init(_ value: UInt64) { self.rawValue = value }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(rawValue) }
}
