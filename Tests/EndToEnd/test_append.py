"""APPEND end to end (RFC 3501 §6.3.11): flags, date-time, TRYCREATE, APPENDUID (RFC 4315
§3), synchronizing literals and LITERAL+ (RFC 7888), a large streamed message, MULTIAPPEND
(RFC 3502) all or nothing, and EXISTS for the selected mailbox."""

import base64
import datetime
import imaplib
import re
import threading
import time

import imapclient

from conftest import append_raw, literal_after, login_raw, silent

APPENDUID = re.compile(rb"^(\w+) OK \[APPENDUID (\d+) ([\d:,]+)\] ")


def status(client, mailbox, items="MESSAGES UIDNEXT"):
    line = client.command("st", f"STATUS {mailbox} ({items})")[0]
    return {k.decode(): int(v) for k, v in re.findall(rb"([A-Z]+) (\d+)", line)}


def test_append_with_flags_and_date_reports_them_back(server, corpus):
    """RFC 3501 §6.3.11: the flags and the date-time given are set on the message; FETCH
    reports the INTERNALDATE as given, with its zone."""
    client = login_raw(server)
    lines = append_raw(client, "a", "INBOX", corpus[0], flags="\\Seen \\Flagged $Work",
                       date=" 5-Mar-2021 14:07:09 +0100")
    assert APPENDUID.match(lines[-1]), lines
    client.command("s", "SELECT INBOX")
    line = client.command("f", "FETCH 1 (FLAGS INTERNALDATE RFC822.SIZE)")[0]
    assert re.search(rb'INTERNALDATE " 5-Mar-2021 14:07:09 \+0100"', line), line
    flags = set(re.search(rb"FLAGS \(([^)]*)\)", line).group(1).split())
    assert {b"\\Seen", b"\\Flagged", b"$Work"} <= flags
    assert f"RFC822.SIZE {len(corpus[0])}".encode() in line


def test_append_without_date_uses_the_current_time(server, corpus):
    """RFC 3501 §6.3.11: without a date-time the internal date is the time of the APPEND."""
    client = login_raw(server)
    before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    append_raw(client, "a", "INBOX", corpus[0])
    after = datetime.datetime.now(datetime.timezone.utc)
    client.command("s", "SELECT INBOX")
    line = client.command("f", "FETCH 1 (INTERNALDATE)")[0]
    value = re.search(rb'INTERNALDATE "([^"]+)"', line).group(1).decode()
    when = datetime.datetime.strptime(value.strip(), "%d-%b-%Y %H:%M:%S %z")
    assert before - datetime.timedelta(seconds=2) <= when <= after + datetime.timedelta(seconds=2)


def test_append_with_imaplib_and_imapclient_dates(server, corpus):
    """RFC 3501 §6.3.11 through imaplib (Time2Internaldate) and imapclient (datetime)."""
    lib = server.imap("alice", "secret-a")
    when = datetime.datetime(2020, 2, 29, 23, 59, 58, tzinfo=datetime.timezone(datetime.timedelta(hours=-5)))
    typ, data = lib.append("INBOX", "(\\Answered)", imaplib.Time2Internaldate(when), corpus[1])
    assert typ == "OK" and b"APPENDUID" in data[0]
    lib.logout()
    client = imapclient.IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=30)
    client.login("alice", "secret-a")
    when2 = datetime.datetime(2019, 12, 31, 8, 0, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=9)))
    response = client.append("INBOX", corpus[2], flags=[imapclient.DRAFT], msg_time=when2)
    assert b"APPENDUID" in response
    client.normalise_times = False
    client.select_folder("INBOX")
    data = client.fetch([1, 2], ["INTERNALDATE", "FLAGS", "BODY.PEEK[]"])  # UIDs
    assert data[1][b"INTERNALDATE"] == when
    assert data[2][b"INTERNALDATE"] == when2
    assert imapclient.ANSWERED in data[1][b"FLAGS"] and imapclient.DRAFT in data[2][b"FLAGS"]
    assert data[1][b"BODY[]"] == corpus[1] and data[2][b"BODY[]"] == corpus[2]
    client.logout()


