"""Issue 11 item 6 (RFC 3501 §7.3.1, RFC 4315): a client that APPENDs on one connection and
acts on the APPENDUID from another must find the message there at once: new messages are
announced (EXISTS may come at any time) before a UID command runs, which then acts on them."""

import re

from conftest import append_raw, login_raw


def appended_uid(lines):
    return int(re.search(rb"APPENDUID \d+ (\d+)", lines[-1]).group(1))


def test_uid_commands_act_on_a_message_appended_by_another_session(server):
    watcher = login_raw(server)
    watcher.command("s", "SELECT INBOX")
    writer = login_raw(server)
    uid = appended_uid(append_raw(writer, "a", "INBOX", b"Subject: one\r\n\r\nbody\r\n"))

    store = watcher.command("b", f"UID STORE {uid} +FLAGS (\\Deleted)")
    assert store[0] == b"* 1 EXISTS", store
    assert any(b"FETCH (FLAGS (\\Deleted \\Recent) UID 1)" in line for line in store), store
    assert store[-1].startswith(b"b OK")
    fetch = watcher.command("c", f"UID FETCH {uid} (FLAGS)")
    assert fetch[0] == b"* 1 FETCH (UID 1 FLAGS (\\Deleted \\Recent))", fetch
    expunge = watcher.command("d", f"UID EXPUNGE {uid}")
    assert expunge == [b"* 1 EXPUNGE", b"d OK UID EXPUNGE completed"]

    second = appended_uid(append_raw(writer, "e", "INBOX", b"Subject: two\r\n\r\nbody\r\n"))
    move = watcher.command("f", f"UID MOVE {second} Trash")
    assert move[0] == b"* 1 EXISTS", move
    assert any(b"[COPYUID " in line for line in move) and b"* 1 EXPUNGE" in move, move
    assert move[-1].startswith(b"f OK")
    status = writer.command("g", "STATUS Trash (MESSAGES)")
    assert b"MESSAGES 1" in status[0]
