"""Deadlines a hostile client cannot defeat (README: Security; RFC 9051 §5.4): a connection that
stops reading, one that trickles bytes to stay "active" without logging in, a command line or a
literal that never completes. Each is closed within its deadline, measured here, whatever the
session was doing."""

import socket
import time

from conftest import TEST_CONFIG, RawClient, login_raw, silent

LIMITS = """
[limits]
preauth_timeout = 3
write_timeout = 3
command_timeout = 2
min_input_rate = 1024
"""


def config():
    return TEST_CONFIG + LIMITS


def server_side_open(server_port, client):
    """Whether the server still holds its end of this client's connection open (a socket in
    ESTABLISHED or CLOSE_WAIT in /proc/net/tcp), however much unread data sits in buffers."""
    client_port = client.sock.getsockname()[1]
    with open("/proc/net/tcp") as table:
        next(table)
        for line in table:
            fields = line.split()
            local_port = int(fields[1].split(":")[1], 16)
            remote_port = int(fields[2].split(":")[1], 16)
            if local_port == server_port and remote_port == client_port and fields[3] in ("01", "08"):
                return True
    return False


def server_closes_within(server, client, seconds):
    """Seconds until the server let go of the connection, or None."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if not server_side_open(server.port, client):
            return time.monotonic() - start
        time.sleep(0.1)
    return None


def closed_within(client, seconds):
    """Seconds until the server closed the connection (reading whatever it sends), or None."""
    start = time.monotonic()
    client.sock.settimeout(0.2)
    while time.monotonic() - start < seconds:
        try:
            chunk = client.sock.recv(65536)
        except socket.timeout:
            continue
        except (ConnectionResetError, BrokenPipeError):
            return time.monotonic() - start
        if not chunk:
            return time.monotonic() - start
        client.buffer += chunk
    return None


def trickle(client, pieces, every):
    """Sends each piece `every` seconds until the server closes the connection; returns the
    seconds from the first piece until the server was seen closing it (None if it never
    did within the pieces and 3 more seconds)."""
    started = time.monotonic()
    for piece in pieces:
        try:
            client.send(piece)
        except (BrokenPipeError, ConnectionResetError):
            break
        time.sleep(every)
        if client.closed(timeout=0.01):
            return time.monotonic() - started
    return time.monotonic() - started if client.closed(timeout=3) else None


def test_a_client_that_never_reads_is_closed_before_login(make_server):
    """Issue 11 item 1: pipelined CAPABILITY commands, never read, fill the socket buffers and
    block the session in a write; the connection is still let go within the login deadline
    (which runs on the event loop, not in the session) or the write deadline."""
    server = make_server(config().replace("[security]", "[security]\nmax_pipelined_commands = 100000"))
    client = RawClient(server.port)
    client.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    started = time.monotonic()
    client.sock.setblocking(False)
    flood = b"c CAPABILITY\r\n" * 20_000
    sent = 0
    while sent < len(flood) and time.monotonic() - started < 2:
        try:
            sent += client.sock.send(flood[sent:])
        except BlockingIOError:
            time.sleep(0.01)
    client.sock.setblocking(True)
    lasted = server_closes_within(server, client, 10)  # the client never reads
    assert lasted is not None, "the server kept the connection past preauth_timeout"
    assert time.monotonic() - started < 3 + 3


def test_a_logged_in_client_that_stops_reading_a_fetch_is_closed(make_server):
    """Issue 11 item 1: after login, a FETCH of a large message that the client never reads
    blocks the session's write; write_timeout closes the connection (idle_timeout alone never
    would: the session is not idle, it is stuck)."""
    server = make_server(config())
    loader = login_raw(server)
    big = b"Subject: big\r\n\r\n" + (b"z" * 998 + b"\r\n") * 4000
    loader.send(f"a APPEND INBOX {{{len(big)}+}}\r\n".encode() + big + b"\r\n")
    assert loader.read_response("a")[-1].startswith(b"a OK")
    stuck = RawClient(server.port)
    stuck.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stuck.command("l", "LOGIN alice secret-a")
    stuck.command("s", "SELECT INBOX")
    stuck.send(b"f FETCH 1 BODY.PEEK[]\r\n")
    started = time.monotonic()
    lasted = server_closes_within(server, stuck, 10)  # never read
    assert lasted is not None, "the server kept a connection that stopped reading"
    assert lasted < 3 + 3
    assert loader.command("n", "NOOP")[-1].startswith(b"n OK"), "other sessions go on"


def test_trickling_bytes_does_not_extend_the_login_time(make_server):
    """Issue 11 item 2 (slowloris): one byte a second without CRLF keeps the connection busy
    but does not log in; preauth_timeout is the total time allowed to authenticate."""
    server = make_server(config())
    client = RawClient(server.port)
    lasted = trickle(client, [bytes([byte]) for byte in b"a NOOP a NOOP"], every=1)
    assert lasted is not None and lasted < 3 + 3, f"open after {lasted} s"
    assert b"* BYE" in client.buffer


def test_commands_before_login_do_not_extend_the_login_time(make_server):
    """Issue 11 item 2: a NOOP every second is activity, not a login."""
    server = make_server(config())
    client = RawClient(server.port)
    lasted = trickle(client, [f"n{n} NOOP\r\n".encode() for n in range(8)], every=1)
    assert lasted is not None and lasted < 3 + 3
    assert b"* BYE Login time is over" in client.buffer


def test_after_unauthenticate_the_login_time_runs_again(make_server):
    """RFC 8437 §3: UNAUTHENTICATE returns to the not-authenticated state, so a client that then
    trickles bytes without logging in again is closed within preauth_timeout, as before a
    first login."""
    server = make_server(config())
    client = login_raw(server)
    assert client.command("u", "UNAUTHENTICATE")[-1] == b"u OK Now in not authenticated state"
    lasted = trickle(client, [bytes([byte]) for byte in b"a NOOP a NOOP"], every=1)
    assert lasted is not None and lasted < 3 + 3, f"open after {lasted} s"
    assert b"* BYE" in client.buffer


def test_a_huge_literal_trickled_before_login_is_cut_off(make_server):
    """Issue 11 item 2: `a LOGIN {67108864+}` then a byte every second: the literal is refused
    ([TOOBIG]) and skipped as it arrives, but the connection still has only preauth_timeout."""
    server = make_server(config())
    client = RawClient(server.port)
    client.send(b"a LOGIN {67108864+}\r\n")
    lasted = trickle(client, [b"x"] * 8, every=1)
    assert lasted is not None and lasted < 3 + 3


def test_a_command_line_trickled_after_login_is_cut_off(make_server):
    """Issue 11 item 2: after login, a command line that trickles in a byte at a time must
    still complete within command_timeout plus one second per min_input_rate bytes."""
    server = make_server(config().replace("preauth_timeout = 3", "preauth_timeout = 30"))
    client = login_raw(server)
    lasted = trickle(client, [bytes([byte]) for byte in b"a SELECT INBOX"], every=0.5)
    assert lasted is not None and lasted < 2 + 4
    assert b"* BYE Command not completed in time" in client.buffer


def test_a_slow_but_steady_append_goes_through(make_server):
    """The command deadline grows with what arrives: an APPEND that keeps coming at a few
    KiB per second is not cut off, even though it takes longer than command_timeout."""
    server = make_server(config())
    client = login_raw(server)
    message = b"Subject: slow\r\n\r\n" + b"y" * 12_000 + b"\r\n"
    client.send(f"a APPEND INBOX {{{len(message)}+}}\r\n".encode())
    for offset in range(0, len(message), 2_000):
        client.send(message[offset:offset + 2_000])
        time.sleep(0.5)
    client.send(b"\r\n")
    assert client.read_response("a")[-1].startswith(b"a OK")


def test_an_overlong_line_in_idle_or_authenticate_ends_that_command(make_server):
    """Issue 11 item 7: an over-long line while IDLE waits for DONE, or AUTHENTICATE for a
    response, ends that command with a tagged BAD (not just `* BAD`), so the client is not
    left waiting."""
    server = make_server(TEST_CONFIG + "\n[limits]\nmax_line_length = 1000\n")
    client = RawClient(server.port)
    client.send(b"a AUTHENTICATE PLAIN\r\n")
    assert client.readline() == b"+ "
    client.send(b"A" * 2000 + b"\r\n")
    assert client.readline() == b"a BAD Line too long"
    client = login_raw(server)
    client.command("s", "SELECT INBOX")
    client.send(b"b IDLE\r\n")
    assert client.readline() == b"+ idling"
    client.send(b"D" * 2000 + b"\r\n")
    assert client.readline() == b"b BAD Line too long"
    assert client.command("c", "NOOP")[-1] == b"c OK NOOP completed"
    assert silent(client)
