"""CHECK, CLOSE, UNSELECT, EXPUNGE and UID EXPUNGE end to end (RFC 3501 §6.4.1–3, RFC 3691,
RFC 4315 §2.1), with the sequence-number rules of EXPUNGE responses (RFC 3501 §7.4.1)."""

import re

import imapclient

from conftest import append_raw, login_raw


def selected_with(server, corpus, count, mailbox="INBOX"):
    """A RawClient with `count` corpus messages in `mailbox`, selected read-write."""
    client = login_raw(server)
    if mailbox != "INBOX":
        client.command("c", f"CREATE {mailbox}")
    for i in range(count):
        assert append_raw(client, f"p{i}", mailbox, corpus[i])[-1].startswith(f"p{i} OK".encode())
    assert client.command("s", f"SELECT {mailbox}")[-1].startswith(b"s OK")
    return client


def uids_of(client):
    lines = client.command("u", "UID FETCH 1:* (UID)")
    assert lines[-1] == b"u OK UID FETCH completed", lines
    return [int(re.search(rb"UID (\d+)", line).group(1)) for line in lines[:-1]]


def message_count(client, mailbox="INBOX"):
    line = client.command("st", f"STATUS {mailbox} (MESSAGES)")[0]
    return int(re.search(rb"MESSAGES (\d+)", line).group(1))


def apply_expunges(uids, lines):
    """Applies `* n EXPUNGE` responses in order to a list of UIDs, as a client must
    (RFC 3501 §7.4.1: each number is valid after the previous removals)."""
    remaining = list(uids)
    for line in lines:
        match = re.match(rb"^\* (\d+) EXPUNGE$", line)
        if match:
            number = int(match.group(1))
            assert 1 <= number <= len(remaining), (line, remaining)
            del remaining[number - 1]
    return remaining


def test_check_answers_ok(server, corpus):
    """RFC 3501 §6.4.1: CHECK requests a checkpoint; it answers OK in the selected state and
    needs a selected mailbox."""
    client = login_raw(server)
    assert client.command("a", "CHECK")[-1].startswith(b"a BAD")
    client.command("s", "SELECT INBOX")
    assert client.command("b", "CHECK") == [b"b OK CHECK completed"]
    lib = server.imap("alice", "secret-a")
    lib.select("INBOX")
    assert lib.check()[0] == "OK"
    lib.logout()


def test_expunge_responses_use_valid_sequence_numbers(server, corpus):
    """RFC 3501 §7.4.1: each EXPUNGE response's number is valid at the moment it is sent (the
    numbers of later messages drop by one after each), so applying them in order removes
    exactly the \\Deleted messages."""
    client = selected_with(server, corpus, 10)
    before = uids_of(client)
    deleted = [2, 3, 4, 7, 10]
    client.command("d", "STORE " + ",".join(map(str, deleted)) + " +FLAGS.SILENT (\\Deleted)")
    lines = client.command("e", "EXPUNGE")
    assert lines[-1] == b"e OK EXPUNGE completed"
    assert len(lines) == 1 + len(deleted)
    expected = [uid for i, uid in enumerate(before) if i + 1 not in deleted]
    assert apply_expunges(before, lines) == expected
    assert uids_of(client) == expected
    assert message_count(client) == 5


def test_expunge_with_nothing_deleted_sends_no_expunge(server, corpus):
    """RFC 3501 §6.4.3: without \\Deleted messages EXPUNGE removes nothing."""
    client = selected_with(server, corpus, 3)
    assert client.command("e", "EXPUNGE") == [b"e OK EXPUNGE completed"]
    assert message_count(client) == 3


def test_expunge_with_imaplib_and_imapclient(server, corpus):
    """RFC 3501 §6.4.3 through the client libraries: both report the expunged numbers."""
    client = selected_with(server, corpus, 4)
    client.command("d", "STORE 1,3 +FLAGS (\\Deleted)")
    client.command("u", "UNSELECT")
    lib = server.imap("alice", "secret-a")
    lib.select("INBOX")
    typ, data = lib.expunge()
    assert typ == "OK"
    assert apply_expunges([1, 2, 3, 4], [b"* " + n + b" EXPUNGE" for n in data]) == [2, 4]
    lib.logout()
    ic = imapclient.IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=30)
    ic.login("alice", "secret-a")
    ic.select_folder("INBOX")
    ic.add_flags([4], [imapclient.DELETED])  # UID 4 is message 2
    text, responses = ic.expunge()
    assert responses == [(2, b"EXPUNGE")]
    assert ic.folder_status("INBOX", ["MESSAGES"])[b"MESSAGES"] == 1
    ic.logout()


