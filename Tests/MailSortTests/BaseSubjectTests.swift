import MailSort
import Testing

@Suite("Base subject (RFC 5256 §2.1)")
struct BaseSubjectTests {
    func base(_ subject: String) -> String { BaseSubject(fieldValue: Array(subject.utf8)).text }
    func isReply(_ subject: String) -> Bool { BaseSubject(fieldValue: Array(subject.utf8)).isReplyOrForward }

    @Test("Step 1: RFC 2047 words decoded, tabs and line breaks become spaces, runs of spaces one")
    func stepOne() {
        #expect(base("=?utf-8?q?Gr=C3=BC=C3=9Fe?= aus  Bern") == "Grüße aus Bern")
        #expect(base("a\tb\r\n c") == "a b c")
        #expect(base("=?iso-8859-1?b?U2No9m4=?= =?iso-8859-1?q?_Tag?=") == "Schön Tag")
    }

    @Test("Step 2: subj-trailer (fwd) and white space removed, repeatedly; (fwd) marks a forward")
    func stepTwo() {
        #expect(base("Meeting (fwd)") == "Meeting")
        #expect(base("Meeting (FWD) (fwd)  ") == "Meeting")
        #expect(isReply("Meeting (fwd)"))
        #expect(!isReply("Meeting  "))
        #expect(base("Meeting(fwd)x") == "Meeting(fwd)x")
    }

    @Test("Step 3: subj-leader: re, fw, fwd in any case, blobs before and inside, white space")
    func stepThree() {
        #expect(base("Re: hello") == "hello")
        #expect(base("RE:hello") == "hello")
        #expect(base("Fw: hello") == "hello")
        #expect(base("FWD : hello") == "hello")
        #expect(base("re[2]: hello") == "hello")
        #expect(base("Re [list]: hello") == "hello")
        #expect(base("[list] Re: hello") == "hello")
        #expect(base("   hello") == "hello")
        #expect(isReply("Re: hello"))
        #expect(isReply("[list] fwd: hello"))
        #expect(!isReply("[list] hello"))
        // Not a leader: "ref:" is no subj-refwd, and a colon must follow.
        #expect(base("Ref: hello") == "Ref: hello")
        #expect(base("Re hello") == "Re hello")
    }

    @Test("Step 4: a leading blob goes only if a non-empty subj-base remains")
    func stepFour() {
        #expect(base("[list] hello") == "hello")
        #expect(base("[a][b] hello") == "hello")
        #expect(base("[only]") == "[only]")
        #expect(base("[a] [b]") == "[b]")
        #expect(!isReply("[a] [b]"))
    }

    @Test("Step 5: steps 3 and 4 repeat until nothing matches")
    func stepFive() {
        #expect(base("Re: [list] Re: Fwd: [x] hello") == "hello")
        #expect(base("Re: Re: Re: hello") == "hello")
    }

    @Test("Step 6: [fwd: ...] unwrapped, then again from step 2")
    func stepSix() {
        #expect(base("[Fwd: Re: hello]") == "hello")
        #expect(base("[fwd: [fwd: hello (fwd)]]") == "hello")
        #expect(isReply("[fwd: hello]"))
        // Without the closing "]" there is neither a subj-fwd nor a blob.
        #expect(base("[fwd: hello") == "[fwd: hello")
    }

    @Test("Empty and reply-only subjects have an empty base subject")
    func empty() {
        #expect(base("") == "")
        #expect(base("Re:") == "")
        #expect(base("   ") == "")
        #expect(base("(fwd)") == "")
    }
}
