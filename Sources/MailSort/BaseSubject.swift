import MailMessage

/// The "base subject" of RFC 5256 §2.1, which SORT (SUBJECT) and both THREAD algorithms use,
/// and whether extracting it showed the message to be a reply or forward (§3, REFERENCES:
/// "if the base subject extraction rules, applied to the original subject, remove any of the
/// following: a subj-refwd, a "(fwd)" subj-trailer, or a subj-fwd-hdr and subj-fwd-trl").
///
/// The procedure is the RFC's, step by step (§2.1 says all servers "MUST use exactly this
/// algorithm"):
/// 1. RFC 2047 encoded words are decoded to UTF-8 (MailMessage's `EncodedWordDecoder`); tabs
///    and line breaks become spaces, runs of spaces one space.
/// 2. Trailing `subj-trailer`s (`(fwd)` and white space) are removed, repeatedly.
/// 3. A leading `subj-leader` (`*subj-blob subj-refwd`, or white space) is removed.
/// 4. A leading `subj-blob` is removed if what follows is a non-empty `subj-base`.
/// 5. Steps 3 and 4 repeat until neither matches.
/// 6. A subject wrapped in `[fwd:` … `]` is unwrapped, and the procedure goes on at step 2.
///
/// The ABNF's literal strings (`re`, `fw`, `fwd`, `(fwd)`, `[fwd:`) match in any case
/// (RFC 5234 §2.3).
public struct BaseSubject: Hashable, Sendable {
    /// The base subject, UTF-8.
    public var text: String
    /// A subj-refwd, a `(fwd)` trailer or a `[fwd: …]` wrapper was removed.
    public var isReplyOrForward: Bool

    /// The base subject of a Subject field's value as written (encoded words and all).
    public init(fieldValue: some Collection<UInt8>) {
        self.init(decoded: EncodedWordDecoder.decode(fieldValue))
    }

    /// The base subject of an already decoded subject (step 1's decoding done).
    public init(decoded subject: String) {
        var bytes = Self.normalizingWhiteSpace(Array(subject.utf8))
        var refwd = false
        while true {
            Self.removeTrailers(&bytes, found: &refwd)
            var start = 0
            while Self.removeLeader(bytes, from: &start, found: &refwd)
                    || Self.removeBlob(bytes, from: &start) {}
            bytes.removeFirst(start)
            guard Self.unwrapForward(&bytes) else { break }
            refwd = true
        }
        text = String(decoding: bytes, as: UTF8.self)
        isReplyOrForward = refwd
    }

    private static let space = UInt8(ascii: " ")

    /// Step 1's white space rule: tabs and line breaks become spaces; runs of spaces, one.
    static func normalizingWhiteSpace(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        for byte in bytes {
            let isSpace = byte == space || byte == 0x09 || byte == 0x0A || byte == 0x0D
            if isSpace {
                if output.last != space { output.append(space) }
            } else {
                output.append(byte)
            }
        }
        return output
    }

    /// Step 2: `subj-trailer = "(fwd)" / WSP`, removed until none is left.
    static func removeTrailers(_ bytes: inout [UInt8], found: inout Bool) {
        let trailer = Array("(fwd)".utf8)
        while let last = bytes.last {
            if last == space {
                bytes.removeLast()
            } else if bytes.count >= trailer.count,
                      Self.equalsIgnoringCase(bytes[(bytes.count - trailer.count)...], trailer) {
                bytes.removeLast(trailer.count)
                found = true
            } else {
                return
            }
        }
    }

    /// Step 3: `subj-leader = (*subj-blob subj-refwd) / WSP` at `start`; moves `start` past it.
    static func removeLeader(_ bytes: [UInt8], from start: inout Int, found: inout Bool) -> Bool {
        guard start < bytes.count else { return false }
        if bytes[start] == space {
            start += 1
            return true
        }
        var position = start
        while let end = blobEnd(bytes, at: position) { position = end }
        guard let end = refwdEnd(bytes, at: position) else { return false }
        start = end
        found = true
        return true
    }

    /// Step 4: a leading `subj-blob`, removed if a non-empty `subj-base` follows it.
    static func removeBlob(_ bytes: [UInt8], from start: inout Int) -> Bool {
        guard let end = blobEnd(bytes, at: start) else { return false }
        // The blob's trailing *WSP is part of it, so what follows starts with NONWSP or is empty.
        guard end < bytes.count else { return false }
        start = end
        return true
    }

    /// Step 6: `subj-fwd-hdr = "[fwd:"` at the start and `subj-fwd-trl = "]"` at the end.
    static func unwrapForward(_ bytes: inout [UInt8]) -> Bool {
        let header = Array("[fwd:".utf8)
        guard bytes.count > header.count, Self.equalsIgnoringCase(bytes[..<header.count], header),
              bytes.last == UInt8(ascii: "]") else { return false }
        bytes = Array(bytes[header.count..<(bytes.count - 1)])
        return true
    }

    /// The end of `subj-blob = "[" *BLOBCHAR "]" *WSP` at `position`, nil if none starts there.
    static func blobEnd(_ bytes: [UInt8], at position: Int) -> Int? {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "[") else { return nil }
        var index = position + 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "]"):
                index += 1
                while index < bytes.count, bytes[index] == space { index += 1 }
                return index
            case UInt8(ascii: "["), 0:
                return nil  // not a BLOBCHAR
            default:
                index += 1
            }
        }
        return nil
    }

    /// The end of `subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"` at `position`.
    static func refwdEnd(_ bytes: [UInt8], at position: Int) -> Int? {
        func lower(_ index: Int) -> UInt8? { index < bytes.count ? Self.lowercased(bytes[index]) : nil }
        var index = position
        switch (lower(index), lower(index + 1)) {
        case (UInt8(ascii: "r"), UInt8(ascii: "e")):
            index += 2
        case (UInt8(ascii: "f"), UInt8(ascii: "w")):
            index += 2
            if lower(index) == UInt8(ascii: "d") { index += 1 }
        default:
            return nil
        }
        while index < bytes.count, bytes[index] == space { index += 1 }
        if let end = blobEnd(bytes, at: index) { index = end }
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
        return index + 1
    }

    static func lowercased(_ byte: UInt8) -> UInt8 { byte &- 0x41 < 26 ? byte | 0x20 : byte }

    /// ASCII case-insensitive equality of bytes and a lowercase pattern.
    static func equalsIgnoringCase(_ bytes: ArraySlice<UInt8>, _ lowercasePattern: [UInt8]) -> Bool {
        bytes.count == lowercasePattern.count && zip(bytes, lowercasePattern).allSatisfy { lowercased($0) == $1 }
    }
}
