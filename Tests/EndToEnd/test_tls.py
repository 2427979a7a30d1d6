"""TLS (RFC 9051 §6.2.1, RFC 2595, RFC 8314): STARTTLS and implicit TLS with Python's ssl
module and openssl s_client, the STARTTLS injection defence, capabilities before and after
TLS, LOGINDISABLED and PRIVACYREQUIRED where passwords may not travel in the clear, and
certificate reload on SIGHUP."""

import re
import signal
import socket
import subprocess
import time

from conftest import TEST_CONFIG, Lines, TernServer, client_context, free_port


def capabilities(lines):
    return set(b" ".join(lines).split())


def test_starttls_then_login(tls_server):
    """RFC 9051 §6.2.1: OK, then the handshake; after it the capabilities change (no
    STARTTLS), and LOGIN works inside TLS."""
    sock = socket.create_connection(("127.0.0.1", tls_server.port), timeout=10)
    plain = Lines(sock)
    greeting = plain.readline()
    assert b"STARTTLS" in greeting
    assert plain.command("a", "STARTTLS")[-1].startswith(b"a OK")
    secure = Lines(client_context().wrap_socket(sock, server_hostname="localhost"))
    caps = capabilities(secure.command("b", "CAPABILITY"))
    assert b"STARTTLS" not in caps and b"AUTH=PLAIN" in caps and b"LOGINDISABLED" not in caps
    assert secure.command("c", "LOGIN alice secret-a")[-1].startswith(b"c OK")
    assert secure.command("d", "STARTTLS")[-1].startswith(b"d BAD")
    secure.command("e", "LOGOUT")


def test_starttls_discards_injected_commands(tls_server):
    """RFC 2595 §3.1 / CVE-2011-0411 class: commands sent in plaintext right after STARTTLS,
    in the same packet, must not be executed inside the TLS session."""
    sock = socket.create_connection(("127.0.0.1", tls_server.port), timeout=10)
    plain = Lines(sock)
    plain.readline()
    sock.sendall(b"a STARTTLS\r\nb LOGIN alice secret-a\r\nc SELECT INBOX\r\n")
    assert plain.readline().startswith(b"a OK")
    secure = Lines(client_context().wrap_socket(sock, server_hostname="localhost"))
    lines = secure.command("d", "NOOP")
    assert lines == [b"d OK NOOP completed"], lines
    # Still not logged in: the injected LOGIN never ran.
    assert secure.command("e", "SELECT INBOX")[-1].startswith(b"e BAD")


def test_implicit_tls(tls_server):
    """RFC 8314 §3.3: TLS from the first byte on the second port; no STARTTLS offered."""
    raw = socket.create_connection(("127.0.0.1", tls_server.tls_port), timeout=10)
    secure = Lines(client_context().wrap_socket(raw, server_hostname="localhost"))
    greeting = secure.readline()
    assert greeting.startswith(b"* OK [CAPABILITY ") and b"STARTTLS" not in greeting
    assert secure.command("a", "LOGIN alice secret-a")[-1].startswith(b"a OK")
    import imaplib
    lib = imaplib.IMAP4_SSL("127.0.0.1", tls_server.tls_port, ssl_context=client_context())
    assert lib.login("alice", "secret-a")[0] == "OK"
    lib.logout()


