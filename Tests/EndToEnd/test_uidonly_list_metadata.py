"""UIDONLY (RFC 9586) and LIST-METADATA (RFC 9590) against the real binary."""

from conftest import TEST_CONFIG, append_raw, login_raw

REFUSED = b"BAD [UIDREQUIRED] Message numbers are not allowed once UIDONLY is enabled"


def test_uidonly_refuses_sequence_numbers_and_answers_with_uidfetch_and_vanished(server, corpus):
    client = login_raw(server)
    other = login_raw(server)
    assert b" UIDONLY" in client.command("c", "CAPABILITY")[0]
    for index in range(3):
        append_raw(client, f"a{index}", "INBOX", corpus[index])
    assert client.command("e", "ENABLE UIDONLY") == [b"* ENABLED UIDONLY", b"e OK ENABLE completed"]
    assert not any(b"[UNSEEN " in line for line in client.command("s", "SELECT INBOX"))
    other.command("s", "SELECT INBOX")
    for command in ("FETCH 1:* FLAGS", "STORE 1 +FLAGS (\\Seen)", "SEARCH ALL", "COPY 1 Trash", "MOVE 1 Trash",
                    "UID SEARCH 2", "SORT (DATE) UTF-8 ALL", "THREAD REFERENCES UTF-8 ALL"):
        assert client.command("x", command) == [b"x " + REFUSED], command
    # RFC 9586 §3.3: "* uid UIDFETCH", the UID first and not repeated.
    assert client.command("f", "UID FETCH 1:* (UID FLAGS RFC822.SIZE)")[0].startswith(b"* 1 UIDFETCH (FLAGS (\\Recent) RFC822.SIZE ")
    assert client.command("g", "UID STORE 2 +FLAGS.SILENT (\\Deleted)") == [b"g OK UID STORE completed"]
    assert client.command("h", "UID EXPUNGE 2") == [b"* VANISHED 2", b"h OK UID EXPUNGE completed"]
    # §3.6: changes by another session.
    other.command("o0", "NOOP")
    other.command("o", "STORE 1 +FLAGS (\\Flagged)")
    assert client.command("n", "NOOP") == [b"* 1 UIDFETCH (FLAGS (\\Flagged \\Recent))", b"n OK NOOP completed"]
    other.command("p", "STORE 2 +FLAGS (\\Deleted)")
    other.command("q", "EXPUNGE")
    assert client.command("n2", "NOOP") == [b"* VANISHED 3", b"n2 OK NOOP completed"]
    assert client.command("m", "UID MOVE 1 Trash")[1:] == [b"* VANISHED 1", b"m OK UID MOVE completed"]
    client.close()
    other.close()


def test_list_return_metadata(server):
    """RFC 9590 §4's first example, with Tern's separator."""
    client = login_raw(server)
    assert b" LIST-METADATA" in client.command("c", "CAPABILITY")[0]
    client.command("m1", "CREATE foo")
    client.command("m2", "CREATE bar/baz")
    client.command("m3", "DELETE bar")
    assert client.command("s", 'SETMETADATA INBOX (/shared/vendor/cmu/cyrus-imapd/color "#b71c1c")')[-1].startswith(b"s OK")
    lines = client.command("l", 'LIST "" % RETURN (METADATA (/shared/vendor/cmu/cyrus-imapd/color))')
    inbox = lines.index(next(line for line in lines if line.startswith(b"* LIST") and line.endswith(b' "INBOX"')))
    assert lines[inbox + 1] == b'* METADATA "INBOX" (/shared/vendor/cmu/cyrus-imapd/color "#b71c1c")'
    foo = lines.index(next(line for line in lines if line.startswith(b"* LIST") and line.endswith(b' "foo"')))
    assert lines[foo + 1] == b'* METADATA "foo" (/shared/vendor/cmu/cyrus-imapd/color NIL)'
    bar = lines.index(next(line for line in lines if line.startswith(b"* LIST") and line.endswith(b' "bar"')))
    assert not lines[bar + 1].startswith(b"* METADATA"), "bar is no mailbox: no METADATA"
    assert lines[-1] == b"l OK LIST completed"
    assert client.command("b", 'LIST "" % RETURN (METADATA (/nonsense))')[-1].startswith(b"b BAD")
    client.close()


def test_savelimit_refuses_large_copy_and_multiappend(make_server):
    """RFC 9738 SAVELIMIT: `[limits] save_limit`; COPY and MULTIAPPEND past it store nothing."""
    server = make_server(TEST_CONFIG + "\n[limits]\nsave_limit = 2\n")
    client = login_raw(server)
    assert b" SAVELIMIT=2" in client.command("c", "CAPABILITY")[0]
    message = b"Subject: s\r\n\r\nbody\r\n"
    literal = b"{%d+}\r\n%s" % (len(message), message)
    client.send(b"a APPEND INBOX " + literal + b" " + literal + b" " + literal + b"\r\n")
    assert client.read_response("a") == [b"a NO [MESSAGELIMIT 2] Too many messages to append, try a smaller subset"]
    client.send(b"b APPEND INBOX " + literal + b" " + literal + b"\r\n")
    assert client.read_response("b")[-1].startswith(b"b OK [APPENDUID ")
    append_raw(client, "b2", "INBOX", message)
    client.command("s", "SELECT INBOX")
    assert client.command("d", "UID COPY 1:* Trash") == [
        b"d NO [MESSAGELIMIT 2 2] Too many messages to copy, try a smaller subset"]
    assert client.command("t", "STATUS Trash (MESSAGES)")[0] == b'* STATUS "Trash" (MESSAGES 0)'
    client.close()
