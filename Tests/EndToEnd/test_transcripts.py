"""Replays of the example sessions in the RFCs and the issue's seed sessions, over TCP with
a raw client, checking that each response has the shape the RFC shows."""

import re

import pytest


def append(client, tag, mailbox, message, flags=""):
    flag_part = f" ({flags})" if flags else ""
    client.send(f"{tag} APPEND {mailbox}{flag_part} {{{len(message)}+}}\r\n".encode() + message + b"\r\n")
    lines = client.read_response(tag)
    assert lines[-1].startswith(f"{tag} OK".encode()), lines
    return lines


def test_rfc3501_section8_transcript(server, corpus):
    """RFC 3501 §8: login, select, fetch full, fetch body[header], store +flags, logout."""
    server.add_user("mrc", "secret")
    setup = server.raw()
    assert setup.command("s1", "LOGIN mrc secret")[-1].startswith(b"s1 OK")
    for i in range(16):
        append(setup, f"s{i + 2}", "INBOX", corpus[i], flags="\\Seen")
    # Selecting read-write claims \Recent for the first 16; the next 2 stay recent.
    assert setup.command("sx", "SELECT INBOX")[-1].startswith(b"sx OK")
    setup.command("sy", "CLOSE")
    append(setup, "sz1", "INBOX", corpus[16])
    append(setup, "sz2", "INBOX", corpus[17])
    setup.command("sq", "LOGOUT")

    c = server.raw()
    assert re.match(rb"^\* OK .*", c.greeting)
    assert c.command("a001", "login mrc secret")[-1].startswith(b"a001 OK")

    lines = c.command("a002", "select inbox")
    assert b"* 18 EXISTS" in lines
    assert b"* 2 RECENT" in lines
    assert any(re.match(rb"^\* FLAGS \(\\Answered \\Flagged \\Deleted \\Seen \\Draft\)$", l) for l in lines)
    assert any(re.match(rb"^\* OK \[UNSEEN 17\] ", l) for l in lines)
    assert any(re.match(rb"^\* OK \[UIDVALIDITY \d+\] ", l) for l in lines)
    assert re.match(rb"^a002 OK \[READ-WRITE\] ", lines[-1])

    lines = c.command("a003", "fetch 12 full")
    assert len(lines) == 2, lines
    assert re.match(rb'^\* 12 FETCH \(FLAGS \(\\Seen\) INTERNALDATE "[ 0-9]\d-[A-Z][a-z]{2}-\d{4} \d\d:\d\d:\d\d [+-]\d{4}" '
                    rb'RFC822\.SIZE \d+ ENVELOPE \(.*\) BODY \(.*\)\)$', lines[0], re.S), lines[0][:300]
    assert lines[1].startswith(b"a003 OK")

    lines = c.command("a004", "fetch 12 body[header]")
    header = corpus[11][:corpus[11].index(b"\r\n\r\n") + 4]
    assert lines[0] == f"* 12 FETCH (BODY[HEADER] {{{len(header)}}}\r\n".encode() + header + b")"
    assert lines[1].startswith(b"a004 OK")

    lines = c.command("a005", "store 12 +flags \\deleted")
    # A flag list is a set (RFC 9051 §2.3.2): the RFC shows "\Seen \Deleted", Tern and
    # Dovecot write system flags in one fixed order.
    match = re.match(rb"^\* 12 FETCH \(FLAGS \(([^)]*)\)\)$", lines[0])
    assert match and set(match.group(1).split()) == {rb"\Seen", rb"\Deleted"}, lines[0]
    assert lines[1].startswith(b"a005 OK")

    lines = c.command("a006", "logout")
    assert re.match(rb"^\* BYE ", lines[0])
    assert lines[1].startswith(b"a006 OK")
    assert c.closed()


def test_fetch_in_empty_mailbox_is_bad_not_empty_ok(server):
    """Seed session: CREATE, SELECT the empty mailbox, FETCH 1:3. RFC 9051 §9 seq-number:
    numbers beyond the mailbox (here: any) get a tagged BAD, never an empty OK."""
    c = server.raw()
    c.command("a", "LOGIN alice secret-a")
    assert c.command("b", "CREATE Empty")[-1].startswith(b"b OK")
    lines = c.command("c", "SELECT Empty")
    assert b"* 0 EXISTS" in lines and lines[-1].startswith(b"c OK")
    lines = c.command("d", "FETCH 1:3 (FLAGS)")
    assert lines == [lines[-1]] and re.match(rb"^d BAD .+", lines[-1]), lines
    lines = c.command("e", "FETCH * (FLAGS)")
    assert re.match(rb"^e BAD .+", lines[-1])
    # UID FETCH of UIDs that do not exist is not an error (RFC 9051 §6.4.8).
    assert c.command("f", "UID FETCH 1:3 (FLAGS)") == [b"f OK UID FETCH completed"]
    # The session goes on.
    assert c.command("g", "NOOP")[-1].startswith(b"g OK")
