import MailCore

import NIOCore

// `resp-text-code` (RFC 9051 §7.1, §9; RFC 3501 §7.1; RFC 4315 §3 UIDPLUS; RFC 5530; RFC 7162
// §3.1.2, §3.1.3, §3.2.11 CONDSTORE/QRESYNC; RFC 3516 §4.3 UNKNOWN-CTE; RFC 4469 §5 and
// RFC 7889 §4 TOOBIG; RFC 8474 §4.1 MAILBOXID).

extension ResponseEncoder {
    /// Writes the code between `[` and `]`.
    func writeResponseCode(_ code: ResponseCode, into buffer: inout ByteBuffer) {
        switch code {
        case .alert: buffer.writeStaticString("ALERT")
        case .badCharset(let charsets):
            buffer.writeStaticString("BADCHARSET")
            guard !charsets.isEmpty else { return }
            buffer.writeStaticString(" (")
            for (index, charset) in charsets.enumerated() {
                if index > 0 { buffer.writeSpace() }
                writeCharset(charset, into: &buffer)
            }
            buffer.writeByte(UInt8(ascii: ")"))
        case .capability(let capabilities):
            writeCapabilityData(capabilities, into: &buffer)
        case .parse: buffer.writeStaticString("PARSE")
        case .permanentFlags(let flags):
            buffer.writeStaticString("PERMANENTFLAGS (")
            for (index, flag) in flags.enumerated() {
                if index > 0 { buffer.writeSpace() }
                switch flag {
                case .flag(let flag): writeFlag(flag, into: &buffer)
                case .wildcard: buffer.writeStaticString("\\*")
                }
            }
            buffer.writeByte(UInt8(ascii: ")"))
        case .readOnly: buffer.writeStaticString("READ-ONLY")
        case .readWrite: buffer.writeStaticString("READ-WRITE")
        case .tryCreate: buffer.writeStaticString("TRYCREATE")
        case .uidNext(let uid):
            buffer.writeStaticString("UIDNEXT ")
            buffer.writeDecimal(uid.rawValue)
        case .uidValidity(let validity):
            buffer.writeStaticString("UIDVALIDITY ")
            buffer.writeDecimal(validity.rawValue)
        case .unseen(let sequence):
            buffer.writeStaticString("UNSEEN ")
            buffer.writeDecimal(sequence.rawValue)
        case .appendUID(let validity, let uids):
            buffer.writeStaticString("APPENDUID ")
            buffer.writeDecimal(validity.rawValue)
            buffer.writeSpace()
            buffer.writeRanges(uids.ranges)
        case .copyUID(let validity, let source, let destination):
            buffer.writeStaticString("COPYUID ")
            buffer.writeDecimal(validity.rawValue)
            buffer.writeSpace()
            Self.writeOrderedUIDs(source, into: &buffer)
            buffer.writeSpace()
            Self.writeOrderedUIDs(destination, into: &buffer)
        case .uidNotSticky: buffer.writeStaticString("UIDNOTSTICKY")
        case .highestModSeq(let modSeq):
            buffer.writeStaticString("HIGHESTMODSEQ ")
            buffer.writeDecimal(modSeq.rawValue)
        case .noModSeq: buffer.writeStaticString("NOMODSEQ")
        case .modified(let uids):
            buffer.writeStaticString("MODIFIED ")
            buffer.writeRanges(uids.ranges)
        case .closed: buffer.writeStaticString("CLOSED")
        case .tooBig: buffer.writeStaticString("TOOBIG")
        case .unavailable: buffer.writeStaticString("UNAVAILABLE")
        case .authenticationFailed: buffer.writeStaticString("AUTHENTICATIONFAILED")
        case .authorizationFailed: buffer.writeStaticString("AUTHORIZATIONFAILED")
        case .expired: buffer.writeStaticString("EXPIRED")
        case .privacyRequired: buffer.writeStaticString("PRIVACYREQUIRED")
        case .contactAdmin: buffer.writeStaticString("CONTACTADMIN")
        case .noPerm: buffer.writeStaticString("NOPERM")
        case .inUse: buffer.writeStaticString("INUSE")
        case .expungeIssued: buffer.writeStaticString("EXPUNGEISSUED")
        case .corruption: buffer.writeStaticString("CORRUPTION")
        case .serverBug: buffer.writeStaticString("SERVERBUG")
        case .clientBug: buffer.writeStaticString("CLIENTBUG")
        case .cannot: buffer.writeStaticString("CANNOT")
        case .limit: buffer.writeStaticString("LIMIT")
        case .overQuota: buffer.writeStaticString("OVERQUOTA")
        case .alreadyExists: buffer.writeStaticString("ALREADYEXISTS")
        case .nonExistent: buffer.writeStaticString("NONEXISTENT")
        case .notSaved: buffer.writeStaticString("NOTSAVED")
        case .hasChildren: buffer.writeStaticString("HASCHILDREN")
        case .unknownCTE: buffer.writeStaticString("UNKNOWN-CTE")
        case .noUpdate(let tag):
            // RFC 5267 §5: "NOUPDATE" SP quoted.
            buffer.writeStaticString("NOUPDATE ")
            writeString(tag, into: &buffer)
        case .inProgress(let tag, let done, let total):
            // RFC 9585 §5: "INPROGRESS" [SP "(" inprogress-tag SP inprogress-state ")"].
            buffer.writeStaticString("INPROGRESS (")
            if let tag { writeString(tag, into: &buffer) } else { buffer.writeStaticString("NIL") }
            buffer.writeSpace()
            if let done { buffer.writeDecimal(done) } else { buffer.writeStaticString("NIL") }
            buffer.writeSpace()
            if let total, total > 0 { buffer.writeDecimal(total) } else { buffer.writeStaticString("NIL") }
            buffer.writeByte(UInt8(ascii: ")"))
        case .mailboxID(let id):
            // RFC 8474 §4.1: "MAILBOXID" SP "(" objectid ")".
            buffer.writeStaticString("MAILBOXID (")
            buffer.writeString(id)
            buffer.writeByte(UInt8(ascii: ")"))
        case .metadata(let code):
            writeMetadataCode(code, into: &buffer)
        case .other(let atom, let text):
            // `atom [SP 1*<any TEXT-CHAR except "]">]`.
            buffer.writeString(atom)
            if let text, !text.isEmpty {
                buffer.writeSpace()
                writeText(text, forCode: true, into: &buffer)
            }
        }
    }

    /// Writes a list of UIDs as a `uid-set` that keeps their order (RFC 4315 §3, COPYUID):
    /// only neighbours that ascend by one merge into a range, so that expanding the set gives
    /// back the list, and the n-th source UID still pairs with the n-th destination UID.
    /// `[304, 319, 320]` is `304,319:320`; `[5, 4]` stays `5,4`.
    static func writeOrderedUIDs(_ uids: [UID], into buffer: inout ByteBuffer) {
        var index = 0
        while index < uids.count {
            if index > 0 { buffer.writeByte(UInt8(ascii: ",")) }
            let start = uids[index].rawValue
            var end = start
            while index + 1 < uids.count, end < UInt32.max, uids[index + 1].rawValue == end + 1 {
                end += 1
                index += 1
            }
            buffer.writeRange(start...end)
            index += 1
        }
    }
}
