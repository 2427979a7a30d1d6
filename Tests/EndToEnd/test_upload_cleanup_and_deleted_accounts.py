"""Issue 11 items 3 and 17: a failed APPEND or MULTIAPPEND leaves nothing in the upload area,
uploads in progress count against the user's limit, and deleting an account that is logged in
ends its sessions with `* BYE` (README: Security)."""

import socket
import time

from conftest import TEST_CONFIG, RawClient, login_raw

MESSAGE = b"Subject: one\r\n\r\nHello\r\n"


def leftover_uploads(server):
    """Files in the store's upload area other than the instances' lock files."""
    return [path for path in (server.data_dir / "tmp").rglob("*") if path.is_file() and path.name != ".lock"]


def wait_until_clean(server, within=3):
    deadline = time.monotonic() + within
    while leftover_uploads(server) and time.monotonic() < deadline:
        time.sleep(0.05)
    return leftover_uploads(server)


def test_failed_appends_leave_no_upload_behind(make_server):
    server = make_server()
    client = login_raw(server)
    literal = b"Subject: x\r\n\r\nbody12345\r\n"
    # Something other than CRLF after the literal: BAD once the bytes are in.
    client.send(b"a APPEND INBOX {%d+}\r\n" % len(literal) + literal + b" X\r\n")
    assert client.readline().startswith(b"a BAD")
    assert wait_until_clean(server) == []
    # MULTIAPPEND whose second message is refused: too big, a bad flag, empty.
    for tag, second in [(b"b", b"{67108865}\r\n"), (b"c", b"(\\Bogus) {5}\r\n"), (b"d", b"{0}\r\n")]:
        client.send(tag + b" APPEND INBOX {%d+}\r\n" % len(MESSAGE) + MESSAGE + b" " + second)
        answer = client.readline()
        assert answer.startswith(tag + b" NO") or answer.startswith(tag + b" BAD"), answer
        assert wait_until_clean(server) == [], tag
    # A NUL in the second message (a plain literal may not carry it): BAD after its bytes.
    client.send(b"e APPEND INBOX {%d+}\r\n" % len(MESSAGE) + MESSAGE + b" {5+}\r\nab\0cd\r\n")
    assert client.readline().startswith(b"e BAD")
    assert wait_until_clean(server) == []
    # A successful APPEND keeps the message and no staged copy.
    client.send(b"f APPEND INBOX {%d+}\r\n" % len(MESSAGE) + MESSAGE + b"\r\n")
    assert client.readline().startswith(b"f OK")
    assert wait_until_clean(server) == []
    # The connection dropped in the middle of the second message's literal.
    dropped = login_raw(server)
    dropped.send(b"g APPEND INBOX {%d+}\r\n" % len(MESSAGE) + MESSAGE + b" {5000+}\r\nhalf")
    time.sleep(0.3)
    dropped.sock.close()
    assert wait_until_clean(server) == []
    assert b"MESSAGES 1" in client.command("s", "STATUS INBOX (MESSAGES)")[0]


def test_uploads_in_progress_count_against_the_user(make_server):
    server = make_server(TEST_CONFIG.replace("[security]", "[security]\nmax_upload_bytes_per_user = 100000"))
    first = login_raw(server)
    first.send(b"a APPEND INBOX {60000}\r\n")
    assert first.readline().startswith(b"+ ")
    first.send(b"Subject: big\r\n\r\n")
    second = login_raw(server)
    second.send(b"b APPEND INBOX {60000}\r\n")
    assert second.readline().startswith(b"b NO [LIMIT]")
    first.send(b"x" * (60000 - len(b"Subject: big\r\n\r\n")) + b"\r\n")
    assert first.readline().startswith(b"a OK")
    second.send(b"c APPEND INBOX {60000}\r\n")
    assert second.readline().startswith(b"+ "), "the room is given back when the APPEND ends"


def test_deleting_a_logged_in_account_ends_its_sessions(make_server):
    server = make_server(TEST_CONFIG + "\n[tuning]\naccount_check_interval = 1\n",
                         users=(("alice", "secret-a"), ("bob", "secret-b")))
    idle = login_raw(server)
    idle.command("s", "SELECT INBOX")
    idle.send(b"i IDLE\r\n")
    assert idle.readline() == b"+ idling"
    plain = login_raw(server)
    other = login_raw(server, "bob", "secret-b")
    server.tern("user", "delete", "alice")
    for client in (idle, plain):
        client.sock.settimeout(10)
        line = client.readline()
        while not line.startswith(b"* BYE"):
            line = client.readline()
        assert line == b"* BYE This account has been deleted"
        assert client.closed()
    assert other.command("n", "NOOP")[-1].startswith(b"n OK"), "other accounts go on"
