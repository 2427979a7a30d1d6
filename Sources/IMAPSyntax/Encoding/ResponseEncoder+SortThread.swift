import MailCore
import NIOCore

extension ResponseEncoder {
    /// `sort-data = "SORT" *(SP nz-number)` (RFC 5256 §5), with `SP "(" "MODSEQ" SP
    /// mod-sequence-value ")"` when a MODSEQ key was used (RFC 7162 §3.1.5, §7).
    func writeSort(_ numbers: [UInt32], modSeq: ModSeq?, into buffer: inout ByteBuffer) {
        writeNumbers(labelled: "SORT", numbers, modSeq: modSeq, into: &buffer)
    }

    /// `thread-data = "THREAD" [SP 1*thread-list]` (RFC 5256 §5), where
    /// `thread-list = "(" (thread-members / thread-nested) ")"`,
    /// `thread-members = nz-number *(SP nz-number) [SP thread-nested]`,
    /// `thread-nested = 2*thread-list`: a chain of single children is written as members, a
    /// node with several children nests each; a node without a number (a missing parent)
    /// is its children nested.
    func writeThread(_ threads: [ThreadNode], into buffer: inout ByteBuffer) {
        buffer.writeStaticString("THREAD")
        guard !threads.isEmpty else { return }
        buffer.writeSpace()
        for thread in threads { writeThreadList(thread, into: &buffer) }
    }

    private func writeThreadList(_ node: ThreadNode, into buffer: inout ByteBuffer) {
        buffer.writeByte(UInt8(ascii: "("))
        writeThreadMembers(node, into: &buffer)
        buffer.writeByte(UInt8(ascii: ")"))
    }

    private func writeThreadMembers(_ node: ThreadNode, into buffer: inout ByteBuffer) {
        var current = node
        var wroteNumber = false
        while true {
            if let number = current.number {
                if wroteNumber { buffer.writeSpace() }
                buffer.writeDecimal(number)
                wroteNumber = true
            } else if current.children.count == 1 {
                // A parent without a number and one child: the child stands in its place.
                current = current.children[0]
                continue
            }
            if current.children.count == 1, current.children[0].number != nil {
                current = current.children[0]
                continue
            }
            guard !current.children.isEmpty else { return }
            if wroteNumber { buffer.writeSpace() }
            for child in current.children { writeThreadList(child, into: &buffer) }
            return
        }
    }
}
