/// Dovecot's `dovecot-keywords`: which keyword each Maildir file name letter stands for
/// (`a` is index 0, ..., `z` index 25), one `<index> <name>` per line.
public struct DovecotKeywords: Hashable, Sendable {
    public var names: [Int: String]
    public var problems: [LineProblem]

    public init(names: [Int: String] = [:], problems: [LineProblem] = []) {
        self.names = names
        self.problems = problems
    }

    public static func parse(_ bytes: [UInt8]) -> DovecotKeywords {
        var result = DovecotKeywords()
        for (offset, line) in TextLines.split(bytes).enumerated() where !line.isEmpty {
            guard let space = line.firstIndex(of: " "), let index = Int(line[..<space]), (0..<26).contains(index) else {
                result.problems.append(LineProblem(line: offset + 1, reason: "unreadable line"))
                continue
            }
            let name = line[line.index(after: space)...]
            // A keyword is an atom (RFC 9051 §9): no spaces, no specials.
            guard !name.isEmpty, name.utf8.allSatisfy(Self.isAtomByte) else {
                result.problems.append(LineProblem(line: offset + 1, reason: "not a keyword: \(name)"))
                continue
            }
            result.names[index] = String(name)
        }
        return result
    }

    /// The keyword of a file name letter, if the file names one.
    public func keyword(forLetter letter: Character) -> String? {
        guard let ascii = letter.asciiValue, ascii >= 0x61, ascii <= 0x7A else { return nil }
        return names[Int(ascii - 0x61)]
    }

    /// ATOM-CHAR of RFC 9051 §9, without `\` (a keyword is not a system flag).
    static func isAtomByte(_ byte: UInt8) -> Bool {
        guard byte > 0x20, byte < 0x7F else { return false }
        return !"(){ %*\"\\]".utf8.contains(byte)
    }
}
