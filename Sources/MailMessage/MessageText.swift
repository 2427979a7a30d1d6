/// The decoded Unicode text of a stored message, for SEARCH BODY, TEXT and HEADER
/// (RFC 9051 §6.4.4). Works on one message at a time with its stored `MessageStructure`, part
/// by part, so a search never holds more than one decoded part.
public enum MessageText {
    /// Which parts `forEachBodyText` visits.
    public struct Options: Hashable, Sendable {
        /// Also visit leaves that are not text/* (decoded with their charset parameter, if
        /// any); off by default, since attachments are mostly binary.
        public var includesNonText: Bool
        /// Visit the decoded header of each embedded message (message/rfc822 parts), which is
        /// body text of the enclosing message.
        public var includesEmbeddedHeaders: Bool

        public init(includesNonText: Bool = false, includesEmbeddedHeaders: Bool = true) {
            self.includesNonText = includesNonText
            self.includesEmbeddedHeaders = includesEmbeddedHeaders
        }
    }

    /// A part's body with its Content-Transfer-Encoding undone (RFC 2045 §6).
    public static func transferDecodedBody(of part: MessagePart,
                                           in message: UnsafeRawBufferPointer) -> [UInt8] {
        let range = part.bodyRange.clamped(to: 0..<message.count)
        return TransferDecoder.decode(UnsafeRawBufferPointer(rebasing: message[range]),
                                      encoding: part.content.transferEncoding)
    }

    /// A leaf part's body as Unicode: transfer-decoded, then converted from its charset.
    public static func text(of part: MessagePart, in message: UnsafeRawBufferPointer) -> String {
        CharsetDecoder.decode(transferDecodedBody(of: part, in: message), charset: part.charset)
    }

    /// The fields of a header block as text, one "Name: value" line per field, values
    /// unfolded with RFC 2047 words decoded.
    public static func headerText(in message: UnsafeRawBufferPointer, range: Range<Int>) -> String {
        let range = range.clamped(to: 0..<message.count)
        let header = UnsafeRawBufferPointer(rebasing: message[range])
        let block = HeaderScanner.scan(header, from: 0, to: header.count)
        var output = ""
        for field in block.fields {
            output += CharsetDecoder.decode(UnsafeRawBufferPointer(rebasing: header[field.nameRange]),
                                            charset: nil)
            guard field.hasColon else {
                output += "\n"
                continue
            }
            output += ": "
            output += EncodedWordDecoder.decode(HeaderScanner.fullValue(header, field,
                                                                        replacingNUL: false))
            output += "\n"
        }
        return output
    }

    /// The decoded values of the fields named `name` in a header block (for SEARCH HEADER,
    /// FROM, SUBJECT, ...), in message order.
    public static func headerValues(named name: String, in message: UnsafeRawBufferPointer,
                                    range: Range<Int>) -> [String] {
        headerValues(namedAnyOf: [name], in: message, range: range)[0]
    }

    /// The decoded values of several fields in one pass over the header block: element `i`
    /// holds the values of the fields named `names[i]`, in message order.
    public static func headerValues(namedAnyOf names: [String], in message: UnsafeRawBufferPointer,
                                    range: Range<Int>) -> [[String]] {
        let range = range.clamped(to: 0..<message.count)
        let header = UnsafeRawBufferPointer(rebasing: message[range])
        let block = HeaderScanner.scan(header, from: 0, to: header.count)
        var values = [[String]](repeating: [], count: names.count)
        for field in block.fields where field.hasColon {
            let fieldName = UnsafeRawBufferPointer(rebasing: header[field.nameRange])
            guard let index = names.firstIndex(where: { ASCII.equalsIgnoringCase(fieldName, $0) }) else { continue }
            values[index].append(EncodedWordDecoder.decode(HeaderScanner.fullValue(header, field, replacingNUL: false)))
        }
        return values
    }

    /// Visits the text of the message body in order: each text/* leaf decoded, and the
    /// headers of embedded messages. `visit` returns false to stop; the result tells whether
    /// the walk finished.
    @discardableResult
    public static func forEachBodyText(in message: UnsafeRawBufferPointer,
                                       structure: MessageStructure,
                                       options: Options = Options(),
                                       _ visit: (String) throws -> Bool) rethrows -> Bool {
        try walk(structure.root, message, options, visit)
    }

    /// Array convenience for `forEachBodyText`.
    @discardableResult
    public static func forEachBodyText(in message: [UInt8], structure: MessageStructure,
                                       options: Options = Options(),
                                       _ visit: (String) throws -> Bool) rethrows -> Bool {
        try message.withUnsafeBytes { try walk(structure.root, $0, options, visit) }
    }

    private static func walk(_ part: MessagePart, _ message: UnsafeRawBufferPointer,
                             _ options: Options, _ visit: (String) throws -> Bool) rethrows -> Bool {
        switch part.kind {
        case let .multipart(children):
            for child in children {
                if !(try walk(child, message, options, visit)) { return false }
            }
            return true
        case let .message(_, inner):
            if options.includesEmbeddedHeaders,
               !(try visit(headerText(in: message, range: inner.headerRange))) {
                return false
            }
            return try walk(inner, message, options, visit)
        case .single:
            guard part.isText || options.includesNonText else { return true }
            return try visit(text(of: part, in: message))
        }
    }
}
