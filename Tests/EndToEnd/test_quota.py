"""QUOTA (RFC 9208) against the real binary: GETQUOTAROOT/GETQUOTA with imaplib, refusals at
the exact edge with `NO [OVERQUOTA]` (§4.3.1) for APPEND, MULTIAPPEND, COPY, MOVE and CREATE,
concurrent APPENDs from several connections, STATUS DELETED-STORAGE (§4.1.4), LMTP replies
over quota (RFC 3463 X.2.2), `tern quota get/set/recalc` and the `[quota]` default."""

import subprocess
import threading

import pytest

from conftest import TERN_BIN, TEST_CONFIG, RawClient, append_raw
from lmtp_wire import LMTP_CONFIG, LMTPClient, start_lmtp_server, stuff

ROOT_NAME = b'"User quota"'


def sized(size, index=0):
    """A message of exactly `size` octets."""
    head = f"Subject: quota {index}\r\nMessage-ID: <q{index}@example.org>\r\n\r\n".encode()
    return head + b"x" * (size - len(head))


def set_quota(server, user, *options):
    return server.tern("quota", "set", user, *options)


def test_getquotaroot_and_getquota_with_imaplib(make_server):
    """A new account gets the `[quota]` default; imaplib's getquotaroot sees QUOTAROOT and
    QUOTA (§4.1.2), STORAGE in KiB (§5.1); only limited resources are listed (§4.2.1)."""
    server = make_server(TEST_CONFIG + '\n[quota]\nstorage = "10K"\nmessages = 5\n')
    client = server.imap("alice", "secret-a")
    try:
        typ, data = client.getquotaroot("INBOX")
        assert typ == "OK", data
        assert data == [[b'"INBOX" "User quota"'], [b'"User quota" (STORAGE 0 10 MESSAGE 0 5)']]
        assert client.append("INBOX", None, None, sized(1500))[0] == "OK"
        typ, data = client.getquota('"User quota"')
        assert typ == "OK" and data == [b'"User quota" (STORAGE 2 10 MESSAGE 1 5)'], data
        typ, data = client.getquota('"#user/alice"')
        assert typ == "NO"
        typ, data = client._simple_command("SETQUOTA", '"User quota"', "(STORAGE 99999)")
        assert typ == "NO"
        typ, caps = client.capability()
        names = caps[0].split()
        for name in [b"QUOTA", b"QUOTA=RES-STORAGE", b"QUOTA=RES-MESSAGE", b"QUOTA=RES-MAILBOX"]:
            assert name in names
        assert b"QUOTASET" not in names
    finally:
        client.logout()
    get = server.tern("quota", "get", "alice").stdout
    assert "storage: 1.5 KiB (1500 bytes) of 10 KiB (10240 bytes)" in get, get
    assert "messages: 1 of 5" in get and "mailboxes: 6 of unlimited" in get, get


def test_append_and_multiappend_refused_at_the_exact_edge(make_server):
    server = make_server()
    set_quota(server, "alice", "--storage", "3000", "--messages", "3")
    c = server.raw()
    c.command("l", "LOGIN alice secret-a")
    assert append_raw(c, "a", "INBOX", sized(2000, 1))[-1].startswith(b"a OK [APPENDUID")
    assert append_raw(c, "b", "INBOX", sized(1001, 2))[-1] == b"b NO [OVERQUOTA] Quota exceeded (STORAGE limit reached)"
    assert append_raw(c, "c", "INBOX", sized(1000, 3))[-1].startswith(b"c OK"), "exactly at the limit"
    set_quota(server, "alice", "--storage", "unlimited")
    first, second = sized(100, 4), sized(100, 5)
    c.send(f"d APPEND INBOX {{{len(first)}+}}\r\n".encode() + first + f" {{{len(second)}+}}\r\n".encode() + second + b"\r\n")
    assert c.read_response("d")[-1].startswith(b"d NO [OVERQUOTA]"), "MULTIAPPEND: all or nothing"
    assert c.command("s", "STATUS INBOX (MESSAGES)")[0] == b'* STATUS "INBOX" (MESSAGES 2)'
    assert append_raw(c, "e", "INBOX", sized(100, 6))[-1].startswith(b"e OK")
    assert append_raw(c, "f", "INBOX", sized(100, 7))[-1].startswith(b"f NO [OVERQUOTA] Quota exceeded (MESSAGE")
    c.close()


