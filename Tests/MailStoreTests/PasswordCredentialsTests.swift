import MailCore
import MailStore
import Testing

@Suite("PasswordCredentials")
struct PasswordCredentialsTests {
    /// Few rounds: these tests check the record, not the cost of key stretching.
    static let rounds = 64

    @Test func verifiesTheRightPasswordOnly() throws {
        let credentials = try PasswordCredentials(password: "correct horse", iterations: Self.rounds)
        #expect(credentials.verify(password: "correct horse"))
        #expect(!credentials.verify(password: "correct horse "))
        #expect(!credentials.verify(password: "Correct horse"))
        #expect(!credentials.verify(password: ""))
    }

    @Test func keysAreSCRAMSHA256Sized() throws {
        let credentials = try PasswordCredentials(password: "pw", iterations: Self.rounds)
        #expect(credentials.iterations == Self.rounds)
        #expect(credentials.salt.count == 16)
        #expect(credentials.storedKey.count == 32)
        #expect(credentials.serverKey.count == 32)
    }

    @Test func eachDerivationUsesAFreshSalt() throws {
        let one = try PasswordCredentials(password: "same", iterations: Self.rounds)
        let two = try PasswordCredentials(password: "same", iterations: Self.rounds)
        #expect(one.salt != two.salt)
        #expect(one.storedKey != two.storedKey)
        #expect(one.verify(password: "same") && two.verify(password: "same"))
    }

    @Test func unicodePasswordsVerify() throws {
        let credentials = try PasswordCredentials(password: "pässwörd–日本", iterations: Self.rounds)
        #expect(credentials.verify(password: "pässwörd–日本"))
        #expect(!credentials.verify(password: "passwort"))
    }

    @Test func encodedFormRoundTrips() throws {
        let credentials = try PasswordCredentials(password: "round trip", iterations: Self.rounds)
        let encoded = credentials.encoded
        #expect(encoded.hasPrefix("SCRAM-SHA-256$\(Self.rounds):"))
        let decoded = try #require(PasswordCredentials(encoded: encoded))
        #expect(decoded == credentials)
        #expect(decoded.verify(password: "round trip"))
    }

    /// The keys of RFC 7677 §3's example: password "pencil", its salt, 4096 rounds (computed
    /// independently with Python's hashlib).
    @Test func verifiesAKnownRecord() throws {
        let record = "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$"
            + "WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU="
        let credentials = try #require(PasswordCredentials(encoded: record))
        #expect(credentials.iterations == 4096)
        #expect(credentials.salt.count == 16)
        #expect(credentials.encoded == record)
        #expect(credentials.verify(password: "pencil"))
        #expect(!credentials.verify(password: "pencil!"))
    }

    @Test(arguments: [
        "",
        "SCRAM-SHA-256",
        "SCRAM-SHA-1$4096:c2FsdA==$" + key + ":" + key,
        "SCRAM-SHA-256$4096:c2FsdA==",
        "SCRAM-SHA-256$abc:c2FsdA==$" + key + ":" + key,
        "SCRAM-SHA-256$0:c2FsdA==$" + key + ":" + key,
        "SCRAM-SHA-256$-5:c2FsdA==$" + key + ":" + key,
        "SCRAM-SHA-256$4096:$" + key + ":" + key,
        "SCRAM-SHA-256$4096:not base64!$" + key + ":" + key,
        "SCRAM-SHA-256$4096:c2FsdA==$" + key,
        "SCRAM-SHA-256$4096:c2FsdA==$c2hvcnQ=:" + key,
        "SCRAM-SHA-256$4096:c2FsdA==$" + key + ":" + key + "$extra",
        "SCRAM-SHA-256$4096:c2FsdA==:more$" + key + ":" + key,
    ])
    func malformedEncodingsAreRejected(_ encoded: String) {
        #expect(PasswordCredentials(encoded: encoded) == nil)
    }

    /// 32 bytes in base64.
    static let key = "WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY="
}

private let key = PasswordCredentialsTests.key
