"""A private Postfix for the end-to-end tests: its own configuration directory, queue and log
in a temporary directory, an smtpd on a free loopback port, and `virtual_transport` pointing
at Tern's LMTP listener. Needs root (postfix start) and the Debian `postfix` package."""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from conftest import free_port

MASTER_CF = """\
{smtp_address} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


class Postfix:
    def __init__(self, transport):
        # Not under pytest's 0700 temporary directory: Postfix's daemons run as `postfix`.
        self.root = Path(tempfile.mkdtemp(prefix="tern-postfix-"))
        os.chmod(self.root, 0o755)
        self.config = self.root / "config"
        self.config.mkdir()
        self.queue = self.root / "queue"
        self.data = self.root / "data"
        self.log = self.root / "maillog"
        self.port = free_port()
        (self.config / "main.cf").write_text(f"""\
compatibility_level = 3.6
queue_directory = {self.queue}
data_directory = {self.data}
maillog_file = {self.log}
maillog_file_prefixes = {self.root}
inet_interfaces = loopback-only
inet_protocols = ipv4
myhostname = mx.test.example
mydomain = test.example
myorigin = test.example
mydestination =
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
local_recipient_maps =
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
virtual_mailbox_domains = example.org
virtual_transport = {transport}
lmtp_host_lookup = native
smtp_host_lookup = native
smtputf8_enable = yes
biff = no
""")
        (self.config / "master.cf").write_text(MASTER_CF.format(smtp_address=f"127.0.0.1:{self.port}"))

    def postfix(self, *args, check=True):
        return subprocess.run(["postfix", "-c", str(self.config), *args], capture_output=True, text=True,
                              check=check, timeout=60)

    def start(self):
        self.queue.mkdir(mode=0o755)
        self.data.mkdir(mode=0o700)
        shutil.chown(self.data, "postfix", "postfix")
        # post-install creates the queue's subdirectories with the owners Postfix wants.
        self.postfix("check")
        self.postfix("start")
        deadline = time.monotonic() + 20
        import socket
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    if s.recv(100).startswith(b"220"):
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("postfix did not start:\n" + self.log_text())

    def log_text(self):
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self):
        self.postfix("stop", check=False)
        pid_file = self.queue / "pid" / "master.pid"
        deadline = time.monotonic() + 10
        while pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        # Leftovers of this instance only: processes whose command line names its directory.
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if str(self.root).encode() in cmdline:
                try:
                    os.kill(int(pid), 9)
                except OSError:
                    pass
        shutil.rmtree(self.root, ignore_errors=True)
