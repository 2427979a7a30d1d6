"""Start and stop the servers under test: Tern, and Dovecot as the reference peer.

Each server lives in its own directory under the benchmark's temporary work directory, listens
on a free port of 127.0.0.1 only, and is a child process of the benchmark, so that it can be
stopped whatever happens. Dovecot is set up as ../shared/dovecot/README.md says: passwd-file
users, Maildir under a `mail/` directory owned by `vmail`, the root directory chmod 755, and
Debian's fsync defaults untouched.
"""

import grp
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import procstat

REPO = Path(__file__).resolve().parents[1]
DOVECOT_TEMPLATE = REPO.parent / "shared" / "dovecot" / "dovecot.conf.template"

TERN_CONFIG = """\
[limits]
max_connections = 20000

[security]
# New accounts are created with fewer PBKDF2 rounds: login cost is not what is measured.
password_iterations = 4096
# The idle and memory suites open thousands of sessions of one account from 127.0.0.1; the
# defaults (200 per address, 50 per user) are for real clients. Plaintext LOGIN is allowed
# from loopback by default.
max_connections_per_address = 20000
max_connections_per_user = 20000
"""

# Dovecot's "high-performance" login mode (../shared/dovecot/README.md).
DOVECOT_FAST_LOGIN = """\
  service_count = 0
  process_min_avail = 2
  client_limit = 1000
"""
DOVECOT_FAST_IMAP = """\
  service_count = 100
"""


class ServerError(RuntimeError):
    pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_greeting(port, process, log_paths, timeout=60):
    """Waits until the server accepts a connection and sends its `* OK` greeting."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"exited with status {process.returncode} while starting\n{tails(log_paths)}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                greeting = s.recv(4096)
                if greeting.startswith(b"* OK"):
                    return
                last_error = f"unexpected greeting {greeting[:200]!r}"
        except OSError as error:
            last_error = str(error)
        time.sleep(0.05)
    raise ServerError(f"no greeting on port {port} within {timeout} s ({last_error})\n{tails(log_paths)}")


def tails(paths, lines=20):
    """The last lines of each distinct log file, for error messages."""
    parts = []
    for path in dict.fromkeys(paths):
        try:
            text = "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            text = "(missing)"
        parts.append(f"--- {path}:\n{text}")
    return "\n".join(parts)


class ManagedServer:
    """A server process started in its own session and stopped, with every descendant, on
    `stop()`."""

    name = "server"

    def __init__(self, root):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.process = None
        # The process's own output; Dovecot logs to a file of its own (`log_path`).
        self.output_path = self.root / "output.log"
        self.log_path = self.output_path
        self._log = None
        self._known = {}

    @property
    def pid(self):
        return self.process.pid

    def _spawn(self, argv):
        self._log = open(self.output_path, "ab")
        # A new session: a Ctrl-C at the terminal reaches only the benchmark, which then stops
        # the servers in order instead of leaving them half-killed.
        self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self._log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        wait_for_greeting(self.port, self.process, [self.output_path, self.log_path])

    def remember_tree(self):
        """Notes the live process tree, so that `stop()` can end descendants that outlive the
        root (each noted with its start time, so a reused PID is never signalled)."""
        if self.process is not None and self.process.poll() is None:
            for pid in procstat.tree_pids(self.process.pid):
                self._known[pid] = procstat.start_time(pid)

    def pss_bytes(self):
        return procstat.tree_pss_bytes(self.process.pid)

    def stop(self, timeout=20):
        if self.process is None:
            return
        self.remember_tree()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for pid, started in self._known.items():
            if pid != self.process.pid and started is not None and procstat.start_time(pid) == started:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.process = None
        if self._log:
            self._log.close()
            self._log = None


class TernServer(ManagedServer):
    name = "Tern"

    def __init__(self, root, binary):
        super().__init__(root)
        self.binary = str(binary)
        self.data_dir = self.root / "data"
        self.config = self.root / "tern.toml"
        self.config.write_text(TERN_CONFIG)
        # The LMTP listener only for the suites that deliver (older binaries have no --lmtp).
        self.lmtp_port = None

    def _tern(self, *args, input=None):
        result = subprocess.run([self.binary, *args, "--data-dir", str(self.data_dir), "--config", str(self.config)],
                                input=input, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise ServerError(f"tern {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()}")
        return result

    def add_user(self, name, password):
        self._tern("user", "add", name, "--password-stdin", input=password + "\n")

    def start(self):
        self._spawn([self.binary, "serve", "--data-dir", str(self.data_dir), "--config", str(self.config),
                     "--imap", f"127.0.0.1:{self.port}",
                     *(["--lmtp", f"127.0.0.1:{self.lmtp_port}"] if self.lmtp_port else [])])

    def describe(self):
        return f"{self.binary} (SQLite store in {self.data_dir})"


def ensure_vmail_user():
    """Dovecot's mail processes run as `vmail`; creates the system user when missing (root)."""
    try:
        pwd.getpwnam("vmail")
        return
    except KeyError:
        pass
    if os.geteuid() != 0:
        raise ServerError("Dovecot needs a `vmail` system user: run as root once, or `useradd --system vmail`")
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "vmail"],
                   check=True, capture_output=True)


