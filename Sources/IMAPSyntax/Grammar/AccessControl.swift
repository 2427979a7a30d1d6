public import MailCore

/// The ACL extension's commands (RFC 4314 §3), with the mailbox as the client named it.
public enum AccessControlCommand: Hashable, Sendable {
    /// `SETACL mailbox identifier mod-rights` (§3.1).
    case setACL(MailboxName, identifier: String, change: AccessRightsChange)
    /// `DELETEACL mailbox identifier` (§3.2).
    case deleteACL(MailboxName, identifier: String)
    /// `GETACL mailbox` (§3.3).
    case getACL(MailboxName)
    /// `LISTRIGHTS mailbox identifier` (§3.4).
    case listRights(MailboxName, identifier: String)
    /// `MYRIGHTS mailbox` (§3.5).
    case myRights(MailboxName)

    /// The command name as a client writes it.
    public var name: String {
        switch self {
        case .setACL: "SETACL"
        case .deleteACL: "DELETEACL"
        case .getACL: "GETACL"
        case .listRights: "LISTRIGHTS"
        case .myRights: "MYRIGHTS"
        }
    }

    /// The mailbox the command is about.
    public var mailbox: MailboxName {
        switch self {
        case .setACL(let mailbox, _, _), .deleteACL(let mailbox, _), .getACL(let mailbox),
             .listRights(let mailbox, _), .myRights(let mailbox):
            mailbox
        }
    }
}

/// One `identifier SP rights` pair of an ACL response (RFC 4314 §3.6), the identifier with
/// its `-` if negative.
public struct AccessListEntry: Hashable, Sendable {
    public var identifier: String
    public var rights: String

    public init(identifier: String, rights: String) {
        self.identifier = identifier
        self.rights = rights
    }
}
