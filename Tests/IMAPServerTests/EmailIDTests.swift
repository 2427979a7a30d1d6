@testable import IMAPServer
import MailCore
import MailStore
import Testing

/// EMAILID (RFC 8474 §5.1, §11): per mailbox owner, keyed, stable.
@Suite("EmailIDs")
struct EmailIDTests {
    let blob = BlobID(rawValue: String(repeating: "ab", count: 32))

    @Test("the same message has one id per owner, another in every other account")
    func perOwner() {
        let key = Array("installation secret".utf8)
        let alice = EmailIDs(key: key, owner: UserID(rawValue: 1))
        let bob = EmailIDs(key: key, owner: UserID(rawValue: 2))
        #expect(alice.id(of: blob) == alice.id(of: blob))
        #expect(alice.id(of: blob) != bob.id(of: blob))
        #expect(alice.id(of: blob) != EmailIDs(key: Array("other".utf8), owner: UserID(rawValue: 1)).id(of: blob))
        let id = alice.id(of: blob)
        #expect(id.count == 25 && id.first == "M" && id.dropFirst().allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(!blob.rawValue.hasPrefix(String(id.dropFirst())))
    }
}
