#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MailMessage

/// The text of one message as SEARCH matches it (RFC 9051 §6.4.4: "[MIME-IMB] content transfer
/// encodings and [MIME-HDRS] strings ... MUST be decoded before comparing text"), decoded
/// lazily and case-folded once, so that several keys on one message share the work and a key
/// that matches early stops the decoding.
///
/// It holds either the header alone (`structure == nil`: body keys cannot be decided yet) or
/// the whole message with its MIME structure. One message's content exists at a time.
final class SearchContent {
    /// The header block, or the whole message: held in an array, or borrowed from a mapping of
    /// the stored message for the length of one evaluation (`BlobReader.withContents`), so that
    /// a large message is never copied into memory.
    private enum Storage {
        case owned([UInt8])
        case borrowed(UnsafeRawBufferPointer)
    }

    private let storage: Storage
    /// The end of the header block (RFC822.HEADER) in the bytes.
    let headerSize: Int
    /// The MIME structure; nil when only the header was read.
    let structure: MessageStructure?

    private lazy var fields = HeaderFields(parsing: withBytes { Array($0[..<headerSize]) })
    /// Case-folded decoded values of the fields looked up so far, by lower-cased name.
    private var foldedFields: [String: FoldedFields] = [:]
    /// Case-folded address text (`SearchAddresses`) of the address fields searched so far.
    private var foldedAddresses: [String: [[UInt8]]] = [:]
    private var foldedHeader: [UInt8]?
    private var parsedSentDate: MessageDate??
    private var units: [TextUnit] = []
    private var foldedUnits: [[UInt8]?] = []

    /// Content with only the header read: header keys can be decided, body keys cannot.
    init(header: [UInt8]) {
        storage = .owned(header)
        headerSize = header.count
        structure = nil
    }

    /// Content with the whole message and its MIME structure.
    convenience init(message: [UInt8], headerSize: Int, structure: MessageStructure) {
        self.init(storage: .owned(message), count: message.count, headerSize: headerSize, structure: structure)
    }

    /// Content over a stored message's bytes that stay valid only while this content is in
    /// use (the body of `BlobReader.withContents`); it must not outlive them.
    convenience init(borrowing message: UnsafeRawBufferPointer, headerSize: Int, structure: MessageStructure) {
        self.init(storage: .borrowed(message), count: message.count, headerSize: headerSize, structure: structure)
    }

    private init(storage: Storage, count: Int, headerSize: Int, structure: MessageStructure) {
        self.storage = storage
        self.headerSize = min(headerSize, count)
        self.structure = structure
        units = TextUnit.units(of: structure.root)
        foldedUnits = Array(repeating: nil, count: units.count)
    }

    private func withBytes<T>(_ body: (UnsafeRawBufferPointer) -> T) -> T {
        switch storage {
        case .owned(let bytes): return bytes.withUnsafeBytes(body)
        case .borrowed(let bytes): return body(bytes)
        }
    }

    /// Whether a header field named `name` (ASCII case-insensitive) has a decoded value that
    /// contains `needle` (RFC 9051 §6.4.4 HEADER); an empty needle asks whether the field
    /// exists. Address fields match on their whole decoded value, display names and
    /// addresses alike.
    func header(named name: String, contains needle: [UInt8]) -> Bool {
        if needle.isEmpty { return fields.first(named: name) != nil }
        return foldedValues(of: name).values.contains { Self.contains($0, needle) }
    }

    /// Whether an address field named `name` contains `needle` (RFC 9051 §6.4.4 FROM, TO, CC,
    /// BCC: "the envelope structure's FROM field"): in its decoded header text, or in its
    /// addresses as the envelope parses them (`SearchAddresses`); an empty needle asks whether
    /// the field exists.
    ///
    /// The address form is built only when it could find more than the text did: not when
    /// the fields are written plainly and the needle stays within one address or word
    /// (`SearchAddresses.isWrittenPlainly`, `staysWithinOneWord`), the common case.
    func addresses(named name: String, contains needle: [UInt8]) -> Bool {
        if header(named: name, contains: needle) { return true }
        if needle.isEmpty { return false }
        if foldedValues(of: name).plain && SearchAddresses.staysWithinOneWord(needle) { return false }
        let key = name.lowercased()
        let values: [[UInt8]]
        if let cached = foldedAddresses[key] {
            values = cached
        } else {
            values = fields.all(named: name).map { field in
                let addresses = AddressParser.parseAddressList(fields.unfoldedValue(of: field))
                return SearchFolding.folded(SearchAddresses.text(of: addresses))
            }
            foldedAddresses[key] = values
        }
        return values.contains { Self.contains($0, needle) }
    }

