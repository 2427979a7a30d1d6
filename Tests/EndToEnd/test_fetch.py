"""FETCH end to end on corpus messages (RFC 3501 §6.4.5, §7.4.2): FLAGS, UID, INTERNALDATE,
RFC822.SIZE, BODY[] and BODY.PEEK[], RFC822, RFC822.HEADER, RFC822.TEXT, BODY[HEADER],
BODY[TEXT], partial fetches, and when `\\Seen` is set; every body compared byte for byte."""

import datetime
import re

import imapclient
import pytest

from conftest import append_raw, literal_after, login_raw

DATES = ["17-Jul-1996 02:44:25 -0700", " 1-Jan-2000 00:00:00 +0000", "29-Feb-2024 23:59:59 +1400",
         "31-Dec-1999 12:00:00 -1200"]


def split(message):
    """(header, text): the header ends with and includes the blank line (RFC 3501 §6.4.5)."""
    end = message.index(b"\r\n\r\n") + 4
    return message[:end], message[end:]


@pytest.fixture
def mailbox(server, corpus):
    """INBOX with a spread of corpus messages (every MIME shape, the largest one included);
    returns (RawClient selected read-write, the messages in sequence order)."""
    largest = max(range(len(corpus)), key=lambda i: len(corpus[i]))
    picks = sorted(set(list(range(0, 200, 10)) + [largest]))
    messages = [corpus[i] for i in picks]
    client = login_raw(server)
    for n, message in enumerate(messages):
        line = append_raw(client, f"p{n}", "INBOX", message, date=DATES[n % len(DATES)])[-1]
        assert line.startswith(f"p{n} OK".encode()), line
    client.command("s", "SELECT INBOX")
    return client, messages


def test_body_peek_sections_are_byte_exact(mailbox):
    """RFC 3501 §6.4.5: BODY.PEEK[] is the whole message, BODY.PEEK[HEADER] the header with
    its blank line, BODY.PEEK[TEXT] the rest; RFC822.SIZE is the size of BODY[]."""
    client, messages = mailbox
    lines = client.command("f", "FETCH 1:* (RFC822.SIZE BODY.PEEK[] BODY.PEEK[HEADER] BODY.PEEK[TEXT])")
    assert lines[-1] == b"f OK FETCH completed"
    assert len(lines) == len(messages) + 1
    for n, (line, message) in enumerate(zip(lines, messages), start=1):
        header, text = split(message)
        assert line.startswith(f"* {n} FETCH (".encode())
        assert f"RFC822.SIZE {len(message)}".encode() in line
        assert literal_after(line, "BODY[]") == message
        assert literal_after(line, "BODY[HEADER]") == header
        assert literal_after(line, "BODY[TEXT]") == text
        assert b"FLAGS" not in line  # PEEK sets nothing, so reports nothing


def test_rfc822_items_are_byte_exact(mailbox):
    """RFC 3501 §6.4.5: RFC822 is BODY[], RFC822.HEADER is BODY.PEEK[HEADER], RFC822.TEXT is
    BODY[TEXT], each under its own name."""
    client, messages = mailbox
    lines = client.command("f", "FETCH 1:* (RFC822.HEADER)")
    for line, message in zip(lines, messages):
        assert literal_after(line, "RFC822.HEADER") == split(message)[0]
    lines = client.command("g", "FETCH 1:* (RFC822.TEXT)")
    for line, message in zip(lines, messages):
        assert literal_after(line, "RFC822.TEXT") == split(message)[1]
    lines = client.command("h", "FETCH 1:* (RFC822)")
    for line, message in zip(lines, messages):
        assert literal_after(line, "RFC822") == message


def test_non_peek_body_fetch_sets_seen_and_reports_flags(mailbox):
    """RFC 3501 §6.4.5: BODY[] (not PEEK) sets \\Seen; RFC 3501 §7.4.2 / RFC 9051 §6.4.5:
    the changed FLAGS come in the same FETCH response."""
    client, messages = mailbox
    line = client.command("a", "FETCH 1 (BODY[])")[0]
    assert literal_after(line, "BODY[]") == messages[0]
    assert re.search(rb"FLAGS \([^)]*\\Seen[^)]*\)", line), line
    assert b"\\Seen" in client.command("b", "FETCH 1 (FLAGS)")[0]


@pytest.mark.parametrize("item, sets_seen", [
    ("BODY[]", True), ("BODY[TEXT]", True), ("BODY[HEADER]", True), ("RFC822", True),
    ("RFC822.TEXT", True), ("BODY[]<0.10>", True),
    ("BODY.PEEK[]", False), ("BODY.PEEK[TEXT]", False), ("RFC822.HEADER", False),
    ("BODY.PEEK[]<0.10>", False), ("RFC822.SIZE", False),
])
def test_which_items_set_seen(mailbox, item, sets_seen):
    """RFC 3501 §6.4.5: BODY[...] and RFC822/RFC822.TEXT set \\Seen; BODY.PEEK[...],
    RFC822.HEADER and RFC822.SIZE do not."""
    client, _ = mailbox
    line = client.command("a", f"FETCH 2 ({item})")[0]
    flags = client.command("b", "FETCH 2 (FLAGS)")[0]
    assert (b"\\Seen" in flags) == sets_seen, (item, flags)
    assert (b"FLAGS" in line) == sets_seen, (item, line[:200])


