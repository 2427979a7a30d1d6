"""Mailbox names that are valid astrings but not valid modified UTF-7 (RFC 3501 §5.1.3), or
not valid UTF-8 in an IMAP4rev2 session (RFC 9051 §5.1): no mailbox can have such a name, but
the command is well formed, so it gets NO, never BAD (RFC 9051 §7.1: BAD is for a protocol
error in the client's command). Commands that name an existing mailbox say `[NONEXISTENT]`,
those that would create one `[CANNOT]` (RFC 5530 §3); LIST and LSUB with such a reference or
pattern answer OK and list nothing. Raw sockets, so that the bytes are exactly these."""

import re

import pytest

from conftest import append_raw, login_raw

# Each a valid astring (quoted) that no modified UTF-7 encoder writes: `&` without a base64
# run, a run without its `-`, an unpadded or odd-length run, ASCII inside a run, a run that
# could have been written shorter, an empty run.
INVALID_UTF7 = ["&", "a&b", "&Jjo", "&Jjo-&Jjo-", "&AGE-", "&AGEAYgBj-", "&-&", "x&-y&", "&U,BTFw",
                "!#$&'+,-.0123456789:;<=>?@^_`|[}"]


def not_ok(line, tag, code):
    return re.match(rb"^" + tag.encode() + rb" NO \[" + code.encode() + rb"\] ", line)


@pytest.fixture
def client(server):
    client = login_raw(server)
    append_raw(client, "p", "INBOX", b"Subject: x\r\n\r\nbody\r\n")
    return client


@pytest.mark.parametrize("name", INVALID_UTF7)
def test_invalid_modified_utf7_name_gets_no(client, name):
    """Every command that takes a mailbox name answers NO for a name that is not valid
    modified UTF-7, and the session goes on."""
    quoted = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    for tag, command, code in [
        ("a", f"SELECT {quoted}", "NONEXISTENT"), ("b", f"EXAMINE {quoted}", "NONEXISTENT"),
        ("c", f"CREATE {quoted}", "CANNOT"), ("d", f"DELETE {quoted}", "NONEXISTENT"),
        ("e", f"RENAME {quoted} Elsewhere", "NONEXISTENT"), ("f", f"RENAME Sent {quoted}", "CANNOT"),
        ("g", f"STATUS {quoted} (MESSAGES)", "NONEXISTENT"), ("h", f"SUBSCRIBE {quoted}", "NONEXISTENT"),
        ("i", f"UNSUBSCRIBE {quoted}", "NONEXISTENT"),
    ]:
        line = client.command(tag, command)[-1]
        assert not_ok(line, tag, code), (command, line)
    line = append_raw(client, "j", quoted, b"Subject: y\r\n\r\nx\r\n")[-1]
    assert not_ok(line, "j", "NONEXISTENT"), line
    for tag, command, code in [("k", f"LIST \"\" {quoted}", None), ("l", f"LSUB \"\" {quoted}", None),
                               ("m", f"LIST {quoted} *", None), ("n", f"LIST (SUBSCRIBED) \"\" ({quoted} x)", None)]:
        lines = client.command(tag, command)
        assert lines == [f"{tag} OK {command.split()[0]} completed".encode()], (command, lines)
    client.command("s", "SELECT INBOX")
    for tag, command in [("o", f"COPY 1 {quoted}"), ("p", f"MOVE 1 {quoted}"), ("q", f"UID COPY 1 {quoted}")]:
        line = client.command(tag, command)[-1]
        assert not_ok(line, tag, "NONEXISTENT"), (command, line)
    # The mailbox is still selected and intact, and nothing was created.
    assert client.command("r", "FETCH 1 (FLAGS)")[0].startswith(b"* 1 FETCH")
    listed = [l for l in client.command("t", 'LIST "" "*"') if l.startswith(b"* LIST")]
    assert not any(b"&" in l or b"Elsewhere" in l for l in listed), listed


def test_raw_utf8_name_without_utf8_accept(client):
    """In an IMAP4rev1 session 8-bit bytes are not modified UTF-7 (RFC 3501 §5.1.3: "printable
    US-ASCII characters, except for '&', represent themselves"); a literal may carry them."""
    uber = "Über".encode()
    literal = b"{%d+}\r\n" % len(uber) + uber
    for tag, command, code in [("a", b"SELECT ", "NONEXISTENT"), ("b", b"CREATE ", "CANNOT"),
                               ("c", b"STATUS ", "NONEXISTENT")]:
        suffix = b" (MESSAGES)" if command == b"STATUS " else b""
        client.send(tag.encode() + b" " + command + literal + suffix + b"\r\n")
        line = client.read_response(tag)[-1]
        assert not_ok(line, tag, code), (command, line)
    client.send(b'd LIST "" ' + literal + b"\r\n")
    assert client.read_response("d") == [b"d OK LIST completed"]
    assert client.command("e", "NOOP")[-1].startswith(b"e OK")


def test_invalid_utf8_name_in_imap4rev2(client):
    """RFC 9051 §5.1: after ENABLE IMAP4rev2 names are UTF-8; bytes that are not UTF-8 name
    no mailbox (NO), while a valid UTF-8 name works."""
    assert client.command("e", "ENABLE IMAP4rev2")[0] == b"* ENABLED IMAP4rev2"
    bad = b"bad\xff\xfename"
    literal = b"{%d+}\r\n" % len(bad) + bad
    client.send(b"a CREATE " + literal + b"\r\n")
    assert not_ok(client.read_response("a")[-1], "a", "CANNOT")
    client.send(b"b SELECT " + literal + b"\r\n")
    assert not_ok(client.read_response("b")[-1], "b", "NONEXISTENT")
    client.send(b'c LIST "" ' + literal + b"\r\n")
    assert client.read_response("c") == [b"c OK LIST completed"]
    uber = "Über".encode()
    client.send(b"d CREATE {%d+}\r\n" % len(uber) + uber + b"\r\n")
    assert client.read_response("d")[-1].startswith(b"d OK")


def test_list_delimiter_query_with_invalid_reference(client):
    """RFC 3501 §6.3.8: LIST with an empty pattern returns the delimiter, whatever the
    reference; an invalid reference has no root level to report."""
    lines = client.command("a", 'LIST "&" ""')
    assert lines == [b'* LIST (\\Noselect) "/" ""', b"a OK LIST completed"], lines
