/// One MIME parameter (RFC 2045 §5.1) after RFC 2231 continuations were joined, in the form
/// IMAP BODYSTRUCTURE shows it (as Dovecot does): `filename*0*=utf-8''a%20; filename*1=b`
/// becomes `filename*` = `utf-8''a%20b`, still percent-encoded.
public struct MIMEParameter: Hashable, Sendable {
    /// The attribute as written, plus a final "*" when the value is RFC 2231 extended.
    public var name: String
    /// The value with quoting removed.
    public var value: [UInt8]

    public init(name: String, value: [UInt8]) {
        self.name = name
        self.value = value
    }

    /// Whether the value is RFC 2231 §4 extended: `charset'language'percent-encoded`.
    public var isExtended: Bool { name.hasSuffix("*") }

    /// The attribute without the RFC 2231 "*".
    public var attribute: String { isExtended ? String(name.dropLast()) : name }

    /// The value as Unicode: RFC 2231 §4 percent-decoding in the declared charset for an
    /// extended value; otherwise RFC 2047 encoded words are decoded too, since many mailers
    /// put them in quoted parameter values (RFC 2047 §5 forbids it).
    public var decodedValue: String {
        guard isExtended else { return EncodedWordDecoder.decode(value) }
        let parts = value.split(separator: ASCII.apostrophe, maxSplits: 2,
                                omittingEmptySubsequences: false)
        guard parts.count == 3 else { return CharsetDecoder.decode(percentDecoded(value), charset: "") }
        let charset = ASCII.string(parts[0])
        return CharsetDecoder.decode(percentDecoded(parts[2]), charset: charset)
    }

    private func percentDecoded(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var iterator = Array(bytes)[...]
        while let byte = iterator.popFirst() {
            if byte == ASCII.percent, iterator.count >= 2,
               let high = ASCII.hexValue(iterator[iterator.startIndex]),
               let low = ASCII.hexValue(iterator[iterator.startIndex + 1]) {
                output.append(high << 4 | low)
                iterator = iterator.dropFirst(2)
            } else {
                output.append(byte)
            }
        }
        return output
    }
}

/// The MIME header fields of one part (RFC 2045 §5, §6, §7, §8; RFC 2183; RFC 3066 §2 via
/// RFC 3282; RFC 2557 §4; RFC 1864), as written: case kept, white space and comments around
/// tokens dropped. Nil or empty means the field is absent; defaults are not filled in (see
/// `MessagePart` for the effective type).
///
/// A message (or embedded message) without MIME-Version and without Content-Type is not MIME:
/// its Content-* fields are ignored, as Dovecot ignores them.
public struct ContentFields: Hashable, Sendable {
    /// The media type of Content-Type, nil when the field is absent. A field that does not
    /// parse gives what Dovecot gives: the lone type token with an empty subtype, or both empty.
    public var type: String?
    public var subtype: String?
    /// Content-Type parameters; not parsed when the type/subtype did not parse.
    public var parameters: [MIMEParameter]
    /// Content-Transfer-Encoding (RFC 2045 §6.1), nil when absent or not a single token.
    public var transferEncoding: String?
    /// Content-ID (RFC 2045 §7), unfolded.
    public var id: [UInt8]?
    /// Content-Description (RFC 2045 §8), unfolded, RFC 2047 words left encoded.
    public var description: [UInt8]?
    /// Content-MD5 (RFC 1864).
    public var md5: [UInt8]?
    /// Content-Disposition type (RFC 2183 §2), e.g. `attachment`.
    public var disposition: String?
    public var dispositionParameters: [MIMEParameter]
    /// Content-Language tags (RFC 3282 §2).
    public var language: [String]
    /// Content-Location (RFC 2557 §4), unfolded.
    public var location: [UInt8]?

    public init(type: String? = nil, subtype: String? = nil, parameters: [MIMEParameter] = [],
                transferEncoding: String? = nil, id: [UInt8]? = nil,
                description: [UInt8]? = nil, md5: [UInt8]? = nil, disposition: String? = nil,
                dispositionParameters: [MIMEParameter] = [], language: [String] = [],
                location: [UInt8]? = nil) {
        self.type = type
        self.subtype = subtype
        self.parameters = parameters
        self.transferEncoding = transferEncoding
        self.id = id
        self.description = description
        self.md5 = md5
        self.disposition = disposition
        self.dispositionParameters = dispositionParameters
        self.language = language
        self.location = location
    }

    /// The first Content-Type parameter with this attribute (ASCII case-insensitive).
    public func parameter(_ attribute: String) -> MIMEParameter? {
        parameters.first { ASCII.equalsIgnoringCase($0.name.utf8, attribute) }
    }

    /// The charset parameter, nil when absent.
    public var charset: String? { parameter("charset").map { ASCII.string($0.value) } }

    /// The file name of an attachment, decoded: Content-Disposition `filename` (RFC 2183 §2.3,
    /// RFC 2231 extended or not), else the Content-Type `name` parameter.
    public var filename: String? {
        func find(_ list: [MIMEParameter], _ attribute: String) -> MIMEParameter? {
            list.first { ASCII.equalsIgnoringCase($0.attribute.utf8, attribute) }
        }
        return (find(dispositionParameters, "filename") ?? find(parameters, "name"))?.decodedValue
    }
}

/// Parsers for the values of the MIME header fields, lenient like Dovecot's.
enum MIMEFieldParser {
    struct ContentType {
        var type: String
        var subtype: String
        var parameters: [MIMEParameter]
        /// Whether `type/subtype` parsed.
        var isValid: Bool
    }