def test_append_to_missing_mailbox_answers_trycreate(server, corpus):
    """RFC 3501 §6.3.11: APPEND to a mailbox that does not exist fails with NO [TRYCREATE];
    with a synchronizing literal the server answers instead of sending `+`."""
    client = login_raw(server)
    lines = append_raw(client, "a", "Missing", corpus[0])
    assert re.match(rb"^a NO \[TRYCREATE\] .+", lines[-1]), lines
    client.send(f"b APPEND Missing {{{len(corpus[0])}}}\r\n".encode())
    line = client.readline()
    assert re.match(rb"^b NO \[TRYCREATE\] .+", line), line
    # The client does not send the literal; the session goes on.
    assert client.command("n", "NOOP") == [b"n OK NOOP completed"]
    client.command("c", "CREATE Missing")
    assert append_raw(client, "d", "Missing", corpus[0])[-1].startswith(b"d OK")


def test_append_trycreate_with_imapclient(server, corpus):
    """RFC 3501 §6.3.11: imapclient sees the TRYCREATE failure as an error."""
    client = imapclient.IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=30)
    client.login("alice", "secret-a")
    try:
        client.append("Nowhere", corpus[0])
        raise AssertionError("APPEND to a missing mailbox succeeded")
    except imapclient.exceptions.IMAPClientError as error:
        assert "TRYCREATE" in str(error)
    client.logout()


def test_appenduid_names_the_new_uids(server, corpus):
    """RFC 4315 §3: APPENDUID gives the mailbox's UIDVALIDITY and the message's UID, which
    FETCH UID confirms."""
    client = login_raw(server)
    validity = status(client, "INBOX", "UIDVALIDITY")["UIDVALIDITY"]
    uids = []
    for i in range(3):
        match = APPENDUID.match(append_raw(client, f"a{i}", "INBOX", corpus[i])[-1])
        assert match and int(match.group(2)) == validity
        uids.append(int(match.group(3)))
    assert uids == sorted(uids) and len(set(uids)) == 3
    client.command("s", "SELECT INBOX")
    lines = client.command("f", "FETCH 1:3 (UID)")
    assert [int(re.search(rb"UID (\d+)", l).group(1)) for l in lines[:-1]] == uids


def test_synchronizing_literal_waits_for_continuation(server, corpus):
    """RFC 3501 §7.5, §4.3: after `{n}` the client waits for `+`; the server sends it and then
    waits for the bytes, however slowly they come."""
    client = login_raw(server)
    message = corpus[3]
    client.send(f"a APPEND INBOX (\\Seen) {{{len(message)}}}\r\n".encode())
    assert client.readline().startswith(b"+ ")
    assert silent(client), client.buffer
    client.send(message[:10])
    assert silent(client, 0.2)
    client.send(message[10:])
    assert silent(client, 0.2)
    client.send(b"\r\n")
    lines = client.read_response("a")
    assert lines[-1].startswith(b"a OK [APPENDUID"), lines
    client.command("s", "SELECT INBOX")
    assert literal_after(client.command("f", "FETCH 1 BODY.PEEK[]")[0], "BODY[]") == message


def test_literal_plus_needs_no_continuation(server, corpus):
    """RFC 7888 §3: with `{n+}` the client sends the bytes at once and the server sends no
    `+`; the only answer is the tagged OK."""
    client = login_raw(server)
    message = corpus[4]
    client.send(f"a APPEND INBOX {{{len(message)}+}}\r\n".encode() + message + b"\r\n")
    lines = client.read_response("a")
    assert len(lines) == 1 and lines[0].startswith(b"a OK [APPENDUID"), lines


