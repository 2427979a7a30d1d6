"""UIDONLY (RFC 9586) and LIST-METADATA (RFC 9590) against the real binary."""

from conftest import append_raw, login_raw

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
