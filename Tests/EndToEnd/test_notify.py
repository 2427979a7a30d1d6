"""NOTIFY (RFC 5465) end to end: a watching session is told, without asking, of what other
sessions do — new mail in other mailboxes as STATUS, new mail in the selected one as EXISTS
and FETCH, mailboxes created, renamed and deleted as LIST, subscriptions and METADATA — at once
between commands and during IDLE. The watcher is a byte-level client; the other sessions are
imaplib clients sending their commands."""

import re
import time

from conftest import append_raw, login_raw, silent


def message(subject):
    return f"From: carol@example.org\r\nSubject: {subject}\r\n\r\nbody\r\n".encode()


def untagged_lines(client, count):
    """The next `count` lines the server pushes, literals inlined."""
    lines = []
    for _ in range(count):
        line = client.readline()
        match = re.search(rb"\{(\d+)\}$", line)
        if match:
            line += b"\r\n" + client.read_exact(int(match.group(1))) + client.readline()
        lines.append(line)
    return lines


def test_notify_is_advertised(server):
    client = login_raw(server)
    capability = client.command("c", "CAPABILITY")[0]
    assert b" NOTIFY" in capability, capability


def test_status_of_other_mailboxes_and_fetch_of_new_mail_are_pushed_across_sessions(server, alice):
    """RFC 5465 §3.1 (SET STATUS answers STATUS before OK), §5.2 (MessageNew: STATUS for another
    mailbox; EXISTS and the FETCH asked for in the selected one), §5.3 (MessageExpunge)."""
    assert alice.create("Lists/Lemonade")[0] == "OK"
    alice.append("Lists/Lemonade", None, None, message("old"))
    watcher = login_raw(server)
    lines = watcher.command("n", "NOTIFY SET STATUS (selected (MessageNew (UID BODY.PEEK[HEADER.FIELDS (Subject)]) "
                                 "MessageExpunge)) (subtree Lists (MessageNew MessageExpunge))")
    assert lines[-1] == b"n OK NOTIFY completed", lines
    status = [line for line in lines if line.startswith(b"* STATUS ")]
    assert any(re.fullmatch(rb'\* STATUS "Lists/Lemonade" \(MESSAGES 1 UIDNEXT 2 UIDVALIDITY \d+\)', s) for s in status), status
    assert any(s.startswith(b'* STATUS "Lists" (MESSAGES 0 ') for s in status), status
    assert watcher.command("s", "SELECT INBOX")[-1].startswith(b"s OK")

    alice.append("Lists/Lemonade", None, None, message("new list mail"))
    pushed = watcher.readline()  # no command was sent: the server pushes
    assert re.fullmatch(rb'\* STATUS "Lists/Lemonade" \(MESSAGES 2 UIDNEXT 3 UIDVALIDITY \d+\)', pushed), pushed

    alice.append("INBOX", None, None, message("good morning"))
    lines = untagged_lines(watcher, 3)
    assert lines[0] == b"* 1 EXISTS" and lines[1] == b"* 1 RECENT", lines
    assert lines[2] == (b"* 1 FETCH (UID 1 BODY[HEADER.FIELDS (Subject)] {25}\r\n"
                        b"Subject: good morning\r\n\r\n)"), lines

    alice.select("Lists/Lemonade")
    alice.store("1", "+FLAGS", "\\Deleted")
    alice.expunge()
    pushed = watcher.readline()
    assert re.fullmatch(rb'\* STATUS "Lists/Lemonade" \(MESSAGES 1 UIDNEXT 3 UIDVALIDITY \d+\)', pushed), pushed
    assert watcher.command("z", "NOOP") == [b"z OK NOOP completed"]


