"""METADATA and METADATA-SERVER (RFC 5464) against the real server, with raw commands (byte-exact
answers) and with imaplib: private and shared entries, DEPTH, MAXSIZE/LONGENTRIES, the limits of
the [metadata] section, what RENAME and DELETE do to a mailbox's entries, server entries, and a
binary value with CRLF and NUL sent and answered as a literal8."""

import imaplib

from conftest import TEST_CONFIG, login_raw


def test_capabilities_and_private_and_shared_entries(server):
    """RFC 5464 §4.2–§4.4: both capabilities are advertised; SETMETADATA sets several entries at
    once; GETMETADATA answers one METADATA response, NIL for an entry without value; entry names
    are case-insensitive (§3.2)."""
    client = login_raw(server)
    capabilities = client.command("c", "CAPABILITY")[0].split()
    assert b"METADATA" in capabilities and b"METADATA-SERVER" in capabilities
    assert client.command("s", 'SETMETADATA INBOX (/private/comment "My comment" /shared/comment "Shared")') == [
        b"s OK SETMETADATA completed"]
    assert client.command("g", "GETMETADATA INBOX (/Shared/Comment /private/comment /private/none)") == [
        b'* METADATA "INBOX" (/private/comment "My comment" /private/none NIL /shared/comment "Shared")',
        b"g OK GETMETADATA completed"]
    assert client.command("d", "SETMETADATA INBOX (/shared/comment NIL)")[-1] == b"d OK SETMETADATA completed"
    assert client.command("g2", "GETMETADATA INBOX /shared/comment")[0] == b'* METADATA "INBOX" (/shared/comment NIL)'
    # Another user has their own private entries and cannot reach alice's mailboxes.
    bob = login_raw(server, "bob", "secret-b")
    assert bob.command("b", "GETMETADATA INBOX /private/comment")[0] == b'* METADATA "INBOX" (/private/comment NIL)'


def test_invalid_entry_names_are_bad(server):
    """RFC 5464 §3.2: "Invalid entry names result in a BAD response"; the session goes on."""
    client = login_raw(server)
    for entry in ("/private/a*", '"/shared/a%"', "/private//a", "/private/a/", "/public/a", "comment",
                  "/shared/vendor/x"):
        assert client.command("b", f"GETMETADATA INBOX {entry}")[-1].startswith(b"b BAD"), entry
    assert client.command("n", "NOOP") == [b"n OK NOOP completed"]


def test_depth_and_maxsize(server):
    """RFC 5464 §4.2.1 (MAXSIZE, LONGENTRIES with the largest size left out) and §4.2.2 (DEPTH)."""
    client = login_raw(server)
    big = "x" * 2199
    client.send("s SETMETADATA INBOX (/private/filters/values/small \"SMALLER 5000\" "
                f"/private/filters/values/boss {{2199+}}\r\n{big} /private/filters/values/boss/x \"deep\" "
                "/private/filters \"top\")\r\n")
    assert client.read_response("s") == [b"s OK SETMETADATA completed"]
    assert client.command("a", "GETMETADATA INBOX (DEPTH 1) (/private/filters/values)")[0] == (
        b'* METADATA "INBOX" (/private/filters/values/boss {2199}\r\n' + big.encode()
        + b' /private/filters/values/small "SMALLER 5000")')
    answer = client.command("b", "GETMETADATA INBOX (MAXSIZE 1024 DEPTH infinity) (/private/filters)")
    assert answer == [b'* METADATA "INBOX" (/private/filters "top" /private/filters/values/boss/x "deep" '
                      b'/private/filters/values/small "SMALLER 5000")',
                      b"b OK [METADATA LONGENTRIES 2199] GETMETADATA completed"]
    # The ABNF of §5 puts the options before the mailbox: the same answer.
    assert client.command("c", "GETMETADATA (DEPTH 0) INBOX /private/filters")[0] == (
        b'* METADATA "INBOX" (/private/filters "top")')


