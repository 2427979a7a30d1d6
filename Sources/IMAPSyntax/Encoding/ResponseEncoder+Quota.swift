import NIOCore

extension ResponseEncoder {
    /// `quota-response = "QUOTA" SP quota-root-name SP quota-list`,
    /// `quota-list = "(" quota-resource *(SP quota-resource) ")"` (RFC 9208 §7); an empty list
    /// `()` says nothing is limited (§4.2.1).
    func writeQuota(root: String, _ resources: [QuotaResourceStatus], into buffer: inout ByteBuffer) {
        buffer.writeStaticString("QUOTA ")
        writeString(root, into: &buffer)
        buffer.writeStaticString(" (")
        for (index, resource) in resources.enumerated() {
            if index > 0 { buffer.writeSpace() }
            buffer.writeString(resource.resource)
            buffer.writeSpace()
            buffer.writeDecimal(resource.usage)
            buffer.writeSpace()
            buffer.writeDecimal(resource.limit)
        }
        buffer.writeByte(UInt8(ascii: ")"))
    }

    /// `quotaroot-response = "QUOTAROOT" SP mailbox *(SP quota-root-name)` (RFC 9208 §7).
    func writeQuotaRoot(_ mailbox: MailboxDisplayName, roots: [String], into buffer: inout ByteBuffer) {
        buffer.writeStaticString("QUOTAROOT ")
        writeMailbox(mailbox, into: &buffer)
        for root in roots {
            buffer.writeSpace()
            writeString(root, into: &buffer)
        }
    }
}
