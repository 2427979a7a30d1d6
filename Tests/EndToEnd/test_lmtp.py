"""LMTP (RFC 2033) over raw sockets against the real binary: pipelining, dot-stuffing, BDAT,
one reply per recipient, malformed commands, limits, IDLE seeing a delivery, `tern deliver`."""

import os
import re
import socket
import subprocess
import threading
import time

import pytest

from conftest import TERN_BIN
from lmtp_wire import LMTP_CONFIG, LMTPClient, start_lmtp_server, stuff, wait_for


@pytest.fixture
def lmtp_server(tmp_path):
    server = start_lmtp_server(tmp_path)
    yield server
    server.stop()


def fetch_all(server, user, password, mailbox="INBOX"):
    client = server.imap(user, password)
    try:
        typ, data = client.select(mailbox)
        assert typ == "OK"
        count = int(data[0])
        messages = []
        for number in range(1, count + 1):
            typ, parts = client.fetch(str(number), "(BODY.PEEK[])")
            messages.append(parts[0][1])
        return messages
    finally:
        client.logout()


def test_greeting_and_capabilities(lmtp_server):
    client = LMTPClient(lmtp_server.lmtp_port)
    assert client.greeting.startswith("220 ")
    reply = client.lhlo()
    for keyword in ["PIPELINING", "ENHANCEDSTATUSCODES", "8BITMIME", "BINARYMIME", "CHUNKING", "SMTPUTF8", "SIZE "]:
        assert f"250-{keyword}" in reply or f"250 {keyword}" in reply, reply
    assert client.command("VRFY alice").startswith("252 2.5.0")
    assert client.command("NOOP").startswith("250 2.0.0")
    assert client.command("HELP").startswith("214 ")
    assert client.command("QUIT").startswith("221 2.0.0")
    assert client.closed()


def test_pipelined_transaction_one_reply_per_recipient(lmtp_server):
    client = LMTPClient(lmtp_server.lmtp_port)
    client.send("LHLO test\r\nMAIL FROM:<sender@remote.example>\r\nRCPT TO:<alice@example.org>\r\n"
                "RCPT TO:<nobody@example.org>\r\nRCPT TO:<BOB@Example.org>\r\nRCPT TO:<alice@other.example>\r\nDATA\r\n")
    assert client.reply().startswith("250-")
    assert client.reply().startswith("250 2.1.0")
    assert client.reply().startswith("250 2.1.5")
    assert client.reply().startswith("550 5.1.1")
    assert client.reply().startswith("250 2.1.5")
    assert client.reply().startswith("550 5.1.1")
    assert client.reply().startswith("354 ")
    client.send(stuff("Subject: pipelined\r\nMessage-ID: <p@example>\r\n\r\n.leading dot\r\n..two\r\nend\r\n")
                + b"NOOP\r\n")
    first, second = client.reply(), client.reply()
    assert first.startswith("250 2.0.0 <alice@example.org>")
    assert second.startswith("250 2.0.0 <BOB@Example.org>")
    assert client.reply().startswith("250 2.0.0")  # the pipelined NOOP
    for user, password in [("alice", "secret-a"), ("bob", "secret-b")]:
        [message] = fetch_all(lmtp_server, user, password)
        assert message.startswith(b"Return-Path: <sender@remote.example>\r\nReceived: from test ([127.0.0.1])")
        assert b"Delivered-To:" not in message
        assert message.endswith(b"\r\n\r\n.leading dot\r\n..two\r\nend\r\n")


def test_bdat_chunks_and_delivered_to(lmtp_server):
    client = LMTPClient(lmtp_server.lmtp_port)
    client.lhlo()
    body = b"Subject: chunked\r\n\r\nline one\r\n.\r\nline two\r\n"
    client.send(b"MAIL FROM:<> BODY=BINARYMIME\r\nRCPT TO:<alice>\r\nBDAT 20\r\n" + body[:20])
    assert client.reply().startswith("250 2.1.0")
    assert client.reply().startswith("250 2.1.5")
    assert client.reply() == "250 2.0.0 20 octets received"
    client.send(f"BDAT {len(body) - 20} LAST\r\n".encode() + body[20:])
    assert client.reply().startswith("250 2.0.0 <alice>")
    [message] = fetch_all(lmtp_server, "alice", "secret-a")
    assert message.startswith(b"Return-Path: <>\r\nDelivered-To: alice\r\n")
    assert message.endswith(body)
    # BDAT without a transaction: the chunk is read and dropped, then refused.
    client.send(b"BDAT 4 LAST\r\nQUITNOOP\r\n")
    assert client.reply().startswith("503 5.5.1")
    assert client.reply().startswith("250 2.0.0")
    # RSET between chunks drops the message; the next transaction starts afresh.
    client.send(b"MAIL FROM:<>\r\nRCPT TO:<bob>\r\nBDAT 3\r\nabcRSET\r\nBDAT 1 LAST\r\nx")
    for expected in ["250 2.1.0", "250 2.1.5", "250 2.0.0 3 octets", "250 2.0.0", "503 5.5.1"]:
        assert client.reply().startswith(expected)
    assert fetch_all(lmtp_server, "bob", "secret-b") == []


