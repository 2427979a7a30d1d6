"""SEARCH and UID SEARCH (RFC 3501 §6.4.4, RFC 9051 §6.4.4) over TCP: every search key, nested
NOT/OR/groups, RFC 2047 headers in several scripts, quoted-printable and base64 bodies in
several charsets, CHARSET conversion and BADCHARSET, sequence and UID sets; hand-made messages
for exact expectations and the shared corpus checked against Python's own MIME decoding."""

import base64
import email
import email.policy
import quopri
import re

import pytest
from imapclient import IMAPClient

from conftest import TernServer


def b_word(text, charset="utf-8"):
    return "=?%s?B?%s?=" % (charset, base64.b64encode(text.encode(charset)).decode())


def q_word(text, charset="utf-8"):
    encoded = quopri.encodestring(text.encode(charset), header=True).decode()
    return "=?%s?Q?%s?=" % (charset, encoded)


def crlf(text):
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def b64_body(data):
    encoded = base64.b64encode(data).decode()
    return "\n".join(encoded[i:i + 76] for i in range(0, len(encoded), 76)) + "\n"


# Hand-made messages: (bytes, flags, internal date). Message n is sequence number n.
M1 = crlf(f"""Date: Mon, 1 Jan 2024 23:30:00 -0800
From: {q_word("Jürgen Müller")} <juergen@example.de>
To: "Alice Liddell" <alice@example.org>, bob@example.net
Subject: {b_word("Привет мир")} quarterly
Message-ID: <m1.abc@example.org>
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

{quopri.encodestring("Café au lait — naïve flamingo dance, a long line that will be soft-wrapped by the encoder for sure.".encode()).decode()}
""").encode()

M2 = crlf(f"""Date: Tue, 2 Jan 2024 00:15 +1400
From: Carol <carol@example.com>
To: team@example.org
Cc: {b_word("Ελένη Παπαδοπούλου")} <eleni@example.gr>
Subject: Re: budget
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="XX"

preamble preambleword
--XX
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: base64

{b64_body("Grüße aus Köln, señor".encode("latin-1"))}--XX
Content-Type: application/octet-stream; name="payload-name.bin"
Content-Transfer-Encoding: base64

{b64_body(b"hiddenword in an attachment")}--XX
Content-Type: message/rfc822

Subject: Inner subject zebra
From: inner@example.com

Inner body quagga
--XX--
""").encode()

M3 = crlf(f"""From: {b_word("山田 太郎", "iso-2022-jp")} <taro@example.jp>
To: alice@example.org
Subject: {b_word("会議の議事録", "iso-2022-jp")}
Content-Type: text/plain; charset=iso-2022-jp
Content-Transfer-Encoding: 7bit

""").encode() + "日本語のテキストです\r\n".encode("iso-2022-jp")

M4 = crlf(f"""Date: Thu, 29 Feb 24 12:00 EST
From: {q_word("Σχετικά", "iso-8859-7")} <greek@example.gr>
To: alice@example.org
Bcc: hidden-copy@example.net
Subject: {q_word("Σχετικά με το έργο", "iso-8859-7")}
Content-Type: text/plain; charset=windows-1251
Content-Transfer-Encoding: quoted-printable

""").encode() + quopri.encodestring("Отчёт за квартал готов\n".encode("windows-1251")).replace(b"\n", b"\r\n")

M5 = crlf(f"""Date: sometime last week
From: {b_word("דוד לוי")} <david@example.co.il>
To: alice@example.org
Subject: {b_word("报告已完成", "gb2312")}
X-Spam-Flag: YES
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

{b64_body("Ünïcödé body with emoji ✈ and the word WOMBAT".encode())}""").encode()

M6 = crlf("""Date: Sun, 31 Dec 2023 23:59:59 +0000
From: big@example.com
To: alice@example.org
Cc: carol@example.com
Subject: large message

""" + "filler line of text for the size of this message\n" * 1000).encode()

MESSAGES = [
    (M1, r"\Seen \Answered", "01-Jan-2024 23:30:00 -0800"),
    (M2, r"\Flagged $Work", "02-Jan-2024 00:15:00 +1400"),
    (M3, r"\Draft", "15-Feb-2024 10:00:00 +0000"),
    (M4, r"\Deleted \Seen", "01-Mar-2024 02:00:00 +0000"),
    (M5, "", "10-Mar-2024 08:00:00 +0100"),
    (M6, r"\Seen", "31-Dec-2023 23:59:59 +0000"),
]


