import GRDB

extension Schema {
    /// `previews`: the preview text of each blob (RFC 8970, MailMessage's `MessagePreview`),
    /// written with the blob's first message beside its structure and sort keys and removed
    /// with it. Blobs stored before this table existed get theirs the first time a FETCH
    /// PREVIEW without LAZY asks (`MailStorage.previewTexts` makes and saves it).
    static func createPreviews(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE previews (
                blob TEXT PRIMARY KEY NOT NULL,
                text TEXT NOT NULL
            ) WITHOUT ROWID;
            """)
    }
}