def test_malformed_commands_each_answered_and_session_goes_on(lmtp_server):
    client = LMTPClient(lmtp_server.lmtp_port)
    assert client.command("MAIL FROM:<a@b>").startswith("503 5.5.1")  # before LHLO
    client.lhlo()
    cases = [
        ("FOO bar", "500 5.5.1"),
        ("EHLO x", "500 5.5.1"),
        ("LHLO", "501 5.5.4"),
        ("MAIL FROM:a@b", "501 5.5.4"),
        ("MAIL FROM:<a@b> RET=HDRS", "555 5.5.4"),
        ("MAIL FROM:<a@b> SIZE=abc", "501 5.5.4"),
        ("RCPT TO:<alice@example.org>", "503 5.5.1"),
        ("DATA", "503 5.5.1"),
        ("BDAT x", "501 5.5.4"),
        ("RSET now", "501 5.5.4"),
        ("X" * 5000, "500 5.5.2"),
        ("MAIL FROM:<a@b>", "250 2.1.0"),
        ("MAIL FROM:<a@b>", "503 5.5.1"),
        ("RCPT TO:<alice@example.org> NOTIFY=NEVER", "555 5.5.4"),
        ("DATA", "503 5.5.1"),  # no valid recipient
        ("RSET", "250 2.0.0"),
    ]
    for command, expected in cases:
        assert client.command(command).startswith(expected), command
    client.send(b"NO\x00OP\r\n")
    assert client.reply().startswith("500 5.5.2")
    assert client.command("NOOP").startswith("250 2.0.0")


def test_size_limits(tmp_path):
    server = start_lmtp_server(tmp_path, config_text=LMTP_CONFIG + "max_message_size = 1000\n")
    try:
        client = LMTPClient(server.lmtp_port)
        assert "SIZE 1000" in client.lhlo()
        assert client.command("MAIL FROM:<a@b> SIZE=5000").startswith("552 5.3.4")
        assert client.command("MAIL FROM:<a@b> SIZE=500").startswith("250")
        assert client.command("RCPT TO:<alice>").startswith("250")
        assert client.command("RCPT TO:<bob>").startswith("250")
        assert client.command("DATA").startswith("354")
        client.send(stuff(b"Subject: big\r\n\r\n" + b"x" * 3000 + b"\r\n"))
        assert client.reply().startswith("552 5.3.4 <alice>")
        assert client.reply().startswith("552 5.3.4 <bob>")
        assert fetch_all(server, "alice", "secret-a") == []
    finally:
        server.stop()


def test_too_many_recipients(tmp_path):
    server = start_lmtp_server(tmp_path, config_text=LMTP_CONFIG + "max_recipients = 2\n")
    try:
        client = LMTPClient(server.lmtp_port)
        client.lhlo()
        client.command("MAIL FROM:<>")
        assert client.command("RCPT TO:<alice>").startswith("250")
        assert client.command("RCPT TO:<bob>").startswith("250")
        assert client.command("RCPT TO:<alice>").startswith("452 4.5.3")
    finally:
        server.stop()


def test_trickling_client_is_closed(tmp_path):
    server = start_lmtp_server(tmp_path, config_text=LMTP_CONFIG + "command_timeout = 2\n")
    try:
        client = LMTPClient(server.lmtp_port)
        client.lhlo()
        started = time.monotonic()
        for byte in b"NOOP":
            client.send(bytes([byte]))
            time.sleep(0.6)
        reply = client.reply()
        assert reply.startswith("421 4.4.2"), reply
        assert client.closed()
        assert time.monotonic() - started < 6
    finally:
        server.stop()


def test_client_that_never_reads_its_replies_is_closed(tmp_path):
    """A client that pipelines commands and never reads the replies: once the replies fill the
    socket buffers, nothing moves, and the write deadline lets the connection go."""
    server = start_lmtp_server(tmp_path, config_text=LMTP_CONFIG + "write_timeout = 2\ncommand_timeout = 60\n")
    try:
        client = LMTPClient(server.lmtp_port)
        client.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        client.lhlo()
        client.sock.setblocking(False)
        flood = b"NOOP\r\n" * 400_000
        sent, started = 0, time.monotonic()
        while sent < len(flood) and time.monotonic() - started < 3:
            try:
                sent += client.sock.send(flood[sent:])
            except BlockingIOError:
                time.sleep(0.01)
            except (BrokenPipeError, ConnectionResetError):
                break
        client.sock.setblocking(True)

        def server_side_open():
            client_port = client.sock.getsockname()[1]
            with open("/proc/net/tcp") as table:
                next(table)
                for line in table:
                    fields = line.split()
                    if (int(fields[1].split(":")[1], 16) == server.lmtp_port
                            and int(fields[2].split(":")[1], 16) == client_port and fields[3] in ("01", "08")):
                        return True
            return False

        deadline = time.monotonic() + 15
        while server_side_open() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not server_side_open(), "the server kept a connection whose replies are never read"
        # The server itself is fine.
        other = LMTPClient(server.lmtp_port)
        assert other.lhlo().startswith("250")
    finally:
        server.stop()


