"""Limits and shutdown end to end (README: Configuration): `max_connections` (`* BYE`),
autologout before and after login (RFC 3501 §5.4), `max_message_size` (`NO [TOOBIG]`,
RFC 7889, RFC 5530 §3), `max_mailboxes_per_user` and `max_mailbox_depth` (`NO [LIMIT]`),
and SIGTERM saying `* BYE` to every session."""

import re
import signal
import socket
import threading
import time

from conftest import TEST_CONFIG, RawClient, append_raw, login_raw


def config(**limits):
    return TEST_CONFIG + "\n[limits]\n" + "".join(f"{key} = {value}\n" for key, value in limits.items())


def wait_for_bye(client, within):
    """Reads lines until `* BYE` (returned) or the time runs out (None)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        client.sock.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            line = client.readline()
        except (socket.timeout, TimeoutError):
            return None
        if line.startswith(b"* BYE"):
            return line
    return None


def settle():
    """Gives the server a moment to notice connections closed by earlier steps (the start-up
    probe of the fixture)."""
    time.sleep(0.3)


def connections_at_the_limit(server, count):
    """`count` accepted connections; the fixture's start-up probe may still count for a
    moment, so this retries until they all fit."""
    deadline = time.monotonic() + 10
    while True:
        clients = [RawClient(server.port) for _ in range(count)]
        if all(client.greeting.startswith(b"* OK ") for client in clients):
            return clients
        for client in clients:
            client.close()
        assert time.monotonic() < deadline, f"{count} connections were never accepted"
        settle()


def test_connection_over_max_connections_gets_bye(make_server):
    """README (Configuration): a connection over `max_connections` gets `* BYE` (RFC 3501
    §7.1.5) and is closed; once one closes, a new connection is accepted again."""
    server = make_server(config(max_connections=3))
    clients = connections_at_the_limit(server, 3)
    extra = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    data = b""
    while not data.endswith(b"\r\n"):
        chunk = extra.recv(4096)
        if not chunk:
            break
        data += chunk
    assert re.match(rb"^\* BYE .+\r\n$", data), data
    assert extra.recv(4096) == b""  # closed
    extra.close()
    # The three sessions still work.
    assert clients[0].command("a", "LOGIN alice secret-a")[-1].startswith(b"a OK")
    clients[1].command("z", "LOGOUT")
    assert clients[1].closed()
    deadline = time.monotonic() + 10
    again = RawClient(server.port)
    while not again.greeting.startswith(b"* OK "):
        assert again.greeting.startswith(b"* BYE") and time.monotonic() < deadline, again.greeting
        again.close()
        settle()
        again = RawClient(server.port)
    assert again.command("a", "NOOP") == [b"a OK NOOP completed"]


def test_preauth_timeout_logs_out_idle_unauthenticated_connection(make_server):
    """RFC 3501 §5.4 and README (`preauth_timeout`): a connection that does not log in within
    the limit gets `* BYE` and is closed."""
    server = make_server(config(preauth_timeout=2))
    client = RawClient(server.port)
    start = time.monotonic()
    line = wait_for_bye(client, within=8)
    assert line is not None, "no BYE for an idle unauthenticated connection"
    assert time.monotonic() - start >= 1.5
    assert client.closed()


def test_idle_timeout_logs_out_idle_authenticated_session(make_server):
    """RFC 3501 §5.4 and README (`idle_timeout`): an authenticated session idle for longer than
    the limit gets `* BYE` and is closed; activity keeps it alive."""
    server = make_server(config(idle_timeout=2))
    busy = login_raw(server)
    idle = login_raw(server)
    idle.command("s", "SELECT INBOX")
    start = time.monotonic()
    # `busy` sends a NOOP every half second: it must outlive `idle`.
    line = None
    while time.monotonic() - start < 8 and line is None:
        assert busy.command("n", "NOOP")[-1] == b"n OK NOOP completed"
        line = wait_for_bye(idle, within=0.5)
    assert line is not None, "no BYE for an idle authenticated session"
    assert time.monotonic() - start >= 1.5
    assert idle.closed()
    assert busy.command("m", "NOOP")[-1] == b"m OK NOOP completed"


def test_preauth_timeout_does_not_cut_a_logged_in_session(make_server):
    """README: `preauth_timeout` is the time to log in; a session that logged in is then under
    `idle_timeout` (here the default, much longer)."""
    server = make_server(config(preauth_timeout=1))
    client = login_raw(server)
    assert wait_for_bye(client, within=3) is None
    assert client.command("a", "NOOP") == [b"a OK NOOP completed"]


def test_message_over_max_message_size_is_refused_with_toobig(make_server):
    """README (Configuration) and RFC 7889 §4 / RFC 5530 §3: an APPEND above
    `max_message_size` gets `NO [TOOBIG]` before its bytes are sent (synchronizing literal),
    `BAD [TOOBIG]` and `* BYE [TOOBIG]` as a non-synchronizing literal (RFC 7888 §4); a
    message at the limit is accepted."""
    server = make_server(config(max_message_size=1000))
    client = login_raw(server)
    client.send(b"a APPEND INBOX {1001}\r\n")
    line = client.readline()
    assert re.match(rb"^a NO \[TOOBIG\] .+", line), line
    assert client.command("n", "NOOP") == [b"n OK NOOP completed"]
    message = b"Subject: limit\r\n\r\n" + b"x" * (1000 - 18)
    assert len(message) == 1000
    assert append_raw(client, "b", "INBOX", message)[-1].startswith(b"b OK")
    # A non-synchronizing literal above the limit (README, Configuration): RFC 7888 §4 lets
    # the server either read and discard it or say BYE and close. Tern discards literals up
    # to max_message_size only, so the command gets BAD [TOOBIG] and the connection BYE
    # [TOOBIG]; nothing is stored.
    big = b"Subject: big\r\n\r\n" + b"y" * 1500
    lines = append_raw(client, "c", "INBOX", big)
    assert re.match(rb"^c BAD \[TOOBIG\] .+", lines[-1]), lines
    bye = wait_for_bye(client, within=2)
    assert bye is not None and re.match(rb"^\* BYE \[TOOBIG\] .+", bye) and client.closed(), bye
    client = login_raw(server)
    assert b"MESSAGES 1" in client.command("s", "STATUS INBOX (MESSAGES)")[0]


def test_sigterm_says_bye_to_every_session(make_server):
    """README (Quick start) and RFC 3501 §7.1.5: on SIGTERM every open session, whatever its
    state, receives `* BYE` before the process exits; the exit is clean, and a message whose
    literal was still arriving is not stored."""
    server = make_server()
    sessions = [RawClient(server.port)]                       # not authenticated
    sessions.append(login_raw(server))                         # authenticated
    selected = login_raw(server)
    selected.command("s", "SELECT INBOX")
    sessions.append(selected)                                  # selected
    appending = login_raw(server)
    appending.send(b"a APPEND INBOX {5000}\r\n")
    assert appending.readline().startswith(b"+ ")
    appending.send(b"Subject: half\r\n\r\n")                   # in the middle of a literal
    sessions.append(appending)
    time.sleep(0.2)
    server.process.send_signal(signal.SIGTERM)
    for n, client in enumerate(sessions):
        line = wait_for_bye(client, within=10)
        assert line is not None and re.match(rb"^\* BYE .+", line), f"session {n} got no BYE"
        assert client.closed(), f"session {n} was not closed"
    assert server.process.wait(timeout=20) == 0
    server.stop()
    server.start()
    check = login_raw(server)
    assert b"MESSAGES 0" in check.command("s", "STATUS INBOX (MESSAGES)")[0]


def test_sigterm_ends_even_with_a_client_that_stopped_reading(make_server):
    """README (Quick start) / DESIGN.md (graceful shutdown): a client that stopped reading in
    the middle of a large FETCH cannot block shutdown. The other sessions get `* BYE` at
    once; the stuck connection is closed after the grace period and the process exits."""
    server = make_server()
    loader = login_raw(server)
    big = b"Subject: big\r\n\r\n" + (b"z" * 998 + b"\r\n") * 8000
    assert append_raw(loader, "a", "INBOX", big)[-1].startswith(b"a OK")
    stuck = RawClient(server.port)
    stuck.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stuck.command("l", "LOGIN alice secret-a")
    stuck.command("s", "SELECT INBOX")
    stuck.send(b"f FETCH 1 BODY.PEEK[]\r\nf2 FETCH 1 BODY.PEEK[]\r\nf3 FETCH 1 BODY.PEEK[]\r\n")
    time.sleep(0.5)  # the server is now blocked writing to `stuck`
    start = time.monotonic()
    server.process.send_signal(signal.SIGTERM)
    line = wait_for_bye(loader, within=5)
    assert line is not None and loader.closed()
    assert server.process.wait(timeout=30) == 0
    assert time.monotonic() - start < 20
    stuck.close()


# --- Abuse limits of the security configuration (README: Security) ---------------------------

def security_config(**settings):
    """TEST_CONFIG with these [security] settings set (replacing the ones it has)."""
    kept = [line for line in TEST_CONFIG.splitlines() if line.split(" = ")[0] not in settings]
    lines = "".join(f"{key} = {value}\n" for key, value in settings.items())
    return "\n".join(kept).replace("[security]", "[security]\n" + lines.rstrip("\n"), 1) + "\n"


def timed_login(server, password):
    client = server.raw()
    started = time.monotonic()
    line = client.command("l", f"LOGIN alice {password}")[-1]
    return line, time.monotonic() - started, client


def test_failed_logins_slow_down_the_address(make_server):
    """Like Dovecot's auth penalty: after a failure, answers to the same address wait the
    initial delay, doubling per failure up to the maximum; a success clears it for that user
    from that address (test_login_penalty.py: and only for them)."""
    server = make_server(config_text=security_config(login_failure_delay=0.4, max_login_failure_delay=0.8,
                                                      max_login_failures=10))
    waits = []
    for _ in range(4):
        line, elapsed, _ = timed_login(server, "wrong")
        assert re.match(rb"^l NO \[AUTHENTICATIONFAILED\] ", line)
        waits.append(elapsed)
    assert waits[0] < 0.35, waits          # no failure yet: no delay
    assert 0.4 <= waits[1] < 0.75, waits   # initial delay
    assert 0.8 <= waits[2] < 1.2, waits    # doubled, capped at the maximum
    assert 0.8 <= waits[3] < 1.2, waits    # stays at the maximum
    line, elapsed, _ = timed_login(server, "secret-a")
    assert line.startswith(b"l OK") and elapsed >= 0.8
    line, elapsed, _ = timed_login(server, "wrong")
    assert elapsed < 0.35, "a successful login clears the penalty of (address, alice)"


def test_too_many_failed_logins_close_the_connection(make_server):
    server = make_server(config_text=security_config(login_failure_delay=0, max_login_failures=2))
    client = server.raw()
    assert client.command("a", "LOGIN alice nope")[-1].startswith(b"a NO")
    lines = client.command("b", "LOGIN alice nope")
    assert lines[-1].startswith(b"b NO")
    assert client.readline().startswith(b"* BYE")
    assert client.closed()


def test_connections_per_address(make_server):
    server = make_server(config_text=security_config(max_connections_per_address=3))
    clients = connections_at_the_limit(server, 3)
    refused = server.raw()
    assert refused.greeting.startswith(b"* BYE") and refused.closed()
    clients[0].command("x", "LOGOUT")
    clients[0].closed()
    time.sleep(0.2)
    assert server.raw().greeting.startswith(b"* OK")


def test_connections_per_user(make_server):
    """50 by default (phones keep several); at the limit a further login gets NO [LIMIT]."""
    server = make_server(config_text=security_config(max_connections_per_user=2))
    first, second = login_raw(server), login_raw(server)
    third = server.raw()
    assert re.match(rb"^l NO \[LIMIT\] ", third.command("l", "LOGIN alice secret-a")[-1])
    first.command("x", "LOGOUT")
    first.closed()
    time.sleep(0.2)
    assert third.command("m", "LOGIN alice secret-a")[-1].startswith(b"m OK")


def test_connections_dropped_without_logout_free_their_place_at_once(make_server):
    """A phone that loses its network drops its connections without LOGOUT, again and
    again: each dropped connection must end its session at once (its place under the per-user
    and per-address limits, and its memory, freed), not at the autologout 30 minutes later."""
    server = make_server(config_text=security_config(max_connections_per_user=2))
    for attempt in range(6):
        client = login_raw(server)
        client.command("s", "SELECT INBOX")
        client.send(b"i IDLE\r\n")
        assert client.readline().startswith(b"+ "), attempt
        client.sock.close()  # no DONE, no LOGOUT
        time.sleep(0.1)
    deadline = time.monotonic() + 5
    while True:
        line = server.raw().command("l", "LOGIN alice secret-a")[-1]
        if line.startswith(b"l OK") or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert line.startswith(b"l OK"), line


def test_pipelined_commands_of_a_client_that_reads_are_all_answered(make_server):
    """Issue 11 item 8 (RFC 9051 §5.5): 5,000 NOOPs written 50 at a time while another thread
    reads the answers: every one is answered, in order; max_pipelined_commands only makes the
    session wait for the client to read, it never cuts off a client that does."""
    server = make_server(config_text=security_config(max_pipelined_commands=100))
    client = server.raw()
    answers = []

    def read_all():
        while len(answers) < 5000:
            line = client.readline()
            assert not line.startswith(b"* BYE"), line
            answers.append(line)

    reader = threading.Thread(target=read_all)
    reader.start()
    for batch in range(100):
        client.send(b"".join(f"n{batch * 50 + i} NOOP\r\n".encode() for i in range(50)))
    reader.join(timeout=60)
    assert not reader.is_alive()
    assert answers == [f"n{i} OK NOOP completed".encode() for i in range(5000)]


def test_literal_limit_before_login(make_server):
    server = make_server(config_text=security_config(max_literal_size_before_login=100))
    client = server.raw()
    client.send(b"a LOGIN {200}\r\n")
    assert re.match(rb"^a BAD \[TOOBIG\] ", client.readline())
    client.send(b"b LOGIN {5}\r\n")
    assert client.readline().startswith(b"+ ")
    client.send(b"alice secret-a\r\n")
    assert client.read_response("b")[-1].startswith(b"b OK")
    client.command("s", "SELECT INBOX")
    client.send(b"c SEARCH TEXT {200}\r\n")  # after login the general limit applies
    assert client.readline().startswith(b"+ ")
    client.send(b"x" * 200 + b"\r\n")
    assert client.read_response("c")[-1].startswith(b"c OK")


def test_nesting_depth_limit(make_server):
    server = make_server(config_text=config(max_nesting_depth=5))
    client = login_raw(server)
    client.command("s", "SELECT INBOX")
    assert client.command("a", "SEARCH " + "(" * 5 + "ALL" + ")" * 5)[-1].startswith(b"a OK")
    assert client.command("b", "SEARCH " + "(" * 6 + "ALL" + ")" * 6)[-1].startswith(b"b BAD")
    assert client.command("c", "SEARCH " + "NOT " * 6 + "ALL")[-1].startswith(b"c BAD")


def test_mailboxes_per_user_limit(make_server):
    """`max_mailboxes_per_user`: a new account has 6 mailboxes (INBOX and the RFC 6154 ones);
    CREATE up to the limit works, CREATE past it (also through superiors it would create) and
    a RENAME that would create superiors get `NO [LIMIT]` (RFC 5530 §3); a RENAME that creates
    nothing and re-creating a `\\Noselect` level still work at the limit."""
    server = make_server(config_text=config(max_mailboxes_per_user=10))
    client = login_raw(server)
    for tag, name in (("a", "One"), ("b", "Two/Three")):
        assert client.command(tag, f"CREATE {name}")[-1].startswith(tag.encode() + b" OK")
    assert re.match(rb"^c NO \[LIMIT\] ", client.command("c", "CREATE Four/Five")[-1])  # 2 more: 11
    assert client.command("d", "CREATE Four")[-1].startswith(b"d OK")  # the 10th
    assert re.match(rb"^e NO \[LIMIT\] ", client.command("e", "CREATE Six")[-1])
    assert re.match(rb"^f NO \[LIMIT\] ", client.command("f", "RENAME One New/One")[-1])
    assert re.match(rb"^g NO \[LIMIT\] ", client.command("g", "RENAME INBOX Old")[-1])  # INBOX stays
    assert client.command("h", "RENAME One Two/One")[-1].startswith(b"h OK")
    assert client.command("i", "DELETE Two")[-1].startswith(b"i OK")  # a \Noselect level now
    assert client.command("j", "CREATE Two")[-1].startswith(b"j OK")
    names = [l for l in client.command("k", 'LIST "" "*"') if l.startswith(b"* LIST")]
    assert len(names) == 10, names
    assert client.command("l", "DELETE Four")[-1].startswith(b"l OK")
    assert client.command("m", "CREATE Six")[-1].startswith(b"m OK")


def test_mailbox_depth_limit(make_server):
    """`max_mailbox_depth`: names of up to that many levels can be created; deeper ones, and a
    RENAME that would move a descendant deeper, get `NO [LIMIT]` (RFC 5530 §3)."""
    server = make_server(config_text=config(max_mailbox_depth=3))
    client = login_raw(server)
    assert client.command("a", "CREATE a/b/c")[-1].startswith(b"a OK")
    assert re.match(rb"^b NO \[LIMIT\] ", client.command("b", "CREATE a/b/c/d")[-1])
    assert client.command("c", "CREATE x/y/z/")[-1].startswith(b"c OK")  # a trailing / is no level
    assert re.match(rb"^d NO \[LIMIT\] ", client.command("d", "RENAME a q/r")[-1])  # a/b/c -> q/r/b/c
    assert client.command("e", "RENAME a/b q/b")[-1].startswith(b"e OK")  # q/b/c: 3 levels
    assert re.match(rb"^f NO \[LIMIT\] ", client.command("f", "RENAME q/b q/r/s/t")[-1])
    names = {re.search(rb'"/" "?([^"]*)"?$', l).group(1)
             for l in client.command("g", 'LIST "" "*"') if l.startswith(b"* LIST")}
    assert {b"a", b"q", b"q/b", b"q/b/c", b"x/y/z"} <= names and b"q/r" not in names, names


def test_rename_keeps_moved_names_within_the_length_limit(make_server):
    """Names are at most 1024 bytes (255 per level): a RENAME whose new name fits but would
    make a moved descendant longer gets `NO [LIMIT]`, and nothing moves."""
    server = make_server()
    client = login_raw(server)
    child = "c" * 255
    assert client.command("a", f"CREATE p/{child}")[-1].startswith(b"a OK")
    target = "/".join(["Q" * 255, "R" * 255, "S" * 255, "T" * 100])  # 868 bytes; p/ccc… -> 1,124
    assert re.match(rb"^b NO \[LIMIT\] ", client.command("b", f"RENAME p {target}")[-1])
    assert client.command("c", f"STATUS p/{child} (MESSAGES)")[-1].startswith(b"c OK")
    shorter = "/".join(["Q" * 255, "R" * 255, "S" * 200])  # 712 bytes; p/ccc… -> 968
    assert client.command("d", f"RENAME p {shorter}")[-1].startswith(b"d OK")
    assert client.command("e", f"STATUS {shorter}/{child} (MESSAGES)")[-1].startswith(b"e OK")
