"""Sieve at delivery, end to end (RFC 5228, 5232, 5230, 5804): a user uploads a script with a
real ManageSieve client (PyPI `managesieve`), mail is delivered by a real LMTP client
(Python's `smtplib.LMTP`) or a raw one, and IMAP shows where it was filed. Redirects and
vacation responses reach an SMTP listener the test runs as the relay."""

import email
import imaplib
import smtplib
import socket
import socketserver
import threading
import time

import managesieve
import pytest

from conftest import TEST_CONFIG, free_port
from lmtp_wire import LMTPClient
from managesieve_wire import SieveServer

FILTER = """require ["fileinto", "imap4flags", "mailbox", "vacation", "copy", "variables", "reject"];
if header :contains "subject" "[list]" {
  addflag "\\\\Flagged";
  fileinto :create "Lists";
  stop;
}
if header :matches "subject" "forward *" {
  redirect :copy "archive@elsewhere.example";
}
if header :is "subject" "go away" {
  reject "not wanted here";
  stop;
}
vacation :days 1 :subject "Away" :addresses ["alice@example.org"] "I am away until Monday.";
"""


class RelaySink:
    """A minimal SMTP server (RFC 5321) on a free loopback port that records every message."""

    def __init__(self):
        self.messages = []  # (mail_from, [rcpt], data bytes)
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                self.wfile.write(b"220 relay.test ESMTP\r\n")
                sender, recipients = None, []
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    verb = line[:4].upper()
                    if verb in (b"EHLO", b"HELO"):
                        self.wfile.write(b"250-relay.test\r\n250 8BITMIME\r\n")
                    elif verb == b"MAIL":
                        sender, recipients = line.split(b":", 1)[1].strip().split(b" ")[0].decode(), []
                        self.wfile.write(b"250 2.1.0 OK\r\n")
                    elif verb == b"RCPT":
                        recipients.append(line.split(b":", 1)[1].strip().decode())
                        self.wfile.write(b"250 2.1.5 OK\r\n")
                    elif verb == b"DATA":
                        self.wfile.write(b"354 go on\r\n")
                        data = b""
                        while True:
                            chunk = self.rfile.readline()
                            if chunk in (b".\r\n", b""):
                                break
                            data += chunk[1:] if chunk.startswith(b"..") else chunk
                        sink.messages.append((sender, recipients, data))
                        self.wfile.write(b"250 2.0.0 queued\r\n")
                    elif verb == b"QUIT":
                        self.wfile.write(b"221 2.0.0 bye\r\n")
                        return
                    else:
                        self.wfile.write(b"250 OK\r\n")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait_for(self, count, timeout=15):
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def relay():
    sink = RelaySink()
    yield sink
    sink.close()


@pytest.fixture
def delivery_server(tmp_path, relay):
    config = delivery_config(relay)
    server = SieveServer(tmp_path / "data", config_text=config, log_file=tmp_path / "server.log")
    server.add_user("alice", "secret-a")
    server.lmtp_port = free_port()
    server.start_sieve(extra_args=("--lmtp", f"127.0.0.1:{server.lmtp_port}"))
    yield server
    server.stop()


def delivery_config(relay):
    return TEST_CONFIG + f"""
[lmtp]
domains = ["example.org"]

[sieve]
relay = "127.0.0.1:{relay.port}"
"""


def upload_filter(server, script=FILTER):
    client = managesieve.MANAGESIEVE("127.0.0.1", server.sieve_port)
    try:
        assert client.login("", "alice", "secret-a") == "OK", client.response_text
        assert client.putscript("filter", script) == "OK", client.response_text
        assert client.setactive("filter") == "OK"
    finally:
        client.logout()


def message(subject, sender="carol@remote.example", to="alice@example.org", message_id=None):
    message_id = message_id or f"<{abs(hash((subject, sender, time.time())))}@remote.example>"
    return (f"From: Carol <{sender}>\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: {message_id}\r\n"
            f"Date: Sun, 6 Dec 2026 10:00:00 +0000\r\n\r\nHello.\r\n")


def lmtp_send(server, text, sender="carol@remote.example", to="alice@example.org"):
    client = smtplib.LMTP("127.0.0.1", server.lmtp_port, timeout=15)
    try:
        refused = client.sendmail(sender, [to], text.encode())
        assert refused == {}
    finally:
        client.quit()


def mailbox_contents(server, mailbox):
    client = server.imap("alice", "secret-a")
    try:
        typ, data = client.select(f'"{mailbox}"', readonly=True)
        if typ != "OK":
            return None
        typ, data = client.fetch("1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])") if int(data[0]) else ("OK", [])
        result = []
        for item in data:
            if isinstance(item, tuple):
                flags = imaplib.ParseFlags(item[0])
                subject = item[1].decode().split(":", 1)[1].strip()
                result.append((subject, set(flag.decode() for flag in flags)))
        return result
    finally:
        client.logout()


