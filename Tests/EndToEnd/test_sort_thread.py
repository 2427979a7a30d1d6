"""SORT, ESORT, SORT=DISPLAY and THREAD end to end (RFC 5256, RFC 5267 §3, RFC 5957), with
imapclient's sort() and thread() and raw commands."""

import pytest

from conftest import append_raw, login_raw, tagged, untagged

# (Subject, Date, From, To, Cc, Message-ID, References, size padding)
MESSAGES = [
    ("Re: Lunch", "Tue, 02 Jan 2024 12:00:00 +0000", '"Zoe" <zoe@example.org>', "bob@example.org",
     "carl@example.org", "<b@x>", "<a@x>", 300),
    ("Lunch", "Mon, 01 Jan 2024 12:00:00 +0000", "amy@example.org", '"Yann" <yann@example.org>',
     None, "<a@x>", None, 10),
    ("[list] Budget", "Wed, 03 Jan 2024 09:00:00 -0800", '"Ben" <ben@example.org>',
     "al@example.org", "dan@example.org", "<c@x>", None, 50),
    ("=?utf-8?q?=C3=A9t=C3=A9?=", None, "=?utf-8?q?=C3=89mile?= <emile@example.org>",
     "zed@example.org", None, "<d@x>", "<a@x> <b@x>", 200),
    ("budget (fwd)", "Thu, 04 Jan 2024 00:00:00 +0000", "carl@example.org", None, "amy@example.org",
     "<e@x>", None, 5),
]


def build(subject, date, sender, to, cc, message_id, references, padding):
    lines = [f"Subject: {subject}", f"From: {sender}", f"Message-ID: {message_id}"]
    if date:
        lines.append(f"Date: {date}")
    if to:
        lines.append(f"To: {to}")
    if cc:
        lines.append(f"Cc: {cc}")
    if references:
        lines.append(f"References: {references}")
    return ("\r\n".join(lines) + "\r\n\r\n" + "x" * padding + "\r\n").encode()


@pytest.fixture
def mailbox(server):
    """alice's INBOX with MESSAGES appended in order, INTERNALDATEs ascending except the
    4th (no Date: field), whose INTERNALDATE is the earliest: it sorts first by DATE (RFC 5256
    §2.2 fallback)."""
    client = login_raw(server)
    dates = ["10-Jan-2024 10:00:00 +0000", "11-Jan-2024 10:00:00 +0000", "12-Jan-2024 10:00:00 +0000",
             "01-Dec-2023 10:00:00 +0000", "13-Jan-2024 10:00:00 +0000"]
    for index, (fields, date) in enumerate(zip(MESSAGES, dates)):
        assert tagged(append_raw(client, f"a{index}", "INBOX", build(*fields), date=date)).startswith(b"a%d OK" % index)
    client.command("s", "SELECT INBOX")
    yield client
    client.close()


def sort_numbers(client, tag, command):
    lines = client.command(tag, command)
    assert tagged(lines).startswith(tag.encode() + b" OK"), lines
    [line] = untagged(lines, b"SORT")
    return [int(n) for n in line.split()[2:]]


def test_capabilities_advertised(alice_ic):
    """RFC 5256 §1, RFC 5267 §3.1, RFC 5957 §2: advertised because they work (THREAD=REFS,
    Dovecot's variant, too: the Dovecot comparison checks it)."""
    capabilities = alice_ic.capabilities()
    for name in (b"SORT", b"SORT=DISPLAY", b"ESORT", b"THREAD=ORDEREDSUBJECT", b"THREAD=REFERENCES",
                 b"THREAD=REFS"):
        assert name in capabilities


def test_sort_by_every_key(mailbox):
    """RFC 5256 §3 keys and RFC 5957 §4: each order, ties by sequence number."""
    expected = {
        "ARRIVAL": [4, 1, 2, 3, 5],
        "DATE": [4, 2, 1, 3, 5],       # 4 has no Date: its INTERNALDATE (Dec 2023) stands in
        "SIZE": [5, 2, 3, 4, 1],
        "SUBJECT": [3, 5, 4, 1, 2],    # BUDGET ×2, E\u0301TE\u0301 (NFKD), LUNCH ×2
        "FROM": [2, 3, 5, 4, 1],       # amy ben carl emile zoe (addr-mailbox)
        "TO": [5, 3, 1, 2, 4],         # "" al bob yann zed
        "CC": [2, 4, 5, 1, 3],         # "" "" amy carl dan
        "DISPLAYFROM": [2, 3, 5, 4, 1],  # amy@… Ben carl@… Émile Zoe
        "DISPLAYTO": [5, 3, 1, 2, 4],    # "" al@… bob@… Yann zed@…
    }
    for index, (key, order) in enumerate(expected.items()):
        assert sort_numbers(mailbox, f"k{index}", f"SORT ({key}) UTF-8 ALL") == order, key


def test_reverse_and_several_criteria(mailbox):
    """RFC 5256 §3: REVERSE reverses one criterion; later criteria break ties."""
    assert sort_numbers(mailbox, "r1", "SORT (REVERSE SIZE) UTF-8 ALL") == [1, 4, 3, 2, 5]
    assert sort_numbers(mailbox, "r2", "SORT (SUBJECT REVERSE DATE) UTF-8 ALL") == [5, 3, 4, 1, 2]
    assert sort_numbers(mailbox, "r3", "SORT (subject date) us-ascii ALL") == [3, 5, 4, 2, 1]


