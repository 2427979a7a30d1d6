import MailMessage
import Testing

/// Hand-made hostile messages (broken boundaries, odd addresses, RFC 2231 corner cases, headers
/// cut by boundaries, ...) with the answers Dovecot 2.3.19 gave for them.
enum DovecotFixtures {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var message: String
        var envelope: String
        var bodyStructure: String
        var sections: [(String, String)]
        var testDescription: String { name }
    }

    static var all: [Case] { cases1 + cases2 }
}

@Suite struct DovecotFixtureTests {
    @Test("ENVELOPE and BODYSTRUCTURE as Dovecot gives them (RFC 9051 §7.5.2)",
          arguments: DovecotFixtures.all)
    func envelopeAndBodyStructure(_ fixture: DovecotFixtures.Case) {
        let structure = MessageParser.parse(Array(fixture.message.utf8))
        #expect(ReferenceRendering.envelope(structure.envelope).canonical == fixture.envelope)
        #expect(ReferenceRendering.bodyStructure(structure.root).canonical == fixture.bodyStructure)
    }

    @Test("BODY[section] bytes as Dovecot gives them (RFC 3501 §6.4.5)",
          arguments: DovecotFixtures.all)
    func sections(_ fixture: DovecotFixtures.Case) {
        let bytes = Array(fixture.message.utf8)
        let structure = MessageParser.parse(bytes)
        for (section, expected) in fixture.sections {
            let ours = ReferenceRendering.Node.string(SectionFetch.fetch(section, bytes, structure))
            #expect(ours.canonical == expected, "BODY[\(section)]")
        }
    }

    @Test("The stored form decodes to the same structure", arguments: DovecotFixtures.all)
    func roundTrip(_ fixture: DovecotFixtures.Case) throws {
        let structure = MessageParser.parse(Array(fixture.message.utf8))
        #expect(try MessageStructure(decoding: structure.encoded()) == structure)
    }
}
