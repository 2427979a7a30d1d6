import Foundation
import MailCore
import MailImport

/// A Dovecot (or plain) Maildir on disk: its folders and, per folder, the messages with the
/// UIDs Dovecot gave them. Reading the files is left to the importer, one at a time.
struct MaildirSource {
    let root: URL
    let layout: MaildirFolderName.Layout

    struct Folder {
        var name: String
        var directory: URL
    }

    struct Message {
        var uid: UID
        var path: String
        var flags: MessageFlags
        /// The file's mtime: Dovecot's INTERNALDATE for Maildir.
        var mtime: Int64
        var size: UInt64
    }

    struct FolderContents {
        var uidValidity: UIDValidity?
        var uidNext: UID?
        var messages: [Message]
        /// Lines of dovecot-uidlist or dovecot-keywords left out, and files that could not be read.
        var problems: [String]
    }

    /// Picks the layout from what is there unless one is given: Maildir++ if a `.folder`
    /// holding `cur` exists, `fs` if a plain subdirectory holding `cur` does.
    init(root: String, layout: MaildirFolderName.Layout?) throws {
        let rootURL = URL(fileURLWithPath: root)
        self.root = rootURL
        guard Self.isMaildir(rootURL) else { throw SettingsError("\(root) is not a Maildir (no cur directory)") }
        if let layout {
            self.layout = layout
        } else {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
            let dotted = entries.contains { $0.hasPrefix(".") && Self.isMaildir(rootURL.appendingPathComponent($0)) }
            let plain = entries.contains { !$0.hasPrefix(".") && !["cur", "new", "tmp"].contains($0)
                && Self.isMaildir(rootURL.appendingPathComponent($0)) }
            self.layout = !dotted && plain ? .fs : .maildirPlusPlus
        }
    }

    static func isMaildir(_ directory: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: directory.appendingPathComponent("cur").path, isDirectory: &isDirectory)
            && isDirectory.boolValue
    }

    /// INBOX first, then every folder in name order.
    func folders() -> [Folder] {
        var found: [Folder] = []
        switch layout {
        case .maildirPlusPlus:
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [] {
                let directory = root.appendingPathComponent(entry)
                guard let name = MaildirFolderName.maildirPlusPlus(entry), name != "INBOX", Self.isMaildir(directory) else { continue }
                found.append(Folder(name: name, directory: directory))
            }
        case .fs:
            let enumerator = FileManager.default.enumerator(atPath: root.path)
            while let relative = enumerator?.nextObject() as? String {
                let last = (relative as NSString).lastPathComponent
                if ["cur", "new", "tmp"].contains(last) {
                    enumerator?.skipDescendants()
                    continue
                }
                let directory = root.appendingPathComponent(relative)
                guard Self.isMaildir(directory), let name = MaildirFolderName.fs(relative), name != "INBOX" else { continue }
                found.append(Folder(name: name, directory: directory))
            }
        }
        return [Folder(name: "INBOX", directory: root)] + found.sorted { $0.name < $1.name }
    }

    /// The subscriptions file of the root (Dovecot writes it there).
    func subscriptions() -> [String] {
        guard let bytes = FileManager.default.contents(atPath: root.appendingPathComponent("subscriptions").path) else { return [] }
        return DovecotSubscriptions.parse(Array(bytes), separator: layout == .fs ? "/" : ".")
    }

    /// The messages of a folder in UID order: those `dovecot-uidlist` names keep their UIDs;
    /// the others (delivered since Dovecot last looked, or no Dovecot at all) get the next
    /// UIDs in delivery order, as Dovecot itself would give them. A listed file that is gone
    /// was expunged. A folder without a uidlist gets UIDs from 1 and no UIDVALIDITY.
    func contents(of folder: Folder) -> FolderContents {
        var contents = FolderContents(uidValidity: nil, uidNext: nil, messages: [], problems: [])
        let keywordBytes = FileManager.default.contents(atPath: folder.directory.appendingPathComponent("dovecot-keywords").path)
        let keywords = keywordBytes.map { DovecotKeywords.parse(Array($0)) } ?? DovecotKeywords()
        contents.problems += keywords.problems.map { "dovecot-keywords \($0)" }
        var files: [String: (name: MaildirFileName, path: String)] = [:]
        for sub in ["cur", "new"] {
            let directory = folder.directory.appendingPathComponent(sub).path
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where !entry.hasPrefix(".") {
                let name = MaildirFileName(entry)
                files[name.base] = (name, directory + "/" + entry)
            }
        }
        var next: UInt32 = 1
        if let bytes = FileManager.default.contents(atPath: folder.directory.appendingPathComponent("dovecot-uidlist").path) {
            let list = DovecotUIDList.parse(Array(bytes))
            contents.problems += list.problems.map { "dovecot-uidlist \($0)" }
            if let validity = list.uidValidity {
                contents.uidValidity = UIDValidity(validity)
                for entry in list.entries {
                    guard let file = files.removeValue(forKey: MaildirFileName.base(of: entry.fileName)) else { continue }
                    append(file, uid: entry.uid, keywords: keywords, to: &contents)
                }
                next = list.effectiveNextUID
            }
        }
        for file in files.values.sorted(by: { MaildirFileName.deliveryOrder($0.name, $1.name) }) {
            guard next < UInt32.max else {
                contents.problems.append("\(file.path): no UID left")
                continue
            }
            append(file, uid: next, keywords: keywords, to: &contents)
            next += 1
        }
        contents.uidNext = UID(next)
        return contents
    }

    private func append(_ file: (name: MaildirFileName, path: String), uid: UInt32, keywords: DovecotKeywords,
                        to contents: inout FolderContents) {
        var info = stat()
        guard stat(file.path, &info) == 0 else {
            contents.problems.append("\(file.path): \(String(cString: strerror(errno)))")
            return
        }
        contents.messages.append(Message(uid: UID(uid), path: file.path, flags: file.name.flags(keywords: keywords),
                                         mtime: Int64(info.st_mtim.tv_sec), size: UInt64(info.st_size)))
    }
}
