"""`tern import`: a Maildir written by a real Dovecot and mbox files come in keeping what
clients synchronised against (RFC 3501 §2.3.1.1: UIDVALIDITY and UIDs; flags, keywords,
INTERNALDATE, the bytes, subscriptions); a second run imports nothing; a session in IDLE
(RFC 2177) sees mail imported while the server runs."""

import imaplib
import re
import time

import pytest

from conftest import TernServer
from dovecot_peer import DovecotPeer, unavailable_reason

USER, PASSWORD = "alice", "secret-a"
# Quoted mailbox names as IMAP sends them (modified UTF-7, RFC 3501 §5.1.3).
FOLDERS = ['INBOX', '"Sent"', '"Lists/debian"', '"&AMk-t&AOk-"']
FETCH_ITEMS = "(UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])"


def state_of(client, mailbox):
    """UIDVALIDITY, UIDNEXT and, per UID, flags (without \\Recent), INTERNALDATE as an instant,
    RFC822.SIZE and the bytes of every message."""
    typ, data = client.select(mailbox, readonly=True)
    assert typ == "OK", data
    status = client.status(mailbox, "(UIDVALIDITY UIDNEXT)")[1][0].decode()
    validity = int(re.search(r"UIDVALIDITY (\d+)", status).group(1))
    uidnext = int(re.search(r"UIDNEXT (\d+)", status).group(1))
    messages = {}
    if int(data[0]) > 0:
        typ, rows = client.fetch("1:*", FETCH_ITEMS)
        assert typ == "OK", rows
        for row in rows:
            if not isinstance(row, tuple):
                continue
            head = row[0].decode()
            uid = int(re.search(r"UID (\d+)", head).group(1))
            flags = set(re.search(r"FLAGS \(([^)]*)\)", head).group(1).split()) - {"\\Recent"}
            date = time.mktime(imaplib.Internaldate2tuple(row[0]))
            size = int(re.search(r"RFC822.SIZE (\d+)", head).group(1))
            messages[uid] = (frozenset(flags), date, size, row[1])
    client.close()
    return validity, uidnext, messages


def subscriptions(client):
    names = set()
    for line in client.lsub()[1]:
        names.add(line.decode().rsplit(" ", 1)[1].strip('"'))
    return names


@pytest.fixture
def dovecot_maildir(corpus):
    """A Maildir written by Dovecot over IMAP: four folders (one nested, one non-ASCII), flags
    and keywords, gaps from expunges; with what an imaplib client saw of it."""
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    peer = DovecotPeer(users=[(USER, PASSWORD)])
    try:
        peer.start()
        client = imaplib.IMAP4("127.0.0.1", peer.port, timeout=30)
        client.login(USER, PASSWORD)
        for folder in FOLDERS[1:]:
            assert client.create(folder)[0] == "OK"
        for folder in FOLDERS[1:3]:
            assert client.subscribe(folder)[0] == "OK"
        flag_sets = [r"(\Seen)", r"(\Answered \Flagged)", r"(\Seen $Forwarded custom1)", r"(\Draft)", "()",
                     r"(\Seen \Deleted)", r"(project-x $Junk)"]
        for index, message in enumerate(corpus[:48]):
            folder = FOLDERS[index % len(FOLDERS)]
            date = imaplib.Time2Internaldate(1_600_000_000 + index * 3607)
            assert client.append(folder, flag_sets[index % len(flag_sets)], date, message)[0] == "OK"
        for folder in (FOLDERS[0], FOLDERS[2]):
            client.select(folder)
            client.store("2,5", "+FLAGS", r"(\Deleted)")
            client.expunge()
            client.close()
        seen = {folder: state_of(client, folder) for folder in FOLDERS}
        subscribed = subscriptions(client)
        client.logout()
        peer.stop()
        yield peer.root / "mail" / USER / "Maildir", seen, subscribed
    finally:
        peer.cleanup()


def test_dovecot_maildir_keeps_uids_flags_dates_bytes_and_subscriptions(dovecot_maildir, tmp_path):
    maildir, seen, subscribed = dovecot_maildir
    assert any(len(messages) < uidnext - 1 for _, uidnext, messages in seen.values()), "the source has UID gaps"
    tern = TernServer(tmp_path / "data")
    tern.add_user(USER, PASSWORD)
    result = tern.tern("import", "maildir", str(maildir), "--user", USER)
    total = sum(len(messages) for _, _, messages in seen.values())
    assert f"Imported {total} messages" in result.stdout, result.stdout
    tern.start()
    try:
        client = tern.imap(USER, PASSWORD)
        for folder in FOLDERS:
            assert state_of(client, folder) == seen[folder], folder
        assert subscribed <= subscriptions(client)
        client.logout()

        again = tern.tern("import", "maildir", str(maildir), "--user", USER)
        assert "Nothing new to import" in again.stdout, again.stdout
        assert f"{total} messages already imported" in again.stdout
        client = tern.imap(USER, PASSWORD)
        for folder in FOLDERS:
            assert state_of(client, folder) == seen[folder], folder
        client.logout()
    finally:
        tern.stop()


