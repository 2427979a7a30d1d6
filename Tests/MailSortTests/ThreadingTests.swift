import MailSort
import Testing

/// A thread tree in the THREAD response's notation (RFC 5256 §4), with sequence numbers.
func render(_ threads: [MessageThread], _ messages: [SortableMessage]) -> String {
    func members(_ node: MessageThread) -> String {
        var text = node.message.map { String(messages[$0].sequence) } ?? ""
        if node.children.count == 1 {
            let rest = members(node.children[0])
            text += text.isEmpty ? rest : " " + rest
        } else if !node.children.isEmpty {
            if !text.isEmpty { text += " " }
            text += node.children.map { "(" + members($0) + ")" }.joined()
        }
        return text
    }
    return threads.map { "(" + members($0) + ")" }.joined()
}

func date(_ day: Int) -> String { "Date: \(day) Jan 2001 00:00:00 +0000" }

@Suite("THREAD ORDEREDSUBJECT (RFC 5256 §3)")
struct OrderedSubjectTests {
    @Test("Grouped by base subject, the first message the root, the others its children; threads by first date")
    func grouping() {
        let messages = [
            message("Subject: b\r\n" + date(5), sequence: 1),
            message("Subject: a\r\n" + date(2), sequence: 2),
            message("Subject: Re: b\r\n" + date(6), sequence: 3),
            message("Subject: re: A\r\n" + date(3), sequence: 4),
            message("Subject: Re: a\r\n" + date(4), sequence: 5),
            message("Subject: c\r\n" + date(1), sequence: 6),
        ]
        let threads = MessageThreader.threads(messages, by: .orderedSubject)
        #expect(render(threads, messages) == "(6)(2 (4)(5))(1 3)")
    }
}

@Suite("THREAD REFERENCES (RFC 5256 §3)")
struct ReferencesThreadingTests {
    func threads(_ headers: [String]) -> String {
        let messages = headers.enumerated().map { message($1, sequence: UInt32($0 + 1)) }
        return render(MessageThreader.threads(messages, by: .references), messages)
    }

