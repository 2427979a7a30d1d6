"""ESEARCH (RFC 4731), SEARCHRES (RFC 5182), and the search keys of OBJECTID (RFC 8474 §6)
and SAVEDATE (RFC 8514 §4)."""

import re

import pytest

from conftest import append_raw, login_raw


@pytest.fixture
def mailbox(server):
    client = login_raw(server)
    for i in range(10):
        flags = "\\Flagged" if i in (1, 4, 5, 8) else None
        append_raw(client, f"p{i}", "INBOX", f"Subject: m{i}\r\n\r\nbody {i}\r\n".encode(), flags=flags)
    client.command("s", "SELECT INBOX")
    return client


def test_esearch_min_max_count_all(mailbox):
    """RFC 4731 §3.1-3.2: RETURN (MIN MAX COUNT ALL) answers one ESEARCH with the tag."""
    lines = mailbox.command("a", "SEARCH RETURN (MIN MAX COUNT ALL) FLAGGED")
    assert lines[0] == b'* ESEARCH (TAG "a") MIN 2 MAX 9 ALL 2,5:6,9 COUNT 4', lines
    lines = mailbox.command("b", "UID SEARCH RETURN (COUNT) FLAGGED")
    assert lines[0] == b'* ESEARCH (TAG "b") UID COUNT 4'
    lines = mailbox.command("c", "SEARCH RETURN () FLAGGED")  # RETURN () means ALL
    assert lines[0] == b'* ESEARCH (TAG "c") ALL 2,5:6,9'
    lines = mailbox.command("d", "SEARCH RETURN (MIN MAX COUNT) DELETED")
    assert lines[0] == b'* ESEARCH (TAG "d") COUNT 0'


def test_searchres_save_and_dollar(mailbox):
    """RFC 5182 §2.1-2.2: SAVE keeps the result for `$`, usable by FETCH, UID FETCH, STORE and
    SEARCH; SAVE alone returns no ESEARCH; expunged messages leave the saved result."""
    lines = mailbox.command("a", "SEARCH RETURN (SAVE) FLAGGED")
    assert lines == [b"a OK SEARCH completed"]
    fetched = [l for l in mailbox.command("b", "FETCH $ (UID)") if l.startswith(b"* ")]
    assert fetched == [b"* 2 FETCH (UID 2)", b"* 5 FETCH (UID 5)", b"* 6 FETCH (UID 6)", b"* 9 FETCH (UID 9)"]
    lines = mailbox.command("c", "UID SEARCH $ SMALLER 100000")
    assert lines[0] == b"* SEARCH 2 5 6 9"
    mailbox.command("d", "STORE 2 +FLAGS.SILENT (\\Deleted)")
    mailbox.command("e", "EXPUNGE")
    fetched = [l for l in mailbox.command("f", "UID FETCH $ (UID)") if l.startswith(b"* ")]
    assert [int(re.search(rb"UID (\d+)", l).group(1)) for l in fetched] == [5, 6, 9]
    # SAVE with MIN and MAX only saves those two (RFC 5182 §2.4).
    mailbox.command("g", "SEARCH RETURN (SAVE MIN MAX) FLAGGED")
    fetched = [l for l in mailbox.command("h", "UID FETCH $ (UID)") if l.startswith(b"* ")]
    assert [int(re.search(rb"UID (\d+)", l).group(1)) for l in fetched] == [5, 9]
    # A failed SEARCH with SAVE empties it; FETCH $ of an empty result is a plain OK.
    assert mailbox.command("i", "SEARCH RETURN (SAVE) CHARSET X-NONE TEXT x")[-1].startswith(b"i NO")
    assert mailbox.command("j", "FETCH $ (UID)") == [b"j OK FETCH completed"]


def test_search_modseq_reports_highest(mailbox):
    """RFC 7162 §3.1.5: SEARCH MODSEQ adds the highest MODSEQ of the matches, in both forms."""
    mailbox.command("a", "STORE 3 +FLAGS.SILENT (\\Seen)")
    lines = mailbox.command("b", "SEARCH MODSEQ 1")
    # The first CONDSTORE enabling command reports HIGHESTMODSEQ first (RFC 7162 §3.1).
    assert re.match(rb"^\* OK \[HIGHESTMODSEQ \d+\]", lines[0])
    line = lines[1]
    match = re.match(rb"^\* SEARCH( \d+)+ \(MODSEQ (\d+)\)$", line)
    assert match, line
    line = mailbox.command("c", "SEARCH RETURN (COUNT) MODSEQ 1")[0]
    assert re.match(rb'^\* ESEARCH \(TAG "c"\) COUNT 10 MODSEQ \d+$', line), line