def test_uid_expunge_removes_only_the_named_uids(server, corpus):
    """RFC 4315 §2.1: UID EXPUNGE removes the \\Deleted messages whose UIDs are in the set,
    and leaves other \\Deleted messages alone."""
    client = selected_with(server, corpus, 6)
    client.command("d", "STORE 1:6 +FLAGS.SILENT (\\Deleted)")
    lines = client.command("e", "UID EXPUNGE 2,4:5")
    assert lines[-1] == b"e OK UID EXPUNGE completed"
    assert apply_expunges([1, 2, 3, 4, 5, 6], lines) == [1, 3, 6]
    assert uids_of(client) == [1, 3, 6]
    # A UID in the set without \Deleted stays.
    client.command("f", "STORE 1 -FLAGS.SILENT (\\Deleted)")
    assert client.command("g", "UID EXPUNGE 1") == [b"g OK UID EXPUNGE completed"]
    assert uids_of(client) == [1, 3, 6]
    # UIDs that do not exist are no error.
    assert client.command("h", "UID EXPUNGE 100:200") == [b"h OK UID EXPUNGE completed"]


def test_uid_expunge_with_imapclient(server, corpus):
    """RFC 4315 §2.1 through imapclient's uid_expunge."""
    selected_with(server, corpus, 3).close()
    ic = imapclient.IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=30)
    ic.login("alice", "secret-a")
    ic.select_folder("INBOX")
    ic.add_flags([1, 2, 3], [imapclient.DELETED])
    ic.uid_expunge([3])
    assert sorted(ic.fetch([1, 2, 3], ["FLAGS"])) == [1, 2]  # UIDs still there
    ic.logout()


def test_close_expunges_silently(server, corpus):
    """RFC 3501 §6.4.2: CLOSE removes the \\Deleted messages and sends no EXPUNGE responses;
    the session returns to the authenticated state."""
    client = selected_with(server, corpus, 5)
    client.command("d", "STORE 2,4 +FLAGS (\\Deleted)")
    lines = client.command("c", "CLOSE")
    assert lines == [b"c OK CLOSE completed"]
    assert client.command("f", "FETCH 1 (UID)")[-1].startswith(b"f BAD")
    assert message_count(client) == 3
    client.command("s", "SELECT INBOX")
    assert uids_of(client) == [1, 3, 5]


def test_close_after_examine_expunges_nothing(server, corpus):
    """RFC 3501 §6.4.2: no messages are removed when the mailbox was opened with EXAMINE."""
    client = selected_with(server, corpus, 3)
    client.command("d", "STORE 1:3 +FLAGS (\\Deleted)")
    client.command("u", "UNSELECT")
    client.command("e", "EXAMINE INBOX")
    assert client.command("c", "CLOSE") == [b"c OK CLOSE completed"]
    assert message_count(client) == 3


def test_unselect_does_not_expunge(server, corpus):
    """RFC 3691 §2: UNSELECT leaves the selected state without removing \\Deleted messages."""
    client = selected_with(server, corpus, 3)
    client.command("d", "STORE 1 +FLAGS (\\Deleted)")
    assert client.command("u", "UNSELECT") == [b"u OK UNSELECT completed"]
    assert client.command("f", "FETCH 1 (UID)")[-1].startswith(b"f BAD")
    assert message_count(client) == 3
    ic = imapclient.IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=30)
    ic.login("alice", "secret-a")
    ic.select_folder("INBOX")
    ic.unselect_folder()
    assert ic.folder_status("INBOX", ["MESSAGES"])[b"MESSAGES"] == 3
    ic.logout()


def test_imaplib_close(server, corpus):
    """RFC 3501 §6.4.2 through imaplib: close() expunges."""
    client = selected_with(server, corpus, 2)
    client.command("d", "STORE 2 +FLAGS (\\Deleted)")
    client.command("u", "UNSELECT")
    lib = server.imap("alice", "secret-a")
    lib.select("INBOX")
    assert lib.close()[0] == "OK"
    typ, data = lib.status("INBOX", "(MESSAGES)")
    assert typ == "OK" and data[0].endswith(b"(MESSAGES 1)")
    lib.logout()


def test_expunge_in_examine_is_refused(server, corpus):
    """RFC 3501 §6.3.2: EXPUNGE after EXAMINE changes nothing (NO)."""
    client = selected_with(server, corpus, 2)
    client.command("d", "STORE 1 +FLAGS (\\Deleted)")
    client.command("e", "EXAMINE INBOX")
    assert re.match(rb"^x NO ", client.command("x", "EXPUNGE")[-1])
    assert message_count(client) == 2


def test_uids_are_not_reused_after_expunge(server, corpus):
    """RFC 3501 §2.3.1.1: UIDs strictly ascend and are never reused, even after the highest
    message is expunged."""
    client = selected_with(server, corpus, 3)
    client.command("d", "STORE 3 +FLAGS (\\Deleted)")
    client.command("e", "EXPUNGE")
    line = append_raw(client, "a", "INBOX", corpus[5])[-1]
    assert re.search(rb"\[APPENDUID \d+ 4\]", line), line
    assert uids_of(client) == [1, 2, 4]
