"""Roundcube (Debian's `roundcube` package) against Tern, driven over HTTP as a browser would
drive it, without a browser: PHP's built-in server serves Roundcube's public directory with a
configuration that points at a Tern on a free port and keeps Roundcube's own database (SQLite)
and logs in a temporary directory. The test logs in with the CSRF token of the login form, then
asks for the INBOX listed by date, by subject and threaded, and reads the rows Roundcube sends
to its page. Roundcube's IMAP log shows that it used SORT (RFC 5256 §3) and THREAD
(RFC 5256 §3) rather than fetching every message's headers.

Runs where Roundcube and PHP are installed (scripts/install-test-dependencies.sh installs them,
so CI runs it)."""

import http.cookiejar
import json
import os
import re
import shutil
import sqlite3
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from conftest import free_port

ROUNDCUBE_PUBLIC = Path("/var/lib/roundcube/public_html")
ROUNDCUBE_SHARE = Path("/usr/share/roundcube")
ROUNDCUBE_CONFIG = Path("/etc/roundcube")

pytestmark = pytest.mark.skipif(
    not (ROUNDCUBE_PUBLIC / "index.php").exists() or shutil.which("php") is None,
    reason="Roundcube (Debian package roundcube-core) and php-cli are not installed")

# Three messages whose orders by date, by subject and as threads all differ: a thread of two
# (the reply's subject has "Re:", which SORT's base subject drops, RFC 5256 §2.1) and one
# message on its own, dated between them.
MESSAGES = [
    ("<plan@example.org>", None, "Zebra plans", "Mon, 1 Jan 2024 10:00:00 +0000"),
    ("<lunch@example.org>", None, "Apple lunch", "Tue, 2 Jan 2024 10:00:00 +0000"),
    ("<reply@example.org>", "<plan@example.org>", "Re: Zebra plans", "Wed, 3 Jan 2024 10:00:00 +0000"),
]


def rfc822(message_id, parent, subject, date):
    lines = [f"From: Carol <carol@example.org>", "To: alice@example.org", f"Subject: {subject}",
             f"Date: {date}", f"Message-ID: {message_id}"]
    if parent:
        lines += [f"In-Reply-To: {parent}", f"References: {parent}"]
    return ("\r\n".join(lines) + "\r\n\r\nHello.\r\n").encode()


