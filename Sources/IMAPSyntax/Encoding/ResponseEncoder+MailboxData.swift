import MailCore

import NIOCore

// `mailbox-data`, `capability-data` and the extension data of RFC 2342 (NAMESPACE), RFC 2971
// (ID), RFC 4731 (ESEARCH), RFC 5258 (LIST-EXTENDED) and RFC 7162 (CONDSTORE SEARCH).

extension ResponseEncoder {
    /// `capability-data` (RFC 9051 §7.2.2): `CAPABILITY IMAP4rev1 ...`.
    func writeCapabilityData(_ capabilities: [Capability], into buffer: inout ByteBuffer) {
        buffer.writeStaticString("CAPABILITY")
        for capability in capabilities {
            buffer.writeSpace()
            buffer.writeString(capability.rawValue)
        }
    }

    /// A `flag` or `flag-fetch` (RFC 9051 §9).
    func writeFlag(_ flag: Flag, into buffer: inout ByteBuffer) {
        switch flag {
        case .answered: buffer.writeStaticString("\\Answered")
        case .flagged: buffer.writeStaticString("\\Flagged")
        case .deleted: buffer.writeStaticString("\\Deleted")
        case .seen: buffer.writeStaticString("\\Seen")
        case .draft: buffer.writeStaticString("\\Draft")
        case .recent: buffer.writeStaticString("\\Recent")
        case .keyword(let keyword): buffer.writeString(keyword)
        case .extension(let name): buffer.writeString(name)
        }
    }

    /// `flag-list` (RFC 9051 §9): `(\Seen $Forwarded)`.
    func writeFlagList(_ flags: [Flag], into buffer: inout ByteBuffer) {
        buffer.writeByte(UInt8(ascii: "("))
        for (index, flag) in flags.enumerated() {
            if index > 0 { buffer.writeSpace() }
            writeFlag(flag, into: &buffer)
        }
        buffer.writeByte(UInt8(ascii: ")"))
    }

    /// `mailbox-list` (RFC 9051 §7.3.1, RFC 5258 §3.4):
    /// `(\HasNoChildren) "/" "INBOX" ("CHILDINFO" ("SUBSCRIBED") "OLDNAME" ("old"))`.
    /// The extended items follow only when there are any.
    func writeMailboxList(_ list: ListResponse, into buffer: inout ByteBuffer) {
        buffer.writeByte(UInt8(ascii: "("))
        for (index, attribute) in list.attributes.enumerated() {
            if index > 0 { buffer.writeSpace() }
            buffer.writeString(attribute.name)
        }
        buffer.writeStaticString(") ")
        writeDelimiter(list.delimiter, into: &buffer)
        buffer.writeSpace()
        writeMailbox(list.name, into: &buffer)
        guard !list.childInfo.isEmpty || list.oldName != nil else { return }
        buffer.writeStaticString(" (")
        if !list.childInfo.isEmpty {
            // RFC 5258 §3.5: the selection options are always returned quoted.
            buffer.writeStaticString("\"CHILDINFO\" (")
            for (index, option) in list.childInfo.enumerated() {
                if index > 0 { buffer.writeSpace() }
                writeString(option, into: &buffer)
            }
            buffer.writeByte(UInt8(ascii: ")"))
        }
        if let oldName = list.oldName {
            // RFC 9051 §6.3.9.7: "OLDNAME" SP "(" mailbox ")".
            if !list.childInfo.isEmpty { buffer.writeSpace() }
            buffer.writeStaticString("\"OLDNAME\" (")
            writeMailbox(oldName, into: &buffer)
            buffer.writeByte(UInt8(ascii: ")"))
        }
        buffer.writeByte(UInt8(ascii: ")"))
    }

    /// `STATUS mailbox (status-att-val ...)` (RFC 9051 §7.3.2; RFC 7162 §3.1.2.1 HIGHESTMODSEQ,
    /// RFC 8438 §3 SIZE, RFC 8474 §4.2 MAILBOXID, RFC 7889 §3.2 APPENDLIMIT).
    func writeStatus(_ mailbox: MailboxDisplayName, _ values: [StatusValue],
                     into buffer: inout ByteBuffer) {
        buffer.writeStaticString("STATUS ")
        writeMailbox(mailbox, into: &buffer)
        buffer.writeStaticString(" (")
        for (index, value) in values.enumerated() {
            if index > 0 { buffer.writeSpace() }
            switch value {
            case .messages(let count):
                buffer.writeStaticString("MESSAGES ")
                buffer.writeDecimal(count)
            case .recent(let count):
                buffer.writeStaticString("RECENT ")
                buffer.writeDecimal(count)
            case .uidNext(let uid):
                buffer.writeStaticString("UIDNEXT ")
                buffer.writeDecimal(uid.rawValue)
            case .uidValidity(let validity):
                buffer.writeStaticString("UIDVALIDITY ")
                buffer.writeDecimal(validity.rawValue)
            case .unseen(let count):
                buffer.writeStaticString("UNSEEN ")
                buffer.writeDecimal(count)
            case .deleted(let count):
                buffer.writeStaticString("DELETED ")
                buffer.writeDecimal(count)
            case .size(let size):
                buffer.writeStaticString("SIZE ")
                buffer.writeDecimal(size)
            case .highestModSeq(let modSeq):
                buffer.writeStaticString("HIGHESTMODSEQ ")
                buffer.writeDecimal(modSeq.rawValue)
            case .mailboxID(let id):
                buffer.writeStaticString("MAILBOXID (")
                buffer.writeString(id)
                buffer.writeByte(UInt8(ascii: ")"))
            case .appendLimit(let limit):
                buffer.writeStaticString("APPENDLIMIT ")
                if let limit { buffer.writeDecimal(limit) } else { buffer.writeStaticString("NIL") }
            case .deletedStorage(let kibibytes):
                buffer.writeStaticString("DELETED-STORAGE ")
                buffer.writeDecimal(kibibytes)
            }
        }
        buffer.writeByte(UInt8(ascii: ")"))
    }