    /// The case-folded decoded values of the fields named `name`, and whether all of them are
    /// written plainly as addresses (`SearchAddresses.isWrittenPlainly`), each worked out once.
    private func foldedValues(of name: String) -> FoldedFields {
        let key = name.lowercased()
        if let cached = foldedFields[key] { return cached }
        var folded = FoldedFields(values: [], plain: true)
        for field in fields.all(named: name) {
            let unfolded = fields.unfoldedValue(of: field)
            folded.values.append(SearchFolding.folded(EncodedWordDecoder.decode(unfolded)))
            folded.plain = folded.plain && SearchAddresses.isWrittenPlainly(unfolded)
        }
        foldedFields[key] = folded
        return folded
    }

    /// The date of the message's Date: field (the last one, as ENVELOPE reports it), or nil
    /// when there is none or it cannot be parsed.
    var sentDate: MessageDate? {
        if let parsedSentDate { return parsedSentDate }
        let date = fields.all(named: "Date").last.flatMap { MessageDate.parse(fields.unfoldedValue(of: $0)) }
        parsedSentDate = .some(date)
        return date
    }

    /// Whether the decoded body text contains `needle` (RFC 9051 §6.4.4 BODY): text parts
    /// with their transfer encoding undone and their charset converted, and the headers of
    /// embedded messages; other leaves are not searched (§6.4.4 allows leaving out parts that
    /// are neither text nor message). Nil when the body has not been read.
    func body(contains needle: [UInt8]) -> Bool? {
        guard structure != nil else { return nil }
        if needle.isEmpty { return true }
        for index in units.indices where units[index].isBody {
            if Self.contains(foldedUnit(index), needle) { return true }
        }
        return false
    }

    /// Whether the decoded header or body contains `needle` (RFC 9051 §6.4.4 TEXT): the
    /// message header (field names and decoded values), the MIME headers of the parts, and
    /// the body text as for BODY. Nil when the header does not match and the body has not
    /// been read.
    func text(contains needle: [UInt8]) -> Bool? {
        if needle.isEmpty { return true }
        if Self.contains(foldedHeaderText(), needle) { return true }
        guard structure != nil else { return nil }
        for index in units.indices where Self.contains(foldedUnit(index), needle) { return true }
        return false
    }

    private func foldedHeaderText() -> [UInt8] {
        if let foldedHeader { return foldedHeader }
        let text = withBytes { MessageText.headerText(in: $0, range: 0..<headerSize) }
        let folded = SearchFolding.folded(text)
        foldedHeader = folded
        return folded
    }

    private func foldedUnit(_ index: Int) -> [UInt8] {
        if let folded = foldedUnits[index] { return folded }
        let text: String = withBytes { message in
            switch units[index] {
            case .header(let range, _): return MessageText.headerText(in: message, range: range)
            case .part(let part): return MessageText.text(of: part, in: message)
            }
        }
        let folded = SearchFolding.folded(text)
        foldedUnits[index] = folded
        return folded
    }

    /// Substring search on case-folded UTF-8: memchr for the needle's first byte, memcmp for
    /// the rest.
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        guard haystack.count >= needle.count else { return false }
        return haystack.withUnsafeBytes { hay in
            needle.withUnsafeBytes { pin in
                let base = hay.baseAddress!
                let lastStart = hay.count - pin.count
                var position = 0
                while position <= lastStart {
                    guard let found = memchr(base + position, Int32(first), lastStart - position + 1) else {
                        return false
                    }
                    let offset = base.distance(to: UnsafeRawPointer(found))
                    if memcmp(base + offset, pin.baseAddress!, pin.count) == 0 { return true }
                    position = offset + 1
                }
                return false
            }
        }
    }
}

/// The fields of one name as a search compares them.
private struct FoldedFields {
    /// Each field's decoded value, case-folded.
    var values: [[UInt8]]
    /// Every field is written plainly as addresses (`SearchAddresses.isWrittenPlainly`).
    var plain: Bool
}

/// One piece of a message's text below its top-level header, in message order.
private enum TextUnit {
    /// A header block: a part's MIME header (`isBody` false: only TEXT searches it) or an
    /// embedded message's header (body text of the enclosing message).
    case header(Range<Int>, isBody: Bool)
    /// A text leaf, decoded on demand.
    case part(MessagePart)

    var isBody: Bool {
        switch self {
        case .header(_, let isBody): return isBody
        case .part: return true
        }
    }

    static func units(of root: MessagePart) -> [TextUnit] {
        var units: [TextUnit] = []
        collect(root, into: &units)
        return units
    }

    private static func collect(_ part: MessagePart, into units: inout [TextUnit]) {
        switch part.kind {
        case .multipart(let children):
            for child in children {
                units.append(.header(child.headerRange, isBody: false))
                collect(child, into: &units)
            }
        case .message(_, let inner):
            units.append(.header(inner.headerRange, isBody: true))
            collect(inner, into: &units)
        case .single:
            if part.isText { units.append(.part(part)) }
        }
    }
}
