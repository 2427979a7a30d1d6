"""CONDSTORE and QRESYNC (RFC 7162): MODSEQ per message, conditional STORE, changes since a
MODSEQ, VANISHED, and quick resynchronisation at SELECT."""

import re

import pytest


def setup_mailbox(server, count=5):
    c = server.raw()
    c.command("l", "LOGIN alice secret-a")
    for i in range(count):
        body = f"Subject: m{i}\r\n\r\nbody {i}\r\n".encode()
        c.send(f"p{i} APPEND INBOX {{{len(body)}+}}\r\n".encode() + body + b"\r\n")
        c.read_response(f"p{i}")
    return c


def highest_modseq(lines):
    for line in lines:
        m = re.search(rb"\[HIGHESTMODSEQ (\d+)\]", line)
        if m:
            return int(m.group(1))
    raise AssertionError(f"no HIGHESTMODSEQ in {lines}")


def modseqs(lines):
    return {int(m.group(1)): int(m.group(2))
            for m in (re.search(rb"UID (\d+).*MODSEQ \((\d+)\)", l) for l in lines) if m}


def test_select_condstore_and_fetch_modseq(server):
    """RFC 7162 §3.1.2.1, §3.1.4: HIGHESTMODSEQ at SELECT, MODSEQ as a FETCH item."""
    c = setup_mailbox(server)
    lines = c.command("s", "SELECT INBOX (CONDSTORE)")
    top = highest_modseq(lines)
    lines = c.command("f", "FETCH 1:* (UID MODSEQ)")
    values = modseqs(lines)
    assert sorted(values) == [1, 2, 3, 4, 5]
    assert max(values.values()) == top
    status = c.command("st", "STATUS INBOX (HIGHESTMODSEQ)")[0]
    assert re.match(rf'^\* STATUS "?INBOX"? \(HIGHESTMODSEQ {top}\)$'.encode(), status), status


def test_changedsince_returns_only_changed_messages(server):
    """RFC 7162 §3.1.4.1: FETCH (CHANGEDSINCE n) returns messages whose MODSEQ > n, with MODSEQ."""
    c = setup_mailbox(server)
    top = highest_modseq(c.command("s", "SELECT INBOX (CONDSTORE)"))
    c.command("x", "STORE 2,4 +FLAGS.SILENT (\\Flagged)")
    lines = c.command("f", f"FETCH 1:* (FLAGS) (CHANGEDSINCE {top})")
    fetches = [l for l in lines if l.startswith(b"* ")]
    assert [int(l.split()[1]) for l in fetches] == [2, 4]
    assert all(b"MODSEQ (" in l and b"\\Flagged" in l for l in fetches)


def test_unchangedsince_refuses_changed_messages(server):
    """RFC 7162 §3.1.3: messages changed after UNCHANGEDSINCE are left alone and listed in
    [MODIFIED] (sequence numbers for STORE, UIDs for UID STORE); .SILENT still reports MODSEQ."""
    c = setup_mailbox(server)
    top = highest_modseq(c.command("s", "SELECT INBOX (CONDSTORE)"))
    other = server.raw()
    other.command("l", "LOGIN alice secret-a")
    other.command("s", "SELECT INBOX")
    other.command("x", "STORE 3 +FLAGS (\\Seen)")
    lines = c.command("a", f"STORE 1:5 (UNCHANGEDSINCE {top}) +FLAGS.SILENT (\\Deleted)")
    assert re.match(rb"^a OK \[MODIFIED 3\] ", lines[-1]), lines
    silent = [l for l in lines if re.match(rb"^\* \d+ FETCH \(UID \d+ MODSEQ \(\d+\)\)$", l)]
    assert len(silent) == 4
    lines = c.command("b", f"UID STORE 1:5 (UNCHANGEDSINCE {top}) -FLAGS (\\Deleted)")
    assert re.match(rb"^b OK \[MODIFIED 1:5\] ", lines[-1]), lines


def test_unsolicited_fetch_carries_uid_and_modseq_after_condstore(server):
    """RFC 7162 §3.1 and §3.2.4: once CONDSTORE is in use, every untagged FETCH caused by
    another session's change carries UID and MODSEQ."""
    c = setup_mailbox(server)
    c.command("s", "SELECT INBOX (CONDSTORE)")
    other = server.raw()
    other.command("l", "LOGIN alice secret-a")
    other.command("s", "SELECT INBOX")
    other.command("x", "STORE 2 +FLAGS (\\Answered)")
    lines = c.command("n", "NOOP")
    assert any(re.match(rb"^\* 2 FETCH \(FLAGS \(.*\\Answered.*\) UID 2 MODSEQ \(\d+\)\)$", l) for l in lines), lines


