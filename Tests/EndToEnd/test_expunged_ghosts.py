"""Messages another session expunged, while a session still lists them (RFC 2180 §4.1.1,
§4.2; RFC 3501 §7.4.1): the expunge keeps a "ghost" of each message, its record and its
bytes, so that FETCH, STORE and SEARCH answer every message the session can still see with
OK, until the session is told of the expunge; the ghosts and their blobs go after
`expunged_retention`. `[CORRUPTION]` is kept for real damage: a blob missing while a message
or ghost references it (RFC 5530)."""

import hashlib
import re
import socket
import time

from conftest import RawClient, TEST_CONFIG, append_raw, literal_after, login_raw


def selected(server):
    client = login_raw(server)
    assert client.command("s", "SELECT INBOX")[-1].startswith(b"s OK")
    return client


def expunge(client, numbers):
    assert client.command("d", f"STORE {numbers} +FLAGS.SILENT (\\Deleted)")[-1].startswith(b"d OK")
    assert client.command("e", "EXPUNGE")[-1] == b"e OK EXPUNGE completed"


def fill(server, messages):
    setup = login_raw(server)
    for index, message in enumerate(messages):
        assert append_raw(setup, f"p{index}", "INBOX", message)[-1].startswith(f"p{index} OK".encode())
    setup.close()


def blob_path(data_dir, message):
    """Where the store keeps a message's bytes: named by their SHA-256."""
    name = hashlib.sha256(message).hexdigest()
    return data_dir / "blobs" / name[:2] / name


class SlowReader(RawClient):
    """A raw client with a small receive buffer, so that a large FETCH fills the socket and
    holds the server in the middle of its answer until the test reads."""

    def __init__(self, port, timeout=30):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32 * 1024)
        self.sock.settimeout(timeout)
        self.sock.connect(("127.0.0.1", port))
        self.buffer = b""
        self.greeting = self.readline()


def test_fetch_and_store_answer_every_message_still_listed_with_ok(server, corpus):
    """Issue 10 items 5 and 6, RFC 2180 §4.1.1 and §4.2: B lists three messages; A expunges
    the second. B's `FETCH 1:3 (FLAGS BODY[])` answers all three, the expunged one with its
    bytes and its flags as they were, and OK (neither `NO [CORRUPTION]` nor
    `NO [EXPUNGEISSUED]`); so do `FETCH 1:3 FLAGS` and `STORE 1:3 +FLAGS`, which leaves the
    expunged message alone. No EXPUNGE during FETCH or STORE (RFC 3501 §7.4.1); NOOP tells it."""
    fill(server, corpus[:3])
    a, b = selected(server), selected(server)
    expunge(a, "2")

    lines = b.command("f", "FETCH 1:3 (FLAGS BODY[])")
    assert lines[-1] == b"f OK FETCH completed", lines
    assert [int(re.match(rb"^\* (\d+) FETCH", l).group(1)) for l in lines[:-1]] == [1, 2, 3], lines
    for number, line in enumerate(lines[:-1]):
        assert literal_after(line, "BODY[]") == corpus[number]
    assert lines[1].startswith(b"* 2 FETCH (FLAGS (\\Deleted) BODY[] "), lines[1][:80]

    lines = b.command("g", "FETCH 1:3 FLAGS")
    assert lines == [b"* 1 FETCH (FLAGS (\\Seen))", b"* 2 FETCH (FLAGS (\\Deleted))",
                     b"* 3 FETCH (FLAGS (\\Seen))", b"g OK FETCH completed"], lines
    lines = b.command("h", "STORE 1:3 +FLAGS (\\Flagged)")
    assert lines == [b"* 1 FETCH (FLAGS (\\Flagged \\Seen))", b"* 3 FETCH (FLAGS (\\Flagged \\Seen))",
                     b"h OK STORE completed"], lines
    assert b.command("i", "SEARCH DELETED") == [b"* SEARCH 2", b"i OK SEARCH completed"]

    assert b.command("n", "NOOP") == [b"* 2 EXPUNGE", b"n OK NOOP completed"]
    lines = b.command("u", "FETCH 1:* (UID FLAGS)")
    assert lines == [b"* 1 FETCH (UID 1 FLAGS (\\Flagged \\Seen))", b"* 2 FETCH (UID 3 FLAGS (\\Flagged \\Seen))",
                     b"u OK FETCH completed"], lines


