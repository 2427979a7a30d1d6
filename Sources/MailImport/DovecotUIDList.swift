/// Dovecot's `dovecot-uidlist`: the UIDVALIDITY and next UID of a Maildir folder and the UID of
/// each message file (Dovecot's `maildir-uidlist.c` format, versions 1 to 3).
///
/// Version 1 and 2 headers are positional (`1 <uidvalidity> <nextuid>`); version 3 names its
/// fields (`3 V<uidvalidity> N<nextuid> G<guid>`, any order, unknown ones ignored). Version 1
/// lines are `<uid> <filename>`; later ones `<uid> [<key><value> ...] :<filename>`, where the
/// keys include `S` (file size) and `W` (virtual size, with CRLF line ends).
///
/// Pure: bytes in, values out. A line that cannot be read is reported in `problems` with its
/// line number and the rest goes on; UIDs must ascend (Dovecot writes them so), and a line
/// that breaks the order, or names a file already listed, is reported and left out.
public struct DovecotUIDList: Hashable, Sendable {
    public var version: Int
    public var uidValidity: UInt32?
    /// The header's next UID: the mailbox's UIDNEXT (never lower than the last UID plus one).
    public var nextUID: UInt32?
    public var entries: [Entry]
    public var problems: [LineProblem]

    public struct Entry: Hashable, Sendable {
        public var uid: UInt32
        /// The file name as listed; what identifies a message is its base (`MaildirFileName.base`).
        public var fileName: String
        public var size: UInt64?
        public var virtualSize: UInt64?

        public init(uid: UInt32, fileName: String, size: UInt64? = nil, virtualSize: UInt64? = nil) {
            self.uid = uid
            self.fileName = fileName
            self.size = size
            self.virtualSize = virtualSize
        }
    }

    /// Parses the whole file. A missing or unreadable header yields no UIDVALIDITY and a
    /// problem at line 1; the entries are still read.
    public static func parse(_ bytes: [UInt8]) -> DovecotUIDList {
        var list = DovecotUIDList(version: 0, uidValidity: nil, nextUID: nil, entries: [], problems: [])
        let lines = TextLines.split(bytes)
        guard let header = lines.first else {
            list.problems.append(LineProblem(line: 1, reason: "empty file"))
            return list
        }
        list.readHeader(header)
        var seen = Set<String>()
        for (offset, line) in lines.dropFirst().enumerated() where !line.isEmpty {
            let number = offset + 2
            guard let entry = list.readEntry(line) else {
                list.problems.append(LineProblem(line: number, reason: "unreadable line"))
                continue
            }
            if let last = list.entries.last, entry.uid <= last.uid {
                list.problems.append(LineProblem(line: number, reason: "UID \(entry.uid) out of order"))
                continue
            }
            let base = MaildirFileName.base(of: entry.fileName)
            guard seen.insert(base).inserted else {
                list.problems.append(LineProblem(line: number, reason: "file \(base) listed twice"))
                continue
            }
            list.entries.append(entry)
        }
        return list
    }

    /// The UIDNEXT the folder has: the header's, or past the last listed UID if larger.
    public var effectiveNextUID: UInt32 {
        let pastLast = entries.last.map { $0.uid == UInt32.max ? UInt32.max : $0.uid + 1 } ?? 1
        return max(nextUID ?? 1, pastLast)
    }

    private mutating func readHeader(_ line: Substring) {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard let first = fields.first, let version = Int(first), (1...3).contains(version) else {
            problems.append(LineProblem(line: 1, reason: "unknown header"))
            return
        }
        self.version = version
        if version < 3 {
            uidValidity = fields.count > 1 ? UInt32(fields[1]) : nil
            nextUID = fields.count > 2 ? UInt32(fields[2]) : nil
        } else {
            for field in fields.dropFirst() {
                let value = field.dropFirst()
                switch field.first {
                case "V": uidValidity = UInt32(value)
                case "N": nextUID = UInt32(value)
                default: break
                }
            }
        }
        if uidValidity == nil || uidValidity == 0 {
            uidValidity = nil
            problems.append(LineProblem(line: 1, reason: "no UIDVALIDITY in the header"))
        }
    }

    private func readEntry(_ line: Substring) -> Entry? {
        guard let space = line.firstIndex(of: " "), let uid = UInt32(line[..<space]), uid > 0 else { return nil }
        let rest = line[line.index(after: space)...]
        if version == 1 {
            let name = rest.trimmingSpaces
            return name.isEmpty ? nil : Entry(uid: uid, fileName: String(name))
        }
        // `[fields] :filename`; the name may itself hold spaces or colons.
        guard let colon = rest.firstIndex(of: ":") else {
            let name = rest.trimmingSpaces
            return name.isEmpty || name.contains(" ") ? nil : Entry(uid: uid, fileName: String(name))
        }
        var entry = Entry(uid: uid, fileName: String(rest[rest.index(after: colon)...]))
        guard !entry.fileName.isEmpty else { return nil }
        for field in rest[..<colon].split(separator: " ") {
            let value = field.dropFirst()
            switch field.first {
            case "S": guard let size = UInt64(value) else { return nil }; entry.size = size
            case "W": guard let size = UInt64(value) else { return nil }; entry.virtualSize = size
            default: break
            }
        }
        return entry
    }
}

/// A line of an input file that was left out, and why.
public struct LineProblem: Hashable, Sendable, CustomStringConvertible {
    /// 1-based.
    public var line: Int
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { "line \(line): \(reason)" }
}

/// Splitting a small text file (a uidlist, a keywords or subscriptions file) into lines.
enum TextLines {
    /// The lines of `bytes` without their LF or CRLF, as UTF-8 (invalid bytes replaced);
    /// a last line without LF counts.
    static func split(_ bytes: [UInt8]) -> [Substring] {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines.map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var result = self
        while result.first == " " { result = result.dropFirst() }
        while result.last == " " { result = result.dropLast() }
        return result
    }
}