def append(client, tag, message, flags="", date=None):
    flag_part = f" ({flags})" if flags else ""
    date_part = f' "{date}"' if date else ""
    client.send(f"{tag} APPEND INBOX{flag_part}{date_part} {{{len(message)}+}}\r\n".encode() + message + b"\r\n")
    lines = client.read_response(tag)
    assert lines[-1].startswith(f"{tag} OK".encode()), lines


def search(client, criteria, uid=False, tag="s"):
    """Sends SEARCH (bytes may hold literals) and returns the numbers of its one SEARCH response."""
    if isinstance(criteria, str):
        criteria = criteria.encode()
    client.send(tag.encode() + (b" UID SEARCH " if uid else b" SEARCH ") + criteria + b"\r\n")
    lines = client.read_response(tag)
    assert lines[-1].startswith(tag.encode() + b" OK"), lines
    found = [line for line in lines if line.startswith(b"* SEARCH")]
    assert len(found) == 1, lines
    assert found[0] == b"* SEARCH" or found[0].startswith(b"* SEARCH "), found
    # A MODSEQ key adds "(MODSEQ n)" after the numbers (RFC 7162 §3.1.5).
    numbers = re.sub(rb" \(MODSEQ \d+\)$", b"", found[0][len(b"* SEARCH"):])
    return [int(n) for n in numbers.split()]


def literal(text, charset="utf-8"):
    data = text.encode(charset)
    return b"{%d+}\r\n" % len(data) + data


def login(server):
    client = server.raw()
    assert client.command("l", "LOGIN alice secret-a")[-1].startswith(b"l OK")
    return client


def load(client, messages):
    for index, message in enumerate(messages):
        if isinstance(message, tuple):
            append(client, f"a{index}", *message)
        else:
            append(client, f"a{index}", message)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """One server for the read-only tests of this module, INBOX holding M1..M6. Sessions only
    EXAMINE it, so nothing changes and every message stays \\Recent (RFC 3501 §6.3.2)."""
    server = TernServer(tmp_path_factory.mktemp("search") / "data")
    server.add_user("alice", "secret-a")
    server.start()
    client = login(server)
    load(client, MESSAGES)
    client.close()
    yield server
    server.stop()


@pytest.fixture
def hand(loaded):
    """A read-only session on the shared mailbox of M1..M6."""
    client = login(loaded)
    assert client.command("x", "EXAMINE INBOX")[-1].startswith(b"x OK")
    yield client
    client.close()


@pytest.fixture
def hand_rw(server):
    """A session of its own server with M1..M6 appended, then INBOX selected read-write."""
    client = login(server)
    load(client, MESSAGES)
    assert client.command("x", "SELECT INBOX")[-1].startswith(b"x OK")
    yield client
    client.close()


def test_all_and_an_empty_result(hand):
    """RFC 3501 §7.2.5: the SEARCH response lists matches ascending; `* SEARCH` when none."""
    assert search(hand, "ALL") == [1, 2, 3, 4, 5, 6]
    lines = hand.command("e", "SEARCH SUBJECT no-such-subject-anywhere")
    assert lines[0] == b"* SEARCH"
    assert lines[-1].startswith(b"e OK")


@pytest.mark.parametrize("criteria, expected", [
    ("ANSWERED", [1]), ("UNANSWERED", [2, 3, 4, 5, 6]),
    ("DELETED", [4]), ("UNDELETED", [1, 2, 3, 5, 6]),
    ("DRAFT", [3]), ("UNDRAFT", [1, 2, 4, 5, 6]),
    ("FLAGGED", [2]), ("UNFLAGGED", [1, 3, 4, 5, 6]),
    ("SEEN", [1, 4, 6]), ("UNSEEN", [2, 3, 5]),
    ("KEYWORD $work", [2]), ("UNKEYWORD $Work", [1, 3, 4, 5, 6]), ("KEYWORD Absent", []),
    ("RECENT", [1, 2, 3, 4, 5, 6]), ("NEW", [2, 3, 5]), ("OLD", []),
])
def test_flag_keys(hand, criteria, expected):
    """RFC 3501 §6.4.4 flag keys; the messages were appended before SELECT, so all are recent."""
    assert search(hand, criteria) == expected