def test_enable_qresync_and_vanished_instead_of_expunge(server):
    """RFC 7162 §3.2.3, §3.2.7, §3.2.10: after ENABLE QRESYNC, expunges are reported with
    VANISHED and EXPUNGE's OK carries the new HIGHESTMODSEQ."""
    c = setup_mailbox(server)
    assert c.command("e", "ENABLE QRESYNC")[0] == b"* ENABLED QRESYNC"
    c.command("s", "SELECT INBOX")
    c.command("d", "STORE 2,3 +FLAGS.SILENT (\\Deleted)")
    lines = c.command("x", "EXPUNGE")
    assert lines[0] == b"* VANISHED 2:3"
    assert re.match(rb"^x OK \[HIGHESTMODSEQ \d+\] ", lines[-1])
    other = server.raw()
    other.command("l", "LOGIN alice secret-a")
    other.command("s", "SELECT INBOX")
    other.command("d", "STORE 1 +FLAGS.SILENT (\\Deleted)")
    other.command("x", "EXPUNGE")
    assert b"* VANISHED 1" in c.command("n", "NOOP")


def test_uid_fetch_vanished_modifier(server):
    """RFC 7162 §3.2.6: UID FETCH ... (CHANGEDSINCE n VANISHED) reports expunged UIDs in the
    range as VANISHED (EARLIER) before the FETCH responses; refused without ENABLE QRESYNC."""
    c = setup_mailbox(server)
    top = highest_modseq(c.command("s", "SELECT INBOX (CONDSTORE)"))
    assert c.command("v", f"UID FETCH 1:* (FLAGS) (CHANGEDSINCE {top} VANISHED)")[-1].startswith(b"v BAD")
    c.command("u", "UNSELECT")
    c.command("e", "ENABLE QRESYNC")
    top = highest_modseq(c.command("s", "SELECT INBOX"))
    c.command("d", "STORE 1,4 +FLAGS.SILENT (\\Deleted)")
    c.command("x", "EXPUNGE")
    c.command("f", "UID STORE 2 +FLAGS.SILENT (\\Flagged)")
    lines = c.command("w", f"UID FETCH 1:5 (FLAGS) (CHANGEDSINCE {top} VANISHED)")
    assert lines[0] == b"* VANISHED (EARLIER) 1,4", lines
    fetches = [l for l in lines if l.startswith(b"* ") and b" FETCH " in l]
    assert len(fetches) == 1 and b"UID 2" in fetches[0] and b"MODSEQ" in fetches[0]
    assert c.command("b", f"FETCH 1 (FLAGS) (CHANGEDSINCE {top} VANISHED)")[-1].startswith(b"b BAD")


def test_select_qresync_resynchronises(server):
    """RFC 7162 §3.2.5: SELECT (QRESYNC (uidvalidity modseq known-uids)) reports what vanished
    and what changed since the client's MODSEQ; [CLOSED] when a mailbox was selected."""
    c = setup_mailbox(server, count=6)
    c.command("e", "ENABLE QRESYNC")
    lines = c.command("s", "SELECT INBOX")
    top = highest_modseq(lines)
    validity = int(re.search(rb"UIDVALIDITY (\d+)", b" ".join(lines)).group(1))
    c.command("c", "CLOSE")
    # Another session changes things while the client is away.
    other = server.raw()
    other.command("l", "LOGIN alice secret-a")
    other.command("s", "SELECT INBOX")
    other.command("d", "STORE 2,5 +FLAGS.SILENT (\\Deleted)")
    other.command("x", "EXPUNGE")
    other.command("f", "UID STORE 3 +FLAGS.SILENT ($Important)")
    other.command("l2", "LOGOUT")
    lines = c.command("q", f"SELECT INBOX (QRESYNC ({validity} {top} 1:6))")
    assert b"* VANISHED (EARLIER) 2,5" in lines, lines
    changed = [l for l in lines if l.startswith(b"* ") and b" FETCH " in l]
    assert len(changed) == 1 and re.match(rb"^\* 2 FETCH \(FLAGS \(\$Important\) UID 3 MODSEQ \(\d+\)\)$", changed[0])
    assert lines[-1].startswith(b"q OK [READ-WRITE]")
    # Selecting again reports [CLOSED] first; a wrong UIDVALIDITY means no resync data.
    lines = c.command("r", f"SELECT INBOX (QRESYNC ({validity + 1} 1))")
    assert lines[0].startswith(b"* OK [CLOSED]")
    assert not any(b"VANISHED" in l or b"FETCH" in l for l in lines)


def test_qresync_select_needs_enable(server):
    c = setup_mailbox(server, count=1)
    assert c.command("q", "SELECT INBOX (QRESYNC (1 1))")[-1].startswith(b"q BAD")
