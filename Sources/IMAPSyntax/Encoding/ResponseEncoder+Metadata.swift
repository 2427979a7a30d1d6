import MailCore
import NIOCore

// The METADATA response and response codes (RFC 5464 §4.4, §5).

extension ResponseEncoder {
    /// `metadata-resp = "METADATA" SP mailbox SP entry-values`,
    /// `entry-values = "(" entry-value *(SP entry-value) ")"`, `entry-value = entry SP value`,
    /// `value = nstring / literal8` (RFC 5464 §5). An entry name is an atom when it can be
    /// (`entry = astring`); a value is quoted when short 7-bit text, a literal otherwise, and
    /// `literal8` when it holds NUL, which no `string` may carry.
    func writeMetadata(_ mailbox: MailboxDisplayName, _ entries: [MetadataEntryValue], into buffer: inout ByteBuffer) {
        buffer.writeStaticString("METADATA ")
        writeMailbox(mailbox, into: &buffer)
        buffer.writeStaticString(" (")
        for (index, entry) in entries.enumerated() {
            if index > 0 { buffer.writeSpace() }
            writeAString(entry.entry.name, into: &buffer)
            buffer.writeSpace()
            if let value = entry.value {
                writeSectionData(value, binary: true, into: &buffer)
            } else {
                buffer.writeStaticString("NIL")
            }
        }
        buffer.writeByte(UInt8(ascii: ")"))
    }

    /// `metadata-resp = "METADATA" SP mailbox SP entry-list`,
    /// `entry-list = entry *(SP entry)` (RFC 5464 §5): the unsolicited form, names only.
    func writeMetadataChanged(_ mailbox: MailboxDisplayName, _ entries: [MetadataEntryName],
                              into buffer: inout ByteBuffer) {
        buffer.writeStaticString("METADATA ")
        writeMailbox(mailbox, into: &buffer)
        for entry in entries {
            buffer.writeSpace()
            writeAString(entry.name, into: &buffer)
        }
    }

    /// `"METADATA" SP "LONGENTRIES" SP number` and
    /// `"METADATA" SP ("MAXSIZE" SP number / "TOOMANY" / "NOPRIVATE")` (RFC 5464 §5).
    func writeMetadataCode(_ code: MetadataResponseCode, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("METADATA ")
        switch code {
        case .longEntries(let size):
            buffer.writeStaticString("LONGENTRIES ")
            buffer.writeDecimal(size)
        case .maxSize(let size):
            buffer.writeStaticString("MAXSIZE ")
            buffer.writeDecimal(size)
        case .tooMany: buffer.writeStaticString("TOOMANY")
        case .noPrivate: buffer.writeStaticString("NOPRIVATE")
        }
    }
}
