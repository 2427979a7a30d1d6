@testable import IMAPServer
import IMAPSyntax
import MailCore
@testable import MailStore
import Testing
import TestSupport

/// A SCRAM-SHA-256 client, enough to drive the server's exchange (RFC 5802 §3).
private struct TestClient {
    var username = "user"
    var password = "pencil"
    var gs2Header = "n,,"
    var nonce = "clientNonce0123"
    /// Channel-binding data appended to the GS2 header in `c=` (with `p=`).
    var bindingData: [UInt8] = []

    var clientFirstBare: String { "n=\(SCRAMGrammar.saslname(username)),r=\(nonce)" }
    var clientFirst: [UInt8] { Array((gs2Header + clientFirstBare).utf8) }

    /// The client-final message answering `serverFirst`; `extensions` go between `r=` and `p=`.
    func clientFinal(_ serverFirst: [UInt8], extensions: String = "") throws -> [UInt8] {
        let fields = String(decoding: serverFirst, as: UTF8.self).split(separator: ",")
        let combined = String(fields[0].dropFirst(2))
        let salt = try #require(GrammarParser.decodeBase64(Array(fields[1].dropFirst(2).utf8)))
        let iterations = try #require(Int(fields[2].dropFirst(2)))
        let clientKey = PasswordCredentials.clientKey(
            try PasswordCredentials.saltedPassword(password, salt: salt, iterations: iterations))
        let channelBinding = SCRAMGrammar.base64(Array(gs2Header.utf8) + bindingData)
        let withoutProof = "c=\(channelBinding),r=\(combined)\(extensions)"
        let authMessage = Array("\(clientFirstBare),".utf8) + serverFirst + Array(",\(withoutProof)".utf8)
        let signature = SCRAMServerExchange.hmac(key: SCRAMServerExchange.sha256(clientKey), authMessage)
        let proof = zip(clientKey, signature).map { $0 ^ $1 }
        return Array("\(withoutProof),p=\(SCRAMGrammar.base64(proof))".utf8)
    }
}

private let serverNonce = "serverNonce4567"
private let userCredentials = try! PasswordCredentials(
    password: "pencil", salt: Array("0123456789abcdef".utf8), iterations: 4096)
private let madeUpBinding = ChannelBinding(type: "tls-server-end-point", data: Array(0..<32))

private func exchange(plus: Bool = false, binding: ChannelBinding? = nil) -> SCRAMServerExchange {
    SCRAMServerExchange(plus: plus, binding: binding,
                        decoy: SCRAMDecoy(key: Array("decoy".utf8), iterations: 4096),
                        nonce: { serverNonce })
}

private func isFailure(_ step: SCRAMServerExchange.Step) -> Bool {
    if case .failure = step { return true }
    return false
}

private func isSuccess(_ step: SCRAMServerExchange.Step) -> Bool {
    if case .success = step { return true }
    return false
}

private func failureReason(_ step: SCRAMServerExchange.Step) -> String? {
    if case .failure(let reason) = step { return reason }
    return nil
}

/// Runs a whole exchange; the last step (`.authenticated` on success).
private func run(_ client: TestClient, plus: Bool = false, binding: ChannelBinding? = nil,
                 credentials: PasswordCredentials? = userCredentials) throws -> SCRAMServerExchange.Step {
    var server = exchange(plus: plus, binding: binding)
    let first = server.receive(client.clientFirst)
    guard case .needCredentials = first else { return first }
    let challenge = server.receiveCredentials(credentials)
    guard case .challenge(let serverFirst) = challenge else { return challenge }
    let final = server.receive(try client.clientFinal(serverFirst))
    guard case .success = final else { return final }
    return server.receive([])
}

/// The server after a valid client-first and its challenge.
private func challenged(_ client: TestClient = TestClient()) throws -> (SCRAMServerExchange, [UInt8]) {
    var server = exchange()
    #expect(server.receive(client.clientFirst) == .needCredentials(username: client.username))
    let step = server.receiveCredentials(userCredentials)
    guard case .challenge(let serverFirst) = step else { throw UnexpectedStep(step: step) }
    return (server, serverFirst)
}

private struct UnexpectedStep: Error {
    var step: SCRAMServerExchange.Step
}

private func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
}

