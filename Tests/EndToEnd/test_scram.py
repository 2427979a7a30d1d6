"""SCRAM-SHA-256 and SCRAM-SHA-256-PLUS (RFC 5802, RFC 7677) over AUTHENTICATE
(RFC 9051 §6.2.2), driven by a client written here from the RFC with hashlib and hmac: the
exchange with and without an initial response (SASL-IR, RFC 4959), the server's signature,
failures that look the same for a wrong password and an unknown user, cancelling, and channel
binding to the TLS certificate (`tls-server-end-point`, RFC 5929 §4.1) over STARTTLS and
implicit TLS, including the downgrade and wrong-binding attacks RFC 5802 §6 names."""

import base64
import hashlib
import hmac
import os
import re
import socket

from conftest import TEST_CONFIG, Lines, TernServer, client_context


def b64(data):
    return base64.b64encode(data).decode()


class ScramClient:
    """The client side of SCRAM-SHA-256 (RFC 5802 §3 and §5)."""

    def __init__(self, user, password, binding=None, flag=None):
        self.user, self.password = user, password
        self.nonce = b64(os.urandom(18))
        # RFC 5802 §7 gs2-cbind-flag: p=type with a binding, n without, y for "supported".
        self.gs2_header = (flag or ("p=tls-server-end-point" if binding is not None else "n")) + ",,"
        self.binding = binding or b""
        self.client_first_bare = f"n={user},r={self.nonce}"

    def first(self):
        return (self.gs2_header + self.client_first_bare).encode()

    def final(self, server_first):
        fields = dict(item.split("=", 1) for item in server_first.decode().split(","))
        assert fields["r"].startswith(self.nonce) and len(fields["r"]) > len(self.nonce)
        self.salt, self.iterations = base64.b64decode(fields["s"]), int(fields["i"])
        salted = hashlib.pbkdf2_hmac("sha256", self.password.encode(), self.salt, self.iterations)
        client_key = hmac.digest(salted, b"Client Key", "sha256")
        stored_key = hashlib.sha256(client_key).digest()
        channel = b64(self.gs2_header.encode() + self.binding)
        without_proof = f"c={channel},r={fields['r']}"
        auth_message = f"{self.client_first_bare},{server_first.decode()},{without_proof}".encode()
        signature = hmac.digest(stored_key, auth_message, "sha256")
        proof = bytes(a ^ b for a, b in zip(client_key, signature))
        server_key = hmac.digest(salted, b"Server Key", "sha256")
        self.expected_server_final = b"v=" + b64(hmac.digest(server_key, auth_message, "sha256")).encode()
        return f"{without_proof},p={b64(proof)}".encode()


def challenge(lines):
    line = lines.readline()
    assert line.startswith(b"+ "), line
    return base64.b64decode(line[2:])


def respond(lines, data):
    lines.sock.sendall(b64(data).encode() + b"\r\n")


def read_tagged(lines, tag):
    while True:
        line = lines.readline()
        if line.startswith(tag.encode() + b" "):
            return line


def scram_login(lines, client, mechanism="SCRAM-SHA-256", initial_response=True, tag="a"):
    """Runs the exchange; returns the tagged answer, and the server-final message if one came."""
    if initial_response:
        lines.sock.sendall(f"{tag} AUTHENTICATE {mechanism} {b64(client.first())}\r\n".encode())
    else:
        lines.sock.sendall(f"{tag} AUTHENTICATE {mechanism}\r\n".encode())
        assert lines.readline() == b"+ "  # SCRAM is client-first (RFC 4422 §5)
        respond(lines, client.first())
    line = lines.readline()
    if not line.startswith(b"+ "):
        return line, None
    respond(lines, client.final(base64.b64decode(line[2:])))
    line = lines.readline()
    if not line.startswith(b"+ "):
        return line, None
    server_final = base64.b64decode(line[2:])
    lines.sock.sendall(b"\r\n")  # RFC 4422 §5: the empty response to the additional data
    return read_tagged(lines, tag), server_final


