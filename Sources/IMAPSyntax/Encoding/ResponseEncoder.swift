import MailCore
public import NIOCore

/// Writes typed server responses as IMAP wire bytes (RFC 9051 §7, §9; RFC 3501 §7).
///
/// Handlers never format responses themselves: they build `Response` values and the encoder
/// decides quoting, literals, NIL, modified UTF-7 mailbox names and the 8-bit rules.
///
/// ```
/// S: * OK [UIDNEXT 4392] Predicted next UID
/// S: a002 OK [READ-WRITE] SELECT completed
/// ```
///
/// Every call writes one complete response line ending in CRLF (a FETCH with literals spans
/// several lines of bytes, but is one response). The encoder holds only the session's
/// UTF-8 mode, so it is cheap to copy.
public struct ResponseEncoder: Sendable {
    /// Whether the client enabled UTF8=ACCEPT (RFC 6855 §3) or IMAP4rev2 (RFC 9051 §5.1):
    /// mailbox names are then written as UTF-8 instead of modified UTF-7, and quoted strings
    /// and text may carry UTF-8.
    public var utf8Enabled: Bool
    /// Whether the client enabled UIDONLY (RFC 9586 §3.3): FETCH responses are written as
    /// `* uid UIDFETCH (...)`, with no sequence number.
    public var uidOnly: Bool

    public init(utf8Enabled: Bool = false, uidOnly: Bool = false) {
        self.utf8Enabled = utf8Enabled
        self.uidOnly = uidOnly
    }

    /// Writes one complete response, including the final CRLF.
    ///
    /// An untagged `VANISHED` with an empty UID set carries nothing and writes no bytes
    /// (`uid-set` needs at least one UID, RFC 7162 §3.2.10).
    public func encode(_ response: Response, into buffer: inout ByteBuffer) {
        switch response {
        case .tagged(let tag, let status, let text):
            buffer.writeString(tag)
            buffer.writeSpace()
            buffer.writeString(status.rawValue)
            buffer.writeSpace()
            writeResponseText(text, defaultText: Self.defaultText(status), into: &buffer)
            buffer.writeStaticString("\r\n")
        case .untagged(let untagged):
            writeUntagged(untagged, into: &buffer)
        case .continuation(let text):
            // `continue-req` (RFC 9051 §7.5): "+" SP (resp-text / base64).
            buffer.writeStaticString("+ ")
            writeText(text, into: &buffer)
            buffer.writeStaticString("\r\n")
        case .continuationChallenge(let challenge):
            buffer.writeStaticString("+ ")
            buffer.writeBase64(challenge)
            buffer.writeStaticString("\r\n")
        }
    }

    /// Convenience: the bytes of one response.
    public func encode(_ response: Response) -> ByteBuffer {
        var buffer = ByteBuffer()
        encode(response, into: &buffer)
        return buffer
    }

    // MARK: resp-text

    /// Writes `resp-text` (RFC 9051 §7.1, §9): `[code] text`. The text never holds CR or LF;
    /// an empty text is replaced by `defaultText`, because RFC 3501 requires one.
    func writeResponseText(_ text: ResponseText, defaultText: StaticString,
                           into buffer: inout ByteBuffer) {
        if let code = text.code {
            buffer.writeByte(UInt8(ascii: "["))
            writeResponseCode(code, into: &buffer)
            buffer.writeStaticString("] ")
        }
        if text.text.isEmpty {
            buffer.writeStaticString(defaultText)
        } else {
            writeText(text.text, into: &buffer)
        }
    }

    static func defaultText(_ status: ResponseStatus) -> StaticString {
        switch status {
        case .ok: return "Completed"
        case .no: return "Failed"
        case .bad: return "Invalid command"
        }
    }

    static func defaultText(_ condition: UntaggedCondition) -> StaticString {
        switch condition {
        case .ok: return "OK"
        case .no: return "Failed"
        case .bad: return "Invalid command"
        case .preauth: return "Logged in"
        case .bye: return "Closing connection"
        }
    }