@pytest.mark.parametrize("criteria, expected", [
    # INTERNALDATE's date in its own zone, ignoring the time (23:30 -0800 is still 1 Jan).
    ("ON 1-Jan-2024", [1]), ("ON 2-Jan-2024", [2]), ("BEFORE 1-Jan-2024", [6]),
    ("BEFORE 2-Jan-2024", [1, 6]), ("SINCE 15-Feb-2024", [3, 4, 5]), ("SINCE 11-Mar-2024", []),
    ("SINCE 1-Jan-2024 BEFORE 1-Mar-2024", [1, 2, 3]),
    # Date: field's date in its own zone; M3 (none) and M5 (unparseable) use INTERNALDATE.
    ("SENTON 1-Jan-2024", [1]), ("SENTON 2-Jan-2024", [2]), ("SENTON 29-Feb-2024", [4]),
    ("SENTON 15-Feb-2024", [3]), ("SENTON 10-Mar-2024", [5]), ("SENTBEFORE 1-Jan-2024", [6]),
    ("SENTSINCE 29-Feb-2024", [4, 5]), ("SENTBEFORE 29-Feb-2024 SENTSINCE 2-Jan-2024", [2, 3]),
])
def test_date_keys(hand, criteria, expected):
    assert search(hand, criteria) == expected


def test_size_and_modseq_keys(hand_rw):
    hand = hand_rw
    """LARGER and SMALLER compare RFC822.SIZE strictly; MODSEQ is RFC 7162 §3.1.5."""
    size = len(M6)
    assert search(hand, f"LARGER {size - 1}") == [6]
    assert search(hand, f"LARGER {size}") == []
    assert search(hand, f"SMALLER {size}") == [1, 2, 3, 4, 5]
    assert search(hand, f"SMALLER {len(M1) + 1} LARGER {len(M1) - 1}") == [1]
    assert search(hand, "MODSEQ 1") == [1, 2, 3, 4, 5, 6]
    assert hand.command("st", "STORE 3 +FLAGS (\\Flagged)")[-1].startswith(b"st OK")
    results = {n: search(hand, f"MODSEQ {n}") for n in range(1, 40)}
    highest = max(n for n, found in results.items() if found)
    assert results[highest] == [3]  # the STORE gave message 3 the highest MODSEQ
    assert results[highest - 1] == [3, 6]  # then the last APPEND
    assert all(set(results[n + 1]) <= set(results[n]) for n in range(1, 39))


@pytest.mark.parametrize("criteria, expected", [
    ("FROM jürgen", [1]), ("FROM JUERGEN@EXAMPLE.DE", [1]), ("FROM müller", [1]),
    ("TO liddell", [1]), ("TO bob@example.net", [1]), ("TO team@", [2]),
    ("CC ελένη", [2]), ("CC eleni@example.gr", [2]), ("CC carol", [6]),
    ("BCC hidden-copy", [4]), ("BCC alice", []),
    ("SUBJECT привет", [1]), ("SUBJECT \"МИР QUARTERLY\"", [1]), ("SUBJECT 議事録", [3]),
    ("SUBJECT ΈΡΓΟ", [4]), ("SUBJECT 报告", [5]), ("FROM 山田", [3]), ("FROM לוי", [5]),
    ("FROM Σχετικά", [4]), ("SUBJECT zebra", []),
    ("HEADER Message-ID m1.abc@", [1]), ("HEADER X-Spam-Flag \"\"", [5]),
    ("HEADER x-spam-flag yes", [5]), ("HEADER Date \"\"", [1, 2, 4, 5, 6]),
    ("HEADER Content-Type multipart/mixed", [2]),
])
def test_header_keys_with_imapclient(loaded, criteria, expected):
    """Header keys on RFC 2047 words in several charsets and scripts, sent by imapclient as
    UTF-8 (CHARSET UTF-8, strings as literals)."""
    client = IMAPClient("127.0.0.1", port=loaded.port, use_uid=False, ssl=False)
    client.login("alice", "secret-a")
    client.select_folder("INBOX", readonly=True)
    key, _, rest = criteria.partition(" ")
    arguments = [key]
    if key == "HEADER":
        name, _, value = rest.partition(" ")
        arguments += [name, value.strip('"')]
    else:
        arguments.append(rest.strip('"'))
    assert sorted(client.search(arguments, charset="UTF-8")) == expected
    client.logout()