@Suite("SCRAM-SHA-256 server exchange (RFC 5802, RFC 7677)")
struct SCRAMExchangeTests {
    @Test("RFC 7677 §3 test vector: exact server-first and server-final messages")
    func rfc7677Vector() throws {
        let salt = try #require(GrammarParser.decodeBase64(Array("W22ZaJ0SNY7soEsUEjb6gQ==".utf8)))
        let credentials = try PasswordCredentials(password: "pencil", salt: salt, iterations: 4096)
        var server = SCRAMServerExchange(plus: false, binding: nil,
                                         nonce: { "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0" })
        #expect(server.receive(Array("n,,n=user,r=rOprNGfwEbeRWgbNEkqO".utf8))
                == .needCredentials(username: "user"))
        #expect(server.receiveCredentials(credentials) == .challenge(Array(
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096".utf8)))
        let clientFinal = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
            + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
        #expect(server.receive(Array(clientFinal.utf8)) == .success(
            username: "user", serverFinal: Array("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=".utf8)))
        #expect(server.receive([]) == .authenticated(username: "user"))
        #expect(isFailure(server.receive([])))
    }

    @Test("RFC 7677 §3 client-final against another password's keys fails")
    func rfc7677WrongPassword() throws {
        let salt = try #require(GrammarParser.decodeBase64(Array("W22ZaJ0SNY7soEsUEjb6gQ==".utf8)))
        let credentials = try PasswordCredentials(password: "pencil2", salt: salt, iterations: 4096)
        var server = SCRAMServerExchange(plus: false, binding: nil,
                                         nonce: { "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0" })
        _ = server.receive(Array("n,,n=user,r=rOprNGfwEbeRWgbNEkqO".utf8))
        _ = server.receiveCredentials(credentials)
        let clientFinal = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
            + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
        #expect(failureReason(server.receive(Array(clientFinal.utf8))) == "invalid-proof")
    }

    @Test("A whole exchange with the test client; a wrong password fails")
    func roundTrip() throws {
        #expect(try run(TestClient()) == .authenticated(username: "user"))
        #expect(isFailure(try run(TestClient(password: "pencil!"))))
    }

    @Test("Unknown user: a stable fake salt, the configured iterations, failure only at the proof")
    func unknownUser() throws {
        var first = exchange(), second = exchange(), other = exchange()
        let client = TestClient(username: "ghost")
        #expect(first.receive(client.clientFirst) == .needCredentials(username: "ghost"))
        _ = second.receive(client.clientFirst)
        _ = other.receive(TestClient(username: "phantom").clientFirst)
        guard case .challenge(let serverFirst) = first.receiveCredentials(nil),
              case .challenge(let again) = second.receiveCredentials(nil),
              case .challenge(let otherFirst) = other.receiveCredentials(nil)
        else {
            Issue.record("no challenge")
            return
        }
        let text = String(decoding: serverFirst, as: UTF8.self)
        #expect(text.hasSuffix(",i=4096"))
        #expect(serverFirst == again)
        #expect(String(decoding: otherFirst, as: UTF8.self).split(separator: ",")[1] != text.split(separator: ",")[1])
        let salt = try #require(GrammarParser.decodeBase64(Array(text.split(separator: ",")[1].dropFirst(2).utf8)))
        #expect(salt.count == 16)
        let decoy = SCRAMDecoy(key: Array("decoy".utf8), iterations: 4096).credentials(forUsername: "GHOST")
        #expect(decoy.salt == salt, "the salt depends on the canonical name only")
        #expect(failureReason(first.receive(try client.clientFinal(serverFirst)))?.hasPrefix("unknown-user") == true)
    }

    @Test("Stored credentials that cannot serve SCRAM fail")
    func unusableCredentials() {
        var server = exchange()
        _ = server.receive(TestClient().clientFirst)
        let broken = PasswordCredentials(iterations: 0, salt: [1], storedKey: [], serverKey: [])
        #expect(isFailure(server.receiveCredentials(broken)))
    }

    @Test("Optional extensions are ignored, in both client messages")
    func optionalExtensions() throws {
        var extended = TestClient()
        extended.nonce += ",x=1,q=two"      // attributes after r= in client-first-message-bare
        #expect(try run(extended) == .authenticated(username: "user"))
        let (start, serverFirst) = try challenged()
        var server = start
        #expect(isSuccess(server.receive(try TestClient().clientFinal(serverFirst, extensions: ",z=ignored"))))
    }
}

