"""PREVIEW (RFC 8970) against the real binary: previews made when a message is stored (APPEND,
LMTP delivery, `tern import`), shared by COPY, answered by FETCH PREVIEW and PREVIEW (LAZY);
a message stored before previews existed gets its preview at its first complete FETCH."""

import re
import sqlite3

from conftest import RawClient, append_raw, login_raw
from lmtp_wire import LMTPClient, start_lmtp_server, stuff

HTML = ("From: a@example.org\r\nSubject: html\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/html; charset=utf-8\r\n\r\n"
        "<html><head><style>p { color: red }</style></head><body><p>Hello <b>there</b>,</p>"
        "<blockquote>old quoted text</blockquote><p>caf\u00e9 &amp; cr&egrave;me</p></body></html>\r\n").encode()
LATIN = (b"From: b@example.org\r\nSubject: latin\r\nMIME-Version: 1.0\r\n"
         b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n"
         b"Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
         b"Gr=FC=DFe aus K=F6ln,\r\n> zitiert\r\nbis   bald.\r\n--x\r\n"
         b"Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--x--\r\n")
MBOX = b"From c@example.org Mon Jan  1 00:00:00 2024\nSubject: imported\n\nImported   text\nsecond line\n"


def previews(client, tag, command):
    """{sequence number: preview text or None} of a FETCH answer (quoted or literal)."""
    found = {}
    for line in client.command(tag, command)[:-1]:
        match = re.match(rb"\* (\d+) FETCH \(.*PREVIEW (NIL|\"((?:[^\"\\]|\\.)*)\"|\{\d+\}\r\n)", line, re.S)
        assert match, line
        if match.group(2) == b"NIL":
            found[int(match.group(1))] = None
        elif match.group(3) is not None:
            found[int(match.group(1))] = re.sub(rb"\\(.)", rb"\1", match.group(3)).decode()
        else:
            rest = line[match.end():]
            size = int(re.search(rb"\{(\d+)\}\r\n$", match.group(0)).group(1))
            found[int(match.group(1))] = rest[:size].decode()
    return found


def test_previews_made_at_append_delivery_import_and_kept_by_copy(tmp_path):
    """RFC 8970 §3.2 and §4.1: every way in stores the preview, so LAZY has it at once."""
    server = start_lmtp_server(tmp_path)
    try:
        mbox = tmp_path / "old.mbox"
        mbox.write_bytes(MBOX)
        assert "Imported 1 " in server.tern("import", "mbox", str(mbox), "--user", "alice",
                                                   "--mailbox", "INBOX").stdout
        lmtp = LMTPClient(server.lmtp_port)
        lmtp.lhlo()
        assert lmtp.command("MAIL FROM:<b@example.org>").startswith("250")
        assert lmtp.command("RCPT TO:<alice@example.org>").startswith("250")
        assert lmtp.command("DATA").startswith("354")
        lmtp.send(stuff(LATIN))
        assert lmtp.reply().startswith("250 2.0.0")
        client = login_raw(server)
        assert b" PREVIEW" in client.command("c", "CAPABILITY")[0]
        append_raw(client, "a", "INBOX", HTML)
        client.command("s", "SELECT INBOX")
        expected = {1: "Imported text second line", 2: "Grüße aus Köln, bis bald.", 3: "Hello there, café & crème"}
        assert previews(client, "l", "FETCH 1:* (PREVIEW (LAZY))") == expected
        assert previews(client, "p", "FETCH 1:* (UID PREVIEW)") == expected
        assert client.command("k", "COPY 1:3 Archive")[-1].startswith(b"k OK")
        client.command("s2", "SELECT Archive")
        assert previews(client, "l2", "UID FETCH 1:* (PREVIEW (LAZY))") == expected
        # RFC 8970 §3.3: UTF-8, quoted once the client accepts UTF-8 (IMAP4rev2, RFC 9051 §6.3.1).
        client.command("u", "UNSELECT")
        client.command("e", "ENABLE IMAP4rev2")
        client.command("s3", "SELECT INBOX")
        assert client.command("q", "FETCH 2 PREVIEW")[0] == '* 2 FETCH (PREVIEW "Grüße aus Köln, bis bald.")'.encode()
        assert client.command("b", "FETCH 1 PREVIEW (SLOW)")[-1].startswith(b"b BAD")
        assert client.command("n", "FETCH 1 (PREVIEW")[-1].startswith(b"n BAD")
    finally:
        server.stop()


def test_messages_stored_without_previews_get_them_at_first_fetch(make_server):
    """A store from before previews (its `previews` rows gone): LAZY answers NIL (RFC 8970
    §4.1), PREVIEW makes and keeps it (§3.2: never NIL without LAZY), LAZY then has it."""
    server = make_server()
    client = login_raw(server)
    append_raw(client, "a1", "INBOX", HTML)
    append_raw(client, "a2", "INBOX", b"Subject: image\r\nContent-Type: image/png\r\n\r\nPNG\r\n")
    client.close()
    server.stop()
    with sqlite3.connect(server.data_dir / "tern.sqlite") as db:
        assert db.execute("SELECT count(*) FROM previews").fetchone() == (2,)
        db.execute("DELETE FROM previews")
    server.start()
    client = login_raw(server)
    client.command("s", "SELECT INBOX")
    assert previews(client, "l", "FETCH 1:2 (PREVIEW (LAZY))") == {1: None, 2: None}
    assert previews(client, "p", "FETCH 1:2 (PREVIEW)") == {1: "Hello there, café & crème", 2: ""}
    assert previews(client, "l2", "FETCH 1:2 (PREVIEW (LAZY))") == {1: "Hello there, café & crème", 2: ""}
    client.close()
