/// The preview text of a message (RFC 8970 §3.3): up to 200 characters of its first text part,
/// transfer- and charset-decoded, HTML reduced to its text, quoted lines left out and white space
/// collapsed, ready for `FETCH PREVIEW`. Pure: the message's bytes and its stored structure in,
/// a string out.
///
/// The part is the first leaf in depth-first order (inside embedded messages too) that is
/// `text/plain` or `text/html` (or has no Content-Type, which means text/plain, RFC 2045
/// §5.2), is not an attachment (`Content-Disposition: attachment`), and yields some text. A
/// message without one (only images, or encrypted) gets the empty string, which RFC 8970 §3.2
/// asks for when "no meaningful preview text can be generated".
///
/// Only the first `partPrefix` bytes of the part's body are read, so that a preview of a huge
/// part costs no more than one of a small one; a preview made later from a prefix of the
/// stored message (FETCH of a message stored before previews existed) is the same string.
public enum MessagePreview {
    /// RFC 8970 §3.3: "The server SHOULD limit the length of the preview text to 200 preview
    /// characters" (Unicode scalars: "a single Universal Character Set (UCS) character").
    public static let maximumCharacters = 200
    /// How many bytes of the chosen part's body are decoded.
    public static let partPrefix = 64 * 1024

    /// The preview of a message. `message` may be a prefix of the stored message that holds at
    /// least `bytesNeeded(for:)` bytes; ranges beyond it are cut.
    public static func text(of structure: MessageStructure, in message: UnsafeRawBufferPointer) -> String {
        for part in candidates(structure.root) {
            let preview = text(ofPart: part, in: message)
            if !preview.isEmpty { return preview }
        }
        return ""
    }

    /// Array convenience for `text(of:in:)`.
    public static func text(of structure: MessageStructure, in message: [UInt8]) -> String {
        message.withUnsafeBytes { text(of: structure, in: $0) }
    }

    /// How many bytes from the start of the message `text(of:in:)` reads: up to the end of the
    /// prefix of the last part it may look at. The whole message when it has no candidate.
    public static func bytesNeeded(for structure: MessageStructure) -> Int {
        let ends = candidates(structure.root).map { $0.bodyRange.lowerBound + min($0.bodyRange.count, partPrefix) }
        return ends.max() ?? 0
    }

    /// The preview of one text part.
    static func text(ofPart part: MessagePart, in message: UnsafeRawBufferPointer) -> String {
        let start = min(part.bodyRange.lowerBound, message.count)
        let end = min(part.bodyRange.lowerBound + min(part.bodyRange.count, partPrefix), message.count)
        guard start < end else { return "" }
        let body = TransferDecoder.decode(UnsafeRawBufferPointer(rebasing: message[start..<end]),
                                          encoding: part.content.transferEncoding)
        let decoded = CharsetDecoder.decode(body, charset: part.charset)
        if isHTML(part) { return collapsed(HTMLText.plainText(decoded), limit: maximumCharacters) }
        return collapsed(unquoted(decoded), limit: maximumCharacters)
    }

    /// The leaves a preview may come from, in depth-first order.
    static func candidates(_ part: MessagePart) -> [MessagePart] {
        switch part.kind {
        case let .multipart(children):
            return children.flatMap(candidates)
        case let .message(_, inner):
            return candidates(inner)
        case .single:
            guard part.isText, ["plain", "html"].contains(part.mediaSubtype.lowercased()),
                  part.content.disposition?.lowercased() != "attachment" else { return [] }
            return [part]
        }
    }

    static func isHTML(_ part: MessagePart) -> Bool {
        part.mediaSubtype.lowercased() == "html"
    }

    /// The scalars of plain text without the lines quoting an earlier message (those starting,
    /// after spaces, with `>`, as RFC 3676 §4.5 marks quotes), which say nothing new about this
    /// one; each line end stays (`collapsed` makes it a space). Lazy: `collapsed` reads only
    /// as far as the preview needs, not the whole part.
    static func unquoted(_ text: String) -> UnquotedScalars {
        UnquotedScalars(scalars: text.unicodeScalars.makeIterator())
    }

    /// The iterator of `unquoted(_:)`: drops the spaces that start a line, and the rest of a
    /// line whose first other scalar is `>`.
    struct UnquotedScalars: Sequence, IteratorProtocol {
        var scalars: String.UnicodeScalarView.Iterator
        private var atLineStart = true
        private var quoted = false

        init(scalars: String.UnicodeScalarView.Iterator) {
            self.scalars = scalars
        }

        mutating func next() -> Unicode.Scalar? {
            while let scalar = scalars.next() {
                if MessagePreview.isLineEnd(scalar) {
                    atLineStart = true
                    quoted = false
                    return scalar
                }
                if atLineStart {
                    if scalar == " " { continue }
                    atLineStart = false
                    quoted = scalar == ">"
                }
                if !quoted { return scalar }
            }
            return nil
        }
    }

    /// The line ends `Character.isNewline` knows (LF, VT, FF, CR, NEL, LS, PS).
    static func isLineEnd(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: true
        default: false
        }
    }

    /// `text` with every run of white space and control characters turned into one space,
    /// trimmed at both ends, and cut after `limit` characters (Unicode scalars).
    public static func collapsed(_ text: String, limit: Int) -> String {
        collapsed(text.unicodeScalars, limit: limit)
    }

    /// `collapsed(_:limit:)` over scalars, reading no further than the limit needs.
    static func collapsed(_ scalars: some Sequence<Unicode.Scalar>, limit: Int) -> String {
        var output = String.UnicodeScalarView()
        var count = 0
        var pendingSpace = false
        for scalar in scalars {
            if scalar.properties.isWhitespace || scalar.properties.generalCategory == .control
                || scalar == "\u{FEFF}" || scalar == "\u{200B}" {
                pendingSpace = count > 0
                continue
            }
            if pendingSpace {
                guard count < limit else { break }
                output.append(" ")
                count += 1
                pendingSpace = false
            }
            guard count < limit else { break }
            output.append(scalar)
            count += 1
        }
        if output.last == " " { output.removeLast() }
        return String(output)
    }
}