@Suite("SCRAM GS2 header and channel binding (RFC 5802 §6, §7)")
struct SCRAMChannelBindingTests {
    @Test("Flag, mechanism and connection binding decide whether the exchange may start", arguments: [
        // (gs2 header, -PLUS, binding offered, accepted)
        ("n,,", false, false, true),
        ("n,,", false, true, true),
        ("y,,", false, false, true),
        ("y,,", false, true, false),            // downgrade: -PLUS was advertised
        ("p=tls-server-end-point,,", false, true, false),
        ("p=tls-server-end-point,,", true, false, false),   // -PLUS without TLS
        ("p=tls-server-end-point,,", true, true, true),
        ("p=tls-unique,,", true, true, false),
        ("n,,", true, true, false),
        ("y,,", true, true, false),
        ("n,,", true, false, false),
    ])
    func flags(_ example: (String, Bool, Bool, Bool)) {
        let (header, plus, offered, accepted) = example
        var server = exchange(plus: plus, binding: offered ? madeUpBinding : nil)
        let step = server.receive(Array("\(header)n=user,r=abc".utf8))
        #expect((step == .needCredentials(username: "user")) == accepted)
        #expect(isFailure(step) == !accepted)
    }

    @Test("SCRAM-SHA-256-PLUS with a made-up tls-server-end-point binding")
    func plusExchange() throws {
        let client = TestClient(gs2Header: "p=tls-server-end-point,,", bindingData: madeUpBinding.data)
        #expect(try run(client, plus: true, binding: madeUpBinding) == .authenticated(username: "user"))

        var wrongData = client
        wrongData.bindingData = Array(repeating: 7, count: 32)
        #expect(failureReason(try run(wrongData, plus: true, binding: madeUpBinding)) == "channel-bindings-dont-match")

        var noData = client
        noData.bindingData = []
        #expect(isFailure(try run(noData, plus: true, binding: madeUpBinding)))

        var withAuthzid = client
        withAuthzid.gs2Header = "p=tls-server-end-point,a=user,"
        #expect(try run(withAuthzid, plus: true, binding: madeUpBinding) == .authenticated(username: "user"))
    }

    @Test("c= must repeat the GS2 header exactly")
    func channelBindingEcho() throws {
        #expect(try run(TestClient(gs2Header: "y,,")) == .authenticated(username: "user"))
        // The client says "n" first, then "y" in c= (eSws): refused.
        let (start, serverFirst) = try challenged()
        var server = start
        let nonce = String(String(decoding: serverFirst, as: UTF8.self).split(separator: ",")[0])
        #expect(failureReason(server.receive(Array("c=eSws,\(nonce),p=AAAA".utf8))) == "channel-bindings-dont-match")
        // The same header with the binding data of a connection that has none.
        var extra = TestClient()
        extra.bindingData = [1]
        #expect(isFailure(try run(extra)))
    }

    @Test("Authorization identity: only the user itself", arguments: [
        ("n,a=user,", true), ("n,a=USER,", true), ("n,a=other,", false), ("n,a=,", false),
        ("n,a=us=2Cer,", false), ("n,b=user,", false),
    ])
    func authzid(header: String, accepted: Bool) {
        var server = exchange()
        #expect(isFailure(server.receive(Array("\(header)n=user,r=abc".utf8))) == !accepted)
    }

    @Test("tls-server-end-point hash chosen from the signature algorithm (RFC 5929 §4.1)", arguments: [
        ("1.2.840.113549.1.1.4", "sha256"), ("1.2.840.113549.1.1.5", "sha256"),
        ("1.2.840.113549.1.1.11", "sha256"), ("1.2.840.10045.4.1", "sha256"),
        ("1.2.840.10045.4.3.2", "sha256"), ("1.2.840.113549.1.1.12", "sha384"),
        ("1.2.840.10045.4.3.3", "sha384"), ("1.2.840.113549.1.1.13", "sha512"),
        ("1.2.840.10045.4.3.4", "sha512"), ("1.3.101.112", "none"), ("1.2.840.113549.1.1.10", "none"),
        ("1.2.840.10045.4.3.1", "none"),
    ])
    func tlsServerEndPoint(oid: String, hash: String) {
        let digests = [
            "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "sha384": "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
                + "8086072ba1e7cc2358baeca134c825a7",
            "sha512": "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
        ]
        let binding = ChannelBinding.tlsServerEndPoint(certificateDER: Array("abc".utf8), signatureAlgorithmOID: oid)
        #expect(binding.map { hex($0.data) } == digests[hash])
        #expect(binding.map(\.type) == (hash == "none" ? nil : "tls-server-end-point"))
    }

