"""SELECT and EXAMINE end to end (RFC 3501 §6.3.1–2, RFC 9051 §6.3.2–3): the untagged data
they report, read-write versus read-only, and which session gets `\\Recent` (RFC 3501 §2.3.2)."""

import re

import imapclient
import pytest

from conftest import append_raw, login_raw, untagged

SYSTEM_FLAGS = rb"\Answered \Flagged \Deleted \Seen \Draft"


def code_value(lines, code):
    """The value of `* OK [CODE value]` among untagged lines, or None."""
    for line in lines:
        match = re.match(rb"^\* OK \[" + code.encode() + rb" ([^\]]*)\]", line)
        if match:
            return match.group(1)
    return None


def fill(server, corpus, mailbox="INBOX", flags=(None, None, "\\Seen", None)):
    """Appends one corpus message per entry of `flags` and returns the messages."""
    client = login_raw(server)
    messages = []
    for i, flag in enumerate(flags):
        assert append_raw(client, f"p{i}", mailbox, corpus[i], flags=flag)[-1].startswith(f"p{i} OK".encode())
        messages.append(corpus[i])
    client.close()
    return messages


def test_select_reports_every_required_item(server, corpus):
    """RFC 3501 §6.3.1: FLAGS, EXISTS, RECENT, OK [UNSEEN], [PERMANENTFLAGS] (with `\\*`
    because keywords can be created), [UIDVALIDITY], [UIDNEXT], and the tagged OK
    [READ-WRITE]; RFC 7162 §3.1.2.1: [HIGHESTMODSEQ]."""
    client = login_raw(server)
    for i, flag in enumerate(["\\Seen", "\\Seen \\Flagged", None, "\\Seen"]):
        append_raw(client, f"p{i}", "INBOX", corpus[i], flags=flag)
    lines = client.command("s", "SELECT INBOX")
    assert lines[-1] == b"s OK [READ-WRITE] SELECT completed"
    assert b"* FLAGS (" + SYSTEM_FLAGS + b")" in lines
    assert code_value(lines, "PERMANENTFLAGS") == b"(" + SYSTEM_FLAGS + rb" \*)"
    assert b"* 4 EXISTS" in lines
    assert b"* 4 RECENT" in lines
    assert code_value(lines, "UNSEEN") == b"3"  # first message without \Seen
    validity = code_value(lines, "UIDVALIDITY")
    assert validity and int(validity) > 0
    assert code_value(lines, "UIDNEXT") == b"5"
    modseq = code_value(lines, "HIGHESTMODSEQ")
    assert modseq and int(modseq) > 0
    assert re.search(rb"\[MAILBOXID \(F[0-9a-fx]+\)\]", b"\n".join(lines))  # RFC 8474 §4.1
    # Every untagged line is one of the above: nothing unexpected.
    assert len(lines) == 10, lines


def test_select_empty_mailbox_has_no_unseen_code(server):
    """RFC 3501 §6.3.1: UNSEEN names the first unseen message, so an empty mailbox (or one
    with every message seen) has none."""
    client = login_raw(server)
    lines = client.command("s", "SELECT INBOX")
    assert b"* 0 EXISTS" in lines and b"* 0 RECENT" in lines
    assert code_value(lines, "UNSEEN") is None
    assert code_value(lines, "UIDNEXT") == b"1"
    append_raw(client, "p", "INBOX", b"Subject: x\r\n\r\nx\r\n", flags="\\Seen")
    lines = client.command("t", "SELECT INBOX")
    assert code_value(lines, "UNSEEN") is None


def test_examine_is_read_only_with_empty_permanent_flags(server, corpus):
    """RFC 3501 §6.3.2: EXAMINE answers OK [READ-ONLY]; PERMANENTFLAGS is empty because no
    flag can be changed; the other data are as for SELECT."""
    fill(server, corpus)
    client = login_raw(server)
    selected = client.command("s", "SELECT INBOX")
    client.command("u", "UNSELECT")
    lines = client.command("e", "EXAMINE INBOX")
    assert lines[-1] == b"e OK [READ-ONLY] EXAMINE completed"
    assert code_value(lines, "PERMANENTFLAGS") == b"()"
    assert b"* FLAGS (" + SYSTEM_FLAGS + b")" in lines
    assert b"* 4 EXISTS" in lines
    for code in ("UIDVALIDITY", "UIDNEXT", "UNSEEN", "HIGHESTMODSEQ"):
        assert code_value(lines, code) == code_value(selected, code), code


