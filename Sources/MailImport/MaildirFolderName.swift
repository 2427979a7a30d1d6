import IMAPSyntax

/// Mailbox names of Maildir folders, as Dovecot lays them out (`mail_location`):
/// - Maildir++ (the default): INBOX is the root, every other folder a directory `.<name>` in it,
///   levels separated by `.`: `.Sent` is `Sent`, `.Lists.debian` is `Lists/debian`;
/// - `LAYOUT=fs`: folders are nested directories: `Lists/debian` is `Lists/debian`.
/// Each level is modified UTF-7 (RFC 3501 §5.1.3), as Dovecot writes it: `.&AMk-t&AOk-` is `Été`.
public enum MaildirFolderName {
    public enum Layout: String, Sendable, CaseIterable {
        case maildirPlusPlus = "maildir++"
        case fs
    }

    /// The mailbox name of a Maildir++ folder directory (`.Lists.debian`), or nil if the
    /// directory is no folder (no leading dot, `.`, `..`, an empty level).
    public static func maildirPlusPlus(_ directory: String) -> String? {
        guard directory.hasPrefix("."), directory != ".", directory != ".." else { return nil }
        return joined(directory.dropFirst().split(separator: ".", omittingEmptySubsequences: false))
    }

    /// The mailbox name of a `LAYOUT=fs` folder at `relativePath` (`Lists/debian`) below the
    /// root, or nil for an unusable path (empty level, `.` or `..`).
    public static func fs(_ relativePath: String) -> String? {
        joined(relativePath.split(separator: "/", omittingEmptySubsequences: false))
    }

    private static func joined(_ levels: [Substring]) -> String? {
        guard !levels.isEmpty else { return nil }
        var names: [String] = []
        for level in levels {
            guard !level.isEmpty, level != ".", level != "..", !level.contains("/") else { return nil }
            names.append(decode(level))
        }
        let name = names.joined(separator: "/")
        return name.uppercased() == "INBOX" ? "INBOX" : name
    }

    /// One level in modified UTF-7, decoded; a level that is not valid modified UTF-7 is
    /// taken as it is written.
    static func decode(_ level: Substring) -> String {
        guard level.contains("&") else { return String(level) }
        return (try? ModifiedUTF7.decode(Array(level.utf8))) ?? String(level)
    }
}

/// Dovecot's `subscriptions` file: version 2 (`V\t2`, an empty line, then one name per line
/// with its levels separated by tabs) or the older form (one name per line, levels separated
/// by the namespace's separator). Names are modified UTF-7 per level (RFC 3501 §5.1.3).
public enum DovecotSubscriptions {
    /// The subscribed names, `/`-separated and decoded, in file order; `separator` is the
    /// level separator of the older form (`.` for Maildir++, `/` for `LAYOUT=fs`).
    public static func parse(_ bytes: [UInt8], separator: Character = ".") -> [String] {
        var lines = TextLines.split(bytes)[...]
        var levelSeparator = separator
        if let first = lines.first, first.hasPrefix("V\t") {
            levelSeparator = "\t"
            lines = lines.dropFirst()
            while let line = lines.first, !line.isEmpty { lines = lines.dropFirst() }
        }
        var names: [String] = []
        for line in lines where !line.isEmpty {
            let levels = line.split(separator: levelSeparator, omittingEmptySubsequences: false)
            guard !levels.contains(where: \.isEmpty) else { continue }
            let name = levels.map { MaildirFolderName.decode($0) }.joined(separator: "/")
            let normalized = name.uppercased() == "INBOX" ? "INBOX" : name
            if !names.contains(normalized) { names.append(normalized) }
        }
        return names
    }
}
