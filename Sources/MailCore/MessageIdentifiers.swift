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

/// A user account's stable identifier in a store.
public struct UserID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public var description: String { String(rawValue) }
}

/// A mailbox's stable identifier: survives RENAME; a deleted and re-created mailbox gets a new one.
public struct MailboxID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public var description: String { String(rawValue) }
}

/// The name of an immutable message blob: the lowercase hex SHA-256 of its bytes, so identical
/// messages (one LMTP delivery to many users, COPY) share one blob.
public struct BlobID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}

/// A 32-bit message number: a UID or a sequence number.
public protocol MessageIdentifier: RawRepresentable, Comparable, Hashable, Sendable where RawValue == UInt32 {
    init(rawValue: UInt32)
}

extension SequenceNumber: MessageIdentifier {}
extension UID: MessageIdentifier {}

/// A set of message numbers of one kind, in ascending, coalesced ranges: the `uid-set` of
/// COPYUID and APPENDUID (RFC 4315 §3) and of `VANISHED` (RFC 7162 §3.2.10), the sequence
/// numbers of `MODIFIED` (RFC 7162 §3.1.3).
public struct MessageIdentifierSet<Identifier: MessageIdentifier>: Hashable, Sendable {
    /// Disjoint, non-adjacent ranges in ascending order.
    public private(set) var ranges: [ClosedRange<UInt32>] = []

    public init() {}
    public init<S: Sequence>(_ members: S) where S.Element == Identifier {
        for member in members.sorted() { append(member) }
    }

    public var isEmpty: Bool { ranges.isEmpty }
    public var count: Int { ranges.reduce(0) { $0 + $1.count } }

    /// Adds a member that is at least as large as every member already in the set.
    public mutating func append(_ member: Identifier) {
        let v = member.rawValue
        if let last = ranges.last {
            if last.contains(v) { return }
            if last.upperBound &+ 1 == v {
                ranges[ranges.count - 1] = last.lowerBound...v
                return
            }
            precondition(v > last.upperBound, "MessageIdentifierSet.append needs ascending members")
        }
        ranges.append(v...v)
    }

    public func contains(_ member: Identifier) -> Bool {
        var low = 0, high = ranges.count - 1
        while low <= high {
            let mid = (low + high) / 2
            if ranges[mid].upperBound < member.rawValue { low = mid + 1 }
            else if ranges[mid].lowerBound > member.rawValue { high = mid - 1 }
            else { return true }
        }
        return false
    }

    /// Every member, ascending.
    public var members: [Identifier] { ranges.flatMap { $0.map { Identifier(rawValue: $0) } } }
}

public typealias UIDSet = MessageIdentifierSet<UID>
public typealias SequenceNumberSet = MessageIdentifierSet<SequenceNumber>
