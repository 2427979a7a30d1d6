@testable import IMAPServer
import IMAPSyntax
import MailCore
import MailStore
import Testing

/// Mailbox records with the given names, selectable, without special use.
private func records(_ names: [String]) -> [MailboxRecord] {
    names.enumerated().map { index, name in
        MailboxRecord(id: MailboxID(rawValue: Int64(index + 1)), owner: UserID(rawValue: 1), name: name, selectable: true,
                      specialUse: nil, uidValidity: UIDValidity(1))
    }
}

/// The LIST entries for `command` as (name, CHILDINFO given) pairs.
private func listed(_ command: String, mailboxes: [String], subscribed: [String]) throws -> [(String, Bool)] {
    let list = try parseList(command)
    let options = try ListOptions(list)
    let listing = MailboxListing(mailboxes: records(mailboxes), subscribed: Set(subscribed), options: options)
    let patterns = list.patterns.map { ListPattern(reference: "", pattern: $0.description) }
    return listing.entries(matching: patterns).map { ($0.response.name, !$0.response.childInfo.isEmpty) }
}

private func parseList(_ command: String) throws -> ListCommand {
    let tagged = try GrammarParser.parseCommand(Array("a \(command)".utf8))
    guard case .list(let list) = tagged.command else { throw ParseFailure(description: "not LIST: \(command)") }
    return list
}

private struct ParseFailure: Error { var description: String }

@Suite("LIST-EXTENDED listing (RFC 5258)")
struct MailboxListingTests {
    /// RFC 5258 §5 example 9: the hierarchy and subscriptions.
    static let mailboxes = ["INBOX", "foo2", "foo2/bar1", "foo2/bar2", "baz2", "baz2/bar2", "baz2/bar22",
                            "baz2/bar222", "eps2", "eps2/mamba", "qux2/bar2"]
    static let subscribed = ["foo2/bar1", "foo2/bar2", "baz2/bar2", "baz2/bar22", "baz2/bar222", "eps2",
                             "eps2/mamba", "qux2/bar2"]

    @Test("CHILDINFO only where a matching child is not also returned (RFC 5258 §3.5, example 9)")
    func childInfoIsNotRedundant() throws {
        let entries = try listed(#"LIST (RECURSIVEMATCH SUBSCRIBED) "" "*2""#,
                                 mailboxes: Self.mailboxes, subscribed: Self.subscribed)
        // The RFC's answer: baz2 and qux2 are left out, as "the server may also include (but
        // this would violate a SHOULD NOT in Section 3.5, because CHILDINFO is redundant)".
        #expect(entries.map(\.0) == ["baz2/bar2", "baz2/bar22", "baz2/bar222", "eps2", "foo2", "foo2/bar2",
                                     "qux2/bar2"])
        #expect(entries.filter(\.1).map(\.0) == ["eps2", "foo2"])
    }

    @Test("With every subscribed child returned no CHILDINFO is sent (RFC 5258 §3.3 rule 2)")
    func noChildInfoWhenEverythingIsReturned() throws {
        let entries = try listed(#"LIST (RECURSIVEMATCH SUBSCRIBED) "" "*""#,
                                 mailboxes: Self.mailboxes, subscribed: Self.subscribed)
        #expect(entries.map(\.0) == Self.subscribed.sorted())
        #expect(entries.allSatisfy { !$0.1 })
    }

    @Test("A subscribed parent whose subscribed child is not matched gets CHILDINFO (example 8 A1)")
    func subscribedParent() throws {
        let mailboxes = ["INBOX", "Foo", "Foo/Bar", "Foo/Baz", "Moo"]
        let entries = try listed(#"LIST (SUBSCRIBED RECURSIVEMATCH) "" "%""#,
                                 mailboxes: mailboxes, subscribed: ["Foo", "Foo/Baz"])
        #expect(entries.map(\.0) == ["Foo"] && entries.allSatisfy(\.1))
        let unsubscribed = try listed(#"LIST (SUBSCRIBED RECURSIVEMATCH) "" "%""#,
                                      mailboxes: mailboxes, subscribed: ["Foo/Baz"])
        #expect(unsubscribed.map(\.0) == ["Foo"] && unsubscribed.allSatisfy(\.1))  // example 8 A
        let none = try listed(#"LIST (SUBSCRIBED RECURSIVEMATCH) "" "%""#, mailboxes: mailboxes, subscribed: [])
        #expect(none.isEmpty)  // example 8 B
    }

    @Test("Deep hierarchies: superiors are implied once, CHILDINFO reaches every level")
    func deepHierarchy() throws {
        #expect(MailboxNames.parent(of: "a/b/c") == "a/b" && MailboxNames.parent(of: "a") == nil)
        let deep = (1...300).map { "c/" + (1...$0).map(String.init).joined(separator: "/") }
        let entries = try listed(#"LIST (SUBSCRIBED RECURSIVEMATCH) "" "%""#,
                                 mailboxes: deep, subscribed: [deep.last!])
        #expect(entries.map(\.0) == ["c"] && entries.allSatisfy(\.1))
        #expect(try listed(#"LIST "" "*""#, mailboxes: deep, subscribed: []).count == 300)
        // Only the deepest exists: `%` lists the implied top level, `*` the one mailbox.
        #expect(try listed(#"LIST "" "%""#, mailboxes: [deep.last!], subscribed: []).map(\.0) == ["c"])
        #expect(try listed(#"LIST "" "*""#, mailboxes: [deep.last!], subscribed: []).count == 1)
    }
}

@Suite("LIST patterns (RFC 3501 §6.3.8)")
struct ListPatternTests {
    @Test("*, % and literal characters", arguments: [
        ("*", "a/b/c", true), ("%", "a", true), ("%", "a/b", false), ("a/%", "a/b", true),
        ("a/%", "a/b/c", false), ("a*", "a/b/c", true), ("*c", "a/b/c", true), ("a", "a", true),
        ("a", "ab", false), ("a%b", "ab", true), ("a%b", "a/b", false), ("%/%", "a/b", true),
        ("*é*", "café/x", true), ("caf%", "café", true), ("inbox", "INBOX", true), ("Inbox/%", "INBOX/x", true),
        ("*%*%*%*%*%*%*%*%*%*%*x", String(repeating: "a", count: 400), false), ("%*", "a/b", true),
        ("*%", "a/b", true), ("%%", "a/b", false), ("a%%/%*c", "ab/xc", true), ("a*/b", "a/x/b", true),
        ("a*b", "ab", true), ("ab*ab", "ab", false), ("ab*ab", "abab", true), ("a%", "a", true),
        (String(repeating: "a", count: 1025) + "*", String(repeating: "a", count: 1024), false),
    ])
    func patterns(pattern: String, name: String, expected: Bool) {
        #expect(ListPattern(reference: "", pattern: pattern).matches(name) == expected)
    }

    @Test("The reference is a prefix; a pattern starting with the delimiter is absolute")
    func reference() {
        #expect(ListPattern(reference: "a", pattern: "%").matches("a/b"))
        #expect(ListPattern(reference: "a/", pattern: "%").matches("a/b"))
        #expect(!ListPattern(reference: "a", pattern: "%").matches("b"))
        #expect(ListPattern(reference: "a", pattern: "/x").matches("/x"))
    }
}
