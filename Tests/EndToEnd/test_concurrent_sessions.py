"""Several sessions on one mailbox (RFC 3501 §5.2, §7.3.1, §7.4.1, §7.4.2; RFC 2180 §4):
changes made by one session reach the others as untagged EXISTS, FETCH FLAGS and EXPUNGE at
the points the RFC allows, and never EXPUNGE during FETCH or STORE."""

import re

import imapclient

from conftest import append_raw, literal_after, login_raw, silent


def mailbox_with(server, corpus, count):
    setup = login_raw(server)
    for i in range(count):
        append_raw(setup, f"p{i}", "INBOX", corpus[i])
    setup.close()


def session(server, examine=False):
    client = login_raw(server)
    lines = client.command("s", ("EXAMINE" if examine else "SELECT") + " INBOX")
    assert lines[-1].startswith(b"s OK"), lines
    return client


def seq_uids(client):
    """[(sequence number, UID)] as this session currently numbers its messages."""
    lines = client.command("q", "UID FETCH 1:* (UID)")
    return [(int(m.group(1)), int(m.group(2)))
            for m in (re.match(rb"^\* (\d+) FETCH \(UID (\d+)\)$", l) for l in lines) if m]


def expunges_in(lines):
    return [l for l in lines if re.match(rb"^\* \d+ EXPUNGE$", l)]


def test_append_reaches_other_session_as_exists_after_noop(server, corpus):
    """RFC 3501 §7.3.1, §6.1.2: session B learns of A's APPEND with `* n EXISTS` (and RECENT)
    in the response to its NOOP."""
    mailbox_with(server, corpus, 3)
    a, b = session(server), session(server)
    append_raw(a, "a", "INBOX", corpus[3])
    lines = b.command("n", "NOOP")
    assert b"* 4 EXISTS" in lines and any(re.match(rb"^\* \d+ RECENT$", l) for l in lines)
    assert lines[-1] == b"n OK NOOP completed"
    assert literal_after(b.command("f", "FETCH 4 (BODY.PEEK[])")[0], "BODY[]") == corpus[3]
    # Nothing more to report on the next NOOP.
    assert b.command("m", "NOOP") == [b"m OK NOOP completed"]


def test_store_reaches_other_session_as_fetch_flags(server, corpus):
    """RFC 3501 §7.4.2, RFC 2180 §4.3: B is told of A's flag change with an untagged FETCH
    carrying the message's new FLAGS, under B's sequence number."""
    mailbox_with(server, corpus, 3)
    a, b = session(server), session(server)
    a.command("st", "STORE 2 +FLAGS (\\Flagged $Urgent)")
    lines = b.command("n", "NOOP")
    fetches = [l for l in lines if re.match(rb"^\* \d+ FETCH", l)]
    assert len(fetches) == 1 and fetches[0].startswith(b"* 2 FETCH (FLAGS ("), lines
    assert b"\\Flagged" in fetches[0] and b"$Urgent" in fetches[0]
    assert b"\\Recent" not in fetches[0]  # recent belongs to A, which selected first
    # The new keyword also reaches B's FLAGS list.
    flags = [l for l in lines if l.startswith(b"* FLAGS ")]
    assert len(flags) == 1 and b"$Urgent" in flags[0]
    # B's own later change is reported to A, and not echoed back to B.
    lines = b.command("t", "STORE 3 +FLAGS (\\Answered)")
    assert [l for l in lines if l.startswith(b"* ")] == [b"* 3 FETCH (FLAGS (\\Answered))"]
    assert b"* 3 FETCH (FLAGS (\\Answered \\Recent))" in a.command("n", "NOOP")
    assert b.command("n", "NOOP") == [b"n OK NOOP completed"]


def test_expunge_is_not_sent_during_fetch_or_store_but_after_noop(server, corpus):
    """RFC 3501 §7.4.1: an EXPUNGE response must not be sent while responding to FETCH or
    STORE (the client's sequence numbers must stay valid); B keeps the old numbering during
    those commands and gets the EXPUNGE responses with its NOOP."""
    mailbox_with(server, corpus, 5)
    a, b = session(server), session(server)
    a.command("d", "STORE 2,4 +FLAGS.SILENT (\\Deleted)")
    assert a.command("e", "EXPUNGE")[-1] == b"e OK EXPUNGE completed"

    assert silent(b), "an EXPUNGE was sent while no command was in progress"
    lines = b.command("f", "FETCH 1:5 (UID)")
    assert not expunges_in(lines), lines
    numbered = {int(m.group(1)): int(m.group(2))
                for m in (re.match(rb"^\* (\d+) FETCH \(UID (\d+)\)$", l) for l in lines) if m}
    # The old numbers, 2 and 4 answered from their ghosts (RFC 2180 §4.1.1).
    assert numbered == {1: 1, 2: 2, 3: 3, 4: 4, 5: 5}, lines
    assert lines[-1] == b"f OK FETCH completed"
    lines = b.command("g", "STORE 5 +FLAGS (\\Seen)")
    assert not expunges_in(lines), lines
    assert lines[0] == b"* 5 FETCH (FLAGS (\\Seen))", lines
    lines = b.command("h", "FETCH 5 (FLAGS)")
    assert lines[0].startswith(b"* 5 FETCH") and not expunges_in(lines)

    lines = b.command("n", "NOOP")
    expunges = [int(re.match(rb"^\* (\d+) EXPUNGE$", l).group(1)) for l in lines if l.endswith(b"EXPUNGE")]
    remaining = [1, 2, 3, 4, 5]
    for number in expunges:
        del remaining[number - 1]
    assert remaining == [1, 3, 5]
    assert seq_uids(b) == [(1, 1), (2, 3), (3, 5)]
    assert b.command("m", "NOOP") == [b"m OK NOOP completed"]


