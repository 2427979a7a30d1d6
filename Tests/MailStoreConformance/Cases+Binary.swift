import MailCore
import MailMessage
import MailStore

extension MailStoreConformance {
    /// The staging step for `literal8` uploads (RFC 3516 §4.4), on each backend's staging
    /// files: the converted form is what is stored, from memory and from a spilled file alike.
    static let binaryCases: [ConformanceCase] = [
        ConformanceCase("binary upload: NUL-bearing parts are stored re-encoded; the blob, sizes and structure are the converted message's") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let header = Array("Subject: binary\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n".utf8)
            func message(payload: Int) -> [UInt8] {
                header + Array("--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n".utf8)
                    + (0..<payload).map { UInt8(truncatingIfNeeded: $0 &* 7) }
                    + Array("\r\n--b\r\nContent-Type: text/plain\r\n\r\nafter\r\n--b--\r\n".utf8)
            }
            // In memory, spilled to the staging file, and over several conversion pieces.
            for payload in [10, 100_000, 2_500_000] {
                let bytes = message(payload: payload)
                let expected = try requireConverted(bytes)
                let upload = try await f.upload(bytes, binary: true, chunk: 65_536)
                let staged = try await upload.finish()
                try expectEqual(staged.size, UInt64(expected.count), "size of the converted message (\(payload))")
                try expectEqual(staged.headerSize, UInt64(header.count), "header size (\(payload))")
                try expectEqual(staged.structure, MessageParser.parse(expected).encoded(), "structure (\(payload))")
                let uid = try await store.messages.append([NewMessage(blob: staged, flags: MessageFlags(), internalDate: nil)],
                                                          to: inbox.id, as: .administrator).uids[0]
                upload.discard()
                let record = try await f.message(uid, in: inbox)
                try expectEqual(record.size, UInt64(expected.count), "RFC822.SIZE (\(payload))")
                try expect(try await f.contents(of: record.blob, piece: 300_000) == expected,
                           "the blob holds the converted bytes (\(payload))")
            }
        },

        ConformanceCase("binary upload: unchanged when nothing needs it; a plain upload is never converted") { store in
            let f = Fixture(store)
            let plain = Array(Fixture.sample(3).utf8)
            let staged = try await f.upload(plain, binary: true).finish()
            try expectEqual(staged.size, UInt64(plain.count), "a message without binary parts is kept")
            let other = try await f.stage(plain)
            try expectEqual(staged.id, other.id, "the same bytes, the same blob")
            let labelled = Array("Subject: x\r\nContent-Transfer-Encoding: binary\r\n\r\n\u{7F}\r\n".utf8)
            let kept = try await f.stage(labelled)
            try expectEqual(kept.size, UInt64(labelled.count), "only a literal8 upload is converted")
        },

        ConformanceCase("binary upload: a NUL no re-encoding can carry refuses the message") { store in
            let f = Fixture(store)
            let bytes = Array("Subject: a\u{0}b\r\n\r\nbody\r\n".utf8)
            let upload = try await f.upload(bytes, binary: true)
            defer { upload.discard() }
            do {
                _ = try await upload.finish()
                try expect(false, "a NUL in a header field was stored")
            } catch MailStoreError.binaryContentNotStorable(let offset) {
                try expectEqual(offset, 10, "the NUL's offset")
            }
        },
    ]

    private static func requireConverted(_ bytes: [UInt8]) throws -> [UInt8] {
        guard let converted = BinaryConversion.convert(bytes), converted != bytes else {
            throw ConformanceFailure(message: "the sample is not converted", location: "Cases+Binary")
        }
        return converted
    }
}