def test_examine_refuses_store_and_expunge(server, corpus):
    """RFC 3501 §6.3.2: with EXAMINE no change is permitted: STORE, UID STORE, EXPUNGE and
    UID EXPUNGE fail with NO, and the flags stay as they were."""
    fill(server, corpus)
    client = login_raw(server)
    client.command("e", "EXAMINE INBOX")
    before = client.command("b", "FETCH 1:4 (FLAGS)")
    for tag, command in [("a", "STORE 1 +FLAGS (\\Deleted)"), ("b", "UID STORE 1 FLAGS (\\Seen)"),
                         ("c", "EXPUNGE"), ("d", "UID EXPUNGE 1:*"), ("f", "STORE 2 +FLAGS.SILENT (x)")]:
        lines = client.command(tag, command)
        assert len(lines) == 1 and re.match(rb"^" + tag.encode() + rb" NO .+", lines[0]), (command, lines)
    after = client.command("b", "FETCH 1:4 (FLAGS)")
    assert after == before and len(after) == 5
    assert not any(b"\\Deleted" in line or b"\\Seen" in line for line in after[:2])
    # EXPUNGE was refused: the same client still sees four messages after a NOOP.
    assert not any(b"EXPUNGE" in line for line in client.command("n", "NOOP"))
    # COPY out of a read-only mailbox is allowed: it changes only the destination.
    client.command("h", "CREATE Archive")
    assert client.command("i", "COPY 1 Archive")[-1].startswith(b"i OK")


def test_examine_with_imapclient_reports_read_only(server, corpus):
    """RFC 3501 §6.3.2 through imapclient: select_folder(readonly=True) sees READ-ONLY."""
    fill(server, corpus)
    client = imapclient.IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=30)
    client.login("alice", "secret-a")
    info = client.select_folder("INBOX", readonly=True)
    assert b"READ-ONLY" in info and b"READ-WRITE" not in info
    assert info[b"EXISTS"] == 4
    assert info[b"PERMANENTFLAGS"] == ()
    with pytest.raises(imapclient.exceptions.IMAPClientError):
        client.add_flags([1], [imapclient.DELETED])
    info = client.select_folder("INBOX")
    assert b"READ-WRITE" in info and b"READ-ONLY" not in info
    assert info[b"PERMANENTFLAGS"] == (rb"\Answered", rb"\Flagged", rb"\Deleted", rb"\Seen", rb"\Draft", rb"\*")
    assert info[b"UIDNEXT"] == 5 and info[b"UIDVALIDITY"] > 0 and info[b"HIGHESTMODSEQ"] > 0
    client.logout()


def test_recent_goes_to_exactly_one_session(server, corpus):
    """RFC 3501 §2.3.2: a message is "recent" in exactly one session, the first to be told
    of it; other sessions (and later SELECTs) see it without `\\Recent`. EXAMINE does not
    take the flag away."""
    fill(server, corpus)
    examiner = login_raw(server)
    assert b"* 4 RECENT" in examiner.command("e", "EXAMINE INBOX")
    first = login_raw(server)
    assert b"* 4 RECENT" in first.command("s", "SELECT INBOX")
    second = login_raw(server)
    assert b"* 0 RECENT" in second.command("s", "SELECT INBOX")
    assert all(b"\\Recent" in line for line in first.command("f", "FETCH 1:4 (FLAGS)")[:-1])
    assert not any(b"\\Recent" in line for line in second.command("f", "FETCH 1:4 (FLAGS)")[:-1])

    # A new message while both are selected: exactly one of them announces it as recent.
    appender = login_raw(server)
    append_raw(appender, "n", "INBOX", corpus[10])
    one = first.command("n1", "NOOP")
    two = second.command("n2", "NOOP")
    assert b"* 5 EXISTS" in one and b"* 5 EXISTS" in two
    def recent_count(lines):
        counts = [int(m.group(1)) for m in (re.match(rb"^\* (\d+) RECENT$", l) for l in lines) if m]
        assert len(counts) == 1, lines
        return counts[0]
    assert (recent_count(one), recent_count(two)) in [(5, 0), (4, 1)]
    flagged_recent = [c for c in (first, second)
                      if b"\\Recent" in c.command("f5", "FETCH 5 (FLAGS)")[0]]
    assert len(flagged_recent) == 1

    # A later SELECT sees nothing recent: every message was announced already.
    third = login_raw(server)
    assert b"* 0 RECENT" in third.command("s", "SELECT INBOX")