def test_fetch_under_examine_does_not_set_seen(server, mailbox):
    """RFC 3501 §6.3.2 and §6.4.5: in a read-only session BODY[] does not set \\Seen."""
    client, messages = mailbox
    client.command("e", "EXAMINE INBOX")
    line = client.command("a", "FETCH 3 (BODY[] RFC822.TEXT)")[0]
    assert literal_after(line, "BODY[]") == messages[2]
    assert b"FLAGS" not in line
    assert b"\\Seen" not in client.command("b", "FETCH 3 (FLAGS)")[0]
    other = login_raw(server)
    other.command("s", "SELECT INBOX")
    assert b"\\Seen" not in other.command("c", "FETCH 3 (FLAGS)")[0]


def test_partial_fetches(mailbox):
    """RFC 3501 §6.4.5: `<origin.size>` returns up to `size` octets from `origin`, named
    `BODY[section]<origin>` in the response; an origin at or beyond the end gives an empty
    string."""
    client, messages = mailbox
    message = messages[1]
    header, text = split(message)
    size = len(message)
    for origin, count in [(0, 1), (0, 10), (5, 100), (size - 1, 10), (size - 10, 10), (size, 5),
                          (size + 1000, 10), (0, size + 50), (1, size)]:
        line = client.command("p", f"FETCH 2 (BODY.PEEK[]<{origin}.{count}>)")[0]
        assert f"BODY[]<{origin}> ".encode() in line, line[:100]
        assert literal_after(line, f"BODY[]<{origin}>") == message[origin:origin + count], (origin, count)
    line = client.command("q", f"FETCH 2 (BODY.PEEK[TEXT]<3.7> BODY.PEEK[HEADER]<{len(header) - 4}.100>)")[0]
    assert literal_after(line, "BODY[TEXT]<3>") == text[3:10]
    assert literal_after(line, f"BODY[HEADER]<{len(header) - 4}>") == b"\r\n\r\n"
    line = client.command("r", f"FETCH 2 (BODY.PEEK[]<{size + 1}.10>)")[0]
    assert re.search(rb'BODY\[\]<' + str(size + 1).encode() + rb'> (""|\{0\}\r\n)', line), line


def test_partial_fetch_without_peek_sets_seen(mailbox):
    """RFC 3501 §6.4.5: a partial BODY[] fetch is still a BODY[] fetch and sets \\Seen."""
    client, messages = mailbox
    line = client.command("a", "FETCH 4 (BODY[]<0.20>)")[0]
    assert literal_after(line, "BODY[]<0>") == messages[3][:20]
    assert b"\\Seen" in line


def test_flags_uid_internaldate_size(mailbox):
    """RFC 3501 §6.4.5, §7.4.2: FLAGS, UID, INTERNALDATE (as appended) and RFC822.SIZE; the
    FAST macro is (FLAGS INTERNALDATE RFC822.SIZE)."""
    client, messages = mailbox
    lines = client.command("a", "FETCH 1:4 (FLAGS UID INTERNALDATE RFC822.SIZE)")
    for n, line in enumerate(lines[:4]):
        assert re.search(rb"UID " + str(n + 1).encode() + rb"\b", line)
        assert f'INTERNALDATE "{DATES[n]}"'.encode() in line, line
        assert f"RFC822.SIZE {len(messages[n])}".encode() in line
        assert re.search(rb"FLAGS \((\\Recent)?\)", line), line
    line = client.command("b", "FETCH 1 FAST")[0]
    assert re.match(rb'^\* 1 FETCH \((?=.*FLAGS \()(?=.*INTERNALDATE ")(?=.*RFC822\.SIZE \d+).*\)$', line), line


def test_fetch_with_imaplib(server, mailbox):
    """RFC 3501 §6.4.5 through imaplib: literals come back as the stored bytes."""
    _, messages = mailbox
    lib = server.imap("alice", "secret-a")
    lib.select("INBOX", readonly=True)
    typ, data = lib.fetch("1:3", "(BODY.PEEK[] RFC822.SIZE)")
    assert typ == "OK"
    bodies = [part[1] for part in data if isinstance(part, tuple)]
    assert bodies == messages[:3]
    typ, data = lib.uid("FETCH", "2", "(BODY.PEEK[HEADER])")
    assert data[0][1] == split(messages[1])[0]
    lib.logout()


def test_fetch_with_imapclient(server, mailbox):
    """RFC 3501 §6.4.5 through imapclient: parsed items, datetimes and byte-exact bodies."""
    _, messages = mailbox
    ic = imapclient.IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=30)
    ic.login("alice", "secret-a")
    ic.normalise_times = False
    ic.select_folder("INBOX")
    uids = list(range(1, len(messages) + 1))
    data = ic.fetch(uids, ["BODY.PEEK[]", "BODY.PEEK[TEXT]", "RFC822.HEADER", "RFC822.SIZE", "INTERNALDATE", "FLAGS"])
    assert sorted(data) == uids
    for uid, message in zip(uids, messages):
        item = data[uid]
        assert item[b"BODY[]"] == message
        assert item[b"BODY[TEXT]"] == split(message)[1]
        assert item[b"RFC822.HEADER"] == split(message)[0]
        assert item[b"RFC822.SIZE"] == len(message)
        assert isinstance(item[b"INTERNALDATE"], datetime.datetime)
        assert imapclient.SEEN not in item[b"FLAGS"]
    expected = datetime.datetime(1996, 7, 17, 2, 44, 25, tzinfo=datetime.timezone(datetime.timedelta(hours=-7)))
    assert data[1][b"INTERNALDATE"] == expected
    partial = ic.fetch([2], ["BODY.PEEK[]<10.20>"])[2]
    assert partial[b"BODY[]<10>"] == messages[1][10:30]
    seen = ic.fetch([3], ["BODY[]"])[3]
    assert seen[b"BODY[]"] == messages[2] and imapclient.SEEN in seen[b"FLAGS"]
    ic.logout()