    /// `SEARCH *(SP nz-number) [SP "(" "MODSEQ" SP mod-sequence-value ")"]` (RFC 3501 §7.2.5,
    /// RFC 7162 §3.1.5). The MODSEQ part is only sent with at least one match.
    func writeSearch(_ numbers: [UInt32], modSeq: ModSeq?, into buffer: inout ByteBuffer) {
        writeNumbers(labelled: "SEARCH", numbers, modSeq: modSeq, into: &buffer)
    }

    /// A label, the numbers, and the MODSEQ part of SEARCH and SORT responses.
    func writeNumbers(labelled label: StaticString, _ numbers: [UInt32], modSeq: ModSeq?,
                      into buffer: inout ByteBuffer) {
        buffer.writeStaticString(label)
        for number in numbers {
            buffer.writeSpace()
            buffer.writeDecimal(number)
        }
        if let modSeq, !numbers.isEmpty {
            buffer.writeStaticString(" (MODSEQ ")
            buffer.writeDecimal(modSeq.rawValue)
            buffer.writeByte(UInt8(ascii: ")"))
        }
    }

    /// `esearch-response` (RFC 4731 §3.2, RFC 9051 §7.3.4):
    /// `ESEARCH (TAG "a") UID MIN 2 COUNT 3 ALL 2,10:11`. An `ALL` with no numbers is left
    /// out (`sequence-set` cannot be empty; RFC 4731 §3.1 omits it when nothing matched).
    func writeESearch(tag: Tag?, uid: Bool, _ data: [SearchReturnData],
                      into buffer: inout ByteBuffer) {
        buffer.writeStaticString("ESEARCH")
        if let tag {
            buffer.writeStaticString(" (TAG ")
            writeString(tag, into: &buffer)
            buffer.writeByte(UInt8(ascii: ")"))
        }
        if uid { buffer.writeStaticString(" UID") }
        for item in data {
            switch item {
            case .min(let number):
                buffer.writeStaticString(" MIN ")
                buffer.writeDecimal(number)
            case .max(let number):
                buffer.writeStaticString(" MAX ")
                buffer.writeDecimal(number)
            case .all(let ranges):
                guard !ranges.isEmpty else { continue }
                buffer.writeStaticString(" ALL ")
                buffer.writeRanges(ranges)
            case .count(let count):
                buffer.writeStaticString(" COUNT ")
                buffer.writeDecimal(count)
            case .partial(let range, let numbers):
                // RFC 9394 §4: "PARTIAL" SP "(" partial-range SP partial-results ")".
                buffer.writeStaticString(" PARTIAL (")
                writePartialRange(range, into: &buffer)
                buffer.writeSpace()
                if numbers.isEmpty { buffer.writeStaticString("NIL") } else { writeOrderedSet(numbers, into: &buffer) }
                buffer.writeByte(UInt8(ascii: ")"))
            case .addTo(let updates):
                buffer.writeStaticString(" ADDTO ")
                writeContextUpdates(updates, into: &buffer)
            case .removeFrom(let updates):
                buffer.writeStaticString(" REMOVEFROM ")
                writeContextUpdates(updates, into: &buffer)
            case .modSeq(let modSeq):
                // RFC 7162 §3.1.5: `search-return-data =/ "MODSEQ" SP mod-sequence-value`.
                buffer.writeStaticString(" MODSEQ ")
                buffer.writeDecimal(modSeq.rawValue)
            }
        }
    }

    /// `namespace-response` (RFC 2342 §5, RFC 9051 §7.3.5): three lists, each NIL when empty.
    /// Prefixes are mailbox names and follow the same modified UTF-7 rule.
    func writeNamespace(personal: [NamespaceDescription], otherUsers: [NamespaceDescription],
                        shared: [NamespaceDescription], into buffer: inout ByteBuffer) {
        buffer.writeStaticString("NAMESPACE")
        for namespaces in [personal, otherUsers, shared] {
            buffer.writeSpace()
            guard !namespaces.isEmpty else {
                buffer.writeStaticString("NIL")
                continue
            }
            buffer.writeByte(UInt8(ascii: "("))
            for namespace in namespaces {
                buffer.writeByte(UInt8(ascii: "("))
                writeMailbox(namespace.prefix, into: &buffer)
                buffer.writeSpace()
                writeDelimiter(namespace.delimiter, into: &buffer)
                buffer.writeByte(UInt8(ascii: ")"))
            }
            buffer.writeByte(UInt8(ascii: ")"))
        }
    }

    /// `id-response` (RFC 2971 §3.2): `ID ("name" "Tern" ...)`, or `ID NIL` for nil or no
    /// fields.
    func writeID(_ fields: [IDField]?, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("ID ")
        guard let fields, !fields.isEmpty else {
            buffer.writeStaticString("NIL")
            return
        }
        buffer.writeByte(UInt8(ascii: "("))
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.writeSpace() }
            writeString(field.name, into: &buffer)
            buffer.writeSpace()
            writeNString(field.value, into: &buffer)
        }
        buffer.writeByte(UInt8(ascii: ")"))
    }
}