def test_large_message_is_streamed_and_fetched_back_identical(server):
    """DESIGN.md (large messages stream) with RFC 3501 §6.3.11 and §6.4.5: a 10 MiB message
    APPENDed in many packets is stored without the server holding it in memory, and
    BODY.PEEK[] returns it byte for byte."""
    line = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!#$%&*+-=?^_`{|}~" * 12 + b"\r\n"
    body = b"".join(bytes(f"{i:08d} ", "ascii") + line for i in range(10 * 1024 * 1024 // (len(line) + 9)))
    message = b"From: big@example.com\r\nSubject: big\r\n\r\n" + body
    assert len(message) > 10 * 1024 * 1024 - 2048

    # Anonymous memory (heap and stacks), sampled while the upload runs: the finished file is
    # read back through a file mapping to parse its MIME structure once, and those page-cache
    # pages are not memory the server holds for the message.
    def anonymous_kib():
        with open(f"/proc/{server.process.pid}/status") as f:
            return int(re.search(r"RssAnon:\s+(\d+) kB", f.read()).group(1))

    peak = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], anonymous_kib())
            time.sleep(0.005)

    client = login_raw(server)
    client.command("n", "NOOP")
    before = anonymous_kib()
    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        client.send(f"a APPEND INBOX {{{len(message)}}}\r\n".encode())
        assert client.readline().startswith(b"+ ")
        for offset in range(0, len(message), 32 * 1024):
            client.send(message[offset:offset + 32 * 1024])
        client.send(b"\r\n")
        assert client.read_response("a")[-1].startswith(b"a OK [APPENDUID")
    finally:
        done.set()
        sampler.join()
    grown = peak[0] - before
    assert grown < 6 * 1024, f"the server's anonymous memory grew by {grown} KiB for a 10 MiB APPEND"

    client.command("s", "SELECT INBOX")
    lines = client.command("f", "FETCH 1 (RFC822.SIZE BODY.PEEK[])")
    assert f"RFC822.SIZE {len(message)}".encode() in lines[0]
    assert literal_after(lines[0], "BODY[]") == message
    # And through imapclient.
    ic = imapclient.IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=60)
    ic.login("alice", "secret-a")
    ic.select_folder("INBOX", readonly=True)
    assert ic.fetch([1], ["BODY.PEEK[]"])[1][b"BODY[]"] == message
    ic.logout()


def test_multiappend_stores_every_message_in_one_command(server, corpus):
    """RFC 3502 §6.3.11: several messages, each with its own flags and date, in one APPEND;
    APPENDUID lists every new UID (RFC 4315 §3)."""
    client = login_raw(server)
    m1, m2, m3 = corpus[5], corpus[6], corpus[7]
    client.send(b'a APPEND INBOX (\\Seen) " 1-Jan-2022 10:00:00 +0000" {%d+}\r\n%s' % (len(m1), m1)
                + b" (\\Flagged) {%d+}\r\n%s" % (len(m2), m2)
                + b" {%d+}\r\n%s\r\n" % (len(m3), m3))
    lines = client.read_response("a")
    match = APPENDUID.match(lines[-1])
    assert match and match.group(3) == b"1:3", lines
    client.command("s", "SELECT INBOX")
    lines = client.command("f", "FETCH 1:3 (FLAGS INTERNALDATE BODY.PEEK[])")
    assert [literal_after(l, "BODY[]") for l in lines[:3]] == [m1, m2, m3]
    assert b"\\Seen" in lines[0] and b'" 1-Jan-2022 10:00:00 +0000"' in lines[0]
    assert b"\\Flagged" in lines[1] and b"\\Seen" not in lines[1]


def test_multiappend_with_synchronizing_literals(server, corpus):
    """RFC 3502 §6.3.11 with RFC 3501 §7.5: each synchronizing message literal gets its own
    `+` continuation."""
    client = login_raw(server)
    m1, m2 = corpus[8], corpus[9]
    client.send(b"a APPEND INBOX {%d}\r\n" % len(m1))
    assert client.readline().startswith(b"+ ")
    client.send(m1 + b" (\\Draft) {%d}\r\n" % len(m2))
    assert client.readline().startswith(b"+ ")
    client.send(m2 + b"\r\n")
    lines = client.read_response("a")
    assert APPENDUID.match(lines[-1]).group(3) == b"1:2"
    assert status(client, "INBOX")["MESSAGES"] == 2


