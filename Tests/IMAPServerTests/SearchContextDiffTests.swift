@testable import IMAPServer
import IMAPSyntax
import MailCore
import Testing

/// ADDTO and REMOVEFROM pairs as `ContextDiff` makes them (RFC 5267 §4.3.3, §4.3.4).
@Suite("Search contexts: result differences")
struct SearchContextDiffTests {
    static func uids(_ values: [UInt32]) -> [UID] { values.map { UID(rawValue: $0) } }
    static func asNumber(_ uid: UID) -> UInt32 { uid.rawValue }

    @Test("SEARCH: position 0, the numbers in mailbox order")
    func unordered() {
        var result = Self.uids([2, 5, 7, 9])
        let removed = ContextDiff.remove(Set(Self.uids([9, 2])), from: &result, ordered: false, number: Self.asNumber)
        #expect(removed == [ContextUpdate(position: 0, numbers: [2, 9])])
        #expect(result == Self.uids([5, 7]))
        let added = ContextDiff.insert(into: &result, target: Self.uids([3, 5, 6, 7]), ordered: false, number: Self.asNumber)
        #expect(added == [ContextUpdate(position: 0, numbers: [3, 6])])
        #expect(result == Self.uids([3, 5, 6, 7]))
        #expect(ContextDiff.remove(Set(Self.uids([1])), from: &result, ordered: false, number: Self.asNumber).isEmpty)
    }

    @Test("SORT: runs of neighbours as one pair, each position valid after the pairs before it")
    func ordered() {
        // The RFC's C01 example in reverse: 2731:2735 less 2731:2733 is 2734:2735.
        var result = Self.uids([2731, 2732, 2733, 2734, 2735])
        let removed = ContextDiff.remove(Set(Self.uids([2731, 2732, 2733])), from: &result, ordered: true,
                                         number: Self.asNumber)
        #expect(removed == [ContextUpdate(position: 1, numbers: [2731, 2732, 2733])])
        let added = ContextDiff.insert(into: &result, target: Self.uids([2731, 2732, 2733, 2734, 2735]), ordered: true,
                                       number: Self.asNumber)
        #expect(added == [ContextUpdate(position: 1, numbers: [2731, 2732, 2733])])
        // Sort order is not mailbox order: 9 first, 4 between 8 and 6.
        var sorted = Self.uids([8, 6, 3])
        let inserted = ContextDiff.insert(into: &sorted, target: Self.uids([9, 8, 4, 6, 3]), ordered: true,
                                          number: Self.asNumber)
        #expect(inserted == [ContextUpdate(position: 1, numbers: [9]), ContextUpdate(position: 3, numbers: [4])])
        let gone = ContextDiff.remove(Set(Self.uids([9, 6, 3])), from: &sorted, ordered: true, number: Self.asNumber)
        // After removing 9 at 1, the list is 8 4 6 3: 6 and 3 go from position 3.
        #expect(gone == [ContextUpdate(position: 1, numbers: [9]), ContextUpdate(position: 3, numbers: [6, 3])])
        #expect(sorted == Self.uids([8, 4]))
    }
}