def test_copy_move_create_and_status_deleted_storage(make_server):
    server = make_server(users=(("alice", "secret-a"), ("bob", "secret-b")))
    c = server.raw()
    c.command("l", "LOGIN alice secret-a")
    for index in range(2):
        assert append_raw(c, f"a{index}", "INBOX", sized(1000, index))[-1].startswith(b"a")
    set_quota(server, "alice", "--storage", "3000", "--mailboxes", "7")
    c.command("s", "SELECT INBOX")
    assert c.command("c", "COPY 1:2 Archive")[-1].startswith(b"c NO [OVERQUOTA]")
    assert c.command("d", "COPY 1 Archive")[-1].startswith(b"d OK [COPYUID"), "up to the exact limit"
    assert c.command("m", "MOVE 2 Archive")[-1].startswith(b"m OK"), "MOVE within one account at the limit"
    assert c.command("n", "CREATE Projects")[-1].startswith(b"n OK")
    assert c.command("o", "CREATE More")[-1] == b"o NO [OVERQUOTA] Quota exceeded (MAILBOX limit reached)"
    c.command("f", "STORE 1 +FLAGS.SILENT (\\Deleted)")
    lines = c.command("t", "STATUS INBOX (MESSAGES DELETED DELETED-STORAGE)")
    assert lines[0] == b'* STATUS "INBOX" (MESSAGES 1 DELETED 1 DELETED-STORAGE 1)', lines
    c.command("x", "EXPUNGE")
    lines = c.command("q", 'GETQUOTA "User quota"')
    assert lines[0] == b'* QUOTA "User quota" (STORAGE 2 2 MAILBOX 7 7)', lines
    c.close()


