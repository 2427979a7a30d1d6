"""ACL (RFC 4314) and shared folders (RFC 2342 namespaces) against the real binary, with three
users: every right of RFC 4314 §4's table allows its command and its absence refuses it;
an invisible mailbox answers as a missing one; IDLE sees another owner's append; a public
folder made with `tern mailbox create --shared` and granted with `tern acl`; a user's deletion
removes their rights."""

import imaplib

import pytest

from conftest import TEST_CONFIG, append_raw, untagged

USERS = (("alice", "secret-a"), ("bob", "secret-b"), ("carol", "secret-c"))
TEAM = '"Other Users/alice/Team"'


def message(index):
    return f"From: a@example.org\r\nSubject: acl {index}\r\nMessage-ID: <acl{index}@example.org>\r\n\r\nBody {index}\r\n".encode()


@pytest.fixture
def three(make_server):
    return make_server(users=USERS)


def login(server, user):
    client = server.raw()
    password = dict(USERS)[user]
    assert client.command("l", f"LOGIN {user} {password}")[-1].startswith(b"l OK")
    return client


def ok(lines):
    return lines[-1].split(b" ")[1] == b"OK"


def test_commands_and_capabilities_with_imaplib(three):
    """SETACL/GETACL/MYRIGHTS/DELETEACL through imaplib, LISTRIGHTS raw; ACL and RIGHTS=texk
    advertised (RFC 4314 §3, §5); NAMESPACE lists the three namespaces (RFC 2342 §5)."""
    client = three.imap("alice", "secret-a")
    try:
        names = client.capability()[1][0].split()
        assert b"ACL" in names and b"RIGHTS=texk" in names and b"LIST-MYRIGHTS" in names
        assert client.create("Team")[0] == "OK"
        assert client.setacl("Team", "bob", "lrs")[0] == "OK"
        typ, data = client.getacl("Team")
        assert typ == "OK" and data == [b'"Team" alice lrswipkxteacd bob lrs'], data
        typ, data = client.myrights("Team")
        assert typ == "OK" and data == [b'"Team" lrswipkxteacd'], data
        imaplib.Commands.setdefault("LISTRIGHTS", ("AUTH", "SELECTED"))  # imaplib has no listrights()
        typ, data = client._simple_command("LISTRIGHTS", "Team", "bob")
        assert typ == "OK"
        assert client._untagged_response(typ, data, "LISTRIGHTS")[1] == [b'"Team" bob "" l r s w i p k x t e a c d']
        assert client.deleteacl("Team", "bob")[0] == "OK"
        assert client.getacl("Team")[1] == [b'"Team" alice lrswipkxteacd']
        typ, data = client.namespace()
        assert data == [b'(("" "/")) (("Other Users/" "/")) (("Shared/" "/"))'], data
        with pytest.raises(imaplib.IMAP4.error, match="mod-rights"):  # BAD: an unknown right (§3.1)
            client.setacl("Team", "bob", "lrq")
        assert client.noop()[0] == "OK", "the session goes on"
    finally:
        client.logout()


def grant(owner, rights):
    assert ok(owner.command("g", f"SETACL Team bob {rights}"))


@pytest.mark.parametrize("right", ["l", "r", "s", "w", "i", "k", "x", "t", "e", "a"])
def test_each_right_allows_its_command_and_its_absence_refuses_it(three, right):
    """RFC 4314 §4: for each right, bob gets a command through with it, and is refused without
    it (NO [NOPERM] while he can see the mailbox; nothing listed for `l`)."""
    owner = login(three, "alice")
    bob = login(three, "bob")
    assert ok(owner.command("c", "CREATE Team"))
    assert ok(owner.command("c2", "CREATE Team/Sub"))
    append_raw(owner, "m", "Team", message(1))

    def attempt(rights):
        grant(owner, rights)
        if right in "xk":
            assert ok(owner.command("g2", f"SETACL Team/Sub bob {rights}"))
        if right == "l":
            lines = bob.command("p", 'LIST "" "*"')
            return any(b"Other Users/alice/Team" in line for line in lines), lines
        if right == "r":
            lines = bob.command("p", f"SELECT {TEAM}")
            return ok(lines), lines
        if right == "i":
            lines = append_raw(bob, "p", TEAM, message(2))
            return ok(lines), lines
        if right == "k":
            lines = bob.command("p", 'CREATE "Other Users/alice/Team/Sub/New"')
            return ok(lines), lines
        if right == "x":
            lines = bob.command("p", 'DELETE "Other Users/alice/Team/Sub"')
            return ok(lines), lines
        if right == "a":
            lines = bob.command("p", f"GETACL {TEAM}")
            return ok(lines), lines
        # s, w, t, e act in the selected mailbox
        assert ok(bob.command("s", f"SELECT {TEAM}")), "bob can select with r and a changing right"
        if right == "e":
            assert ok(owner.command("d", "SELECT Team")) and ok(owner.command("d2", "STORE 1 +FLAGS (\\Deleted)"))
            owner.command("d3", "UNSELECT")
            lines = bob.command("p", "EXPUNGE")
        else:
            flag = {"s": "\\Seen", "w": "\\Flagged", "t": "\\Deleted"}[right]
            lines = bob.command("p", f"STORE 1 +FLAGS ({flag})")
        bob.command("u", "UNSELECT")
        return ok(lines), lines

    # The rights besides the one under test: enough to see (and, in the selected state, to open
    # read-write through another changing right) the mailbox.
    base = {"l": "r", "r": "l", "a": "l", "i": "l", "k": "l", "x": "l"}.get(right, "lr" + ("w" if right != "w" else "s"))
    # Refused first: the allowed attempt may use up what it acts on (EXPUNGE, DELETE).
    refused, lines = attempt(base)
    assert not refused, (right, lines)
    if right != "l":
        assert b"[NOPERM]" in lines[-1], (right, lines)
    allowed, lines = attempt(base + right)
    assert allowed, (right, lines)