def test_idle_session_sees_delivery(lmtp_server):
    imap = lmtp_server.raw()
    imap.command("a", "LOGIN alice secret-a")
    imap.command("b", "SELECT INBOX")
    imap.send("c IDLE\r\n")
    assert imap.readline().startswith(b"+ ")
    client = LMTPClient(lmtp_server.lmtp_port)
    client.lhlo()
    client.command("MAIL FROM:<x@y>")
    client.command("RCPT TO:<alice@example.org>")
    client.command("DATA")
    client.send(stuff("Subject: idle\r\n\r\nhello\r\n"))
    assert client.reply().startswith("250 2.0.0")
    imap.sock.settimeout(5)
    assert imap.readline() == b"* 1 EXISTS"
    imap.send("DONE\r\n")
    imap.close()


def test_unix_socket_mode_and_removal(tmp_path):
    path = str(tmp_path / "lmtp.sock")
    server = start_lmtp_server(tmp_path, listen=[f"unix:{path}"],
                               config_text=LMTP_CONFIG + 'socket_mode = "0666"\n')
    try:
        assert wait_for(lambda: os.path.exists(path))
        assert os.stat(path).st_mode & 0o777 == 0o666
        client = LMTPClient(path=path)
        client.lhlo()
        client.command("MAIL FROM:<>")
        client.command("RCPT TO:<bob@example.org>")
        client.command("DATA")
        client.send(stuff("Subject: unix\r\n\r\nx\r\n"))
        assert client.reply().startswith("250 2.0.0")
        [message] = fetch_all(server, "bob", "secret-b")
        assert b"Received: from test.example (local)" in message
    finally:
        server.stop()
    assert not os.path.exists(path)


def test_large_message_memory_stays_low(lmtp_server):
    """A 50 MB message is streamed: the server's anonymous memory grows far less than the
    message (file pages of the mapped staging file, which the parser reads, are not counted:
    the kernel can drop them at any time)."""
    pid = lmtp_server.process.pid

    def rss():
        with open(f"/proc/{pid}/status") as status:
            return int(re.search(r"RssAnon:\s+(\d+)", status.read()).group(1)) * 1024

    client = LMTPClient(lmtp_server.lmtp_port)
    client.lhlo()
    client.command("MAIL FROM:<big@example> SIZE=52500000")
    client.command("RCPT TO:<alice@example.org>")
    assert client.command("DATA").startswith("354")
    before = rss()
    peak = [before]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], rss())
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    line = b"." + b"0123456789" * 9 + b"\r\n"  # every line dot-stuffed
    block = line * 10000
    try:
        client.send(b"Subject: large\r\n\r\n")
        for _ in range(50 * 1000 * 1000 // len(block) + 1):
            client.send(b"." + block)
        client.send(b".\r\n")
        client.sock.settimeout(120)
        assert client.reply().startswith("250 2.0.0")
    finally:
        stop.set()
        sampler.join()
    assert peak[0] - before < 20 * 1000 * 1000, (before, peak[0])


def test_tern_deliver_exit_codes(lmtp_server, tmp_path):
    def deliver(*args, data=b"Subject: lda\r\n\r\nbody\r\n"):
        return subprocess.run([TERN_BIN, "deliver", "--data-dir", str(lmtp_server.data_dir),
                               "--config", str(lmtp_server.config), *args], input=data, capture_output=True, timeout=60)

    assert deliver("--user", "alice", "--from", "someone@example").returncode == 0
    assert deliver("--user", "bob+nothere@example.org", "--mailbox", "Archive").returncode == 0
    assert deliver("--user", "nobody").returncode == 67
    assert deliver().returncode == 64
    big = tmp_path / "big.toml"
    big.write_text(lmtp_server.config.read_text() + "max_message_size = 10\n")
    result = subprocess.run([TERN_BIN, "deliver", "--data-dir", str(lmtp_server.data_dir), "--config", str(big),
                             "--user", "alice"], input=b"x" * 100, capture_output=True, timeout=60)
    assert result.returncode == 65
    [message] = fetch_all(lmtp_server, "alice", "secret-a")
    assert message.startswith(b"Return-Path: <someone@example>\r\nDelivered-To: alice\r\nReceived: from unknown (local)")
    [archived] = fetch_all(lmtp_server, "bob", "secret-b", "Archive")
    assert archived.endswith(b"body\r\n")