def plain_connection(server):
    lines = Lines(socket.create_connection(("127.0.0.1", server.port), timeout=10))
    lines.greeting = lines.readline()
    return lines


def starttls_connection(server):
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    plain = Lines(sock)
    plain.readline()
    assert plain.command("s", "STARTTLS")[-1].startswith(b"s OK")
    secure = client_context().wrap_socket(sock, server_hostname="localhost")
    return Lines(secure), secure


def end_point_binding(tls_socket):
    """RFC 5929 §4.1: the hash of the server's certificate; `tern cert self-signed` signs
    with ECDSA and SHA-256, so the hash is SHA-256."""
    return hashlib.sha256(tls_socket.getpeercert(binary_form=True)).digest()


def test_scram_with_initial_response(server):
    lines = plain_connection(server)
    assert b"AUTH=SCRAM-SHA-256" in lines.greeting
    assert b"AUTH=SCRAM-SHA-256-PLUS" not in lines.greeting  # no TLS, no binding
    client = ScramClient("alice", "secret-a")
    answer, server_final = scram_login(lines, client)
    assert server_final == client.expected_server_final  # the server knows the password too
    assert answer.startswith(b"a OK [CAPABILITY ")
    assert client.iterations == 4096  # what the test configuration sets for new passwords
    assert lines.command("b", "SELECT INBOX")[-1].startswith(b"b OK")


def test_scram_without_initial_response(server):
    lines = plain_connection(server)
    answer, server_final = scram_login(lines, ScramClient("alice", "secret-a"), initial_response=False)
    assert server_final is not None and answer.startswith(b"a OK")


def test_scram_user_names_are_case_insensitive_like_login(server):
    lines = plain_connection(server)
    answer, _ = scram_login(lines, ScramClient("Alice", "secret-a"))
    assert answer.startswith(b"a OK")


def test_scram_failures_do_not_tell_user_from_password(server):
    """RFC 9051 §6.2.3: a wrong password and an unknown user get the same answer; the
    unknown user even gets a plausible, stable salt and the real iteration count."""
    def attempt(user, password):
        lines = plain_connection(server)
        client = ScramClient(user, password)
        answer, server_final = scram_login(lines, client)
        assert server_final is None
        return answer, client

    wrong_password, alice = attempt("alice", "wrong")
    unknown, nobody = attempt("nobody", "wrong")
    unknown_again, nobody_again = attempt("nobody", "other")
    assert wrong_password == unknown == b"a NO [AUTHENTICATIONFAILED] Authentication failed"
    assert nobody.iterations == alice.iterations and len(nobody.salt) == len(alice.salt)
    assert nobody.salt == nobody_again.salt != alice.salt


def test_scram_cancel_and_rejected_server_signature(server):
    """`*` cancels at any step with BAD (RFC 9051 §6.2.2); a client that does not accept the
    server's signature cancels instead of acknowledging, and is not logged in."""
    lines = plain_connection(server)
    lines.sock.sendall(b"a AUTHENTICATE SCRAM-SHA-256\r\n")
    assert lines.readline() == b"+ "
    lines.sock.sendall(b"*\r\n")
    assert re.match(rb"^a BAD ", read_tagged(lines, "a"))

    client = ScramClient("alice", "secret-a")
    lines.sock.sendall(f"b AUTHENTICATE SCRAM-SHA-256 {b64(client.first())}\r\n".encode())
    respond(lines, client.final(challenge(lines)))
    assert challenge(lines) == client.expected_server_final
    lines.sock.sendall(b"*\r\n")
    assert re.match(rb"^b BAD ", read_tagged(lines, "b"))
    assert lines.command("c", "SELECT INBOX")[-1].startswith(b"c BAD")  # still not logged in