def test_invisible_mailbox_answers_as_a_missing_one(three):
    """RFC 4314 §6: without a right that reveals it, a mailbox is indistinguishable from one that
    does not exist, in every command."""
    owner = login(three, "alice")
    carol = login(three, "carol")
    assert ok(owner.command("c", "CREATE Secret"))
    for command in ["SELECT", "STATUS", "MYRIGHTS", "GETACL", "DELETE"]:
        suffix = " (MESSAGES)" if command == "STATUS" else ""
        hidden = carol.command("h", f'{command} "Other Users/alice/Secret"{suffix}')
        missing = carol.command("h", f'{command} "Other Users/alice/Nowhere"{suffix}')
        assert hidden[-1].replace(b"Secret", b"X") == missing[-1].replace(b"Nowhere", b"X"), (command, hidden, missing)
        assert b"[NONEXISTENT]" in hidden[-1]


def test_idle_sees_another_owners_append(three):
    """When alice appends to a mailbox bob has selected, bob's IDLE reports it at once."""
    owner = login(three, "alice")
    bob = login(three, "bob")
    assert ok(owner.command("c", "CREATE Team"))
    assert ok(owner.command("g", "SETACL Team bob lrs"))
    assert ok(bob.command("s", f"SELECT {TEAM}"))
    bob.send("i IDLE\r\n")
    assert bob.readline().startswith(b"+")
    append_raw(owner, "a", "Team", message(3))
    bob.sock.settimeout(5)
    assert bob.readline() == b"* 1 EXISTS"
    bob.send("DONE\r\n")
    assert bob.read_response("i")[-1].startswith(b"i OK")


def test_shared_folder_made_and_granted_by_the_administrator(three):
    """`tern mailbox create --shared` makes a public folder (RFC 2342 shared namespace) nobody
    sees until `tern acl set --shared` grants it; carol's APPEND counts on its own root, bob
    reads it; COPY and MOVE between owners; `tern acl get` shows the list."""
    three.tern("mailbox", "create", "--shared", "support")
    bob = login(three, "bob")
    assert not any(b"Shared/support" in line for line in bob.command("a", 'LIST "" "*"'))
    three.tern("acl", "set", "--shared", "support", "authenticated", "lrswte")
    three.tern("acl", "set", "--shared", "support", "carol", "+i")
    listing = three.tern("acl", "get", "--shared", "support").stdout
    assert listing.splitlines() == ["authenticated lrswted", "carol i"], listing
    assert any(b'"Shared/support"' in line for line in bob.command("b", 'LIST "" "Shared/%"'))
    carol = login(three, "carol")
    assert append_raw(carol, "c", "Shared/support", message(4))[-1].startswith(b"c OK [APPENDUID")
    assert append_raw(bob, "c", "Shared/support", message(5))[-1].startswith(b"c NO [NOPERM]"), "bob has no i"
    assert ok(bob.command("d", "SELECT Shared/support"))
    fetched = bob.command("e", "FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    assert any(b"acl 4" in line for line in fetched), fetched
    assert bob.command("f", "COPY 1 INBOX")[-1].startswith(b"f OK [COPYUID")
    assert bob.command("g", "MOVE 1 INBOX")[-1].startswith(b"g OK")
    assert ok(bob.command("h", "SELECT INBOX"))
    assert untagged(bob.command("i", "SEARCH ALL"), "SEARCH") == [b"* SEARCH 1 2"]


def test_user_deletion_removes_their_rights(three):
    owner = login(three, "alice")
    assert ok(owner.command("c", "CREATE Team"))
    assert ok(owner.command("g", "SETACL Team bob lr"))
    assert ok(owner.command("g", "SETACL Team -carol r"))
    three.tern("user", "delete", "bob")
    assert three.tern("acl", "get", "alice", "Team").stdout.splitlines() == ["alice lrswipkxteacd (owner)", "-carol r"]