class DovecotServer(ManagedServer):
    """`settings` replaces the value of every line `NAME = ...` of the template (in any block),
    or adds `NAME = VALUE` at the top level when the template has no such line: the suites with
    a thousand sessions of one user raise `mail_max_userip_connections` and the process limits.
    `imap_plugins` are loaded by IMAP processes only (`mail_plugins` in `protocol imap`), e.g.
    `imap_zlib` for COMPRESS=DEFLATE."""

    def __init__(self, root, fast=False, settings=None, imap_plugins=()):
        super().__init__(root)
        self.fast = fast
        self.settings = dict(settings or {})
        self.imap_plugins = list(imap_plugins)
        self.name = "Dovecot (fast)" if fast else "Dovecot"
        self.config = self.root / "dovecot.conf"
        self.users = self.root / "users"
        self.lmtp_port = free_port()

    def add_user(self, name, password):
        with open(self.users, "a") as f:
            f.write(f"{name}:{{PLAIN}}{password}::::::\n")

    def _write_config(self):
        text = DOVECOT_TEMPLATE.read_text()
        text = text.replace("@ROOT@", str(self.root))
        text = text.replace("port = 20143", f"port = {self.port}").replace("port = 20024", f"port = {self.lmtp_port}")
        if self.fast:
            login, imap = "service imap-login {\n", "service imap {\n"
            if login not in text or imap not in text:
                raise ServerError(f"{DOVECOT_TEMPLATE} no longer has the service blocks --dovecot-fast extends")
            text = text.replace(login, login + DOVECOT_FAST_LOGIN, 1).replace(imap, imap + DOVECOT_FAST_IMAP, 1)
        if self.imap_plugins:
            block = "protocol imap {\n"
            if block not in text:
                raise ServerError(f"{DOVECOT_TEMPLATE} no longer has the `protocol imap` block imap_plugins extends")
            text = text.replace(block, block + f"  mail_plugins = $mail_plugins {' '.join(self.imap_plugins)}\n", 1)
        for name, value in self.settings.items():
            pattern = re.compile(rf"^(\s*){re.escape(name)} = .*$", re.MULTILINE)
            text, replaced = pattern.subn(lambda match: f"{match.group(1)}{name} = {value}", text)
            if not replaced:
                text = f"{name} = {value}\n" + text
        self.config.write_text(text)

    def start(self):
        if shutil.which("dovecot") is None:
            raise ServerError("dovecot is not installed (Debian: apt-get install dovecot-imapd)")
        if os.geteuid() != 0:
            raise ServerError("Dovecot must be started as root here (it switches its mail processes to vmail)")
        ensure_vmail_user()
        for sub in ("run", "state", "log", "mail"):
            (self.root / sub).mkdir(exist_ok=True)
        vmail = pwd.getpwnam("vmail")
        os.chown(self.root / "mail", vmail.pw_uid, grp.getgrgid(vmail.pw_gid).gr_gid)
        # mkdtemp makes 0700; Dovecot's own users must reach the users file and the sockets.
        os.chmod(self.root, 0o755)
        for parent in self.root.parents:
            if not os.stat(parent).st_mode & 0o001:
                raise ServerError(f"{parent} is not searchable by other users, so Dovecot's login and auth "
                                  f"processes cannot reach {self.root}: pick another --workdir")
        self.users.touch()
        os.chmod(self.users, 0o644)
        self._write_config()
        self.log_path = self.root / "log" / "dovecot.log"
        # -F keeps the master in the foreground, as our child, so that it is stopped with us.
        self._spawn(["dovecot", "-F", "-c", str(self.config)])

    def describe(self):
        mode = "high-performance login mode" if self.fast else "one login process per connection"
        return f"dovecot {dovecot_version()} (Maildir, mail_fsync as Debian ships it, {mode})"


def dovecot_version():
    try:
        return subprocess.run(["dovecot", "--version"], capture_output=True, text=True, timeout=10).stdout.split()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "?"