def test_sort_with_search_criteria_and_uid_sort(mailbox):
    """RFC 5256 §3: the search criteria select, UID SORT answers UIDs."""
    assert sort_numbers(mailbox, "c1", "SORT (DATE) UTF-8 SUBJECT budget") == [3, 5]
    assert sort_numbers(mailbox, "c2", "SORT (DATE) UTF-8 TEXT nothing-like-this") == []
    mailbox.command("d", "STORE 2 +FLAGS (\\Deleted)")
    assert sort_numbers(mailbox, "c3", "UID SORT (REVERSE ARRIVAL) UTF-8 UNDELETED") == [5, 3, 1, 4]
    assert sort_numbers(mailbox, "c4", "SORT (ARRIVAL) UTF-8 2:4") == [4, 2, 3]


def test_esort_return_options(mailbox):
    """RFC 5267 §3.1: ESEARCH answers, ALL in sort order with ascending ranges only (§3.2)."""
    lines = mailbox.command("e1", "SORT RETURN (MIN MAX COUNT ALL) (DATE) UTF-8 ALL")
    assert untagged(lines, b"ESEARCH") == [b'* ESEARCH (TAG "e1") MIN 4 MAX 5 ALL 4,2,1,3,5 COUNT 5']
    lines = mailbox.command("e2", "UID SORT RETURN () (ARRIVAL) UTF-8 ALL")
    assert untagged(lines, b"ESEARCH") == [b'* ESEARCH (TAG "e2") UID ALL 4,1:3,5']
    lines = mailbox.command("e3", "SORT RETURN (COUNT) (SUBJECT) UTF-8 SUBJECT nothing")
    assert untagged(lines, b"ESEARCH") == [b'* ESEARCH (TAG "e3") COUNT 0']


def test_thread_both_algorithms(mailbox):
    """RFC 5256 §3 and §4: ORDEREDSUBJECT and REFERENCES."""
    lines = mailbox.command("t1", "THREAD ORDEREDSUBJECT UTF-8 ALL")
    assert tagged(lines).startswith(b"t1 OK")
    # Threads by first sent date: été (4, Dec 2023), Lunch (2, then 1), Budget (3, then 5).
    assert untagged(lines, b"THREAD") == [b"* THREAD (4)(2 1)(3 5)"]
    lines = mailbox.command("t2", "THREAD REFERENCES UTF-8 ALL")
    # 1 replies to 2, 4 to 1 (References); 5 is "budget (fwd)", a forward of 3 by subject.
    assert untagged(lines, b"THREAD") == [b"* THREAD (2 1 4)(3 5)"]
    lines = mailbox.command("t3", "UID THREAD REFERENCES UTF-8 SUBJECT budget")
    assert untagged(lines, b"THREAD") == [b"* THREAD (3 5)"]
    lines = mailbox.command("t4", "THREAD REFERENCES UTF-8 SUBJECT nothing")
    assert untagged(lines, b"THREAD") == [b"* THREAD"]


def test_bad_input_gets_clear_answers_and_session_goes_on(mailbox):
    """Unknown key or algorithm, empty criteria: BAD; unknown charset: NO [BADCHARSET]."""
    for tag, command in (("b1", "SORT (COLOUR) UTF-8 ALL"), ("b2", "SORT () UTF-8 ALL"),
                         ("b3", "SORT (REVERSE) UTF-8 ALL"), ("b4", "SORT (DATE) UTF-8"),
                         ("b5", "THREAD XREFS UTF-8 ALL"), ("b6", "THREAD REFERENCES")):
        assert tagged(mailbox.command(tag, command)).startswith(tag.encode() + b" BAD"), command
    answer = tagged(mailbox.command("b7", "SORT (DATE) X-UNKNOWN ALL"))
    assert answer.startswith(b"b7 NO [BADCHARSET"), answer
    answer = tagged(mailbox.command("b8", "THREAD REFERENCES X-UNKNOWN ALL"))
    assert answer.startswith(b"b8 NO [BADCHARSET"), answer
    assert sort_numbers(mailbox, "b9", "SORT (SIZE) UTF-8 ALL") == [5, 2, 3, 4, 1]


def test_sort_needs_a_selected_mailbox(server):
    client = login_raw(server)
    assert tagged(client.command("n1", "SORT (DATE) UTF-8 ALL")).startswith(b"n1 BAD")
    client.close()


def test_imapclient_sort_and_thread(server, mailbox):
    """IMAPClient's sort() and thread(), as webmail libraries call them."""
    import imapclient
    client = imapclient.IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=30)
    client.login("alice", "secret-a")
    client.select_folder("INBOX")
    assert client.sort(["SUBJECT"]) == [3, 5, 4, 1, 2]  # UIDs = sequence numbers here
    assert client.sort(["REVERSE DATE"], ["NOT", "FROM", "amy"]) == [5, 3, 1, 4]
    assert client.thread("REFERENCES") == ((2, 1, 4), (3, 5))
    assert client.thread("ORDEREDSUBJECT", criteria="ALL") == ((4,), (2, 1), (3, 5))
    client.logout()


def test_sort_of_the_corpus_is_a_permutation(server, corpus):
    """Every message of the generated corpus is sorted and threaded exactly once."""
    import imapclient
    client = imapclient.IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=60)
    client.login("alice", "secret-a")
    for message in corpus:
        client.append("INBOX", message)
    client.select_folder("INBOX")
    every = set(client.search(["ALL"]))
    for key in ("ARRIVAL", "CC", "DATE", "FROM", "SIZE", "SUBJECT", "TO", "DISPLAYFROM", "DISPLAYTO"):
        result = client.sort([key])
        assert sorted(result) == sorted(every), key

    def members(thread):
        for item in thread:
            if isinstance(item, tuple):
                yield from members(item)
            else:
                yield item
    for algorithm in ("ORDEREDSUBJECT", "REFERENCES"):
        threaded = list(members(client.thread(algorithm)))
        assert sorted(threaded) == sorted(every), algorithm
    client.logout()