def test_concurrent_appends_never_exceed_the_limit(make_server):
    """Eight connections append at once: exactly as many as fit are stored (§4.3.1, checked
    inside the store's write)."""
    server = make_server()
    set_quota(server, "alice", "--storage", str(4 * 1000 + 999))
    clients = []
    for _ in range(8):
        c = server.raw()
        c.command("l", "LOGIN alice secret-a")
        clients.append(c)
    results = [None] * len(clients)
    barrier = threading.Barrier(len(clients))

    def append(index):
        barrier.wait()
        results[index] = append_raw(clients[index], "a", "INBOX", sized(1000, index))[-1]

    threads = [threading.Thread(target=append, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(r.startswith(b"a OK") for r in results) == 4, results
    assert sum(r.startswith(b"a NO [OVERQUOTA]") for r in results) == 4, results
    for c in clients:
        c.close()
    assert "(4000 bytes) of" in server.tern("quota", "get", "alice").stdout


def test_cli_set_get_recalc_and_errors(make_server):
    server = make_server(users=(("alice", "secret-a"), ("bob", "secret-b")))
    out = set_quota(server, "alice", "--storage", "2G", "--messages", "100000", "--mailboxes", "500").stdout
    assert "storage: 0 bytes of 2 GiB (2147483648 bytes)" in out and "messages: 0 of 100000" in out, out
    out = set_quota(server, "alice", "--messages", "unlimited").stdout
    assert "storage: 0 bytes of 2 GiB" in out and "messages: 0 of unlimited" in out and "mailboxes: 6 of 500" in out, out
    recalc = server.tern("quota", "recalc").stdout.splitlines()
    assert recalc == ["alice: usage was correct", "bob: usage was correct"], recalc
    assert server.tern("quota", "recalc", "bob").stdout.strip() == "bob: usage was correct"
    bad = server.tern("quota", "set", "alice", "--storage", "2X", check=False)
    assert bad.returncode != 0 and "unit" in bad.stderr, bad.stderr
    missing = server.tern("quota", "get", "carol", check=False)
    assert missing.returncode != 0 and "no user carol" in missing.stderr
    nothing = server.tern("quota", "set", "alice", check=False)
    assert nothing.returncode != 0 and "--storage" in nothing.stderr


def test_config_default_is_checked(make_server, tmp_path):
    server = make_server(start=False)
    server.config.write_text(TEST_CONFIG + '\n[quota]\nstorage = "lots"\n')
    result = server.tern("user", "add", "carol", "--password-stdin", input="pw\n", check=False)
    assert result.returncode != 0 and "quota.storage" in result.stderr, result.stderr


def lmtp_deliver(port, recipients, message):
    client = LMTPClient(port)
    client.lhlo()
    assert client.command("MAIL FROM:<sender@remote.example>").startswith("250")
    for recipient in recipients:
        assert client.command(f"RCPT TO:<{recipient}>").startswith("250")
    assert client.command("DATA").startswith("354")
    client.send(stuff(message))
    replies = [client.reply() for _ in recipients]
    client.command("QUIT")
    return replies


@pytest.mark.parametrize("tempfail", [False, True])
def test_lmtp_over_quota(tmp_path, tempfail):
    """A full mailbox: 552 5.2.2, or 452 4.2.2 with `[quota] full_tempfail` (Dovecot's
    quota_full_tempfail); a message larger than the whole limit: always 552 5.2.2; the other
    recipient of the same transaction gets the message."""
    config = LMTP_CONFIG + ("\n[quota]\nfull_tempfail = true\n" if tempfail else "")
    server = start_lmtp_server(tmp_path, config_text=config)
    try:
        server.tern("quota", "set", "alice", "--messages", "1", "--storage", "20K")
        message = b"Subject: hello\r\n\r\nhi\r\n"
        assert lmtp_deliver(server.lmtp_port, ["alice@example.org"], message)[0].startswith("250 2.0.0")
        replies = lmtp_deliver(server.lmtp_port, ["alice@example.org", "bob@example.org"], message)
        expected = "452 4.2.2" if tempfail else "552 5.2.2"
        assert replies[0].startswith(expected) and "Quota exceeded" in replies[0], replies
        assert replies[1].startswith("250 2.0.0"), replies
        server.tern("quota", "set", "alice", "--messages", "unlimited")
        big = b"Subject: big\r\n\r\n" + b"y" * 30000 + b"\r\n"
        assert lmtp_deliver(server.lmtp_port, ["alice@example.org"], big)[0].startswith("552 5.2.2")
        get = server.tern("quota", "get", "alice").stdout
        assert "messages: 1 of unlimited" in get, get
    finally:
        server.stop()


DOVECOT_QUOTA = """
mail_plugins = $mail_plugins quota
protocol imap {
  mail_plugins = $mail_plugins imap_quota
}
plugin {
  quota = count:User quota
  quota_vsizes = yes
  quota_rule = *:storage=10M:messages=100
}
"""


def test_getquotaroot_answers_as_dovecot_does(make_server):
    """Differential (issue 13): with the same limits and the same messages, `GETQUOTAROOT INBOX`
    and `GETQUOTA` answer byte for byte as Dovecot 2.3's quota plugin (count backend) does,
    so clients keyed on Dovecot's answers (Thunderbird, Roundcube) see the same."""
    from dovecot_peer import DovecotPeer, unavailable_reason
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    server = make_server()
    set_quota(server, "alice", "--storage", "10M", "--messages", "100")
    dovecot = DovecotPeer(users=[("alice", "secret-a")], extra_config=DOVECOT_QUOTA)
    try:
        dovecot.start()
        answers = []
        for port in (server.port, dovecot.port):
            c = RawClient(port)
            assert c.command("l", "LOGIN alice secret-a")[-1].startswith(b"l OK")
            for index in range(3):
                assert append_raw(c, f"a{index}", "INBOX", sized(2048, index))[-1].startswith(f"a{index} OK".encode())
            root = c.command("r", "GETQUOTAROOT INBOX")
            quota = c.command("q", 'GETQUOTA "User quota"')
            answers.append((root[:-1], quota[:-1]))
            c.close()
        # A mailbox name may be an atom or a quoted string (RFC 9051 §9: each server's choice).
        normalized = [([line.replace(b'"INBOX"', b"INBOX") for line in root], quota) for root, quota in answers]
        assert normalized[0] == normalized[1], answers
        assert answers[0][0] == [b'* QUOTAROOT "INBOX" "User quota"', b'* QUOTA "User quota" (STORAGE 6 10240 MESSAGE 3 100)']
    finally:
        dovecot.stop()
        dovecot.cleanup()


def test_tern_deliver_exit_codes_over_quota(make_server, tmp_path):
    """`tern deliver` over quota: 73 (EX_CANTCREAT, the MTA bounces), 75 (EX_TEMPFAIL) with
    `full_tempfail`; a message that can never fit: 73 either way."""
    server = make_server(start=False)
    set_quota(server, "alice", "--messages", "1", "--storage", "1K")
    tempfail = tmp_path / "tempfail.toml"
    tempfail.write_text(server.config.read_text() + "\n[quota]\nfull_tempfail = true\n")

    def deliver(config, data=b"Subject: lda\r\n\r\nbody\r\n"):
        return subprocess.run([TERN_BIN, "deliver", "--data-dir", str(server.data_dir), "--config", str(config),
                               "--user", "alice"], input=data, capture_output=True, timeout=60)

    assert deliver(server.config).returncode == 0
    refused = deliver(server.config)
    assert refused.returncode == 73 and b"quota exceeded" in refused.stderr, refused.stderr
    assert deliver(tempfail).returncode == 75
    set_quota(server, "alice", "--messages", "unlimited")
    assert deliver(tempfail, b"Subject: big\r\n\r\n" + b"z" * 2000 + b"\r\n").returncode == 73
