"""A real Postfix in front of Tern's LMTP: mail sent over SMTP lands in the right mailbox,
an IDLE session sees it, several recipients of one transaction each get it, an unknown
recipient is bounced with 5.1.1 while the others get the mail."""

import os
import shutil
import smtplib
import tempfile
from pathlib import Path

import pytest

from lmtp_wire import LMTP_CONFIG, start_lmtp_server, wait_for
from postfix_peer import Postfix
from test_lmtp import fetch_all


def count(server, user, password, mailbox="INBOX"):
    client = server.imap(user, password)
    try:
        return int(client.select(mailbox, readonly=True)[1][0])
    finally:
        client.logout()


@pytest.fixture(params=["inet", "unix"])
def stack(request, tmp_path):
    users = (("alice", "secret-a"), ("bob", "secret-b"), ("carol", "secret-c"))
    if request.param == "inet":
        tern = start_lmtp_server(tmp_path, users=users)
        transport = f"lmtp:inet:127.0.0.1:{tern.lmtp_port}"
    else:
        # Postfix's lmtp client runs as `postfix`: pytest's 0700 directories are closed to it.
        socket_dir = Path(tempfile.mkdtemp(prefix="tern-lmtp-"))
        os.chmod(socket_dir, 0o755)
        request.addfinalizer(lambda: shutil.rmtree(socket_dir, ignore_errors=True))
        path = socket_dir / "lmtp"
        tern = start_lmtp_server(tmp_path, users=users, listen=[f"unix:{path}"],
                                 config_text=LMTP_CONFIG + 'socket_mode = "0666"\n')
        assert wait_for(path.exists)
        transport = f"lmtp:unix:{path}"
    postfix = Postfix(transport)
    try:
        postfix.start()
        yield tern, postfix
    finally:
        postfix.stop()
        tern.stop()


def send(postfix, sender, recipients, subject):
    message = f"From: {sender}\r\nTo: {', '.join(recipients)}\r\nSubject: {subject}\r\nMessage-ID: <{subject}@test>\r\n\r\nHello from Postfix.\r\n"
    with smtplib.SMTP("127.0.0.1", postfix.port, timeout=30) as smtp:
        refused = smtp.sendmail(sender, recipients, message)
    return refused


def test_mail_through_postfix_lands_in_the_mailbox_and_idle_sees_it(stack):
    tern, postfix = stack
    imap = tern.raw()
    imap.command("a", "LOGIN alice secret-a")
    imap.command("b", "SELECT INBOX")
    imap.send("c IDLE\r\n")
    assert imap.readline().startswith(b"+ ")
    assert send(postfix, "sender@remote.example", ["alice@example.org"], "single") == {}
    imap.sock.settimeout(30)
    assert imap.readline() == b"* 1 EXISTS", postfix.log_text()
    imap.send("DONE\r\n")
    imap.close()
    [message] = fetch_all(tern, "alice", "secret-a")
    assert message.startswith(b"Return-Path: <sender@remote.example>\r\nDelivered-To: alice@example.org\r\n")
    assert b"Subject: single" in message
    assert count(tern, "bob", "secret-b") == 0


def test_several_recipients_and_an_unknown_one(stack):
    tern, postfix = stack
    # Postfix accepts every address of the virtual domain and learns at LMTP RCPT time.
    send(postfix, "bob@example.org", ["alice@example.org", "nobody@example.org", "carol+x@example.org"], "multi")
    assert wait_for(lambda: count(tern, "alice", "secret-a") == 1 and count(tern, "carol", "secret-c") == 1, 30), \
        postfix.log_text()
    # The bounce for nobody@ goes back to the sender, bob, through the same LMTP.
    assert wait_for(lambda: count(tern, "bob", "secret-b") == 1, 30), postfix.log_text()
    [bounce] = fetch_all(tern, "bob", "secret-b")
    assert b"nobody@example.org" in bounce
    assert b"5.1.1" in bounce
    log = postfix.log_text()
    assert "status=sent (250 2.0.0" in log
    assert "status=bounced" in log and "5.1.1" in log
    [alice] = fetch_all(tern, "alice", "secret-a")
    assert b"Subject: multi" in alice and b"Delivered-To:" not in alice
