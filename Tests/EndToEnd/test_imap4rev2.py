"""IMAP4rev2 (RFC 9051): advertised beside IMAP4rev1; after ENABLE IMAP4rev2 the session
follows rev2 rules (Appendix E): UTF-8 mailbox names, ESEARCH answers, no \\Recent, a LIST
response and CLOSED at SELECT, UID in every unsolicited FETCH."""

import re

from conftest import append_raw, login_raw


def rev2_session(server):
    client = login_raw(server)
    assert client.command("e", "ENABLE IMAP4rev2")[0] == b"* ENABLED IMAP4rev2"
    return client


def test_both_revisions_are_advertised(server):
    caps = server.raw().command("c", "CAPABILITY")[0].split()
    assert b"IMAP4rev1" in caps and b"IMAP4rev2" in caps


def test_select_in_rev2(server):
    """RFC 9051 §6.3.2: LIST for the mailbox, no RECENT or UNSEEN; CLOSED when another
    mailbox was selected; FLAGS never carry \\Recent (Appendix E 11, 12)."""
    client = rev2_session(server)
    append_raw(client, "p", "INBOX", b"Subject: a\r\n\r\nx\r\n")
    lines = client.command("s", "SELECT INBOX")
    assert any(re.match(rb'^\* LIST \([^)]*\) "/" "?INBOX"?$', l) for l in lines), lines
    assert not any(l.endswith(b" RECENT") or b"[UNSEEN" in l for l in lines), lines
    fetched = client.command("f", "FETCH 1 (FLAGS)")[0]
    assert fetched == b"* 1 FETCH (FLAGS ())", fetched
    lines = client.command("t", "SELECT Sent")
    assert lines[0].startswith(b"* OK [CLOSED]")
    assert any(re.match(rb'^\* LIST \(.*\\Sent.*\) "/" "?Sent"?$', l) for l in lines)


def test_search_answers_esearch(server):
    """RFC 9051 §6.4.4: SEARCH without result options answers ESEARCH with ALL."""
    client = rev2_session(server)
    for i in range(3):
        append_raw(client, f"p{i}", "INBOX", f"Subject: m{i}\r\n\r\nx\r\n".encode(),
                   flags="\\Seen" if i != 1 else None)
    client.command("s", "SELECT INBOX")
    assert client.command("a", "SEARCH SEEN")[0] == b'* ESEARCH (TAG "a") ALL 1,3'
    assert client.command("b", "UID SEARCH UNSEEN")[0] == b'* ESEARCH (TAG "b") UID ALL 2'
    assert client.command("c", "SEARCH DELETED")[0] == b'* ESEARCH (TAG "c")'


def test_utf8_mailbox_names(server):
    """RFC 9051 §5.1 and Appendix E 16: mailbox names are UTF-8 on the wire; a rev1 session
    sees the same mailbox in modified UTF-7."""
    client = rev2_session(server)
    name = "Réunions/日本語"
    lines = client.command("c", f'CREATE "{name}"')
    assert lines[-1].startswith(b"c OK"), lines
    listed = client.command("l", 'LIST "" "R*"')
    assert any(name.encode() in l for l in listed), listed
    assert client.command("s", f'SELECT "{name}"')[-1].startswith(b"s OK")
    rev1 = login_raw(server)
    listed = rev1.command("l", 'LIST "" "R*"')
    assert any(b"R&AOk-unions/&ZeVnLIqe-" in l for l in listed), listed


def test_unsolicited_fetch_has_uid(server):
    """RFC 9051 Appendix E 21: every unsolicited FETCH carries UID."""
    client = rev2_session(server)
    append_raw(client, "p", "INBOX", b"Subject: a\r\n\r\nx\r\n")
    client.command("s", "SELECT INBOX")
    other = login_raw(server)
    other.command("s", "SELECT INBOX")
    other.command("f", "STORE 1 +FLAGS (\\Flagged)")
    lines = client.command("n", "NOOP")
    assert b"* 1 FETCH (FLAGS (\\Flagged) UID 1)" in lines, lines