def test_mailbox_names_and_subscriptions_from_two_other_sessions(server):
    """RFC 5465 §5.4 (MailboxName: LIST, OLDNAME on RENAME, \\NonExistent after DELETE; the
    client's own changes are left out, §5) and §5.5 (SubscriptionChange)."""
    watcher = login_raw(server)
    assert watcher.command("n", "NOTIFY SET (personal (MailboxName SubscriptionChange))")[-1] == b"n OK NOTIFY completed"
    assert watcher.command("c", "CREATE Mine")[-1].startswith(b"c OK")
    assert silent(watcher), "no LIST for the watcher's own CREATE"

    second = server.imap("alice", "secret-a")
    third = server.imap("alice", "secret-a")
    assert second.create("Projects")[0] == "OK"
    assert watcher.readline() == b'* LIST (\\HasNoChildren) "/" "Projects"'
    assert second.rename("Projects", "Archive/Projects")[0] == "OK"
    assert watcher.readline() == b'* LIST (\\HasNoChildren) "/" "Archive/Projects" ("OLDNAME" ("Projects"))'
    assert third.subscribe("Archive/Projects")[0] == "OK"
    assert watcher.readline() == b'* LIST (\\HasNoChildren \\Subscribed) "/" "Archive/Projects"'
    assert third.delete("Archive/Projects")[0] == "OK"
    assert watcher.readline() == b'* LIST (\\NonExistent \\Subscribed) "/" "Archive/Projects"'
    assert watcher.readline().startswith(b'* LIST (\\HasNoChildren \\Subscribed \\Archive) "/" "Archive"')
    for client in (second, third):
        client.logout()


def test_notify_during_idle_and_notify_none(server, alice):
    """RFC 5465 §4: during IDLE the same events as NOTIFY asked for; §3.1 NOTIFY NONE ends them."""
    alice.create("Other")
    watcher = login_raw(server)
    watcher.command("s", "SELECT INBOX")
    watcher.command("n", "NOTIFY SET (mailboxes Other (MessageNew MessageExpunge)) (personal (MailboxMetadataChange))")
    watcher.send("i IDLE\r\n")
    assert watcher.readline() == b"+ idling"
    alice.append("Other", None, None, message("during idle"))
    assert re.fullmatch(rb'\* STATUS "Other" \(MESSAGES 1 UIDNEXT 2 UIDVALIDITY \d+\)', watcher.readline())
    writer = login_raw(server)
    assert writer.command("m", 'SETMETADATA Other (/shared/comment "hello")') == [b"m OK SETMETADATA completed"]
    assert watcher.readline() == b'* METADATA "Other" /shared/comment'
    watcher.send("DONE\r\n")
    assert watcher.read_response("i")[-1] == b"i OK IDLE terminated"
    assert watcher.command("x", "NOTIFY NONE") == [b"x OK NOTIFY completed"]
    alice.append("Other", None, None, message("after none"))
    assert silent(watcher, 0.5), "NOTIFY NONE: nothing is pushed"


def test_unsupported_event_and_bad_event_sets(server):
    """RFC 5465 §3.1: NO [BADEVENT (...)] lists the supported events; §5: MessageNew without
    MessageExpunge is BAD; the session goes on."""
    client = login_raw(server)
    answer = client.command("a", "NOTIFY SET (personal (MessageNew MessageExpunge NoSuchEvent))")[-1]
    assert answer.startswith(b"a NO [BADEVENT (MessageNew MessageExpunge FlagChange "), answer
    assert client.command("b", "NOTIFY SET (personal (MessageNew))")[-1].startswith(b"b BAD")
    assert client.command("c", "NOTIFY SET (inboxes (MessageNew MessageExpunge)")[-1].startswith(b"c BAD")
    assert client.command("d", "NOOP") == [b"d OK NOOP completed"]


def test_delivery_by_another_process_is_pushed(server, alice):
    """RFC 5465 §5.2 for mail that `tern deliver` (another process, the LDA) commits: the
    server's watch of external changes announces it, and the NOTIFY session gets STATUS."""
    alice.create("Lists")
    watcher = login_raw(server)
    watcher.command("n", "NOTIFY SET (subtree Lists (MessageNew MessageExpunge))")
    # The watch of other processes' commits reads a newly observed mailbox's counters at its
    # next look (once a second) as the baseline the next change is told from.
    time.sleep(1.5)
    server.tern("deliver", "--user", "alice", "--mailbox", "Lists",
                input="From: list@example.org\r\nSubject: from the LDA\r\n\r\nbody\r\n")
    assert re.fullmatch(rb'\* STATUS "Lists" \(MESSAGES 1 UIDNEXT 2 UIDVALIDITY \d+\)', watcher.readline())