def test_scram_malformed_messages_fail_cleanly(server):
    """Each malformed client-first message is a failed login; the session goes on (until the
    per-connection limit of failed logins, 3 by default)."""
    for cases in ((b"garbage", b"n,,n=alice"), (b"x,,n=alice,r=abc", b"n,a=bob,n=alice,r=abc")):
        lines = plain_connection(server)
        for tag, message in zip("ab", cases):
            lines.sock.sendall(f"{tag} AUTHENTICATE SCRAM-SHA-256 {b64(message)}\r\n".encode())
            assert re.match(rb"^%s NO " % tag.encode(), read_tagged(lines, tag))
        assert lines.command("c", "NOOP")[-1].startswith(b"c OK")


def test_scram_works_where_plaintext_is_refused(tmp_path):
    """SCRAM never sends the password, so it stays on offer where LOGIN is disabled."""
    config = TEST_CONFIG.replace("[security]", '[security]\nplaintext_auth = "tls"')
    s = TernServer(tmp_path / "data", config_text=config)
    s.add_user("alice", "secret-a")
    s.start()
    try:
        lines = plain_connection(s)
        assert b"LOGINDISABLED" in lines.greeting and b"AUTH=SCRAM-SHA-256" in lines.greeting
        assert b"AUTH=PLAIN" not in lines.greeting
        answer, _ = scram_login(lines, ScramClient("alice", "secret-a"))
        assert answer.startswith(b"a OK")
    finally:
        s.stop()


def test_scram_plus_after_starttls(tls_server):
    lines, secure = starttls_connection(tls_server)
    caps = b" ".join(lines.command("c", "CAPABILITY"))
    assert b"AUTH=SCRAM-SHA-256-PLUS" in caps
    client = ScramClient("alice", "secret-a", binding=end_point_binding(secure))
    answer, server_final = scram_login(lines, client, mechanism="SCRAM-SHA-256-PLUS")
    assert server_final == client.expected_server_final and answer.startswith(b"a OK")


def test_scram_plus_over_implicit_tls(tls_server):
    raw = socket.create_connection(("127.0.0.1", tls_server.tls_port), timeout=10)
    secure = client_context().wrap_socket(raw, server_hostname="localhost")
    lines = Lines(secure)
    assert b"AUTH=SCRAM-SHA-256-PLUS" in lines.readline()
    client = ScramClient("alice", "secret-a", binding=end_point_binding(secure))
    answer, _ = scram_login(lines, client, mechanism="SCRAM-SHA-256-PLUS", initial_response=False)
    assert answer.startswith(b"a OK")


def test_scram_plus_refuses_a_wrong_binding(tls_server):
    """A man in the middle terminating TLS with another certificate makes the client bind to
    that certificate: the server sees a binding that is not its own and refuses."""
    lines, _ = starttls_connection(tls_server)
    client = ScramClient("alice", "secret-a", binding=hashlib.sha256(b"another certificate").digest())
    answer, server_final = scram_login(lines, client, mechanism="SCRAM-SHA-256-PLUS")
    assert server_final is None and answer == b"a NO [AUTHENTICATIONFAILED] Authentication failed"


def test_scram_downgrade_is_detected(tls_server):
    """RFC 5802 §6: a client that supports binding but saw no -PLUS (flag `y`) while the
    server does offer it means someone removed it from the capabilities: refused."""
    lines, _ = starttls_connection(tls_server)
    answer, _ = scram_login(lines, ScramClient("alice", "secret-a", flag="y"))
    assert answer.startswith(b"a NO [AUTHENTICATIONFAILED]")
    answer, _ = scram_login(lines, ScramClient("alice", "secret-a"), tag="b")  # flag n: fine
    assert answer.startswith(b"b OK")


def test_scram_plus_needs_tls(server):
    lines = plain_connection(server)
    client = ScramClient("alice", "secret-a", binding=b"x" * 32)
    answer, _ = scram_login(lines, client, mechanism="SCRAM-SHA-256-PLUS")
    assert re.match(rb"^a NO \[CANNOT\] ", answer)