def test_script_uploaded_by_managesieve_files_the_next_delivery(delivery_server, relay):
    upload_filter(delivery_server)
    lmtp_send(delivery_server, message("[list] weekly digest", sender="list@lists.example"))
    lmtp_send(delivery_server, message("lunch?"))
    lists = mailbox_contents(delivery_server, "Lists")
    assert lists is not None, "fileinto :create made the mailbox (RFC 5490 §3.2)"
    assert [subject for subject, _ in lists] == ["[list] weekly digest"]
    assert "\\Flagged" in lists[0][1], "imap4flags' flags are stored on the message (RFC 5232 §5)"
    inbox = mailbox_contents(delivery_server, "INBOX")
    assert [subject for subject, _ in inbox] == ["lunch?"], "the implicit keep files the other one"


def test_vacation_answers_once_per_sender_through_the_relay(delivery_server, relay):
    upload_filter(delivery_server)
    lmtp_send(delivery_server, message("lunch?"))
    lmtp_send(delivery_server, message("lunch again?"))
    replies = relay.wait_for(1)
    time.sleep(1)
    assert len(relay.messages) == 1, "one response per sender and period (RFC 5230 §4.2)"
    sender, recipients, data = replies[0]
    assert sender == "<>", "responses go from the null reverse path (RFC 5230 §5.1)"
    assert recipients == ["<carol@remote.example>"]
    reply = email.message_from_bytes(data)
    assert reply["Subject"] == "Away"
    assert reply["Auto-Submitted"].startswith("auto-replied"), "RFC 3834 §5, RFC 5230 §5"
    assert reply["In-Reply-To"], "In-Reply-To names the original (RFC 5230 §5.8)"
    assert "I am away until Monday." in reply.get_payload()
    # Both messages are kept: vacation does not cancel the implicit keep.
    assert len(mailbox_contents(delivery_server, "INBOX")) == 2


def test_no_vacation_to_mailing_lists(delivery_server, relay):
    upload_filter(delivery_server)
    text = message("news").replace("\r\n\r\n", "\r\nList-Id: <news.lists.example>\r\nPrecedence: list\r\n\r\n", 1)
    lmtp_send(delivery_server, text, sender="news-bounces@lists.example")
    time.sleep(1.5)
    assert relay.messages == [], "never to lists (RFC 5230 §4.6)"
    assert len(mailbox_contents(delivery_server, "INBOX")) == 1


def test_redirect_copy_goes_through_the_relay_and_keeps(delivery_server, relay):
    upload_filter(delivery_server)
    lmtp_send(delivery_server, message("forward this", sender="list@lists.example").replace(
        "\r\n\r\n", "\r\nList-Id: <x.lists.example>\r\n\r\n", 1), sender="list@lists.example")
    sent = relay.wait_for(1)
    assert len(sent) == 1
    sender, recipients, data = sent[0]
    assert recipients == ["<archive@elsewhere.example>"]
    assert sender == "<list@lists.example>", "the original envelope sender is kept"
    assert b"X-Tern-Loop: <alice@example.org>" in data, "loop protection mark"
    assert [s for s, _ in mailbox_contents(delivery_server, "INBOX")] == ["forward this"], ":copy keeps"


def test_reject_refuses_that_recipient_with_550(delivery_server, relay):
    upload_filter(delivery_server)
    client = LMTPClient(delivery_server.lmtp_port)
    client.lhlo()
    assert client.command("MAIL FROM:<carol@remote.example>").startswith("250")
    assert client.command("RCPT TO:<alice@example.org>").startswith("250")
    assert client.command("DATA").startswith("354")
    client.send(message("go away") + ".\r\n")
    reply = client.reply()
    assert reply.startswith("550 5.7.1") and "not wanted here" in reply, reply
    client.command("QUIT")
    assert mailbox_contents(delivery_server, "INBOX") == []


def test_fileinto_a_missing_mailbox_keeps_the_message_and_writes_the_users_log(delivery_server, relay):
    upload_filter(delivery_server, 'require ["fileinto"];\r\nfileinto "Nowhere";\r\n')
    lmtp_send(delivery_server, message("still here"))
    assert [s for s, _ in mailbox_contents(delivery_server, "INBOX")] == ["still here"], \
        "a failed action never loses mail: the message is kept (RFC 5228 §2.10.6)"
    assert mailbox_contents(delivery_server, "Nowhere") is None, "no :create, no mailbox"
    log = delivery_server.tern("sieve", "log", "alice").stdout
    assert log.strip(), "the user's Sieve log records the failure"


def test_a_mailbox_name_with_line_breaks_cannot_forge_a_log_line(delivery_server, relay, tmp_path):
    # A Sieve string may hold CRLF (RFC 5228 §2.4.2); a name made at run time (RFC 5229)
    # reaches delivery, which refuses it, and the server log shows it escaped.
    upload_filter(delivery_server, 'require ["fileinto", "variables"];\r\n'
                  'set "name" "Nowhere\r\n2026-12-06 FORGED line";\r\nfileinto "${name}";\r\n')
    lmtp_send(delivery_server, message("escaped"))
    assert [s for s, _ in mailbox_contents(delivery_server, "INBOX")] == ["escaped"]
    log = (tmp_path / "server.log").read_text()
    assert "Nowhere\\r\\n2026-12-06 FORGED line" in log, "the name is logged, escaped"
    assert not any(line.startswith("2026-12-06 FORGED") for line in log.splitlines()), "no forged line"