def test_limits_refuse_everything(make_server):
    """RFC 5464 §4.3: MAXSIZE and TOOMANY from [metadata]; when one entry fails, none changes."""
    server = make_server(TEST_CONFIG + "\n[metadata]\nmax_size = 1024\nmax_entries = 10\nmax_total_size = 2048\n")
    client = login_raw(server)
    client.send(f"a SETMETADATA INBOX (/private/a \"1\" /private/b {{1025+}}\r\n{'y' * 1025})\r\n")
    assert client.read_response("a") == [b"a NO [METADATA MAXSIZE 1024] Metadata value larger than 1024 octets"]
    assert client.command("g", "GETMETADATA INBOX /private/a")[0] == b'* METADATA "INBOX" (/private/a NIL)'
    ten = " ".join(f'/shared/n{i} "v"' for i in range(10))
    assert client.command("b", f"SETMETADATA INBOX ({ten})")[-1] == b"b OK SETMETADATA completed"
    assert client.command("c", 'SETMETADATA INBOX (/shared/n0 "changed" /private/eleven "v")')[-1].startswith(
        b"c NO [METADATA TOOMANY]")
    assert client.command("g2", "GETMETADATA INBOX /shared/n0")[0] == b'* METADATA "INBOX" (/shared/n0 "v")'
    # The user's total: two values of 1000 octets on two mailboxes pass 2048 with the names.
    client.command("m", "CREATE Other")
    client.send(f"d SETMETADATA Other (/private/big {{1000+}}\r\n{'z' * 1000})\r\n")
    assert client.read_response("d") == [b"d OK SETMETADATA completed"]
    client.send(f"e SETMETADATA INBOX (/private/big {{1000+}}\r\n{'z' * 1000})\r\n")
    assert client.read_response("e")[-1].startswith(b"e NO [METADATA TOOMANY]")


def test_rename_carries_and_delete_drops(server):
    """RFC 5464 §4.1: entries follow RENAME (INBOX keeps its own and the new mailbox gets a copy);
    DELETE removes them, so a mailbox created again under the name starts bare."""
    client = login_raw(server)
    client.command("c", "CREATE Projects/Tern")
    client.command("s1", 'SETMETADATA Projects (/shared/comment "parent")')
    client.command("s2", 'SETMETADATA Projects/Tern (/private/comment "child")')
    assert client.command("r", "RENAME Projects Work")[-1].startswith(b"r OK")
    assert client.command("g1", "GETMETADATA Work /shared/comment")[0] == b'* METADATA "Work" (/shared/comment "parent")'
    assert client.command("g2", "GETMETADATA Work/Tern /private/comment")[0] == (
        b'* METADATA "Work/Tern" (/private/comment "child")')
    assert client.command("g3", "GETMETADATA Projects /shared/comment")[-1].startswith(b"g3 NO [NONEXISTENT]")
    client.command("s3", 'SETMETADATA INBOX (/private/comment "inbox")')
    assert client.command("r2", "RENAME INBOX Old-Inbox")[-1].startswith(b"r2 OK")
    assert client.command("g4", "GETMETADATA Old-Inbox /private/comment")[0] == (
        b'* METADATA "Old-Inbox" (/private/comment "inbox")')
    assert client.command("g5", "GETMETADATA INBOX /private/comment")[0] == b'* METADATA "INBOX" (/private/comment "inbox")'
    assert client.command("d", "DELETE Work/Tern")[-1].startswith(b"d OK")
    client.command("c2", "CREATE Work/Tern")
    assert client.command("g6", "GETMETADATA Work/Tern /private/comment")[0] == (
        b'* METADATA "Work/Tern" (/private/comment NIL)')


def test_server_entries(server):
    """METADATA-SERVER (RFC 5464 §3.1, §3.3): the empty mailbox name; private server entries per
    user (a chat client's push token); shared server entries are the administrator's (NOPERM)."""
    alice = login_raw(server)
    assert alice.command("a", 'SETMETADATA "" (/private/vendor/deltachat/token "tok-a")') == [
        b"a OK SETMETADATA completed"]
    assert alice.command("b", 'SETMETADATA "" (/shared/comment "mine")')[-1].startswith(b"b NO [NOPERM]")
    assert alice.command("g", 'GETMETADATA "" (DEPTH infinity) (/private /shared/comment)') == [
        b'* METADATA "" (/private/vendor/deltachat/token "tok-a")',
        b"g OK GETMETADATA completed"]
    bob = login_raw(server, "bob", "secret-b")
    assert bob.command("g", 'GETMETADATA "" /private/vendor/deltachat/token')[0] == (
        b'* METADATA "" (/private/vendor/deltachat/token NIL)')


