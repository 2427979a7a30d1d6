"""Real mail clients against the real server: mbsync (isync) synchronising a Maildir both
ways, and curl's IMAP support. They are installed by scripts/install-test-dependencies.sh."""

import imaplib
import re
import subprocess
from pathlib import Path

import pytest

from conftest import TernServer, append_raw, free_port, login_raw


def mbsync(server, home, user="alice", password="secret-a", account=None, options=()):
    """Runs one full `mbsync -a` between the server and a Maildir under `home`; `account` is
    the IMAPAccount section's settings after User and Pass (plain IMAP with LOGIN if None)."""
    config = home / "mbsyncrc"
    if account is None:
        account = f"Port {server.port}\nSSLType None\nAuthMechs LOGIN\n"
    config.write_text(f"""IMAPAccount tern
Host 127.0.0.1
User {user}
Pass {password}
{account}

IMAPStore remote
Account tern

MaildirStore local
Path {home}/mail/
Inbox {home}/mail/INBOX
SubFolders Verbatim

Channel sync
Far :remote:
Near :local:
Patterns *
Create Both
Expunge Both
SyncState *
""")
    (home / "mail").mkdir(exist_ok=True)
    result = subprocess.run(["mbsync", *options, "-c", str(config), "-a"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def maildir_messages(folder):
    return {path: path.read_bytes() for sub in ("cur", "new") for path in (folder / sub).glob("*")}


def without_tuid(message):
    """mbsync adds an `X-TUID:` header to track messages it copies (isync's manual)."""
    return re.sub(rb"(?m)^X-TUID: [^\r\n]*\r?\n", b"", message)


def test_mbsync_pulls_every_mailbox_and_message(server, corpus, tmp_path):
    client = login_raw(server)
    client.command("c", "CREATE Projects/Tern")
    for i, message in enumerate(corpus[:15]):
        append_raw(client, f"a{i}", "INBOX" if i % 3 else "Projects/Tern", message)
    mbsync(server, tmp_path)
    mail = tmp_path / "mail"
    for name in ("INBOX", "Projects/Tern", "Sent", "Drafts", "Trash"):
        assert (mail / name / "cur").is_dir(), name
    pulled = [without_tuid(m) for folder in ("INBOX", "Projects/Tern")
              for m in maildir_messages(mail / folder).values()]
    # mbsync stores LF line endings locally.
    expected = sorted(m.replace(b"\r\n", b"\n") for m in corpus[:15])
    assert sorted(pulled) == expected


def test_mbsync_pushes_new_mail_flags_and_expunges(server, corpus, tmp_path):
    client = login_raw(server)
    for i in range(3):
        append_raw(client, f"a{i}", "INBOX", corpus[i])
    mbsync(server, tmp_path)
    inbox = tmp_path / "mail" / "INBOX"
    # A new local message is uploaded.
    new = corpus[10].replace(b"\r\n", b"\n")
    (inbox / "new" / "1700000000.local.test").write_bytes(new)
    # A local \Seen flag (Maildir info "2,S") and a local deletion reach the server.
    files = sorted(maildir_messages(inbox))
    flagged = files[0]
    flagged.rename(flagged.with_name(flagged.name.split(":2,")[0] + ":2,S"))
    files[1].unlink()
    mbsync(server, tmp_path)
    lib = imaplib.IMAP4("127.0.0.1", server.port)
    lib.login("alice", "secret-a")
    lib.select("INBOX")
    typ, data = lib.uid("FETCH", "1:*", "(FLAGS RFC822.SIZE)")
    lines = [d for d in data if isinstance(d, bytes)]
    assert len(lines) == 3, lines  # 3 pulled - 1 deleted + 1 pushed
    assert any(b"\\Seen" in l for l in lines)
    typ, data = lib.uid("SEARCH", "TEXT", "Subject")
    assert typ == "OK"
    bodies = []
    for uid in data[0].split():
        typ, fetched = lib.uid("FETCH", uid, "(BODY.PEEK[])")
        bodies.append(without_tuid(fetched[0][1]).replace(b"\r\n", b"\n"))
    assert new in bodies
    lib.logout()


def test_curl_lists_and_fetches(server, corpus):
    client = login_raw(server)
    append_raw(client, "a", "INBOX", corpus[5])
    base = f"imap://127.0.0.1:{server.port}"
    listing = subprocess.run(["curl", "-s", "--user", "alice:secret-a", f"{base}/"],
                             capture_output=True, timeout=60, check=True).stdout
    assert b'"/" "INBOX"' in listing and b"\\Sent" in listing
    body = subprocess.run(["curl", "-s", "--user", "alice:secret-a", f"{base}/INBOX;UID=1"],
                          capture_output=True, timeout=60, check=True).stdout
    assert body == corpus[5]
    found = subprocess.run(["curl", "-s", "--user", "alice:secret-a", "-X", "SEARCH ALL", f"{base}/INBOX"],
                           capture_output=True, timeout=60, check=True).stdout
    assert found.strip() == b"* SEARCH 1"


@pytest.mark.parametrize("security", ["None", "STARTTLS", "IMAPS"])
def test_mbsync_default_configuration_logs_in(tmp_path, corpus, security):
    """mbsync's default configuration (no AuthMechs: the best mechanism both sides have) picks
    SCRAM-SHA-256 through Cyrus SASL, which refuses iteration counts above 65,536 and then
    hangs. With the default of 4,096 rounds (RFC 7677 §4) it logs in over plain IMAP from
    loopback, over STARTTLS (RFC 9051 §6.2.1) and over implicit TLS (RFC 8314 §3.3), checking
    the certificate given as CertificateFile."""
    server = TernServer(tmp_path / "data", config_text="")
    server.tern("cert", "self-signed", "--host", "localhost")
    server.tls_port = free_port()
    server.add_user("alice", "secret-a")
    server.start(extra_args=("--imaps", f"127.0.0.1:{server.tls_port}"))
    try:
        client = login_raw(server)
        append_raw(client, "a", "INBOX", corpus[0])
        port = server.tls_port if security == "IMAPS" else server.port
        account = f"Port {port}\nSSLType {security}\n"
        if security != "None":
            account += f"CertificateFile {server.data_dir / 'tls' / 'cert.pem'}\n"
        home = tmp_path / "home"
        home.mkdir()
        result = mbsync(server, home, account=account, options=("-V",))
        assert "SCRAM-SHA-256" in result.stdout + result.stderr, result.stdout + result.stderr
        pulled = [without_tuid(m) for m in maildir_messages(home / "mail" / "INBOX").values()]
        assert pulled == [corpus[0].replace(b"\r\n", b"\n")], result.stdout + result.stderr
    finally:
        server.stop()