def test_an_expunge_in_the_middle_of_a_fetch_is_no_corruption(server, corpus):
    """Issue 10 item 5: B's FETCH is streaming a large first message (B reads slowly) when A
    expunges the second. The second message's bytes are still there when B's FETCH reaches
    it: the answer is complete and OK, not `NO [CORRUPTION] Message data is missing`."""
    large = b"Subject: large\r\nFrom: a@example.org\r\n\r\n" + b"A line of the large body.\r\n" * 600_000
    fill(server, [large, corpus[1], corpus[2]])
    a = selected(server)
    b = SlowReader(server.port)
    assert b.command("l", "LOGIN alice secret-a")[-1].startswith(b"l OK")
    assert b.command("s", "SELECT INBOX")[-1].startswith(b"s OK")
    b.send("f FETCH 1:3 (BODY.PEEK[])\r\n")
    time.sleep(0.5)  # the server is blocked writing message 1 into B's full socket
    expunge(a, "2")
    lines = b.read_response("f")
    assert lines[-1] == b"f OK FETCH completed", lines[-1]
    assert [literal_after(line, "BODY[]") for line in lines[:-1]] == [large, corpus[1], corpus[2]]
    assert b.command("n", "NOOP") == [b"* 2 EXPUNGE", b"n OK NOOP completed"]


def test_ghosts_and_their_blobs_go_after_the_retention(make_server, corpus):
    """`expunged_retention` (seconds): once it has passed, the ghost and its blob file are
    removed by the server's background purge; a session that still lists the message (it
    sent only FETCH, STORE and SEARCH since) is then answered `NO [EXPUNGEISSUED]` for it
    (RFC 2180 §4.1.2), and learns of the expunge at its next NOOP."""
    server = make_server(config_text=TEST_CONFIG + "\n[limits]\nexpunged_retention = 1\n")
    fill(server, corpus[:2])
    a, b = selected(server), selected(server)
    expunge(a, "2")
    path = blob_path(server.data_dir, corpus[1])
    assert path.exists(), "the ghost holds the blob"
    deadline = time.monotonic() + 15
    while path.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not path.exists(), "the purge removes the blob after the retention"
    lines = b.command("f", "FETCH 1:2 (UID)")
    assert lines == [b"* 1 FETCH (UID 1)",
                     b"f NO [EXPUNGEISSUED] Some messages were expunged by another session and are gone"], lines
    assert b.command("n", "NOOP") == [b"* 2 EXPUNGE", b"n OK NOOP completed"]
    assert blob_path(server.data_dir, corpus[0]).exists(), "a live message's blob stays"


def test_a_missing_blob_is_still_corruption(server, corpus):
    """RFC 5530 `[CORRUPTION]` is for real damage: the file of a message, or of a ghost that a
    session still lists, removed behind the server's back. The other messages are answered
    in full, before and after it (a large one streamed before it too), and the stream stays
    in step."""
    large = b"Subject: large\r\nFrom: a@example.org\r\n\r\n" + b"A line of the large body.\r\n" * 20_000
    fill(server, [large] + corpus[:3])
    a, b = selected(server), selected(server)
    blob_path(server.data_dir, corpus[0]).unlink()
    lines = a.command("f", "FETCH 2 (BODY.PEEK[])")
    assert lines == [b"f NO [CORRUPTION] Message data is missing"], lines
    lines = a.command("g", "FETCH 1:3 (UID BODY.PEEK[])")
    assert [literal_after(line, "BODY[]") for line in lines[:-1]] == [large, corpus[1]], lines[-1]
    assert lines[1].startswith(b"* 3 FETCH (UID 3 BODY[] ")
    assert lines[-1] == b"g NO [CORRUPTION] Message data is missing", lines[-1]
    expunge(a, "4")
    blob_path(server.data_dir, corpus[2]).unlink()
    lines = b.command("h", "FETCH 4 (BODY.PEEK[])")
    assert lines == [b"h NO [CORRUPTION] Message data is missing"], lines
    assert b.command("i", "FETCH 3 (BODY.PEEK[])")[-1] == b"i OK FETCH completed"