def test_binary_value_with_crlf_and_nul(server):
    """RFC 5464 §5 `value = nstring / literal8`: a value with NUL comes in a literal8 and goes
    back as one (RFC 3516 §4.2); CRLF alone needs only a literal. NUL anywhere else is BAD."""
    client = login_raw(server)
    value = b"line one\r\nline two\x00\x01\xff"
    client.send(b"a SETMETADATA INBOX (/private/vendor/tern/blob ~{%d+}\r\n%s /private/text {10+}\r\nab\r\ncd\r\nef)\r\n"
                % (len(value), value))
    assert client.read_response("a") == [b"a OK SETMETADATA completed"]
    client.send(b"b GETMETADATA INBOX (/private/vendor/tern/blob /private/text)\r\n")
    assert client.readline() == b'* METADATA "INBOX" (/private/text {10}'
    assert client.read_exact(10) == b"ab\r\ncd\r\nef"
    assert client.readline() == b" /private/vendor/tern/blob ~{%d}" % len(value)
    assert client.read_exact(len(value)) == value
    assert client.readline() == b")"
    assert client.readline() == b"b OK GETMETADATA completed"
    client.send(b"c SETMETADATA INBOX (/private/x {3+}\r\na\x00b)\r\n")
    assert client.read_response("c")[-1].startswith(b"c BAD")
    assert client.command("n", "NOOP") == [b"n OK NOOP completed"]


def test_imaplib_client(server):
    """A Python imaplib session drives both commands as an extension client would."""
    imaplib.Commands.setdefault("GETMETADATA", ("AUTH", "SELECTED"))
    imaplib.Commands.setdefault("SETMETADATA", ("AUTH", "SELECTED"))
    imap = imaplib.IMAP4("127.0.0.1", server.port)
    try:
        imap.login("alice", "secret-a")
        typ, _ = imap._simple_command("SETMETADATA", "INBOX", '(/private/comment "from imaplib")')
        assert typ == "OK"
        typ, data = imap._simple_command("GETMETADATA", "INBOX", "/private/comment")
        assert typ == "OK"
        _, metadata = imap._untagged_response(typ, data, "METADATA")
        assert metadata == [b'"INBOX" (/private/comment "from imaplib")']
    finally:
        imap.logout()


def test_administrator_sets_shared_server_entries(server):
    """`tern metadata` (README: Metadata): the administrator sets the shared server entries users
    may only read (RFC 5464 §3.2.1.1 /shared/admin, /shared/comment), while the server runs; it
    also reads and removes a mailbox's entries; invalid names and targets are refused."""
    assert server.tern("metadata", "set", "/shared/admin", "mailto:postmaster@example.org").returncode == 0
    server.tern("metadata", "set", "/shared/comment", "Welcome")
    client = login_raw(server)
    assert client.command("g", 'GETMETADATA "" (/shared/admin /shared/comment)')[0] == (
        b'* METADATA "" (/shared/admin "mailto:postmaster@example.org" /shared/comment "Welcome")')
    assert server.tern("metadata", "get").stdout == "/shared/admin\tmailto:postmaster@example.org\n/shared/comment\tWelcome\n"
    client.command("s", 'SETMETADATA INBOX (/private/comment "hers")')
    assert server.tern("metadata", "get", "--user", "alice", "--mailbox", "inbox", "/private").stdout == (
        "/private/comment\thers\n")
    server.tern("metadata", "set", "--user", "alice", "--mailbox", "INBOX", "/private/comment")
    assert client.command("g2", "GETMETADATA INBOX /private/comment")[0] == b'* METADATA "INBOX" (/private/comment NIL)'
    assert server.tern("metadata", "set", "/shared/a*", "x", check=False).returncode != 0
    assert server.tern("metadata", "set", "/private/x", "x", check=False).returncode != 0  # no private server entries
    assert "no mailbox" in server.tern("metadata", "get", "--user", "alice", "--mailbox", "nope", check=False).stderr
