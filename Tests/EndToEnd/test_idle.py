"""IDLE (RFC 2177): changes by other sessions are pushed at once, a keepalive keeps quiet
connections alive, and DONE followed by another command in the same packet works."""

import re
import statistics
import time

import pytest

from conftest import TERN_BIN, TEST_CONFIG, TernServer


def idle(client, tag="i"):
    client.send(f"{tag} IDLE\r\n")
    line = client.readline()
    assert line.startswith(b"+ "), line


def test_idle_pushes_new_mail_within_50ms(server):
    """RFC 2177 §3: while idling, EXISTS for a message another session appends arrives
    without polling. The issue's goal is under 50 ms from the APPEND's OK to the push."""
    watcher = server.raw()
    watcher.command("l", "LOGIN alice secret-a")
    watcher.command("s", "SELECT INBOX")
    writer = server.raw()
    writer.command("l", "LOGIN alice secret-a")
    latencies = []
    for i in range(20):
        idle(watcher, f"i{i}")
        message = f"Subject: push {i}\r\n\r\nbody\r\n".encode()
        writer.send(f"a{i} APPEND INBOX {{{len(message)}+}}\r\n".encode() + message + b"\r\n")
        assert writer.read_response(f"a{i}")[-1].startswith(f"a{i} OK".encode())
        acknowledged = time.monotonic()
        line = watcher.readline()
        latencies.append(time.monotonic() - acknowledged)
        assert line == f"* {i + 1} EXISTS".encode(), line
        watcher.send("DONE\r\n")
        lines = watcher.read_response(f"i{i}")
        assert lines[-1] == f"i{i} OK IDLE terminated".encode(), lines
    p50 = statistics.median(latencies)
    worst = max(latencies)
    print(f"IDLE push latency after APPEND OK: p50 {p50 * 1000:.2f} ms, max {worst * 1000:.2f} ms")
    assert p50 < 0.050, latencies


def test_idle_pushes_flag_changes_and_expunges(server):
    """RFC 2177 §3 with RFC 3501 §7.4: FETCH FLAGS and EXPUNGE reach an idling session."""
    a = server.raw()
    a.command("l", "LOGIN alice secret-a")
    for i in range(3):
        body = f"Subject: m{i}\r\n\r\nx\r\n".encode()
        a.send(f"p{i} APPEND INBOX {{{len(body)}+}}\r\n".encode() + body + b"\r\n")
        a.read_response(f"p{i}")
    a.command("s", "SELECT INBOX")
    b = server.raw()
    b.command("l", "LOGIN alice secret-a")
    b.command("s", "SELECT INBOX")
    idle(a)
    b.command("f", "STORE 2 +FLAGS (\\Flagged)")
    assert re.match(rb"^\* 2 FETCH \(FLAGS \(.*\\Flagged.*\)\)$", a.readline())
    b.command("d", "STORE 1 +FLAGS.SILENT (\\Deleted)")
    assert re.match(rb"^\* 1 FETCH \(FLAGS \(.*\\Deleted.*\)\)$", a.readline())
    b.command("e", "EXPUNGE")
    assert a.readline() == b"* 1 EXPUNGE"
    a.send("DONE\r\n")
    assert a.read_response("i")[-1] == b"i OK IDLE terminated"
    assert a.command("c", "FETCH 1:* (UID)")[-1].startswith(b"c OK")


def test_done_and_next_command_in_one_packet(server):
    """iOS sends DONE and its next command together: both are answered, in order."""
    c = server.raw()
    c.command("l", "LOGIN alice secret-a")
    c.command("s", "SELECT INBOX")
    idle(c, "i1")
    c.send("DONE\r\nn1 NOOP\r\ni2 IDLE\r\n")
    assert c.read_response("i1")[-1] == b"i1 OK IDLE terminated"
    assert c.read_response("n1")[-1].startswith(b"n1 OK")
    assert c.readline().startswith(b"+ ")
    c.send("done\r\n")
    assert c.read_response("i2")[-1] == b"i2 OK IDLE terminated"


def test_idle_keepalive_and_its_own_timeout(tmp_path):
    """A keepalive `* OK Still here` at the configured interval; the IDLE timeout is separate
    from the autologout timer: a session idling past idle_timeout is not logged out."""
    config = TEST_CONFIG + "\n[limits]\nidle_keepalive = 1\nidle_timeout = 2\nidle_command_timeout = 30\n"
    server = TernServer(tmp_path / "data", config_text=config)
    server.add_user("alice", "secret-a")
    server.start()
    try:
        c = server.raw()
        c.command("l", "LOGIN alice secret-a")
        c.command("s", "SELECT INBOX")
        idle(c)
        started = time.monotonic()
        keepalives = 0
        while time.monotonic() - started < 5:
            line = c.readline()
            assert line == b"* OK Still here", line
            keepalives += 1
        assert keepalives >= 3
        c.send("DONE\r\n")
        assert c.read_response("i")[-1] == b"i OK IDLE terminated"
    finally:
        server.stop()


def test_idle_without_selected_mailbox_and_bad_end(server):
    """IDLE is valid in the authenticated state (RFC 2177 §3); a line other than DONE ends it
    with BAD and the session goes on."""
    c = server.raw()
    c.command("l", "LOGIN alice secret-a")
    idle(c)
    c.send("NOTDONE\r\n")
    assert c.read_response("i")[-1].startswith(b"i BAD")
    assert c.command("n", "NOOP")[-1].startswith(b"n OK")


def pss_bytes(pid):
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no Pss in smaps_rollup")


MEMORY_CONFIG = """
[security]
password_iterations = 4096
max_connections_per_user = 1000
max_connections_per_address = 1000
"""


def test_idling_sessions_keep_little_memory(make_server):
    """DESIGN (10,000 IDLE connections in well under 1 GiB): a session that logged in, selected a
    mailbox and idles keeps little of what its commands needed. The guard is against the
    connection's task keeping the async frames of the deepest command it ever ran (Swift's task
    allocator frees a task's slabs only when the task ends): that alone cost some 20 KiB per
    session. Commands run in a child task per event: measured here, 19.6 KiB per session in a
    release build, 42.0 KiB before the change."""
    server = make_server(config_text=MEMORY_CONFIG)
    writer = server.raw()
    writer.command("l", "LOGIN alice secret-a")
    count = 300
    for i in range(count):
        body = f"Subject: message {i}\r\n\r\nbody {i}\r\n".encode()
        writer.send(f"a{i} APPEND INBOX {{{len(body)}+}}\r\n".encode() + body + b"\r\n")
    for i in range(count):
        writer.read_response(f"a{i}")

    def open_idling(n):
        clients = []
        for _ in range(n):
            client = server.raw()
            client.send("l LOGIN alice secret-a\r\ns SELECT INBOX\r\ni IDLE\r\n")
            client.read_response("s")
            assert client.readline().startswith(b"+ "), "IDLE not accepted"
            clients.append(client)
        return clients

    warm = open_idling(20)  # first-use allocations (caches, statements) are not per session
    time.sleep(0.5)
    before = pss_bytes(server.process.pid)
    sessions = 200
    clients = open_idling(sessions)
    time.sleep(0.5)
    per_session = (pss_bytes(server.process.pid) - before) / sessions
    print(f"memory per idling session: {per_session / 1024:.1f} KiB")
    for client in warm + clients:
        client.close()
    # A debug build's frames are larger: 38.4 KiB per session measured with the change.
    debug = "/debug/" in TERN_BIN
    limit = (48 if debug else 32) * 1024
    assert per_session < limit, f"{per_session / 1024:.1f} KiB per idling session"
