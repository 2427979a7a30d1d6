public import MailCore

/// The one check every mailbox operation of a store goes through (RFC 4314 §4): what the
/// acting principal may do to a mailbox, and the error it gets when it may not.
///
/// - The administrator may do everything.
/// - A user gets the rights the mailbox's list gives them (`AccessControlList.rights`), the
///   owner every right unless an entry names them, and always `l` and `a`.
/// - An operation the rights do not allow fails with `permissionDenied` (`NO [NOPERM]`) if the
///   user holds a right that reveals the mailbox (RFC 4314 §6), and otherwise with the error of
///   a missing mailbox, so that one cannot tell the two apart.
public enum AccessGate {
    /// The name of the reserved account that owns public folders: it holds a space, so it is
    /// no valid user name (`User.canonicalName`), can never log in and never collides with one.
    public static let publicOwnerName = "public folders"

    /// The rights of `principal` on a mailbox of `owner` with `list`. `name` is the user's
    /// login name; it is read only when the list has entries (nil is fine otherwise).
    public static func rights(of principal: Principal, named name: String?, owner: UserID,
                              list: AccessControlList) -> AccessRights {
        switch principal {
        case .administrator:
            return .all
        case .user(let user):
            if user == owner && list.entries.isEmpty { return .all }
            return list.rights(of: name, owner: user == owner ? name : nil)
        }
    }

    /// Throws unless `rights` allow `operation`: `permissionDenied` if the mailbox is visible
    /// to the holder, `hidden` (the missing-mailbox error of the call) if not.
    public static func require(_ operation: MailboxOperation, _ rights: AccessRights,
                               hidden: @autoclosure () -> MailStoreError) throws {
        guard !operation.isAllowed(by: rights) else { return }
        throw MailboxOperation.readOwnRights.isAllowed(by: rights) ? MailStoreError.permissionDenied : hidden()
    }

    /// Throws unless `rights` let the holder see the mailbox at all (any right of RFC 4314 §6).
    public static func requireVisible(_ rights: AccessRights, hidden: @autoclosure () -> MailStoreError) throws {
        guard MailboxOperation.readOwnRights.isAllowed(by: rights) else { throw hidden() }
    }

    /// Throws `permissionDenied` for a STORE of `flags` none of which `rights` let the user
    /// change (RFC 4314 §4: a STORE "SHOULD NOT fail if the user has rights to modify at least
    /// one flag"; the others are left as they are).
    public static func requireFlagChange(_ flags: MessageFlags, _ rights: AccessRights) throws {
        guard !rights.isSuperset(of: .flagRights), flags != MessageFlags(),
              rights.permitted(flags) == MessageFlags() else { return }
        throw MailStoreError.permissionDenied
    }

    /// The nearest existing superior of `name` (`A/B` for `A/B/C` if `A/B` exists), the
    /// mailbox whose `k` right CREATE and RENAME need (RFC 4314 §4); nil at the top.
    public static func nearestSuperior(of name: String, exists: (String) throws -> Bool) rethrows -> String? {
        var candidate = Substring(name)
        while let slash = candidate.lastIndex(of: "/") {
            candidate = candidate[..<slash]
            if !candidate.isEmpty, try exists(String(candidate)) { return String(candidate) }
        }
        return nil
    }
}