def test_recent_survives_examine_and_reselect_loses_it(server, corpus):
    """RFC 3501 §2.3.2: the session that got `\\Recent` keeps it while the mailbox stays
    selected; after it closes the mailbox, no later session sees the message as recent."""
    fill(server, corpus, flags=(None,))
    client = login_raw(server)
    assert b"* 1 RECENT" in client.command("s", "SELECT INBOX")
    client.command("c", "CLOSE")
    assert b"* 0 RECENT" in client.command("t", "SELECT INBOX")
    assert client.command("f", "FETCH 1 (FLAGS)")[0] == b"* 1 FETCH (FLAGS ())"


def test_select_failure_leaves_no_mailbox_selected(server, corpus):
    """RFC 3501 §6.3.1: a SELECT closes the selected mailbox first; if it fails, the session
    is left in the authenticated state."""
    fill(server, corpus, flags=(None,))
    client = login_raw(server)
    client.command("s", "SELECT INBOX")
    assert client.command("f", "FETCH 1 (UID)")[-1].startswith(b"f OK")
    lines = client.command("t", "SELECT NoSuchMailbox")
    assert re.match(rb"^t NO .+", lines[-1])
    assert client.command("g", "FETCH 1 (UID)")[-1].startswith(b"g BAD")


def test_select_noselect_mailbox_fails(server):
    """RFC 3501 §6.3.4, §7.2.2: a `\\Noselect` name cannot be selected."""
    client = login_raw(server)
    client.command("c", "CREATE parent/child")
    client.command("d", "DELETE parent")
    assert b"\\Noselect" in client.command("l", 'LIST "" parent')[0]
    assert re.match(rb"^s NO .+", client.command("s", "SELECT parent")[-1])
    assert re.match(rb"^e NO .+", client.command("e", "EXAMINE parent")[-1])


def test_uidvalidity_stable_uidnext_and_modseq_advance(server, corpus):
    """RFC 3501 §2.3.1.1: UIDVALIDITY stays the same while UIDs stay valid; UIDNEXT grows with
    each APPEND; RFC 7162 §3.1.2.1: HIGHESTMODSEQ grows with each change."""
    client = login_raw(server)
    first = client.command("s", "SELECT INBOX")
    append_raw(client, "p", "INBOX", corpus[0])
    client.command("u", "UNSELECT")
    second = client.command("t", "SELECT INBOX")
    client.command("st", "STORE 1 +FLAGS (\\Flagged)")
    client.command("v", "UNSELECT")
    third = client.command("w", "SELECT INBOX")
    assert code_value(first, "UIDVALIDITY") == code_value(second, "UIDVALIDITY") == code_value(third, "UIDVALIDITY")
    assert int(code_value(second, "UIDNEXT")) == int(code_value(first, "UIDNEXT")) + 1
    m1, m2, m3 = (int(code_value(x, "HIGHESTMODSEQ")) for x in (first, second, third))
    assert m1 < m2 < m3


def test_select_inbox_is_case_insensitive(server):
    """RFC 3501 §5.1: INBOX is case-insensitive."""
    client = login_raw(server)
    for tag, name in [("a", "inbox"), ("b", "Inbox"), ("c", '"iNbOx"')]:
        assert client.command(tag, f"SELECT {name}")[-1].startswith(f"{tag} OK".encode())
