"""LMTP helpers for the end-to-end tests: a server with an LMTP listener, and a raw client
that reads replies (RFC 5321 §4.2: `code-text` continuation lines, `code text` last line)."""

import socket
import time

from conftest import TEST_CONFIG, RawClient, TernServer, free_port

LMTP_CONFIG = TEST_CONFIG + """
[lmtp]
domains = ["example.org"]
"""


def start_lmtp_server(tmp_path, config_text=LMTP_CONFIG, users=(("alice", "secret-a"), ("bob", "secret-b")),
                      listen=None, name="data"):
    """A `tern serve` with `--lmtp` on a free loopback port (or the given listeners)."""
    server = TernServer(tmp_path / name, config_text=config_text)
    for user, password in users:
        server.add_user(user, password)
    server.lmtp_port = free_port()
    listeners = listen or [f"127.0.0.1:{server.lmtp_port}"]
    args = []
    for address in listeners:
        args += ["--lmtp", address]
    server.start(args)
    return server


class LMTPClient(RawClient):
    """A raw LMTP client: RawClient's byte reading, with SMTP-style replies."""

    def __init__(self, port=None, path=None, timeout=15):
        if path:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.settimeout(timeout)
            self.sock.connect(path)
        else:
            self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buffer = b""
        self.greeting = self.reply()

    def line(self):
        return self.readline().decode("utf-8", "replace")

    def reply(self):
        """One reply: its lines joined by newlines, e.g. '250 2.1.0 Sender OK'."""
        lines = [self.line()]
        while len(lines[-1]) > 3 and lines[-1][3] == "-":
            lines.append(self.line())
        return "\n".join(lines)

    def command(self, text):
        self.send(text + "\r\n")
        return self.reply()

    def lhlo(self, name="test.example"):
        return self.command(f"LHLO {name}")


def stuff(message):
    """Dot-stuffs a message for DATA (RFC 5321 §4.5.2) and adds the terminator."""
    if isinstance(message, str):
        message = message.encode()
    lines = message.split(b"\r\n")
    if lines and lines[-1] == b"":
        lines = lines[:-1]
    return b"".join((b"." + l if l.startswith(b".") else l) + b"\r\n" for l in lines) + b".\r\n"


def wait_for(predicate, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False