def test_address_keys_match_addresses_split_by_comments(server):
    """RFC 9051 §6.4.4: FROM, TO, CC and BCC search "the envelope structure's" field, whose
    addresses drop the comments and spaces RFC 5322 §3.4.1 allows around "@" (the ENVELOPE of
    this message has "user-from" "domain.org"); the raw field text still matches too."""
    client = login(server)
    load(client, [crlf("""From: <user-from (comment)@ (comment) domain.org>
To: Team: first.last (x) @ example . com, other@example.net;
Cc: =?UTF-8?Q?Z=C3=B6e?= (note) <zoe @ example.org>
Subject: comments in addresses

Body.
""").encode(), M6])
    assert client.command("x", "SELECT INBOX")[-1].startswith(b"x OK")
    envelope = client.command("e", "FETCH 1 ENVELOPE")[0]
    assert b'((NIL NIL "user-from" "domain.org"))' in envelope, envelope
    for criteria, expected in [("FROM user-from@domain.org", [1]), ("FROM \"user-from@domain.org\"", [1]),
                               ("FROM comment", [1]), ("TO first.last@example.com", [1]),
                               ("TO \"x <first.last@example.com>\"", [1]), ("CC zoe@example.org", [1]),
                               ("CC note", [1]), ("OR FROM big@example.com FROM user-from@domain.org", [1, 2]),
                               ("NOT FROM user-from@domain.org", [2]), ("FROM nobody@domain.org", [])]:
        assert search(client, criteria) == expected, criteria
        assert search(client, criteria, uid=True) == expected, criteria
    assert search(client, b"CHARSET UTF-8 CC " + literal("Zöe <zoe@example.org>")) == [1]


@pytest.mark.parametrize("criteria, expected", [
    ("BODY café", [1]), ("BODY NAÏVE", [1]), ("BODY \"soft-wrapped by the encoder\"", [1]),
    ("BODY quarterly", []), ("BODY \"grüße aus köln\"", [2]), ("BODY señor", [2]),
    ("BODY zebra", [2]), ("BODY quagga", [2]), ("BODY hiddenword", []), ("BODY preambleword", []),
    ("BODY テキスト", [3]), ("BODY отчёт", [4]), ("BODY wombat", [5]), ("BODY ✈", [5]),
    ("BODY filler", [6]),
    ("TEXT quarterly", [1]), ("TEXT flamingo", [1]), ("TEXT payload-name", [2]),
    ("TEXT \"message-id: <m1.abc\"", [1]), ("TEXT zebra", [2]), ("TEXT hiddenword", []),
    ("TEXT 会議", [3]), ("TEXT example", [1, 2, 3, 4, 5, 6]),
])
def test_body_and_text_keys(hand, criteria, expected):
    """BODY and TEXT on decoded text: quoted-printable and base64, UTF-8, ISO-8859-1,
    ISO-2022-JP and Windows-1251 parts, embedded messages; attachments are not text."""
    key, _, value = criteria.partition(" ")
    assert search(hand, b"CHARSET UTF-8 " + key.encode() + b" " + literal(value.strip('"'))) == expected


def test_charset_conversion_and_badcharset(hand):
    """RFC 9051 §6.4.4: strings are in the CHARSET; an unknown one answers NO [BADCHARSET]."""
    assert search(hand, b"CHARSET ISO-8859-1 BODY " + literal("KÖLN", "latin-1")) == [2]
    assert search(hand, b"CHARSET ISO-8859-1 BODY " + literal("Café", "latin-1")) == [1]
    assert search(hand, b"CHARSET KOI8-R BODY " + literal("квартал", "koi8-r")) == [4]
    assert search(hand, b"CHARSET ISO-8859-7 SUBJECT " + literal("έργο", "iso-8859-7")) == [4]
    assert search(hand, b"CHARSET SHIFT_JIS BODY " + literal("日本語", "shift_jis")) == [3]
    assert search(hand, b"CHARSET UTF-8 FROM " + literal("Müller")) == [1]
    assert search(hand, "CHARSET US-ASCII SUBJECT quarterly") == [1]
    assert search(hand, b"BODY " + literal("wombat")) == [5]
    lines = hand.command("b", "SEARCH CHARSET X-NO-SUCH-CHARSET BODY x")
    assert lines == [b"b NO [BADCHARSET (UTF-8 US-ASCII)] Unsupported charset X-NO-SUCH-CHARSET"]