    // MARK: Untagged responses

    func writeUntagged(_ response: UntaggedResponse, into buffer: inout ByteBuffer) {
        if case .fetch(let sequence, let items) = response {
            let uid = items.lazy.compactMap { item -> UID? in if case .uid(let uid) = item { uid } else { nil } }.first
            var writer = FetchResponseWriter(encoder: self, sequence: sequence, uid: uid, into: &buffer)
            for item in items { writer.write(item, into: &buffer) }
            writer.finish(into: &buffer)
            return
        }
        if case .vanished(_, let uids) = response, uids.isEmpty { return }
        buffer.writeStaticString("* ")
        switch response {
        case .condition(let condition, let text):
            buffer.writeString(condition.rawValue)
            buffer.writeSpace()
            writeResponseText(text, defaultText: Self.defaultText(condition), into: &buffer)
        case .capability(let capabilities):
            writeCapabilityData(capabilities, into: &buffer)
        case .enabled(let names):
            // `enable-data` (RFC 5161 §4, RFC 9051 §7.2.1).
            buffer.writeStaticString("ENABLED")
            for name in names {
                buffer.writeSpace()
                buffer.writeString(name)
            }
        case .flags(let flags):
            buffer.writeStaticString("FLAGS ")
            writeFlagList(flags, into: &buffer)
        case .list(let list):
            buffer.writeStaticString("LIST ")
            writeMailboxList(list, into: &buffer)
        case .lsub(let list):
            buffer.writeStaticString("LSUB ")
            writeMailboxList(list, into: &buffer)
        case .status(let mailbox, let values):
            writeStatus(mailbox, values, into: &buffer)
        case .search(let numbers, let modSeq):
            writeSearch(numbers, modSeq: modSeq, into: &buffer)
        case .sort(let numbers, let modSeq):
            writeSort(numbers, modSeq: modSeq, into: &buffer)
        case .thread(let threads):
            writeThread(threads, into: &buffer)
        case .esearch(let tag, let uid, let data):
            writeESearch(tag: tag, uid: uid, data, into: &buffer)
        case .exists(let count):
            buffer.writeDecimal(count)
            buffer.writeStaticString(" EXISTS")
        case .recent(let count):
            buffer.writeDecimal(count)
            buffer.writeStaticString(" RECENT")
        case .expunge(let sequence):
            buffer.writeDecimal(sequence.rawValue)
            buffer.writeStaticString(" EXPUNGE")
        case .vanished(let earlier, let uids):
            // RFC 7162 §3.2.10: `VANISHED [(EARLIER)] known-uids`.
            buffer.writeStaticString(earlier ? "VANISHED (EARLIER) " : "VANISHED ")
            buffer.writeRanges(uids.ranges)
        case .namespace(let personal, let otherUsers, let shared):
            writeNamespace(personal: personal, otherUsers: otherUsers, shared: shared,
                           into: &buffer)
        case .id(let fields):
            writeID(fields, into: &buffer)
        case .quota(let root, let resources):
            writeQuota(root: root, resources, into: &buffer)
        case .quotaRoot(let mailbox, let roots):
            writeQuotaRoot(mailbox, roots: roots, into: &buffer)
        case .metadata(let mailbox, let entries):
            writeMetadata(mailbox, entries, into: &buffer)
        case .metadataChanged(let mailbox, let entries):
            writeMetadataChanged(mailbox, entries, into: &buffer)
        case .acl(let mailbox, let entries):
            writeACL(mailbox, entries, into: &buffer)
        case .listRights(let mailbox, let identifier, let required, let optional):
            writeListRights(mailbox, identifier: identifier, required: required, optional: optional, into: &buffer)
        case .myRights(let mailbox, let rights):
            writeMyRights(mailbox, rights: rights, into: &buffer)
        case .fetch:
            break
        }
        buffer.writeStaticString("\r\n")
    }
}