def test_fetch_of_a_message_expunged_by_another_session_returns_its_data(server, corpus):
    """RFC 2180 §4.1.1: B fetches a message A has expunged, before B is told: the server kept
    a ghost of it and returns the data, with OK; the session goes on and learns of the
    expunge at its NOOP."""
    mailbox_with(server, corpus, 3)
    a, b = session(server), session(server)
    a.command("d", "STORE 2 +FLAGS.SILENT (\\Deleted)")
    a.command("e", "EXPUNGE")
    lines = b.command("f", "FETCH 2 (BODY[] FLAGS)")
    assert lines[-1] == b"f OK FETCH completed", lines
    assert literal_after(lines[0], "BODY[]") == corpus[1]
    assert lines[0].endswith(b" FLAGS (\\Deleted))"), lines[0][-40:]
    assert not expunges_in(lines)
    lines = b.command("g", "FETCH 1:3 (UID)")
    assert lines == [b"* 1 FETCH (UID 1)", b"* 2 FETCH (UID 2)", b"* 3 FETCH (UID 3)", b"g OK FETCH completed"]
    assert b"* 2 EXPUNGE" in b.command("n", "NOOP")
    assert seq_uids(b) == [(1, 1), (2, 3)]


def test_examine_session_sees_changes_too(server, corpus):
    """RFC 3501 §6.3.2 with §7: a read-only session is told of other sessions' changes like a
    read-write one."""
    mailbox_with(server, corpus, 2)
    a, c = session(server), session(server, examine=True)
    a.command("t", "STORE 1 +FLAGS (\\Seen)")
    append_raw(a, "p", "INBOX", corpus[5])
    a.command("d", "STORE 2 +FLAGS.SILENT (\\Deleted)")
    a.command("e", "EXPUNGE")
    lines = c.command("n", "NOOP")
    assert b"* 1 FETCH (FLAGS (\\Seen))" in lines
    assert b"* 2 EXPUNGE" in lines
    # EXISTS counts the messages at the moment it is sent: 2 after the EXPUNGE, 3 before it.
    exists = [l for l in lines if l.endswith(b" EXISTS")]
    assert len(exists) == 1
    expected = b"* 2 EXISTS" if lines.index(exists[0]) > lines.index(b"* 2 EXPUNGE") else b"* 3 EXISTS"
    assert exists[0] == expected, lines
    assert seq_uids(c) == [(1, 1), (2, 3)]


def test_three_sessions_converge(server, corpus):
    """RFC 3501 §5.2 / RFC 2180: three sessions (one of them imaplib) change one mailbox; after
    a NOOP each, all three number the messages the same way and see the same flags."""
    mailbox_with(server, corpus, 6)
    a, b = session(server), session(server)
    lib = server.imap("alice", "secret-a")
    lib.select("INBOX")

    append_raw(a, "p1", "INBOX", corpus[10])                     # UID 7
    b.command("st", "STORE 1:3 +FLAGS (\\Flagged)")
    lib.store("4", "+FLAGS", "(\\Deleted)")
    lib.expunge()                                               # UID 4 goes
    a.command("st", "STORE 1 -FLAGS (\\Flagged)")
    append_raw(b, "p2", "INBOX", corpus[11])                     # UID 8
    b.command("d", "STORE 1 +FLAGS.SILENT (\\Deleted)")
    b.command("e", "EXPUNGE")                                   # UID 1 goes

    for client in (a, b):
        client.command("n", "NOOP")
    lib.noop()
    expected_uids = [2, 3, 5, 6, 7, 8]
    views = []
    for client in (a, b):
        lines = client.command("f", "FETCH 1:* (UID FLAGS)")
        views.append([(int(re.search(rb"UID (\d+)", l).group(1)),
                       set(re.search(rb"FLAGS \(([^)]*)\)", l).group(1).split()) - {b"\\Recent"})
                      for l in lines[:-1]])
    typ, data = lib.fetch("1:*", "(UID FLAGS)")
    assert typ == "OK"
    views.append([(int(re.search(rb"UID (\d+)", d).group(1)),
                   set(re.search(rb"FLAGS \(([^)]*)\)", d).group(1).split()) - {b"\\Recent"}) for d in data])
    assert [uid for uid, _ in views[0]] == expected_uids
    assert views[0] == views[1] == views[2]
    assert dict(views[0])[2] == {b"\\Flagged"} and dict(views[0])[3] == {b"\\Flagged"}
    assert dict(views[0])[7] == set()
    lib.logout()