class Roundcube:
    """Roundcube under `php -S` with its configuration, database and logs in `home`."""

    def __init__(self, home, imap_port):
        self.home = Path(home)
        self.port = free_port()
        config = self.home / "config"
        for directory in ("config", "logs", "temp"):
            (self.home / directory).mkdir(parents=True)
        for name in ("defaults.inc.php", "mimetypes.php"):
            (config / name).symlink_to(ROUNDCUBE_CONFIG / name)
        database = self.home / "roundcube.sqlite"
        with sqlite3.connect(database) as db:
            db.executescript((ROUNDCUBE_SHARE / "SQL" / "sqlite.initial.sql").read_text())
        (config / "config.inc.php").write_text(f"""<?php
$config = [];
$config['db_dsnw'] = 'sqlite:///{database}?mode=0600';
$config['imap_host'] = '127.0.0.1:{imap_port}';
$config['imap_debug'] = true;
$config['imap_cache'] = null;
$config['messages_cache'] = false;
$config['log_driver'] = 'file';
$config['log_dir'] = '{self.home / "logs"}/';
$config['temp_dir'] = '{self.home / "temp"}/';
$config['des_key'] = 'tern-test-24-byte-key!!!';
$config['plugins'] = [];
$config['skin'] = 'elastic';
$config['login_rate_limit'] = 0;
$config['enable_installer'] = false;
$config['mail_pagesize'] = 50;
$config['list_cols'] = ['subject', 'fromto', 'date'];
""")
        environment = dict(os.environ, ROUNDCUBE_CONFIG_DIR=str(config))
        self.process = subprocess.Popen(["php", "-S", f"127.0.0.1:{self.port}", "-t", str(ROUNDCUBE_PUBLIC)],
                                        env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.request_token = None
        deadline = time.monotonic() + 20
        while True:
            try:
                self.get("/")
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError("php -S did not start serving Roundcube")
                time.sleep(0.1)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def get(self, path, headers=None):
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", headers=headers or {})
        with self.opener.open(request, timeout=30) as response:
            return response.read().decode()

    def post(self, path, fields):
        data = urllib.parse.urlencode(fields).encode()
        with self.opener.open(f"http://127.0.0.1:{self.port}{path}", data=data, timeout=30) as response:
            return response.read().decode()

    def log_in(self, user, password):
        """The login form's CSRF token (`_token`) goes back with the credentials; the mail page
        that follows carries the request token every AJAX call must send."""
        form = self.get("/?_task=login")
        token = re.search(r'name="_token" value="([^"]+)"', form).group(1)
        page = self.post("/?_task=login", {"_token": token, "_task": "login", "_action": "login",
                                           "_timezone": "UTC", "_url": "", "_user": user, "_pass": password})
        match = re.search(r'"request_token":"([^"]+)"', page)
        assert match, "no mail page after login: " + re.sub(r"\s+", " ", page)[:500]
        self.request_token = match.group(1)

    def list_inbox(self, **parameters):
        """The rows of the INBOX list as Roundcube's page receives them: (uid, columns, flags)."""
        query = urllib.parse.urlencode({"_task": "mail", "_action": "list", "_mbox": "INBOX", "_page": "1",
                                        "_remote": "1", **parameters})
        answer = json.loads(self.get(f"/?{query}", headers={"X-Roundcube-Request": self.request_token,
                                                             "X-Requested-With": "XMLHttpRequest"}))
        rows = []
        for match in re.finditer(r"this\.add_message_row\((\d+),(\{.*?\}),(\{.*?\}),(?:false|true)\);", answer["exec"]):
            rows.append((int(match.group(1)), json.loads(match.group(2)), json.loads(match.group(3))))
        return rows

    def imap_log(self):
        path = self.home / "logs" / "imap.log"
        return path.read_text(errors="replace") if path.exists() else ""


@pytest.fixture
def roundcube(server, tmp_path):
    client = server.imap("alice", "secret-a")
    for message in MESSAGES:
        assert client.append("INBOX", None, None, rfc822(*message))[0] == "OK"
    client.logout()
    instance = Roundcube(tmp_path / "roundcube", server.port)
    yield instance
    instance.stop()


def test_roundcube_lists_the_inbox_sorted_and_threaded_with_sort_and_thread(roundcube):
    """Roundcube's message list by date (newest first), by subject and threaded, from SORT and
    THREAD (RFC 5256 §3) — not from the headers of every message."""
    roundcube.log_in("alice", "secret-a")

    by_date = roundcube.list_inbox(_sort="date_DESC")
    assert [uid for uid, _, _ in by_date] == [3, 2, 1], by_date
    assert [columns["subject"] for _, columns, _ in by_date] == ["Re: Zebra plans", "Apple lunch", "Zebra plans"]

    by_subject = roundcube.list_inbox(_sort="subject_ASC")
    # Base subjects (RFC 5256 §2.1): "apple lunch" < "zebra plans" (twice, then by date, §3).
    assert [uid for uid, _, _ in by_subject] == [2, 1, 3], by_subject

    # Roundcube prefers THREAD=REFS when offered: threads ordered by their newest message
    # (Dovecot's variant), so the thread of 1 and its reply 3 (newest) comes after 2.
    threaded = roundcube.list_inbox(_sort="date_ASC", _threads="1")
    assert [uid for uid, _, _ in threaded] == [2, 1, 3], threaded
    flags = {uid: row_flags for uid, _, row_flags in threaded}
    assert flags[3].get("depth") == 1 and flags[3].get("parent_uid") == 1, flags
    assert flags[1].get("has_children") == 1 and "depth" not in flags[2], flags

    log = roundcube.imap_log()
    # `SORT (DATE) ...`, or `SORT RETURN (ALL) (DATE) ...` where ESORT is used.
    assert re.search(r"C: \S+ (UID )?SORT (RETURN \([^)]*\) )?\(DATE\)", log), log[-3000:]
    assert re.search(r"C: \S+ (UID )?SORT (RETURN \([^)]*\) )?\(SUBJECT\)", log), log[-3000:]
    assert re.search(r"C: \S+ (UID )?THREAD REFS ", log), log[-3000:]
    assert not re.search(r"FETCH 1:\* \(UID .*DATE", log), "no FETCH of every message's Date to sort"
