/// The message a REPLACE or UID REPLACE names (RFC 8508 §3.2–3.3): `seq-number` (a sequence
/// number or, with `byUID`, a UID; `*` is the last), before the mailbox and the
/// `append-message` whose literal the framer streams like an APPEND's.
public struct ReplaceTarget: Hashable, Sendable {
    public var message: SequenceBound
    public var byUID: Bool

    public init(_ message: SequenceBound, byUID: Bool) {
        self.message = message
        self.byUID = byUID
    }
}