MBOX = (b"From alice@example.org Mon Jan  1 10:00:00 2024\n"
        b"From: Alice <alice@example.org>\nSubject: one\nStatus: RO\nX-Status: AF\nX-Keywords: $Label1 work\n\n"
        b">From the start of a line\n>>From deeper\n\n"
        b"From bob@example.org Tue Feb 27 23:59:59 2024\n"
        b"From: Bob <bob@example.org>\nSubject: two\nStatus: O\n\nsecond body\n\n"
        b"From carol@example.org Wed Feb 28 08:00:00 2024\n"
        b"From: Carol <carol@example.org>\nSubject: three\n\nthis message is cut off in the mid")


def test_mboxrd_import_unquotes_reads_status_and_reports_truncation(tmp_path):
    mbox = tmp_path / "old.mbox"
    mbox.write_bytes(MBOX)
    tern = TernServer(tmp_path / "data")
    tern.add_user(USER, PASSWORD)
    result = tern.tern("import", "mbox", str(mbox), "--user", USER, "--mailbox", "Old/2024")
    assert "Imported 3 messages" in result.stdout, result.stdout
    assert "message 3 (From carol@example.org): truncated" in result.stdout
    tern.start()
    try:
        client = tern.imap(USER, PASSWORD)
        validity, uidnext, messages = state_of(client, '"Old/2024"')
        assert sorted(messages) == [1, 2, 3] and uidnext == 4
        flags = {uid: messages[uid][0] for uid in messages}
        assert flags == {1: {"\\Seen", "\\Answered", "\\Flagged", "$Label1", "work"}, 2: set(), 3: set()}
        first = messages[1][3]
        assert first == (b"From: Alice <alice@example.org>\r\nSubject: one\r\n\r\n"
                         b"From the start of a line\r\n>From deeper\r\n")
        assert messages[1][2] == len(first)
        assert messages[3][3].endswith(b"cut off in the mid")
        assert messages[2][1] == time.mktime(imaplib.Internaldate2tuple(b'INTERNALDATE "27-Feb-2024 23:59:59 +0000"'))
        client.logout()
        again = tern.tern("import", "mbox", str(mbox), "--user", USER, "--mailbox", "Old/2024")
        assert "Nothing new to import (3 messages already imported)" in again.stdout, again.stdout
    finally:
        tern.stop()


def test_import_refusals_exit_non_zero(tmp_path):
    mbox = tmp_path / "old.mbox"
    mbox.write_bytes(MBOX)
    tern = TernServer(tmp_path / "data")
    tern.add_user(USER, PASSWORD)
    assert tern.tern("import", "mbox", str(mbox), "--user", "nobody", "--mailbox", "X", check=False).returncode != 0
    # A mailbox holding mail of its own is never mixed with an import.
    tern.tern("import", "mbox", str(mbox), "--user", USER, "--mailbox", "INBOX")
    tern.start()
    try:
        client = tern.imap(USER, PASSWORD)
        client.append("Trash", None, None, b"Subject: mine\r\n\r\nx\r\n")
        client.logout()
    finally:
        tern.stop()
    refused = tern.tern("import", "mbox", str(mbox), "--user", USER, "--mailbox", "Trash", check=False)
    assert refused.returncode == 1
    assert "Trash: not imported: mailbox Trash already holds mail that was not imported" in refused.stdout


def test_idle_session_sees_mail_imported_while_serving(tmp_path):
    tern = TernServer(tmp_path / "data")
    tern.add_user(USER, PASSWORD)
    tern.start()
    try:
        imap = tern.raw()
        imap.command("a", f"LOGIN {USER} {PASSWORD}")
        imap.command("b", "SELECT INBOX")
        imap.send("c IDLE\r\n")
        assert imap.readline().startswith(b"+ ")
        time.sleep(1.5)
        mbox = tmp_path / "new.mbox"
        mbox.write_bytes(MBOX)
        result = tern.tern("import", "mbox", str(mbox), "--user", USER, "--mailbox", "INBOX")
        assert "Imported 3 messages" in result.stdout
        imap.sock.settimeout(10)
        lines = [imap.readline()]
        while not lines[-1].endswith(b"EXISTS"):
            lines.append(imap.readline())
        assert lines[-1] == b"* 3 EXISTS", lines
        imap.send("DONE\r\n")
        imap.close()
    finally:
        tern.stop()
