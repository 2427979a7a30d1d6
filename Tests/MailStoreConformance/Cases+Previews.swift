import MailCore
import MailMessage
import MailStore

/// The preview text kept per blob (`PreviewStore`, RFC 8970 FETCH PREVIEW).
extension MailStoreConformance {
    static let previewSample = "From: a@example.org\r\nSubject: hello\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\n"
        + "Content-Type: text/html; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        + "<html><head><style>p {}</style></head><body><p>Gr=FC=DFe,</p>\r\n<p>  bis <b>bald</b>&amp;tsch=FC=DF</p></body></html>\r\n"
        + "--b--\r\n"
    static let previewExpected = "Grüße, bis bald&tschüß"

    static let previewCases: [ConformanceCase] = [
        ConformanceCase("previews: made at upload, kept with the blob; COPY shares it, a ghost keeps it") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            let archive = try await f.create("Archive", of: alice)
            let uid = try await f.append(previewSample, to: inbox)
            let message = try await f.message(uid, in: inbox)
            try expectEqual(try await store.previews.previews(of: [message.blob]), [message.blob: previewExpected],
                            "the preview made at upload")
            try expectEqual(try await store.previews.previews(of: [BlobID(rawValue: String(repeating: "0", count: 64))]),
                            [:], "an unknown blob has none")
            let copied = try await store.messages.copy(from: inbox.id, uids: [uid], to: archive.id, as: .administrator)
            let copy = try await f.message(copied.destinationUIDs[0], in: archive)
            try expectEqual(copy.blob, message.blob, "COPY shares the blob")
            try await f.setFlags(.add, [.deleted], uids: [uid], in: inbox)
            _ = try await store.messages.expunge(in: inbox.id, uids: nil, as: .administrator)
            let ghosts = try await store.messages.recordsOrGhosts(in: inbox.id, uids: [uid], withStructure: true,
                                                                  as: .administrator)
            try expectEqual(try await store.previewTexts(of: ghosts, makingMissing: false), [message.blob: previewExpected],
                            "the ghost's preview")
        },

        ConformanceCase("previews: a message stored without one gets it made on first complete FETCH, and saved") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            var blob = try await f.stage(previewSample)
            blob.preview = nil  // as a version that kept none stored it
            let appended = try await store.messages.append([NewMessage(blob: blob, flags: MessageFlags([]), internalDate: nil)],
                                                           to: inbox.id, as: .administrator)
            try expectEqual(try await store.previews.previews(of: [blob.id]), [:], "none stored")
            let records = try await store.messages.records(in: inbox.id, uids: appended.uids, withStructure: true,
                                                           as: .administrator)
            try expectEqual(try await store.previewTexts(of: records, makingMissing: false), [:],
                            "LAZY (RFC 8970 §4.1) makes none")
            try expectEqual(try await store.previewTexts(of: records, makingMissing: true), [blob.id: previewExpected],
                            "made from the stored structure and the message's bytes")
            try expectEqual(try await store.previews.previews(of: [blob.id]), [blob.id: previewExpected], "and saved")
            let bare = try await store.messages.records(in: inbox.id, uids: appended.uids, withStructure: false,
                                                        as: .administrator)
            try await store.previews.savePreviews([blob.id: "replaced"])
            try expectEqual(try await store.previewTexts(of: bare, makingMissing: true), [blob.id: "replaced"],
                            "a saved preview replaces the one kept")
        },

        ConformanceCase("previews: made without a stored structure too; none saved for a blob nothing references") { store in
            let f = Fixture(store)
            let alice = try await f.addUser("alice")
            let inbox = try await f.mailbox("INBOX", of: alice)
            var blob = try await f.stage("Subject: plain\r\n\r\n> quoted\r\nFirst   line\r\n\tsecond line\r\n")
            blob.preview = nil
            let appended = try await store.messages.append([NewMessage(blob: blob, flags: MessageFlags([]), internalDate: nil)],
                                                           to: inbox.id, as: .administrator)
            let records = try await store.messages.records(in: inbox.id, uids: appended.uids, withStructure: false,
                                                           as: .administrator)
            try expectEqual(try await store.previewTexts(of: records, makingMissing: true),
                            [blob.id: "First line second line"], "quoted lines left out, white space collapsed")
            let stranger = try await f.stage("Subject: never appended\r\n\r\nText\r\n")
            try await store.previews.savePreviews([stranger.id: "orphan"])
            try expectEqual(try await store.previews.previews(of: [stranger.id]), [:], "no preview for an unreferenced blob")
        },
    ]
}
