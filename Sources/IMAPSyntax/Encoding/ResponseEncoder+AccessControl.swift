import NIOCore

// The ACL extension's responses (RFC 4314 §3.6–3.8, formal syntax in §7).

extension ResponseEncoder {
    /// `acl-data = "ACL" SP mailbox *(SP identifier SP rights)`, `identifier = astring`,
    /// `rights = astring` (RFC 4314 §7).
    func writeACL(_ mailbox: MailboxDisplayName, _ entries: [AccessListEntry], into buffer: inout ByteBuffer) {
        buffer.writeStaticString("ACL ")
        writeMailbox(mailbox, into: &buffer)
        for entry in entries {
            buffer.writeSpace()
            writeAString(entry.identifier, into: &buffer)
            buffer.writeSpace()
            writeAString(entry.rights, into: &buffer)
        }
    }

    /// `listrights-data = "LISTRIGHTS" SP mailbox SP identifier SP rights *(SP rights)`
    /// (RFC 4314 §7): the required rights first (possibly `""`), then each optional group.
    func writeListRights(_ mailbox: MailboxDisplayName, identifier: String, required: String,
                         optional: [String], into buffer: inout ByteBuffer) {
        buffer.writeStaticString("LISTRIGHTS ")
        writeMailbox(mailbox, into: &buffer)
        buffer.writeSpace()
        writeAString(identifier, into: &buffer)
        for rights in [required] + optional {
            buffer.writeSpace()
            writeAString(rights, into: &buffer)
        }
    }

    /// `myrights-data = "MYRIGHTS" SP mailbox SP rights` (RFC 4314 §7).
    func writeMyRights(_ mailbox: MailboxDisplayName, rights: String, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("MYRIGHTS ")
        writeMailbox(mailbox, into: &buffer)
        buffer.writeSpace()
        writeAString(rights, into: &buffer)
    }
}
