"""The extension commands clients expect, each checked against its RFC: ID (RFC 2971),
NAMESPACE (RFC 2342), ENABLE (RFC 5161), MOVE (RFC 6851)."""

import re


def test_capabilities_list_the_extensions(server):
    c = server.raw()
    caps = c.command("c", "CAPABILITY")[0].split()
    for name in [b"IMAP4rev1", b"IDLE", b"ID", b"NAMESPACE", b"ENABLE", b"MOVE", b"UIDPLUS", b"BINARY"]:
        assert name in caps


def test_id_names_the_server_in_any_state(server):
    """RFC 2971 §3.1: ID is valid in every state, answers `* ID (...)`."""
    c = server.raw()
    lines = c.command("a", 'ID ("name" "pytest" "version" "1")')
    assert re.match(rb'^\* ID \("name" "Tern" "version" "\d+\.\d+\.\d+".*\)$', lines[0]) and lines[-1].startswith(b"a OK")
    lines = c.command("b", "ID NIL")
    assert lines[0].startswith(b"* ID (") and lines[-1].startswith(b"b OK")


def test_namespace_is_personal_with_slash(alice):
    """RFC 2342 §5: the personal namespace without a prefix, the other users' and the shared
    one with theirs (see test_acl.py)."""
    typ, data = alice.namespace()
    assert typ == "OK" and data == [b'(("" "/")) (("Other Users/" "/")) (("Shared/" "/"))']


def test_enable_lists_only_what_it_enabled(server):
    """RFC 5161 §3.1: ENABLE answers `* ENABLED` with the extensions it turned on; unknown
    ones are ignored; ENABLE after SELECT is refused."""
    c = server.raw()
    c.command("l", "LOGIN alice secret-a")
    lines = c.command("e", "ENABLE X-UNKNOWN")
    assert lines[0] == b"* ENABLED" and lines[-1].startswith(b"e OK")
    c.command("s", "SELECT INBOX")
    assert c.command("f", "ENABLE X-UNKNOWN")[-1].startswith(b"f BAD")


def test_move_reports_copyuid_then_expunges(server, corpus):
    """RFC 6851 §4.3: an untagged OK with COPYUID, then EXPUNGE for each moved message
    (highest numbers stay valid), then the tagged OK; the messages arrive intact."""
    c = server.raw()
    c.command("l", "LOGIN alice secret-a")
    c.command("c", "CREATE Archive")
    for i in range(5):
        m = corpus[i]
        c.send(f"p{i} APPEND INBOX {{{len(m)}+}}\r\n".encode() + m + b"\r\n")
        c.read_response(f"p{i}")
    c.command("s", "SELECT INBOX")
    lines = c.command("m", "MOVE 2,4 Archive")
    assert re.match(rb"^\* OK \[COPYUID \d+ 2,4 1:2\] ", lines[0]), lines
    assert lines[1:3] == [b"* 4 EXPUNGE", b"* 2 EXPUNGE"], lines
    assert lines[-1].startswith(b"m OK")
    lines = c.command("u", "UID MOVE 5 Archive")
    assert re.match(rb"^\* OK \[COPYUID \d+ 5 3\] ", lines[0]) and lines[1] == b"* 3 EXPUNGE"
    lines = c.command("f", "FETCH 1:* (UID)")
    assert [l for l in lines if l.startswith(b"*")] == [b"* 1 FETCH (UID 1)", b"* 2 FETCH (UID 3)"]
    c.command("x", "EXAMINE Archive")
    for uid, original in [(1, corpus[1]), (2, corpus[3]), (3, corpus[4])]:
        lines = c.command("b", f"UID FETCH {uid} BODY.PEEK[]")
        assert lines[0].endswith(b"\r\n" + original + b")"), uid
    # MOVE from a read-only mailbox and to a missing one are refused.
    assert c.command("r", "MOVE 1 INBOX")[-1].startswith(b"r NO")
    c.command("s2", "SELECT INBOX")
    assert re.match(rb"^t NO \[TRYCREATE\]", c.command("t", "MOVE 1 Nowhere")[-1])


def test_move_is_seen_by_other_sessions(server, corpus):
    """RFC 6851 §3.3 with RFC 2180: another session sees the moved messages vanish."""
    a, b = server.raw(), server.raw()
    for c in (a, b):
        c.command("l", "LOGIN alice secret-a")
    a.command("c", "CREATE Archive")
    for i in range(3):
        m = corpus[i]
        a.send(f"p{i} APPEND INBOX {{{len(m)}+}}\r\n".encode() + m + b"\r\n")
        a.read_response(f"p{i}")
    a.command("s", "SELECT INBOX")
    b.command("s", "SELECT INBOX")
    a.command("m", "MOVE 1 Archive")
    lines = b.command("n", "NOOP")
    assert b"* 1 EXPUNGE" in lines
