public import MailCore

/// `search-key` (RFC 3501 §6.4.4, RFC 9051 §6.4.4, RFC 7162 §3.1.5 MODSEQ, RFC 8474 §5
/// EMAILID/THREADID, RFC 5032 OLDER/YOUNGER, RFC 8514 SAVEDATE keys). String arguments are raw
/// bytes in the command's CHARSET; the server decodes them.
public indirect enum SearchKey: Hashable, Sendable {
    case all
    case answered, deleted, draft, flagged, new, old, recent, seen
    case unanswered, undeleted, undraft, unflagged, unseen
    case keyword(String)
    case unkeyword(String)
    case bcc([UInt8]), body([UInt8]), cc([UInt8]), from([UInt8]), subject([UInt8])
    case text([UInt8]), to([UInt8])
    case header(String, [UInt8])
    case before(CalendarDate), on(CalendarDate), since(CalendarDate)
    case sentBefore(CalendarDate), sentOn(CalendarDate), sentSince(CalendarDate)
    case saveDateBefore(CalendarDate), saveDateOn(CalendarDate), saveDateSince(CalendarDate)
    case saveDateSupported
    case older(UInt32), younger(UInt32)
    case larger(UInt64), smaller(UInt64)
    /// A bare `sequence-set`: message sequence numbers.
    case sequenceNumbers(SequenceSet)
    case uid(SequenceSet)
    case not(SearchKey)
    case or(SearchKey, SearchKey)
    /// A parenthesised list, or the implicit AND of the top-level keys.
    case and([SearchKey])
    /// `MODSEQ [entry-name entry-type-req] mod-sequence-valzer` (RFC 7162 §3.1.5); the entry
    /// name and type are parsed and kept but only select per-flag metadata.
    case modSeq(ModSeq, entry: ModSeqEntry?)
    case emailID(String), threadID(String)
}

/// The optional `entry-name entry-type-req` of the MODSEQ search key (RFC 7162 §3.1.5).
public struct ModSeqEntry: Hashable, Sendable {
    public var name: String
    /// `priv`, `shared` or `all`.
    public var type: String
    public init(name: String, type: String) {
        self.name = name
        self.type = type
    }
}

/// `search-return-opt` (RFC 4731 §3.1, RFC 5182 §2, RFC 9051 §6.4.4), with CONTEXT, UPDATE
/// and PARTIAL (RFC 5267 §4, RFC 9394 §3.1).
public enum SearchReturnOption: Hashable, Sendable {
    case min, max, all, count, save
    /// `modifier-context`: a hint that the criteria will be used again (RFC 5267 §4.2).
    case context
    /// `modifier-update`: ADDTO/REMOVEFROM as the result changes (RFC 5267 §4.3).
    case update
    /// `modifier-partial`: only the results in the range (RFC 5267 §4.4, RFC 9394 §3.1).
    case partial(PartialRange)
    /// An option this grammar does not know, kept for a precise error.
    case other(String)
}