@pytest.mark.parametrize("criteria, expected", [
    ("2:4", [2, 3, 4]), ("*", [6]), ("5:*", [5, 6]), ("4:2", [2, 3, 4]), ("1,3,5:6", [1, 3, 5, 6]),
    ("1:3 NOT 2", [1, 3]), ("7:9", []), ("UID 2:3", [2, 3]), ("UID *", [6]), ("UID 4:*", [4, 5, 6]),
    ("UID 100:*", [6]),
])
def test_sequence_and_uid_set_keys(hand, criteria, expected):
    """`<sequence set>` and `UID <sequence set>` keys; numbers beyond the last message match
    nothing."""
    assert search(hand, criteria) == expected


@pytest.mark.parametrize("criteria, expected", [
    ("SEEN FLAGGED", []), ("OR SEEN FLAGGED", [1, 2, 4, 6]), ("NOT SEEN", [2, 3, 5]),
    ("NOT NOT SEEN", [1, 4, 6]), ("OR (SEEN DELETED) DRAFT", [3, 4]),
    ("NOT (OR SEEN (OR FLAGGED DRAFT))", [5]),
    ("(((SUBJECT quarterly)) (FROM \"jürgen\"))", [1]),
    ("OR OR SUBJECT quarterly BODY zebra (LARGER 10000 NOT FROM nobody)", [1, 2, 6]),
    ("NOT (OR (NOT BODY \"café\") SEEN)", []), ("NOT (OR (NOT BODY wombat) SEEN)", [5]),
    ("UNSEEN OR BODY quagga SUBJECT \"报告\"", [2, 5]), ("ALL NOT ALL", []),
    ("OR 1 BODY wombat", [1, 5]), ("(2:5 (NOT (OR 3 (OR 4 5))))", [2]),
])
def test_nested_not_or_and_groups(hand, criteria, expected):
    assert search(hand, b"CHARSET UTF-8 " + criteria.encode()) == expected


def test_uid_search_returns_uids_after_expunge(hand_rw):
    hand = hand_rw
    """UID SEARCH answers UIDs (RFC 3501 §6.4.8), SEARCH sequence numbers; they part ways once
    a message is expunged."""
    uids = search(hand, "ALL", uid=True)
    assert len(uids) == 6 and uids == sorted(uids)
    assert hand.command("e", "EXPUNGE")[-1].startswith(b"e OK")  # removes message 4 (\Deleted)
    assert search(hand, "ALL") == [1, 2, 3, 4, 5]
    assert search(hand, 'SUBJECT "报告"') == [4]
    assert search(hand, 'SUBJECT "报告"', uid=True) == [uids[4]]
    assert search(hand, f"UID {uids[4]}:*", uid=True) == [uids[4], uids[5]]
    assert search(hand, f"UID {uids[3]}") == []
    assert search(hand, "5", uid=True) == [uids[5]]


def test_no_expunge_responses_during_search(server, hand_rw):
    hand = hand_rw
    """RFC 3501 §7.4.1: no untagged EXPUNGE during SEARCH; the expunged message is still in
    this session's view, searched as it was from its ghost (RFC 2180 §4.1.1, §4.3), until a
    command that allows EXPUNGE."""
    other = server.raw()
    assert other.command("l", "LOGIN alice secret-a")[-1].startswith(b"l OK")
    assert other.command("s", "SELECT INBOX")[-1].startswith(b"s OK")
    # The first session claimed \\Recent (RFC 3501 §2.3.2): for this one every message is old.
    assert search(other, "OLD") == [1, 2, 3, 4, 5, 6]
    assert search(other, "OR RECENT NEW") == []
    assert other.command("x", "EXPUNGE")[-1].startswith(b"x OK")
    hand.send(b"t SEARCH ALL\r\n")
    lines = hand.read_response("t")
    assert not any(re.match(rb"^\* \d+ EXPUNGE", line) for line in lines), lines
    assert b"* SEARCH 1 2 3 4 5 6" in lines
    assert search(hand, "DELETED") == [4]
    lines = hand.command("n", "NOOP")
    assert b"* 4 EXPUNGE" in lines
    assert search(hand, "DELETED") == []
    other.close()


@pytest.mark.parametrize("criteria", [
    "RETURN (FOO) ALL", "OLDER 0", "YOUNGER -5", "NOT (OR ALL YOUNGER)",
    "NOSUCHKEY", "BEFORE 32-Jan-2024", "SINCE", "(ALL", "OR ALL",
])
def test_unsupported_or_malformed_keys_answer_bad(hand, criteria):
    lines = hand.command("b", f"SEARCH {criteria}")
    assert lines[-1].startswith(b"b BAD"), lines
    assert not any(line.startswith(b"* SEARCH") for line in lines)
    assert search(hand, "ALL") == [1, 2, 3, 4, 5, 6]  # the session goes on


