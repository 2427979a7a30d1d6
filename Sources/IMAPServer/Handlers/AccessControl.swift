import IMAPSyntax
import MailCore
import MailStore

extension Session {
    /// The ACL capabilities: `ACL` with the rights of RFC 4314 §2.1 and the virtual `c`/`d`
    /// mapped as `RIGHTS=texk` announces (§2.1.1), and LIST's `RETURN (MYRIGHTS)` (RFC 8440).
    static let accessControlCapabilities: [Capability] = ["ACL", "RIGHTS=texk", "LIST-MYRIGHTS"]

    /// SETACL, DELETEACL, GETACL, LISTRIGHTS and MYRIGHTS (RFC 4314 §3). The store checks the
    /// rights (`AccessGate`): `a` for all but MYRIGHTS, which needs any right that reveals the
    /// mailbox.
    func accessControl(_ command: AccessControlCommand) async throws -> CommandOutcome {
        let name = try decodeMailboxName(command.mailbox)
        let mailbox = try await resolveMailbox(name)
        let acl = store.accessControl
        switch command {
        case .setACL(_, let text, let change):
            let (identifier, negative) = Self.accessIdentifier(text)
            // An identifier no user could have (control characters, CRLF from a literal) is
            // refused rather than kept where GETACL and `tern acl get` would show it.
            if case .user(let user) = identifier, User.canonicalName(user) == nil {
                return .bad("SETACL: the identifier is neither a valid user name, anyone nor authenticated")
            }
            var rights = change.rights
            if change.mode != .replace {
                let current = try await acl.accessControlList(of: mailbox.path, as: principal).entries
                    .first { $0.identifier == identifier && $0.negative == negative }?.rights ?? []
                rights = change.applied(to: current)
            }
            try await acl.setAccess(AccessEntry(identifier: identifier, negative: negative, rights: rights),
                                    on: mailbox.path, as: principal)
            return .ok("SETACL completed")
        case .deleteACL(_, let text):
            let (identifier, negative) = Self.accessIdentifier(text)
            try await acl.removeAccess(identifier, negative: negative, on: mailbox.path, as: principal)
            return .ok("DELETEACL completed")
        case .getACL:
            let list = try await acl.accessControlList(of: mailbox.path, as: principal)
            // The owner's implicit entry is shown to the owner, as Dovecot does.
            let ownerShown = mailbox.ownerName == state.user?.name ? mailbox.ownerName : nil
            send(.acl(name, Self.aclResponse(list, ownerName: ownerShown)))
            return .ok("GETACL completed")
        case .listRights(_, let text):
            _ = try await acl.accessControlList(of: mailbox.path, as: principal)  // needs `a` (§3.4)
            let (identifier, _) = Self.accessIdentifier(text)
            let (always, optional) = AccessControlList.grantable(to: identifier, owner: mailbox.ownerName)
            send(.listRights(name, identifier: text, required: always.standardLetters,
                             optional: optional.map(\.standardLetters) + ["c", "d"]))
            return .ok("LISTRIGHTS completed")
        case .myRights:
            let rights = try await acl.rights(on: mailbox.path, as: principal)
            send(.myRights(name, rights: rights.description))
            return .ok("MYRIGHTS completed")
        }
    }

    /// An identifier as a client writes it (RFC 4314 §2): `-` before a negative one; a user
    /// name in its canonical form (RFC 8265), so that `Bob` and `bob` are one entry.
    static func accessIdentifier(_ text: String) -> (AccessIdentifier, negative: Bool) {
        let negative = text.hasPrefix("-")
        let name = negative ? String(text.dropFirst()) : text
        let identifier = AccessIdentifier(name)
        if case .user(let user) = identifier, let canonical = User.canonicalName(user) {
            return (.user(canonical), negative)
        }
        return (identifier, negative)
    }

    /// The pairs of an ACL response (RFC 4314 §3.6): the owner first (if given) with the
    /// rights they hold when no entry names them (every right, as Dovecot shows it to the
    /// owner), then each entry.
    static func aclResponse(_ list: AccessControlList, ownerName: String?) -> [AccessListEntry] {
        var entries: [AccessListEntry] = []
        if let ownerName, !list.entries.contains(where: { $0.identifier == .user(ownerName) }) {
            entries.append(AccessListEntry(identifier: ownerName, rights: AccessRights.all.description))
        }
        for entry in list.entries {
            entries.append(AccessListEntry(identifier: entry.writtenIdentifier, rights: entry.rights.description))
        }
        return entries
    }
}
