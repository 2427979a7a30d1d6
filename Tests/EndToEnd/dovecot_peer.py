"""A private Dovecot 2.3 (Debian `dovecot-imapd`) for differential tests: plain IMAP on a free
loopback port, Maildir storage and a passwd-file of test users, all inside one temporary
directory. Nothing outside that directory is read or changed; `stop()` ends the instance (and
only it) even when a test failed.

Dovecot starts as root and runs mail processes as the unprivileged `vmail` user
(`scripts/install-test-dependencies.sh` creates it). `unavailable_reason()` says why a peer
cannot run here (no Dovecot, not root, no `vmail`), so that callers can skip."""

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

MAIL_USER = "vmail"

CONFIG = """\
# Written by Tests/EndToEnd/dovecot_peer.py for one test run.
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
instance_name = {instance}

log_path = {root}/log/dovecot.log
info_log_path = {root}/log/dovecot.log
debug_log_path = {root}/log/dovecot.log

ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login

passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_group} home={root}/mail/%u
}}

mail_location = maildir:~/Maildir
mail_uid = {mail_user}
mail_gid = {mail_group}
first_valid_uid = 1
first_valid_gid = 1
# Tests need no durability; this keeps APPEND of a corpus fast.
mail_fsync = never
namespace inbox {{
  inbox = yes
  separator = /
}}

service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


def dovecot_binary():
    return shutil.which("dovecot") or next(
        (p for p in ("/usr/sbin/dovecot", "/usr/local/sbin/dovecot") if os.access(p, os.X_OK)), None)


def doveadm_binary():
    return shutil.which("doveadm") or next(
        (p for p in ("/usr/bin/doveadm", "/usr/local/bin/doveadm") if os.access(p, os.X_OK)), None)


def unavailable_reason():
    """Why a DovecotPeer cannot start on this machine, or None."""
    if dovecot_binary() is None or doveadm_binary() is None:
        return "Dovecot is not installed (Debian: dovecot-imapd; scripts/install-test-dependencies.sh)"
    if os.geteuid() != 0:
        return "a private Dovecot needs root to switch to the vmail user"
    try:
        pwd.getpwnam(MAIL_USER)
    except KeyError:
        return f"no '{MAIL_USER}' system user (scripts/install-test-dependencies.sh creates it)"
    return None


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _traversable_by_others(directory):
    """Whether Dovecot's unprivileged processes can reach files below `directory`."""
    for path in [directory, *directory.parents]:
        if path.exists() and not os.stat(path).st_mode & 0o001:
            return False
    return True


class DovecotPeer:
    """One private Dovecot instance rooted at `root`; without one, a new directory in the
    system's temporary directory, removed by `cleanup()`. Dovecot's login and auth processes
    run as other users, so every directory above the root must be searchable by others (pytest's
    `tmp_path` is not: it is 0700)."""

    def __init__(self, root=None, users=(("alice", "secret-a"),), port=None, extra_config=""):
        self.owns_root = root is None
        self.root = Path(tempfile.mkdtemp(prefix="tern-dovecot-") if root is None else root)
        if not _traversable_by_others(self.root.parent):
            raise RuntimeError(f"{self.root.parent} (or a directory above it) is not searchable by "
                               "Dovecot's unprivileged users: use a root under /tmp")
        self.port = port or _free_port()
        self.config = self.root / "dovecot.conf"
        self.users = list(users)
        # Appended to the configuration (e.g. the quota plugins for a quota comparison).
        self.extra_config = extra_config
        self.started = False

    def version(self):
        return subprocess.run([dovecot_binary(), "--version"], capture_output=True, text=True,
                              check=True).stdout.strip()

    def start(self, timeout=30):
        entry = pwd.getpwnam(MAIL_USER)
        for name in ("run", "state", "log", "mail"):
            (self.root / name).mkdir(parents=True, exist_ok=True)
        # Dovecot's own users (dovecot, dovenull) must traverse the directory; mkdtemp makes 0700.
        for directory in (self.root, self.root / "run", self.root / "state", self.root / "log"):
            os.chmod(directory, 0o755)
        os.chown(self.root / "mail", entry.pw_uid, entry.pw_gid)
        with open(self.root / "users", "w") as users:
            for name, password in self.users:
                users.write(f"{name}:{{PLAIN}}{password}::::::\n")
        os.chmod(self.root / "users", 0o644)
        self.config.write_text(CONFIG.format(
            root=self.root, port=self.port, instance=f"tern-peer-{self.port}",
            mail_user=MAIL_USER, mail_group=entry.pw_gid) + self.extra_config)
        # The daemon keeps the standard streams it inherits: give it a file, not a pipe.
        with open(self.root / "log" / "startup.log", "wb") as output:
            result = subprocess.run([dovecot_binary(), "-c", str(self.config)], stdin=subprocess.DEVNULL,
                                    stdout=output, stderr=subprocess.STDOUT, timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError(f"dovecot -c {self.config} failed ({result.returncode}):\n"
                               + (self.root / "log" / "startup.log").read_text(errors="replace"))
        self.started = True
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    if s.recv(64).startswith(b"* OK"):
                        return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"Dovecot did not start listening on {self.port}:\n{self.log()}")

    def master_pid(self):
        try:
            return int((self.root / "run" / "master.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def stop(self, timeout=20):
        """Stops this instance: `doveadm stop`, then SIGKILL to its own master if it lingers."""
        if not self.started:
            return
        self.started = False
        pid = self.master_pid()
        subprocess.run([doveadm_binary(), "-c", str(self.config), "stop"], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout)
        if pid is None:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def cleanup(self):
        """Stops the instance and removes the root directory if this peer made it."""
        self.stop()
        if self.owns_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def log(self):
        try:
            return (self.root / "log" / "dovecot.log").read_text(errors="replace")
        except OSError:
            return ""

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.cleanup()