def test_search_needs_a_selected_mailbox(loaded):
    client = login(loaded)
    assert client.command("s", "SEARCH ALL")[-1].startswith(b"s BAD")
    client.close()


def test_imaplib_search(loaded):
    """Python's imaplib, as scripts use it."""
    client = loaded.imap("alice", "secret-a")
    client.select("INBOX", readonly=True)
    typ, data = client.search(None, "UNSEEN", "SINCE", "1-Jan-2024")
    assert typ == "OK" and data == [b"2 3 5"]
    typ, data = client.uid("SEARCH", "FLAGGED")
    assert typ == "OK" and len(data[0].split()) == 1
    client.logout()


# ---- The corpus, checked against Python's own decoding ----------------------------------------

def decoded_header(message, name):
    values = message.get_all(name) or []
    return " ".join(str(value) for value in values)


def body_text(message):
    """Text parts decoded, plus the headers of embedded messages: what BODY searches."""
    texts = []
    for part in message.walk():
        if part.get_content_type() in ("message/rfc822", "message/global"):
            inner = part.get_payload(0)
            texts.append("\n".join(f"{k}: {v}" for k, v in inner.items()))
        elif part.get_content_maintype() == "text" and not part.is_multipart():
            try:
                texts.append(part.get_content())
            except (LookupError, UnicodeError):
                texts.append(part.get_payload(decode=True).decode("utf-8", "replace"))
    return "\n".join(texts)


@pytest.fixture(scope="module")
def corpus_server(tmp_path_factory, corpus):
    """One server for the read-only corpus tests, INBOX holding the corpus."""
    server = TernServer(tmp_path_factory.mktemp("search-corpus") / "data")
    server.add_user("alice", "secret-a")
    server.start()
    client = login(server)
    load(client, corpus)
    client.close()
    yield server
    server.stop()


@pytest.fixture
def corpus_session(corpus_server, corpus):
    client = login(corpus_server)
    assert client.command("x", "EXAMINE INBOX")[-1].startswith(b"x OK")
    parsed = [email.message_from_bytes(m, policy=email.policy.default) for m in corpus]
    yield client, parsed
    client.close()


def expected(parsed, predicate):
    return [n for n, message in enumerate(parsed, 1) if predicate(message)]


@pytest.mark.parametrize("word", ["Quarterly", "münchen", "Привет", "議事録", "jaźń", "έργο", "☕", "회의", "ṫëṡṫ",
                                  "Invoice", "Re:"])
def test_corpus_subject(corpus_session, word):
    client, parsed = corpus_session
    wanted = expected(parsed, lambda m: word.casefold() in decoded_header(m, "Subject").casefold())
    assert wanted, "the corpus should hold the word"
    assert search(client, b"CHARSET UTF-8 SUBJECT " + literal(word)) == wanted


@pytest.mark.parametrize("word", ["Jürgen", "Дмитрий", "山田", "example.org", "Smith"])
def test_corpus_from(corpus_session, word):
    client, parsed = corpus_session
    wanted = expected(parsed, lambda m: word.casefold() in decoded_header(m, "From").casefold())
    assert wanted
    assert search(client, b"FROM " + literal(word)) == wanted


@pytest.mark.parametrize("word", ["smørrebrød", "jalapeño", "日本語", "throughput", "coördinate"])
def test_corpus_body(corpus_session, word):
    client, parsed = corpus_session
    wanted = expected(parsed, lambda m: word.casefold() in body_text(m).casefold())
    assert wanted
    assert search(client, b"BODY " + literal(word)) == wanted


def test_corpus_text_and_combinations(corpus_session):
    client, parsed = corpus_session
    word = "benchmark"

    def in_text(m):
        headers = "\n".join(f"{k}: {v}" for k, v in m.items())
        return word in headers.casefold() or word in body_text(m).casefold()

    text_hits = search(client, b"TEXT " + word.encode())
    assert set(expected(parsed, in_text)) <= set(text_hits)
    body_hits = search(client, b"BODY " + word.encode())
    assert set(body_hits) <= set(text_hits)
    not_body = search(client, b"NOT BODY " + word.encode())
    assert sorted(body_hits + not_body) == list(range(1, len(parsed) + 1))
    assert search(client, b"OR BODY benchmark SUBJECT benchmark 1:50") == \
        [n for n in sorted(set(body_hits) | set(search(client, "SUBJECT benchmark"))) if n <= 50]
