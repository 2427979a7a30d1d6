import MailMessage

/// FETCH BODY[section] answered from a stored structure, as the IMAP layer will do it.
enum SectionFetch {
    /// The bytes of BODY[section] (a nonexistent section is empty, as in Dovecot).
    static func fetch(_ section: String, _ message: [UInt8], _ structure: MessageStructure) -> [UInt8] {
        var path: [Int] = []
        var rest = Substring(section)
        while let dot = rest.firstIndex(of: "."), let number = Int(rest[..<dot]) {
            path.append(number)
            rest = rest[rest.index(after: dot)...]
        }
        if let number = Int(rest) {
            path.append(number)
            rest = ""
        }
        func bytes(_ range: Range<Int>?) -> [UInt8] { range.map { Array(message[$0]) } ?? [] }
        switch rest {
        case "": return bytes(structure.range(of: path, .full))
        case "MIME": return bytes(structure.range(of: path, .mime))
        case "HEADER": return bytes(structure.range(of: path, .header))
        case "TEXT": return bytes(structure.range(of: path, .text))
        default:
            let excluding = rest.hasPrefix("HEADER.FIELDS.NOT")
            guard let open = rest.firstIndex(of: "("), let close = rest.lastIndex(of: ")"),
                  let range = structure.range(of: path, .header) else { return [] }
            let names = rest[rest.index(after: open)..<close].split(separator: " ").map(String.init)
            return HeaderFieldSelection(names: names, excluding: excluding)
                .select(from: message, range: range)
        }
    }
}