def test_imapclient_noop_reports_other_sessions_changes(server, corpus):
    """RFC 3501 §6.1.2 through imapclient: noop() returns the untagged EXISTS, FETCH and
    EXPUNGE responses caused by another session."""
    mailbox_with(server, corpus, 3)
    ic = imapclient.IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=30)
    ic.login("alice", "secret-a")
    ic.select_folder("INBOX")
    a = session(server)
    a.command("t", "STORE 3 +FLAGS (\\Answered)")
    a.command("d", "STORE 1 +FLAGS.SILENT (\\Deleted)")
    a.command("e", "EXPUNGE")
    append_raw(a, "p", "INBOX", corpus[4])
    _, responses = ic.noop()
    assert (1, b"EXPUNGE") in responses
    assert (3, b"EXISTS") in responses
    fetched = [r for r in responses if len(r) == 3 and r[1] == b"FETCH"]
    assert fetched and fetched[0][0] in (2, 3) and imapclient.ANSWERED in dict(
        zip(fetched[0][2][::2], fetched[0][2][1::2]))[b"FLAGS"]
    ic.logout()


def test_copy_of_a_message_expunged_by_another_session_copies_nothing(server, corpus):
    """RFC 2180 §4.4 and RFC 3501 §6.4.7: B copies messages by number, one of which A has
    expunged. The server may not report success for a partial copy: it answers NO
    (RFC 2180 §4.4.1, [EXPUNGEISSUED] RFC 5530) with the pending EXPUNGE responses, and
    the destination is left as it was; once B knows, the copy by the new numbers works."""
    mailbox_with(server, corpus, 4)
    a, b = session(server), session(server)
    a.command("c", "CREATE Dest")
    a.command("d", "STORE 2 +FLAGS.SILENT (\\Deleted)")
    a.command("e", "EXPUNGE")
    lines = b.command("f", "COPY 1:3 Dest")
    assert re.match(rb"^f NO .+", lines[-1]), lines
    assert b"* 2 EXPUNGE" in lines  # RFC 2180 §4.4.1: pending EXPUNGEs come with the COPY
    assert b"MESSAGES 0" in b.command("s", "STATUS Dest (MESSAGES)")[0]
    lines = b.command("g", "COPY 1:2 Dest")
    assert re.match(rb"^g OK \[COPYUID \d+ 1,3 1:2\] ", lines[-1]), lines


def test_uid_copy_skips_uids_expunged_by_another_session(server, corpus):
    """RFC 3501 §6.4.8: UIDs that no longer exist are not an error for UID COPY; the others are
    copied and COPYUID (RFC 4315 §3) names only them."""
    mailbox_with(server, corpus, 3)
    a, b = session(server), session(server)
    a.command("c", "CREATE Dest")
    a.command("d", "STORE 2 +FLAGS.SILENT (\\Deleted)")
    a.command("e", "EXPUNGE")
    lines = b.command("f", "UID COPY 1:3 Dest")
    assert re.match(rb"^f OK \[COPYUID \d+ 1,3 1:2\] ", lines[-1]), lines
    assert b"MESSAGES 2" in b.command("s", "STATUS Dest (MESSAGES)")[0]


def test_store_on_messages_expunged_by_another_session(server, corpus):
    """RFC 2180 §4.2: B stores flags by number on messages A has expunged. The expunged ones
    are left as they were and not reported, the others are changed and reported, and the
    answer is OK, with .SILENT (§4.2.1) or without (§4.2.2 and §4.2.3 let the server choose;
    Dovecot answers OK too); no EXPUNGE is sent during STORE (RFC 3501 §7.4.1)."""
    mailbox_with(server, corpus, 4)
    a, b = session(server), session(server)
    a.command("d", "STORE 2:3 +FLAGS.SILENT (\\Deleted)")
    a.command("e", "EXPUNGE")
    lines = b.command("f", "STORE 2 +FLAGS (\\Seen)")
    assert lines == [b"f OK STORE completed"], lines
    lines = b.command("g", "STORE 1:3 +FLAGS (\\Flagged)")
    assert lines == [b"* 1 FETCH (FLAGS (\\Flagged))", b"g OK STORE completed"], lines
    lines = b.command("h", "STORE 2:4 +FLAGS.SILENT (\\Answered)")
    assert lines == [b"h OK STORE completed"], lines
    lines = b.command("n", "NOOP")
    assert len(expunges_in(lines)) == 2
    assert b"\\Answered" in b.command("i", "FETCH 2 (FLAGS)")[0]  # old message 4
