"""Helpers for ManageSieve end-to-end tests (RFC 5804): a `tern serve` with a ManageSieve
listener, and a byte-level client that reads responses with their literals."""

import base64
import re
import socket
import time

from conftest import TEST_CONFIG, TernServer, client_context, closed_by_server, free_port


class SieveServer(TernServer):
    """`tern serve` with `--managesieve` on a free port of its own."""

    def start_sieve(self, extra_args=()):
        self.sieve_port = free_port()
        self.start(extra_args=("--managesieve", f"127.0.0.1:{self.sieve_port}", *extra_args))
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.sieve_port), timeout=1).close()
                return self
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def sieve(self, timeout=10):
        return SieveWire(self.sieve_port, timeout=timeout)


def make_sieve_server(tmp_path, config_text=TEST_CONFIG, tls=False, users=(("alice", "secret-a"),), name="data"):
    server = SieveServer(tmp_path / name, config_text=config_text)
    if tls:
        server.tern("cert", "self-signed", "--host", "localhost")
    for user, password in users:
        server.add_user(user, password)
    # With a certificate, IMAP also listens with implicit TLS: on a free port too.
    return server.start_sieve(extra_args=("--imaps", f"127.0.0.1:{free_port()}") if tls else ())


class SieveWire:
    """A raw ManageSieve client: `response()` reads lines up to OK, NO or BYE, literals
    inlined, and returns (data lines, final line)."""

    def __init__(self, port, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buffer = b""
        self.greeting, self.greeting_end = self.response()

    def send(self, data):
        self.sock.sendall(data.encode() if isinstance(data, str) else data)

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"connection closed; pending {self.buffer!r}")
        self.buffer += chunk

    def readline(self):
        while b"\r\n" not in self.buffer:
            self._fill()
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def read_exact(self, count):
        while len(self.buffer) < count:
            self._fill()
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def item(self):
        """One response line with its literals inlined (as their raw octets)."""
        line = self.readline()
        match = re.search(rb"\{(\d+)\}$", line)
        while match:
            line = line[:match.start()] + b"{" + self.read_exact(int(match.group(1))) + b"}"
            rest = self.readline()
            line += rest
            match = re.search(rb"\{(\d+)\}$", rest)
        return line

    def response(self):
        lines = []
        while True:
            line = self.item()
            if re.match(rb"(OK|NO|BYE)( |$)", line):
                return lines, line
            lines.append(line)

    def command(self, text):
        self.send(text if isinstance(text, bytes) else text.encode() + b"\r\n")
        return self.response()

    def final(self, text):
        return self.command(text)[1]

    def starttls(self):
        lines, end = self.command("STARTTLS")
        assert end.startswith(b"OK"), end
        assert not self.buffer
        self.sock = client_context().wrap_socket(self.sock, server_hostname="localhost")
        return self.response()

    def login(self, user="alice", password="secret-a"):
        token = base64.b64encode(f"\0{user}\0{password}".encode()).decode()
        return self.final(f'AUTHENTICATE "PLAIN" "{token}"')

    def closed(self, timeout=5):
        return closed_by_server(self, timeout)

    def close(self):
        self.sock.close()


def capabilities(lines):
    """{NAME: value or None} from capability lines."""
    result = {}
    for line in lines:
        parts = re.findall(rb'"((?:[^"\\]|\\.)*)"', line)
        result[parts[0].decode().upper()] = parts[1].decode() if len(parts) > 1 else None
    return result


def literal(data):
    return f"{{{len(data)}+}}\r\n".encode() + data