def test_multiappend_is_all_or_nothing(server, corpus):
    """RFC 3502 §3: if any message of a MULTIAPPEND cannot be appended, none is. Tried with a
    bad flag, a bad date, an empty message, and a missing message literal in the second
    message; the mailbox stays empty and the session goes on."""
    client = login_raw(server)
    m1, m2 = corpus[10], corpus[11]
    bad_seconds = [
        b" (\\Bogus) {%d+}\r\n%s\r\n" % (len(m2), m2),
        b' "31-Feb-2021 00:00:00 +0000" {%d+}\r\n%s\r\n' % (len(m2), m2),
        b" {0+}\r\n\r\n",
        b" (\\Seen)\r\n",
    ]
    for i, second in enumerate(bad_seconds):
        tag = f"b{i}"
        client.send(f"{tag} APPEND INBOX (\\Seen) {{{len(m1)}+}}\r\n".encode() + m1 + second)
        lines = client.read_response(tag)
        assert re.match(rb"^" + tag.encode() + rb" (NO|BAD) .+", lines[-1]), (second, lines)
        assert client.command("n", "NOOP") == [b"n OK NOOP completed"], second
        assert status(client, "INBOX")["MESSAGES"] == 0, second
    # A good MULTIAPPEND afterwards works.
    client.send(b"g APPEND INBOX {%d+}\r\n%s {%d+}\r\n%s\r\n" % (len(m1), m1, len(m2), m2))
    assert APPENDUID.match(client.read_response("g")[-1])
    assert status(client, "INBOX")["MESSAGES"] == 2


def test_multiappend_refusal_with_synchronizing_literal_stops_the_command(server, corpus):
    """RFC 3502 §6.3.11, RFC 3501 §7.5: a second message refused before its `+` (here for an
    unknown system flag) answers the command at once instead of `+`; the first message is
    not stored (RFC 3502 §3)."""
    client = login_raw(server)
    m1 = corpus[12]
    client.send(b"a APPEND INBOX {%d}\r\n" % len(m1))
    assert client.readline().startswith(b"+ ")
    client.send(m1 + b" (\\Bogus) {10}\r\n")
    line = client.readline()
    assert re.match(rb"^a BAD .+", line), line
    assert client.command("n", "NOOP") == [b"n OK NOOP completed"]
    assert status(client, "INBOX")["MESSAGES"] == 0


def test_append_to_selected_mailbox_announces_exists(server, corpus):
    """RFC 3501 §6.3.11: if the mailbox is selected, the server should notify the client
    with an untagged EXISTS (here before the tagged OK); RFC 3501 §2.3.2: the new message is
    recent for this session."""
    client = login_raw(server)
    append_raw(client, "p", "INBOX", corpus[0])
    client.command("s", "SELECT INBOX")
    lines = append_raw(client, "a", "INBOX", corpus[1])
    assert lines[0] == b"* 2 EXISTS", lines
    assert lines[-1].startswith(b"a OK [APPENDUID")
    assert b"* 2 RECENT" in lines
    assert b"\\Recent" in client.command("f", "FETCH 2 (FLAGS)")[0]
    # imaplib records the EXISTS that came with its APPEND.
    lib = server.imap("alice", "secret-a")
    lib.select("INBOX")
    assert lib.append("INBOX", None, None, corpus[2])[0] == "OK"
    assert lib.response("EXISTS")[1][-1] == b"3"
    lib.logout()


def test_append_to_other_mailbox_while_selected_sends_no_exists(server, corpus):
    """RFC 3501 §6.3.11: EXISTS is for the selected mailbox only."""
    client = login_raw(server)
    client.command("c", "CREATE Other")
    client.command("s", "SELECT INBOX")
    lines = append_raw(client, "a", "Other", corpus[0])
    assert len(lines) == 1 and lines[0].startswith(b"a OK"), lines