    /// A self-signed P-256 certificate signed with ecdsa-with-SHA384, made for this test.
    static let certificate = """
        MIIBfDCCASOgAwIBAgIUJW9cOCGOX3oZo6EYKeZJd+5e9eMwCgYIKoZIzj0EAwMwFDESMBAGA1UEAwwJdGVybi50ZXN0\
        MB4XDTI2MTEyMjAyMzAwOVoXDTI2MTEyMzAyMzAwOVowFDESMBAGA1UEAwwJdGVybi50ZXN0MFkwEwYHKoZIzj0CAQYI\
        KoZIzj0DAQcDQgAEoy9QxBITayprg7oSYbtKAR9qIQPMG6jCqB1wN8tWowfbq2mfsMJ0K+zRBnPcVmBxkvuDQ+nwgZ4y\
        oa/kWefkVqNTMFEwHQYDVR0OBBYEFLsIosKeQQKZ6xqG5vgdfB7Eo+1UMB8GA1UdIwQYMBaAFLsIosKeQQKZ6xqG5vgd\
        fB7Eo+1UMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwMDRwAwRAIgIaaR4y6vfBxHiX3XNcyziiI0XSW46xqnUcce\
        /FVd2FUCIG0FbrlMEc9Q0kgDyERwoiJ5tzhX9EXU8J9hmQfSAO/D
        """

    @Test("tls-server-end-point from a certificate's DER alone")
    func tlsServerEndPointFromDER() throws {
        let der = try #require(GrammarParser.decodeBase64(Array(Self.certificate.utf8)))
        let binding = try #require(ChannelBinding.tlsServerEndPoint(certificateDER: der))
        #expect(binding.type == "tls-server-end-point")
        #expect(hex(binding.data) == "0466ba34817ad5e88044985fca42d492873d737b221f0ddb"
                + "2f90ae97fae4fbc6e124e91c79c3caf2865a4b03252c2784")
        #expect(ChannelBinding.tlsServerEndPoint(certificateDER: Array(der.dropLast())) == nil)
        #expect(ChannelBinding.tlsServerEndPoint(certificateDER: []) == nil)
        #expect(ChannelBinding.tlsServerEndPoint(certificateDER: [0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF]) == nil)
    }
}

@Suite("SCRAM message syntax, names and step order (RFC 5802 §5.1, §7)")
struct SCRAMSyntaxTests {
    @Test("Malformed client-first messages fail, never crash", arguments: [
        "", "n", "n,", "n,,", "n,,n=user", "x,,n=user,r=abc", "N,,n=user,r=abc", "p,,n=user,r=abc",
        "p=,,n=user,r=abc", "p=tls server,,n=user,r=abc", "n,user,n=user,r=abc", "n,,r=abc,n=user",
        "n,,n=,r=abc", "n,,n=user,r=", "n,,n=user,r=ab c", "n,,n=user,r=abc,", "n,,n=user,r=abc,x",
        "n,,n=user,r=abc,1=x", "n,,n=user,r=abc,xy=1", ",,n=user,r=abc", "n,,,n=user,r=abc",
        "n,,m=ext,n=user,r=abc", "n,,n=user,r=abc,m=ext", "n,,n=user,r=\u{e9}",
    ])
    func malformedClientFirst(message: String) {
        var server = exchange()
        #expect(isFailure(server.receive(Array(message.utf8))))
    }

    @Test("Bytes that are not UTF-8, or hold NUL, fail")
    func invalidBytes() {
        for bytes: [UInt8] in [Array("n,,n=us".utf8) + [0xFF] + Array("er,r=abc".utf8),
                               Array("n,,n=us".utf8) + [0] + Array("er,r=abc".utf8),
                               Array("n,,n=user,r=abc".utf8) + [0xC3]] {
            var server = exchange()
            #expect(failureReason(server.receive(bytes))?.contains("invalid-encoding") == true)
        }
    }

