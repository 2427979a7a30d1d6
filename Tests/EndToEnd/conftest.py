"""End-to-end test harness: starts the real `tern` binary on a free loopback port with a
temporary data directory, and gives tests real IMAP clients (imaplib, imapclient) and a raw
socket client for byte-exact exchanges. Every process started here is stopped here."""

import imaplib
import os
import re
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TERN_BIN = os.environ.get("TERN_BIN") or str(ROOT / ".build" / "debug" / "tern")
CORPUS_GENERATOR = Path(os.environ.get("TERN_CORPUS_SCRIPT", ROOT.parent / "shared" / "corpus" / "make_corpus.py"))

# Fast password hashing keeps user creation quick in tests; one test checks the default.
# Modules that share one server open many sessions of one user; test_limits.py checks the
# per-user and per-address limits at their edges with small values.
TEST_CONFIG = """
[security]
password_iterations = 4096
max_connections_per_user = 1000
"""


# The special-use mailboxes every new account gets (RFC 6154), besides INBOX.
STANDARD_MAILBOXES = {"Drafts", "Sent", "Trash", "Junk", "Archive"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TernServer:
    """One `tern serve` process with its own data directory and port."""

    def __init__(self, data_dir, config_text=TEST_CONFIG, port=None, log_file=None):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.config = self.data_dir.parent / f"{self.data_dir.name}.toml"
        self.config.write_text(config_text)
        self.port = port or free_port()
        self.process = None
        self.output = b""
        self.stdout = b""
        self.stderr = b""
        # Where the server's standard error goes instead of a pipe (for tests that make it
        # write a lot, or read it while the server runs).
        self.log_file = log_file

    def tern(self, *args, input=None, check=True):
        """Runs a `tern` subcommand against this server's data directory."""
        return subprocess.run([TERN_BIN, *args, "--data-dir", str(self.data_dir), "--config", str(self.config)],
                              input=input, capture_output=True, text=True, check=check, timeout=60)

    def add_user(self, name, password):
        self.tern("user", "add", name, "--password-stdin", input=password + "\n")

    def spawn(self, extra_args=()):
        """Starts `tern serve` without waiting for it to listen."""
        log = open(self.log_file, "ab") if self.log_file else None
        try:
            self.process = subprocess.Popen(
                [TERN_BIN, "serve", "--data-dir", str(self.data_dir), "--config", str(self.config),
                 "--imap", f"127.0.0.1:{self.port}", *extra_args],
                stdout=subprocess.PIPE, stderr=log or subprocess.PIPE)
        finally:
            if log:
                log.close()
        return self

    def start(self, extra_args=()):
        self.spawn(extra_args)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                out, err = self.process.communicate()
                raise RuntimeError(f"tern serve exited: {self.process.returncode}\n{out.decode()}\n{(err or b'').decode()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.recv(1)
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("tern serve did not start listening")

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        out, err = self.process.communicate()
        err = err or b""
        self.output += out + err
        self.stdout += out
        self.stderr += err
        self.process = None

    def kill(self):
        self.stop(sig=signal.SIGKILL)

    def imap(self, user=None, password=None):
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=30)
        if user:
            client.login(user, password)
        return client

    def raw(self):
        return RawClient(self.port)


def closed_by_server(client, timeout=5):
    """True if the server closes `client`'s connection within `timeout` seconds; whatever it
    sends before is kept in `client.buffer`. For every raw client of these tests (IMAP, LMTP,
    ManageSieve), over TCP or TLS."""
    client.sock.settimeout(timeout)
    try:
        while True:
            chunk = client.sock.recv(65536)
            if not chunk:
                return True
            client.buffer += chunk
    except (ConnectionResetError, BrokenPipeError, ssl.SSLError):
        return True
    except socket.timeout:
        return False


class RawClient:
    """A byte-level IMAP client for exact exchanges and malformed input."""

    def __init__(self, port, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buffer = b""
        self.greeting = self.readline()

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def readline(self):
        while b"\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError(f"connection closed; pending {self.buffer!r}")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def read_exact(self, count):
        while len(self.buffer) < count:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed")
            self.buffer += chunk
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def read_response(self, tag):
        """Lines up to and including the tagged response for `tag`; literals are inlined."""
        lines = []
        tag = tag.encode() if isinstance(tag, str) else tag
        while True:
            line = self.readline()
            match = re.search(rb"\{(\d+)\}$", line)
            while match:
                line += b"\r\n" + self.read_exact(int(match.group(1)))
                rest = self.readline()
                line += rest
                match = re.search(rb"\{(\d+)\}$", rest)
            lines.append(line)
            if line.startswith(tag + b" "):
                return lines

    def command(self, tag, text):
        self.send(f"{tag} {text}\r\n")
        return self.read_response(tag)

    def closed(self, timeout=5):
        """True if the server closes the connection (reading any pending lines first)."""
        return closed_by_server(self, timeout)

    def close(self):
        self.sock.close()


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def server(data_dir):
    """A running server with users alice/secret-a and bob/secret-b."""
    s = TernServer(data_dir)
    s.add_user("alice", "secret-a")
    s.add_user("bob", "secret-b")
    s.start()
    yield s
    s.stop()


@pytest.fixture
def alice(server):
    client = server.imap("alice", "secret-a")
    yield client
    try:
        client.logout()
    except Exception:
        pass


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    """Messages from the shared deterministic corpus generator, CRLF line endings."""
    directory = tmp_path_factory.mktemp("corpus")
    subprocess.run(["python3", str(CORPUS_GENERATOR), "--count", "200", "--maildir", str(directory / "md")],
                   check=True, capture_output=True)
    messages = []
    for path in sorted((directory / "md").rglob("*")):
        if path.is_file():
            messages.append(path.read_bytes())
    assert len(messages) >= 200
    return messages


# ---------------------------------------------------------------------------------------------
# Helpers shared by the per-command end-to-end modules.

def append_raw(client, tag, mailbox, message, flags=None, date=None):
    """APPENDs one message with a non-synchronizing literal (RFC 7888) over a RawClient and
    returns the response lines; `flags` is the text inside the parentheses, `date` a
    date-time string without quotes."""
    parts = [f"{tag} APPEND {mailbox}"]
    if flags is not None:
        parts.append(f"({flags})")
    if date is not None:
        parts.append(f'"{date}"')
    parts.append(f"{{{len(message)}+}}")
    client.send(" ".join(parts).encode() + b"\r\n" + message + b"\r\n")
    return client.read_response(tag)


def silent(client, wait=0.3):
    """True if the server sends nothing (more) within `wait` seconds."""
    if client.buffer:
        return False
    client.sock.settimeout(wait)
    try:
        data = client.sock.recv(65536)
    except socket.timeout:
        return True
    finally:
        client.sock.settimeout(10)
    client.buffer += data
    return False


def login_raw(server, user="alice", password="secret-a"):
    """A RawClient logged in as `user`."""
    client = server.raw()
    line = client.command("login", f"LOGIN {user} {password}")[-1]
    assert line.startswith(b"login OK"), line
    return client


def uid_set_members(text):
    """The numbers of a sequence or UID set without `*` (bytes or str) in the order it names
    them: `1:3,7` -> [1, 2, 3, 7], `5:3` -> [5, 4, 3] (COPYUID pairs its two sets by position,
    RFC 4315 §3)."""
    if isinstance(text, bytes):
        text = text.decode()
    numbers = []
    for part in text.split(","):
        low, _, high = part.partition(":")
        low, high = int(low), int(high or low)
        step = 1 if high >= low else -1
        numbers.extend(range(low, high + step, step))
    return numbers


def tagged(lines):
    """The tagged (last) line of a response."""
    return lines[-1]


def untagged(lines, prefix):
    """The untagged lines that start with `* prefix` (bytes or str)."""
    prefix = prefix.encode() if isinstance(prefix, str) else prefix
    return [line for line in lines if line.startswith(b"* " + prefix)]


@pytest.fixture
def make_server(tmp_path):
    """A factory for servers with their own configuration; stops every server it started."""
    started = []

    def make(config_text=TEST_CONFIG, users=(("alice", "secret-a"),), start=True, name="data"):
        s = TernServer(tmp_path / name, config_text=config_text)
        for user, password in users:
            s.add_user(user, password)
        if start:
            s.start()
        started.append(s)
        return s

    yield make
    for s in started:
        s.stop()


@pytest.fixture
def alice_ic(server):
    """An imapclient session logged in as alice."""
    import imapclient
    client = imapclient.IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=30)
    client.login("alice", "secret-a")
    yield client
    try:
        client.logout()
    except Exception:
        pass


def literal_after(line, item):
    """The bytes of the literal that follows `item` (e.g. b"BODY[]") in a FETCH response line
    as RawClient.read_response returns it (literals inlined after `{n}\\r\\n`); None if the
    item is not there. A quoted string value is returned unquoted, NIL as None."""
    item = item.encode() if isinstance(item, str) else item
    start = line.find(item + b" ")
    if start < 0:
        return None
    rest = line[start + len(item) + 1:]
    match = re.match(rb"\{(\d+)\}\r\n", rest)
    if match:
        count = int(match.group(1))
        return rest[match.end():match.end() + count]
    if rest.startswith(b'"'):
        return re.match(rb'"((?:[^"\\]|\\.)*)"', rest).group(1)
    if rest.startswith(b"NIL"):
        return None
    raise AssertionError(f"no literal after {item!r} in {line[:200]!r}")

@pytest.fixture(scope="session")
def large_corpus(tmp_path_factory):
    """[(name, bytes)] of a larger corpus for comparisons (TERN_LARGE_CORPUS_COUNT messages,
    600 by default), CRLF line endings, in file name order; names are the Maildir file names
    without the flags suffix."""
    count = int(os.environ.get("TERN_LARGE_CORPUS_COUNT", "600"))
    directory = tmp_path_factory.mktemp("large-corpus")
    subprocess.run(["python3", str(CORPUS_GENERATOR), "--count", str(count), "--maildir", str(directory / "md")],
                   check=True, capture_output=True)
    messages = [(path.name.split(":")[0], path.read_bytes())
                for path in sorted((directory / "md").rglob("*")) if path.is_file()]
    assert len(messages) >= count
    return messages


# TLS: a server with a certificate, and clients over ssl sockets.

@pytest.fixture
def tls_server(tmp_path):
    """A server with a self-signed certificate (`tern cert self-signed`), STARTTLS on one port
    and implicit TLS on another."""
    s = TernServer(tmp_path / "data")
    s.tern("cert", "self-signed", "--host", "localhost")
    s.tls_port = free_port()
    s.add_user("alice", "secret-a")
    s.start(extra_args=("--imaps", f"127.0.0.1:{s.tls_port}"))
    yield s
    s.stop()


def client_context():
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class Lines:
    """Line reading over a (possibly TLS) socket."""

    def __init__(self, sock):
        self.sock = sock
        self.buffer = b""

    def readline(self):
        while b"\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def command(self, tag, text):
        self.sock.sendall(f"{tag} {text}\r\n".encode())
        lines = []
        while True:
            line = self.readline()
            lines.append(line)
            if line.startswith(f"{tag} ".encode()):
                return lines