    /// Content-Type (RFC 2045 §5.1).
    static func contentType(_ value: [UInt8]) -> ContentType {
        var lexer = Lexer(value)
        _ = lexer.skipCFWS()
        var text: [UInt8] = []
        let outcome = lexer.contentType(into: &text)
        let slash = text.firstIndex(of: ASCII.slash)
        let type = ASCII.string(text[..<(slash ?? text.endIndex)])
        let subtype = slash.map { ASCII.string(text[($0 + 1)...]) } ?? ""
        guard outcome != .invalid else {
            return ContentType(type: type, subtype: subtype, parameters: [], isValid: false)
        }
        return ContentType(type: type, subtype: subtype, parameters: parameters(&lexer),
                           isValid: true)
    }

    /// Content-Transfer-Encoding (RFC 2045 §6.1): a single token or nothing.
    static func transferEncoding(_ value: [UInt8]) -> String? {
        var lexer = Lexer(value)
        _ = lexer.skipCFWS()
        var token: [UInt8] = []
        guard lexer.mimeToken(into: &token) != .invalid, lexer.skipCFWS() == .end,
              !token.isEmpty else { return nil }
        return ASCII.string(token)
    }

    /// Content-Disposition (RFC 2183 §2).
    static func disposition(_ value: [UInt8]) -> (String, [MIMEParameter])? {
        var lexer = Lexer(value)
        _ = lexer.skipCFWS()
        var token: [UInt8] = []
        guard lexer.mimeToken(into: &token) != .invalid else { return nil }
        return (ASCII.string(token), parameters(&lexer))
    }

    /// Content-Language (RFC 3282 §2): a comma-separated list of language tags.
    static func language(_ value: [UInt8]) -> [String] {
        var lexer = Lexer(value)
        _ = lexer.skipCFWS()
        var tags: [String] = []
        var tag: [UInt8] = []
        while lexer.atom(into: &tag) != .invalid {
            tags.append(ASCII.string(tag))
            tag.removeAll(keepingCapacity: true)
            guard lexer.current == ASCII.comma else { break }
            lexer.position += 1
            _ = lexer.skipCFWS()
        }
        return tags
    }

    /// A parameter list (RFC 2045 §5.1) with RFC 2231 §3/§4 continuations joined the way
    /// Dovecot joins them: plain parameters first in their order, then the joined ones sorted
    /// by attribute. A broken parameter is skipped; when a continuation index is missing the
    /// pieces are kept separately under their full names.
    static func parameters(_ lexer: inout Lexer) -> [MIMEParameter] {
        struct Segment {
            var attribute: [UInt8]
            var index: Int
            var extended: Bool
            var value: [UInt8]
            var order: Int
        }
        var result: [MIMEParameter] = []
        var segments: [Segment] = []
        loop: while true {
            switch lexer.contentParameter() {
            case .none:
                break loop
            case .invalid:
                if lexer.atEnd { break loop }
                lexer.position += 1
            case let .parameter(name, value):
                if let segment = rfc2231Segment(name) {
                    segments.append(Segment(attribute: segment.attribute, index: segment.index,
                                            extended: segment.extended, value: value,
                                            order: segments.count))
                } else {
                    result.append(MIMEParameter(name: ASCII.string(name), value: value))
                }
            }
        }
        guard !segments.isEmpty else { return result }
        segments.sort {
            if $0.attribute != $1.attribute { return $0.attribute.lexicographicallyPrecedes($1.attribute) }
            if $0.index != $1.index { return $0.index < $1.index }
            return $0.order < $1.order
        }
        var start = 0
        while start < segments.count {
            var next = start
            var contiguous = true
            var anyExtended = false
            while next < segments.count,
                  ASCII.equalsIgnoringCase(segments[next].attribute, segments[start].attribute) {
                if segments[next].index != next - start { contiguous = false }
                if segments[next].extended { anyExtended = true }
                next += 1
            }
            let attribute = ASCII.string(segments[start].attribute)
            if !contiguous {
                for segment in segments[start..<next] {
                    let name = "\(ASCII.string(segment.attribute))*\(segment.index)"
                        + (segment.extended ? "*" : "")
                    result.append(MIMEParameter(name: name, value: segment.value))
                }
            } else {
                var value: [UInt8] = []
                if anyExtended, !segments[start].extended { value += [ASCII.apostrophe, ASCII.apostrophe] }
                for segment in segments[start..<next] {
                    if anyExtended, !segment.extended {
                        for byte in segment.value {
                            if byte == ASCII.percent { value += Array("%25".utf8) } else { value.append(byte) }
                        }
                    } else {
                        value += segment.value
                    }
                }
                result.append(MIMEParameter(name: anyExtended ? attribute + "*" : attribute,
                                            value: value))
            }
            start = next
        }
        return result
    }

    /// Splits an RFC 2231 attribute `name*`, `name*N` or `name*N*`; nil for a plain one.
    private static func rfc2231Segment(_ name: [UInt8])
        -> (attribute: [UInt8], index: Int, extended: Bool)? {
        guard let star = name.firstIndex(of: ASCII.asterisk) else { return nil }
        var position = star
        var index = 0
        if star + 1 < name.count {
            position = star + 1
            while position < name.count, name[position] &- 48 < 10 {
                index = min(index * 10 + Int(name[position] - 48), 1_000_000)
                position += 1
            }
        }
        var extended = false
        if position < name.count, name[position] == ASCII.asterisk {
            extended = true
            position += 1
        }
        guard position == name.count else { return nil }
        return (Array(name[..<star]), index, extended)
    }
}
