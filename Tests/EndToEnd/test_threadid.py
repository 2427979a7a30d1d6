"""THREADID of OBJECTID (RFC 8474 §5.2, §6), end to end: the same thread for a message and its
replies in every mailbox, stable across sessions and a restart, and SEARCH THREADID."""

import re

from conftest import append_raw, login_raw


def message(mid, references=None, day=1):
    text = f"From: a@x\r\nSubject: s {mid}\r\nMessage-ID: <{mid}>\r\nDate: {day} Jan 2024 10:00:00 +0000\r\n"
    if references:
        text += f"References: {references}\r\n"
    return (text + "\r\nbody\r\n").encode()


def thread_ids(client, command="FETCH 1:* (THREADID)"):
    lines = client.command("f", command)
    assert lines[-1].startswith(b"f OK"), lines
    return [m.group(1).decode() for line in lines for m in [re.search(rb"THREADID \(([A-Za-z0-9_-]+)\)", line)] if m]


def test_threadid_groups_replies_and_survives_restart(server):
    client = login_raw(server)
    append_raw(client, "a1", "INBOX", message("1@x", day=1))
    append_raw(client, "a2", "INBOX", message("2@x", day=2))
    append_raw(client, "a3", "Sent", message("3@x", references="<1@x>", day=3))
    append_raw(client, "a4", "INBOX", message("4@x", references="<1@x> <3@x>", day=4))
    client.command("s", "SELECT INBOX")
    inbox = thread_ids(client)
    assert len(inbox) == 3 and inbox[0] == inbox[2] != inbox[1], inbox
    # RFC 8474 §5.2: "messages that would appear in the same thread if they were in the same
    # mailbox SHOULD have the same THREADID, even if they are in different mailboxes".
    other = login_raw(server)
    other.command("s", "EXAMINE Sent")
    assert thread_ids(other) == [inbox[0]]
    lines = client.command("g", f"UID SEARCH THREADID {inbox[0]}")
    assert lines[0] == b"* SEARCH 1 3", lines
    client.close()
    other.close()
    # "The server MUST NOT change the THREADID of a message once reported."
    server.stop()
    server.start()
    again = login_raw(server)
    again.command("s", "SELECT INBOX")
    assert thread_ids(again) == inbox
    again.close()