def test_openssl_s_client_starttls_login(tls_server):
    """The issue's check: `openssl s_client -starttls imap` completes a handshake and a LOGIN."""
    script = b"a LOGIN alice secret-a\r\nb LOGOUT\r\n"
    process = subprocess.Popen(
        ["openssl", "s_client", "-starttls", "imap", "-connect", f"127.0.0.1:{tls_server.port}", "-quiet"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1.0)
    out, err = process.communicate(script, timeout=20)
    assert b"a OK [CAPABILITY" in out, (out, err)
    assert b"b OK LOGOUT completed" in out


def test_logindisabled_without_tls(tmp_path):
    """RFC 9051 §6.2.3 and RFC 8314: where passwords may not travel in the clear (here: the
    policy `tls`, as for a client that is not on this machine), LOGINDISABLED is advertised,
    AUTH=PLAIN is not, and LOGIN and AUTHENTICATE PLAIN get NO [PRIVACYREQUIRED]; after
    STARTTLS they work."""
    config = TEST_CONFIG.replace("[security]", '[security]\nplaintext_auth = "tls"')
    s = TernServer(tmp_path / "data", config_text=config)
    s.tern("cert", "self-signed", "--host", "localhost")
    s.add_user("alice", "secret-a")
    s.start()
    try:
        sock = socket.create_connection(("127.0.0.1", s.port), timeout=10)
        plain = Lines(sock)
        greeting = plain.readline()
        assert b"LOGINDISABLED" in greeting and b"AUTH=PLAIN" not in greeting and b"STARTTLS" in greeting
        assert re.match(rb"^a NO \[PRIVACYREQUIRED\]", plain.command("a", "LOGIN alice secret-a")[-1])
        assert re.match(rb"^b NO \[PRIVACYREQUIRED\]", plain.command("b", "AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldC1h")[-1])
        plain.command("c", "STARTTLS")
        secure = Lines(client_context().wrap_socket(sock, server_hostname="localhost"))
        caps = capabilities(secure.command("d", "CAPABILITY"))
        assert b"LOGINDISABLED" not in caps and b"AUTH=PLAIN" in caps
        assert secure.command("e", "AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldC1h")[-1].startswith(b"e OK")
    finally:
        s.stop()


def test_certificate_reload_on_sighup(tls_server):
    """A new certificate is used for new connections after SIGHUP, without a restart."""
    def fingerprint(port):
        raw = socket.create_connection(("127.0.0.1", port), timeout=10)
        secure = client_context().wrap_socket(raw, server_hostname="localhost")
        der = secure.getpeercert(binary_form=True)
        secure.close()
        return der

    before = fingerprint(tls_server.tls_port)
    tls_server.tern("cert", "self-signed", "--host", "localhost")
    tls_server.process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and fingerprint(tls_server.tls_port) == before:
        time.sleep(0.1)
    assert fingerprint(tls_server.tls_port) != before
    assert tls_server.process.poll() is None


def test_starttls_handshake_right_after_ok_many_times(tls_server):
    """A client sends its ClientHello the moment the OK arrives; the server must already be
    listening for TLS then (a race once seen under load: the hello was read as plaintext and
    the handshake hung). Many quick handshakes in a row, each then used for a command."""
    context = client_context()
    for attempt in range(60):
        sock = socket.create_connection(("127.0.0.1", tls_server.port), timeout=10)
        plain = Lines(sock)
        plain.readline()
        sock.sendall(b"a STARTTLS\r\n")
        assert plain.readline().startswith(b"a OK"), attempt
        secure = Lines(context.wrap_socket(sock, server_hostname="localhost"))
        assert secure.command("b", "NOOP")[-1] == b"b OK NOOP completed", attempt
        secure.sock.close()


def test_default_certificate_verifies_for_127_0_0_1_and_localhost(tmp_path):
    """README (TLS): `tern cert self-signed` without --host makes a certificate a verifying
    client accepts whether it connects to 127.0.0.1 (what the README tells clients), to
    localhost or to ::1: the names are subject alternative names, the addresses as iPAddress
    (RFC 5280 §4.2.1.6), which is what host name checking compares (RFC 6125 §6)."""
    import ssl
    s = TernServer(tmp_path / "data")
    s.tern("cert", "self-signed")
    s.tls_port = free_port()
    s.add_user("alice", "secret-a")
    s.start(extra_args=("--imaps", f"127.0.0.1:{s.tls_port}"))
    try:
        context = ssl.create_default_context(cafile=str(s.data_dir / "tls" / "cert.pem"))
        assert context.check_hostname and context.verify_mode == ssl.CERT_REQUIRED
        for name in ("127.0.0.1", "localhost"):
            raw = socket.create_connection(("127.0.0.1", s.tls_port), timeout=10)
            secure = Lines(context.wrap_socket(raw, server_hostname=name))
            assert secure.readline().startswith(b"* OK"), name
            assert secure.command("a", "LOGIN alice secret-a")[-1].startswith(b"a OK"), name
            secure.sock.close()
        # STARTTLS too (RFC 2595 §2.4: the client checks the name it connected to).
        sock = socket.create_connection(("127.0.0.1", s.port), timeout=10)
        plain = Lines(sock)
        plain.readline()
        assert plain.command("a", "STARTTLS")[-1].startswith(b"a OK")
        secure = Lines(context.wrap_socket(sock, server_hostname="127.0.0.1"))
        assert secure.command("b", "NOOP")[-1].startswith(b"b OK")
        secure.sock.close()
        # A name the certificate does not list is refused by the same client.
        raw = socket.create_connection(("127.0.0.1", s.tls_port), timeout=10)
        try:
            context.wrap_socket(raw, server_hostname="mail.example.org")
            assert False, "a certificate for another name was accepted"
        except ssl.SSLCertVerificationError:
            pass
        finally:
            raw.close()
    finally:
        s.stop()
    text = s.tern("cert", "self-signed", "--out", str(tmp_path / "again")).stdout
    assert "localhost, 127.0.0.1, ::1" in text


def s_client_handshake(port, *options):
    """Runs `openssl s_client` against the implicit-TLS port; returns (exit code, output)."""
    process = subprocess.run(
        ["openssl", "s_client", "-connect", f"127.0.0.1:{port}", *options],
        input=b"a LOGOUT\r\n", capture_output=True, timeout=30)
    return process.returncode, process.stdout + process.stderr


def test_tls12_offers_aead_cipher_suites_only(tls_server):
    """RFC 7525 §4.2: TLS 1.2 with ECDHE and AEAD suites only. The CBC suites testssl flags
    for Lucky Thirteen (ECDHE-ECDSA-AES128-SHA, ECDHE-ECDSA-AES256-SHA) are refused, an AEAD
    suite is accepted, and TLS 1.3 still works."""
    for cbc in ("ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA", "ECDHE-ECDSA-AES128-SHA256"):
        code, output = s_client_handshake(tls_server.tls_port, "-tls1_2", "-cipher", cbc)
        assert code != 0 and f"Cipher is {cbc}".encode() not in output, (cbc, output[-600:])
    for aead in ("ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305"):
        code, output = s_client_handshake(tls_server.tls_port, "-tls1_2", "-cipher", aead)
        assert code == 0 and f"Cipher is {aead}".encode() in output, (aead, output[-600:])
    code, output = s_client_handshake(tls_server.tls_port, "-tls1_3")
    assert code == 0 and b"TLSv1.3" in output