    @Test("Step 1: parent/child links from References, in date order among siblings")
    func chain() {
        #expect(threads([
            "Message-ID: <1@x>\r\nSubject: s\r\n" + date(1),
            "Message-ID: <2@x>\r\nReferences: <1@x>\r\nSubject: Re: s\r\n" + date(2),
            "Message-ID: <3@x>\r\nReferences: <1@x> <2@x>\r\nSubject: Re: s\r\n" + date(3),
            "Message-ID: <4@x>\r\nReferences: <1@x>\r\nSubject: Re: s\r\n" + date(4),
        ]) == "(1 (2 3)(4))")
    }

    @Test("In-Reply-To is the only reference when References has none")
    func inReplyTo() {
        #expect(threads([
            "Message-ID: <1@x>\r\nSubject: s\r\n" + date(1),
            "Message-ID: <2@x>\r\nIn-Reply-To: <1@x>\r\nSubject: other\r\n" + date(2),
        ]) == "(1 2)")
    }

    @Test("Step 3: a dummy parent with several children stays at the root; with one it is spliced out")
    func dummies() {
        // 1 and 2 reply to a message not in the mailbox: siblings under a dummy (§4 "((3)(5))").
        #expect(threads([
            "Message-ID: <1@x>\r\nReferences: <0@x>\r\nSubject: Re: a\r\n" + date(1),
            "Message-ID: <2@x>\r\nReferences: <0@x>\r\nSubject: Re: b\r\n" + date(2),
        ]) == "((1)(2))")
        // One child of a missing parent: no dummy.
        #expect(threads(["Message-ID: <1@x>\r\nReferences: <0@x>\r\nSubject: Re: a\r\n" + date(1)]) == "(1)")
        // A dummy below a message is spliced out, its children promoted.
        #expect(threads([
            "Message-ID: <1@x>\r\nSubject: a\r\n" + date(1),
            "Message-ID: <3@x>\r\nReferences: <1@x> <2@x>\r\nSubject: Re: a\r\n" + date(3),
            "Message-ID: <4@x>\r\nReferences: <1@x> <2@x>\r\nSubject: Re: a\r\n" + date(4),
        ]) == "(1 (2)(3))")
    }

    @Test("Duplicate Message-IDs: only the first message keeps the ID")
    func duplicates() {
        #expect(threads([
            "Message-ID: <1@x>\r\nSubject: a\r\n" + date(1),
            "Message-ID: <1@x>\r\nSubject: b\r\n" + date(2),
            "Message-ID: <2@x>\r\nReferences: <1@x>\r\nSubject: c\r\n" + date(3),
        ]) == "(1 3)(2)")
    }

    @Test("Loops are not created: a link that would make one is left out")
    func loops() {
        // 1 says its parent is 2, 2 says its parent is 1: 2 takes its own last reference
        // (step 1.B), but 1 already hangs under 2, so 2 under 1
        // would be a loop and is not made; 2 keeps no parent and 1 stays its child.
        #expect(threads([
            "Message-ID: <1@x>\r\nReferences: <2@x>\r\nSubject: a\r\n" + date(1),
            "Message-ID: <2@x>\r\nReferences: <1@x>\r\nSubject: b\r\n" + date(2),
        ]) == "(2 1)")
        // A message referring to itself has no parent.
        #expect(threads(["Message-ID: <1@x>\r\nReferences: <1@x>\r\nSubject: a\r\n" + date(1)]) == "(1)")
        // a's References put b above c above a; c's own References would then put a above b
        // (a loop: b is an ancestor of a) and b above c (c already has a parent): neither is
        // made, and c, whose last reference b is its parent already, stays there.
        #expect(threads([
            "Message-ID: <a@x>\r\nReferences: <b@x> <c@x>\r\nSubject: s\r\n" + date(1),
            "Message-ID: <c@x>\r\nReferences: <a@x> <b@x>\r\nSubject: t\r\n" + date(2),
        ]) == "(2 1)")
    }

    @Test("Step 1.B: a message's own last reference replaces a parent set by others' References")
    func truncatedReferences() {
        // Message 2's References make <2@x> a child of 1; message 3 (<2@x> itself) names <9@x>
        // as its parent: it leaves 1 and hangs, with its child 2, under a dummy for <9@x>,
        // which step 3 splices out.
        #expect(threads([
            "Message-ID: <1@x>\r\nSubject: a\r\n" + date(1),
            "Message-ID: <3@x>\r\nReferences: <1@x> <2@x>\r\nSubject: Re: a\r\n" + date(3),
            "Message-ID: <2@x>\r\nReferences: <9@x>\r\nSubject: q\r\n" + date(2),
        ]) == "(1)(3 2)")
    }

    @Test("Step 5: threads with one base subject are gathered; a reply goes under the original")
    func subjects() {
        // Unrelated by References; 2 is a reply by subject: it becomes 1's child.
        #expect(threads([
            "Message-ID: <1@x>\r\nSubject: hello\r\n" + date(1),
            "Message-ID: <2@x>\r\nSubject: Re: hello\r\n" + date(2),
        ]) == "(1 2)")
        // Neither a reply: a dummy holds both.
        #expect(threads([
            "Message-ID: <1@x>\r\nSubject: hello\r\n" + date(1),
            "Message-ID: <2@x>\r\nSubject: hello\r\n" + date(2),
        ]) == "((1)(2))")
        // Empty subjects are never gathered.
        #expect(threads(["Message-ID: <1@x>\r\n" + date(1), "Message-ID: <2@x>\r\n" + date(2)]) == "(1)(2)")
        // A dummy thread with the subject takes in the message with it.
        #expect(threads([
            "Message-ID: <1@x>\r\nReferences: <0@x>\r\nSubject: Re: hello\r\n" + date(1),
            "Message-ID: <2@x>\r\nReferences: <0@x>\r\nSubject: Re: hello\r\n" + date(2),
            "Message-ID: <3@x>\r\nSubject: hello\r\n" + date(3),
        ]) == "((1)(2)(3))")
    }

    @Test("Steps 4 and 6: siblings and threads by sent date, ties by sequence; a dummy by its first child")
    func dateOrder() {
        #expect(threads([
            "Message-ID: <1@x>\r\nSubject: a\r\n" + date(9),
            "Message-ID: <2@x>\r\nReferences: <0@x>\r\nSubject: b\r\n" + date(5),
            "Message-ID: <3@x>\r\nReferences: <0@x>\r\nSubject: c\r\n" + date(3),
            "Message-ID: <4@x>\r\nSubject: d\r\n" + date(3),
        ]) == "((3)(2))(4)(1)")
    }
}

@Suite("THREAD REFS (Dovecot's variant)")
struct RefsThreadingTests {
    /// The messages of the Dovecot check this test repeats (Dovecot 2.3.19 answered
    /// `(6)((4)(5))(7)(3 8)(1 2)`; REFERENCES gives `((6)(3 8))(1 2)((4)(5))(7)`).
    @Test("No gathering by subject; threads ordered by their newest message")
    func newestLast() {
        let headers = [
            "Message-ID: <1@x>\r\nSubject: plans\r\n" + date(2),
            "Message-ID: <2@x>\r\nReferences: <1@x>\r\nSubject: Re: plans\r\n" + date(9),
            "Message-ID: <3@x>\r\nSubject: zebra\r\n" + date(3),
            "Message-ID: <4@x>\r\nReferences: <missing@x>\r\nSubject: Re: lost\r\n" + date(4),
            "Message-ID: <5@x>\r\nReferences: <missing@x>\r\nSubject: Re: lost\r\n" + date(5),
            "Message-ID: <6@x>\r\nSubject: zebra\r\n" + date(1),
            "Message-ID: <7@x>\r\nReferences: <gone@x>\r\nSubject: only child\r\n" + date(6),
            "Message-ID: <8@x>\r\nIn-Reply-To: <3@x>\r\nSubject: Re: zebra\r\n" + date(7),
        ]
        let messages = headers.enumerated().map { message($1, sequence: UInt32($0 + 1)) }
        #expect(render(MessageThreader.threads(messages, by: .refs), messages) == "(6)((4)(5))(7)(3 8)(1 2)")
        #expect(render(MessageThreader.threads(messages, by: .references), messages) == "((6)(3 8))(1 2)((4)(5))(7)")
    }
}