def test_literal8_with_nul_is_stored_reencoded(server):
    """RFC 3516 §4.4: "The server MAY modify the CTE of the appended data, however any such
    transformation MUST NOT result in a loss of data." The NUL-bearing parts of a literal8
    message are stored as base64 (§6: BODYSTRUCTURE describes them "in a CTE acceptable to the
    IMAP4 base specification", and BODY[] returns them as it describes them); BINARY[part]
    gives the original part bytes back; BINARY[] is the stored message."""
    from imap_wire import Connection
    from fetch_comparison import fetch_items
    from binary_messages import NUL_MESSAGE
    _, message = NUL_MESSAGE
    header, _, body = message.partition(b"\r\n\r\n")
    text_part = b"text with a NUL:\x00 here"
    binary_part = "\x00\x01\x02\x00\xff\x00".encode()  # as tricky_messages writes it: UTF-8
    assert text_part in body and binary_part in body
    connection = Connection("127.0.0.1", server.port)
    assert connection.command("LOGIN alice secret-a")[1].raw.startswith(b"T1 OK")
    _, tagged = connection.command(f"APPEND INBOX ~{{{len(message)}+}}\r\n".encode() + message)
    assert APPENDUID.match(tagged.raw), tagged.raw
    assert connection.command("SELECT INBOX")[1].raw.split()[1] == b"OK"
    items = ["BODY.PEEK[]", "BODY.PEEK[1]", "BODY.PEEK[2]", "BODY.PEEK[2.MIME]", "BINARY.PEEK[]",
             "BINARY.PEEK[1]", "BINARY.PEEK[2]", "BINARY.SIZE[1]", "BINARY.SIZE[2]", "BINARY.SIZE[]",
             "RFC822.SIZE", "BODYSTRUCTURE"]
    untagged, tagged = connection.command(f"FETCH 1 ({' '.join(items)})")
    assert tagged.raw.split()[1] == b"OK", tagged.raw
    fetched = fetch_items(untagged)[1]
    stored = fetched["BODY[]"]
    assert b"\x00" not in stored and stored.startswith(header)
    assert fetched["RFC822.SIZE"] == len(stored)
    assert fetched["BINARY[]"] == stored and fetched["BINARY.SIZE[]"] == len(stored)
    assert fetched["BINARY[1]"] == text_part and fetched["BINARY.SIZE[1]"] == len(text_part)
    assert fetched["BINARY[2]"] == binary_part and fetched["BINARY.SIZE[2]"] == len(binary_part)
    assert fetched["BODY[1]"] == base64.b64encode(text_part)
    assert fetched["BODY[2]"] == base64.b64encode(binary_part)
    assert fetched["BODY[2.MIME]"] == (b"Content-Type: application/octet-stream\r\n"
                                       b"Content-Transfer-Encoding: base64\r\n\r\n")
    text, binary, subtype = fetched["BODYSTRUCTURE"][:3]
    assert text[:2] == [b"text", b"plain"] and text[5] == b"base64" and text[6] == len(fetched["BODY[1]"])
    assert binary[:2] == [b"application", b"octet-stream"] and binary[5] == b"base64"
    assert subtype == b"mixed"
    # SEARCH reads the stored form, decoding the base64 of the text part (RFC 3501 §6.4.4).
    untagged, _ = connection.command("SEARCH BODY \"with a NUL\"")
    assert untagged[0].raw == b"* SEARCH 1"
    connection.close()


def test_nul_where_nothing_can_carry_it_is_refused(server):
    """RFC 3516 §4.4: "If the destination mailbox does not support the storage of binary
    content, the server MUST fail the request and issue a "NO" response that contains the
    "UNKNOWN-CTE" extended response code": a NUL in a header field cannot be re-encoded. In
    a plain literal NUL is not allowed at all (CHAR8, RFC 9051 §9): BAD. Either way nothing is
    stored and the session goes on."""
    client = login_raw(server)
    message = b"Subject: a\x00b\r\n\r\nbody\r\n"
    client.send(f"a APPEND INBOX ~{{{len(message)}+}}\r\n".encode() + message + b"\r\n")
    assert re.match(rb"^a NO \[UNKNOWN-CTE\] ", client.read_response("a")[-1])
    nul_body = b"Subject: x\r\n\r\na\x00b\r\n"
    client.send(f"b APPEND INBOX {{{len(nul_body)}+}}\r\n".encode() + nul_body + b"\r\n")
    assert re.match(rb"^b BAD ", client.read_response("b")[-1])
    lines = client.command("s", "STATUS INBOX (MESSAGES)")
    assert b"(MESSAGES 0)" in lines[0]
    # Binary data without NUL is fine as literal8, and stays as it is.
    client.send(b"c APPEND INBOX ~{22+}\r\nSubject: x\r\n\r\n\xff\xfe\x01ok\r\n\r\n")
    assert client.read_response("c")[-1].startswith(b"c OK")
    client.command("s", "SELECT INBOX")
    lines = client.command("f", "FETCH 1 (RFC822.SIZE)")
    assert b"RFC822.SIZE 22" in lines[0]
