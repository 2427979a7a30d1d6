import IMAPSyntax
import MailCore
import MailStore

extension Session {
    /// A THREADID as the client sees it (RFC 8474 §5.2, §7 `objectid`): "T" and the owner's
    /// thread number, so that it can never equal an EMAILID (which starts with "M").
    static func threadObjectID(_ number: Int64) -> String { "T\(number)" }

    /// The thread numbers of messages of the selected mailbox, given on first use
    /// (`MailStorage.threadNumbers`) and kept in the view: a THREADID never changes once
    /// reported (§5.2), so what the view learned stays true.
    @discardableResult
    func threadNumbers(of uids: [UID], in selected: SelectedMailbox) async throws -> [UID: Int64] {
        let missing = uids.filter { selected.threadNumbers[$0] == nil }
        if !missing.isEmpty {
            let found = try await store.threadNumbers(in: selected.id, owner: selected.record.owner, uids: missing,
                                                      as: principal, pageSize: configuration.reading.pageSize)
            selected.threadNumbers.merge(found) { known, _ in known }
        }
        return selected.threadNumbers
    }

    /// The messages of the view in each thread, by THREADID, for SEARCH THREADID (RFC 8474 §6).
    func threadMembers(in selected: SelectedMailbox) async throws -> [String: [UInt32]] {
        let numbers = try await threadNumbers(of: selected.uids, in: selected)
        var members: [String: [UInt32]] = [:]
        for uid in selected.uids {
            if let number = numbers[uid] { members[Self.threadObjectID(number), default: []].append(uid.rawValue) }
        }
        return members
    }
}

extension SearchKey {
    /// Whether a THREADID key occurs anywhere in the criteria (RFC 8474 §6).
    var mentionsThreadID: Bool {
        switch self {
        case .threadID: return true
        case .not(let inner): return inner.mentionsThreadID
        case .or(let left, let right): return left.mentionsThreadID || right.mentionsThreadID
        case .and(let keys): return keys.contains { $0.mentionsThreadID }
        default: return false
        }
    }
}