def test_esearch_modseq_of_returned_messages(mailbox):
    """RFC 4731 §3.2 (and RFC 7162 §3.1.10): with a single MIN or MAX the MODSEQ is that of
    the found message; with MIN and MAX and no ALL/COUNT, the higher of the two; otherwise the
    highest of all matches (the RFC's examples a1 to a4)."""
    mailbox.command("a", "STORE 5 +FLAGS.SILENT (\\Seen)")  # message 5 gets the highest MODSEQ
    mailbox.command("b", "STORE 1 +FLAGS.SILENT (\\Answered)")  # then message 1 the next
    mailbox.command("c", "STORE 5 +FLAGS.SILENT (\\Draft)")  # and message 5 the highest again
    modseqs = {}
    for line in mailbox.command("d", "FETCH 1:* (MODSEQ)"):
        match = re.match(rb"^\* (\d+) FETCH \(MODSEQ \((\d+)\)\)$", line)
        if match:
            modseqs[int(match.group(1))] = int(match.group(2))
    assert len(modseqs) == 10 and max(modseqs, key=modseqs.get) == 5
    assert modseqs[1] > modseqs[10] and modseqs[1] < modseqs[5]

    def esearch(tag, command):
        line = mailbox.command(tag, command)[0]
        match = re.match(rb'^\* ESEARCH \(TAG "' + tag.encode() + rb'"\)( UID)? (.*) MODSEQ (\d+)$', line)
        assert match, line
        return match.group(2), int(match.group(3))

    assert esearch("e", "SEARCH RETURN (MIN) MODSEQ 1") == (b"MIN 1", modseqs[1])
    assert esearch("f", "SEARCH RETURN (MAX) MODSEQ 1") == (b"MAX 10", modseqs[10])
    assert esearch("g", "SEARCH RETURN (MIN MAX) MODSEQ 1") == (b"MIN 1 MAX 10", modseqs[1])
    assert esearch("h", "SEARCH RETURN (MIN COUNT) MODSEQ 1") == (b"MIN 1 COUNT 10", modseqs[5])
    assert esearch("i", "SEARCH RETURN (MAX ALL) MODSEQ 1") == (b"MAX 10 ALL 1:10", modseqs[5])
    assert esearch("j", "SEARCH RETURN (ALL) MODSEQ 1") == (b"ALL 1:10", modseqs[5])
    # Flagged are 2, 5, 6 and 9: MAX is 9, MIN 2, and 5 is in between.
    assert esearch("k", "UID SEARCH RETURN (MAX) FLAGGED MODSEQ 1") == (b"MAX 9", modseqs[9])
    assert esearch("l", "SEARCH RETURN (MIN MAX) FLAGGED MODSEQ 1") == (b"MIN 2 MAX 9", max(modseqs[2], modseqs[9]))
    assert esearch("m", "SEARCH RETURN (SAVE MIN) FLAGGED MODSEQ 1") == (b"MIN 2", modseqs[2])
    assert esearch("n", "SEARCH RETURN (COUNT) FLAGGED MODSEQ 1") == (b"COUNT 4", modseqs[5])


def test_emailid_and_savedate_keys(mailbox):
    """RFC 8474 §6: EMAILID finds the message with that id, THREADID the messages of that
    thread (here, without Message-IDs or references, each message is a thread of its own);
    RFC 8514 §4: SAVEDSINCE/SAVEDBEFORE on the save date, SAVEDATESUPPORTED everything."""
    line = mailbox.command("a", "FETCH 3 (EMAILID)")[0]
    email_id = re.search(rb"EMAILID \((M[0-9a-f]+)\)", line).group(1).decode()
    assert mailbox.command("b", f"SEARCH EMAILID {email_id}")[0] == b"* SEARCH 3"
    thread = re.search(rb"THREADID \((T[0-9]+)\)", mailbox.command("t", "FETCH 4 (THREADID)")[0]).group(1).decode()
    assert mailbox.command("c", f"SEARCH THREADID {thread}")[0] == b"* SEARCH 4"
    assert mailbox.command("c2", "SEARCH THREADID T999")[0] == b"* SEARCH"
    assert mailbox.command("d", "SEARCH SAVEDSINCE 1-Jan-2000")[0] == b"* SEARCH 1 2 3 4 5 6 7 8 9 10"
    assert mailbox.command("e", "SEARCH SAVEDBEFORE 1-Jan-2000")[0] == b"* SEARCH"
    assert mailbox.command("f", "SEARCH RETURN (COUNT) SAVEDATESUPPORTED")[0] == b'* ESEARCH (TAG "f") COUNT 10'