    @Test("m= (mandatory extensions) is refused wherever it appears")
    func mandatoryExtensions() throws {
        var server = exchange()
        #expect(failureReason(server.receive(Array("n,,m=x,n=user,r=abc".utf8)))?
            .contains("extensions-not-supported") == true)
        let (start, serverFirst) = try challenged()
        var final = start
        #expect(failureReason(final.receive(try TestClient().clientFinal(serverFirst, extensions: ",m=x")))?
            .contains("extensions-not-supported") == true)
    }

    @Test("Malformed client-final messages fail at every field")
    func malformedClientFinal() throws {
        let client = TestClient()
        let valid = String(decoding: try challenged().1, as: UTF8.self)
        let nonce = String(valid.split(separator: ",")[0].dropFirst(2))
        let proof = "p=" + SCRAMGrammar.base64(Array(repeating: 0, count: 32))
        let messages = [
            "", "c=biws", "c=biws,r=\(nonce)", "r=\(nonce),c=biws,\(proof)", "c=biws,\(proof),r=\(nonce)",
            "c=,r=\(nonce),\(proof)", "c=biws!,r=\(nonce),\(proof)", "c=biw,r=\(nonce),\(proof)",
            "c=biws,r=,\(proof)", "c=biws,r=\(nonce),p=", "c=biws,r=\(nonce),p=AAA",
            "c=biws,r=\(nonce),p=AAAA", "c=biws,r=\(nonce),\(proof),", "c=biws,r=\(nonce),,\(proof)",
            "c=biws,r=\(client.nonce),\(proof)", "c=biws,r=\(nonce)x,\(proof)",
            "c=biws,r=\(nonce.dropLast()),\(proof)", "c=biws,r=x\(nonce),\(proof)",
            "c=biws,r=\(client.nonce)\(serverNonce.dropLast()),\(proof)",
            "c=biws,r=\(nonce),x,\(proof)", "c=biws,r=\(nonce),\(proof.dropFirst())",
        ]
        for message in messages {
            var (server, _) = try challenged()
            let reason = failureReason(server.receive(Array(message.utf8)))
            #expect(reason != nil && reason != "invalid-proof", "\(message): \(reason ?? "accepted")")
        }
    }

    @Test("saslname escapes =2C and =3D; any other = fails", arguments: [
        ("us=2Cer=3Dx", "us,er=x"), ("=3D", "="), ("a=2C=2Cb", "a,,b"),
        ("us=2cer", nil), ("us=er", nil), ("user=", nil), ("user=2", nil), ("u=3", nil), ("=", nil),
    ] as [(String, String?)])
    func saslnameEscapes(name: String, decoded: String?) {
        var server = exchange()
        let step = server.receive(Array("n,,n=\(name),r=abc".utf8))
        if let decoded {
            #expect(step == .needCredentials(username: decoded))
            #expect(SCRAMGrammar.saslname(decoded) == name)
        } else {
            #expect(isFailure(step))
        }
    }

    @Test("A name with , and = takes the whole exchange, signed as sent")
    func escapedNameExchange() throws {
        #expect(try run(TestClient(username: "a,b=c")) == .authenticated(username: "a,b=c"))
    }

    @Test("UTF-8 names through SASLprep", arguments: [
        ("j\u{FC}rgen", "j\u{FC}rgen"),            // already NFC
        ("ju\u{308}rgen", "j\u{FC}rgen"),          // composed by NFKC
        ("\u{FF21}bc", "Abc"),                      // fullwidth A, compatibility mapping
        ("us\u{AD}er", "user"),                     // soft hyphen: mapped to nothing (B.1)
        ("a\u{A0}b", "a b"),                        // no-break space: mapped to space (C.1.2)
        ("\u{2168}", "IX"),                         // roman numeral nine
        ("us\u{7}er", nil),                         // ASCII control (C.2.1)
        ("us\u{85}er", nil),                        // non-ASCII control (C.2.2)
        ("us\u{E000}er", nil),                      // private use (C.3)
        ("us\u{FFFF}er", nil),                      // non-character (C.4)
        ("us\u{200E}er", nil),                      // left-to-right mark (C.8)
        ("us\u{E0041}er", nil),                     // tag (C.9)
        ("\u{AD}", nil),                            // empty after mapping
    ] as [(String, String?)])
    func utf8Names(name: String, prepared: String?) {
        var server = exchange()
        let step = server.receive(Array("n,,n=\(name),r=abc".utf8))
        if let prepared {
            #expect(step == .needCredentials(username: prepared))
        } else {
            #expect(failureReason(step)?.contains("SASLprep") == true)
        }
    }

    @Test("A UTF-8 name and password take the whole exchange")
    func utf8Exchange() throws {
        let credentials = try PasswordCredentials(password: "p\u{E4}ss\u{BD}", salt: [1, 2, 3], iterations: 4096)
        let client = TestClient(username: "j\u{FC}rgen", password: "p\u{E4}ss\u{BD}")
        #expect(try run(client, credentials: credentials) == .authenticated(username: "j\u{FC}rgen"))
    }

    @Test("Steps out of order, or repeated, fail and end the exchange")
    func stepOrder() throws {
        var early = exchange()
        #expect(isFailure(early.receiveCredentials(userCredentials)))
        #expect(isFailure(early.receive(TestClient().clientFirst)), "a failed exchange stays failed")

        var twice = exchange()
        _ = twice.receive(TestClient().clientFirst)
        #expect(isFailure(twice.receive(TestClient().clientFirst)))
        #expect(isFailure(twice.receiveCredentials(userCredentials)))

        var (doubleCredentials, _) = try challenged()
        #expect(isFailure(doubleCredentials.receiveCredentials(userCredentials)))

        let (replayStart, serverFirst) = try challenged()
        var replay = replayStart
        let final = try TestClient().clientFinal(serverFirst)
        #expect(isSuccess(replay.receive(final)))
        #expect(isFailure(replay.receive(final)), "client-final again instead of the empty response")
        #expect(isFailure(replay.receive([])))

        let (failedStart, first) = try challenged()
        var failed = failedStart
        _ = failed.receive(try TestClient(password: "wrong").clientFinal(first))
        #expect(isFailure(failed.receive(try TestClient().clientFinal(first))))
        #expect(isFailure(failed.receive([])))
    }

    @Test("Random bytes at every step fail without crashing")
    func noCrashOnGarbage() {
        var generator = SplitMix64(seed: 7)
        let valid = TestClient().clientFirst
        for round in 0..<400 {
            var bytes = valid
            for _ in 0..<(1 + round % 4) {
                let index = Int(generator.next() % UInt64(bytes.count + 1))
                let byte = UInt8(truncatingIfNeeded: generator.next())
                if index < bytes.count, round % 3 == 0 { bytes.remove(at: index) } else { bytes.insert(byte, at: index) }
            }
            var server = exchange()
            _ = server.receive(bytes)
            _ = server.receiveCredentials(userCredentials)
            _ = server.receive(bytes)
            _ = server.receive([])
        }
    }

    @Test("Server nonces are 24 printable characters, fresh each time")
    func randomNonce() {
        let nonce = SCRAMServerExchange.randomNonce()
        #expect(nonce.utf8.count == 24)
        #expect(nonce.utf8.allSatisfy { (0x21...0x7E).contains($0) && $0 != UInt8(ascii: ",") })
        #expect(nonce != SCRAMServerExchange.randomNonce())
        var server = SCRAMServerExchange(plus: false, binding: nil, nonce: { "bad,nonce" })
        #expect(isFailure(server.receive(TestClient().clientFirst)))
    }

    @Test("Base64 encoding round-trips through the strict decoder")
    func base64() {
        for count in 0..<12 {
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 * 37 + 200) }
            #expect(GrammarParser.decodeBase64(Array(SCRAMGrammar.base64(bytes).utf8)) == bytes)
        }
        #expect(SCRAMGrammar.base64(Array("n,,".utf8)) == "biws")
    }

    @Test("Constant-time comparison")
    func constantTimeEqual() {
        #expect(SCRAMServerExchange.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!SCRAMServerExchange.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!SCRAMServerExchange.constantTimeEqual([1, 2, 3], [1, 2]))
        #expect(SCRAMServerExchange.constantTimeEqual([], []))
    }
}
