"""WITHIN (RFC 5032: SEARCH OLDER / YOUNGER) and UNAUTHENTICATE (RFC 8437) against the real
server."""

import socket
import ssl

from conftest import Lines, append_raw, client_context, login_raw


def test_search_older_and_younger(server, corpus):
    """OLDER n / YOUNGER n count n seconds back from the moment of the SEARCH, against the
    INTERNALDATE (RFC 5032 §3)."""
    client = login_raw(server)
    assert b" WITHIN" in client.command("c", "CAPABILITY")[0]
    append_raw(client, "a1", "INBOX", corpus[0], date="01-Jan-2021 12:00:00 +0000")
    append_raw(client, "a2", "INBOX", corpus[1], date="01-Jan-2021 12:00:00 +0000")
    append_raw(client, "a3", "INBOX", corpus[2])  # now
    client.command("s", "SELECT INBOX")
    assert client.command("o", "SEARCH OLDER 86400")[0] == b"* SEARCH 1 2"
    assert client.command("y", "SEARCH YOUNGER 600")[0] == b"* SEARCH 3"
    assert client.command("n", "UID SEARCH NOT YOUNGER 600 OLDER 1")[0] == b"* SEARCH 1 2"
    assert client.command("e", "SEARCH RETURN (COUNT) YOUNGER 600")[0] == b'* ESEARCH (TAG "e") COUNT 1'
    assert client.command("z", "SEARCH OLDER 0")[-1].startswith(b"z BAD")


def test_unauthenticate_then_log_in_as_another_user(server):
    """RFC 8437 §3: the selection ends without EXPUNGE, the state is not authenticated, and
    a LOGIN pipelined right after the command acts as the new user."""
    alice = login_raw(server)
    assert b" UNAUTHENTICATE" in alice.command("c", "CAPABILITY")[0]
    alice.command("m", "CREATE Alice-only")
    alice.command("s", "SELECT INBOX")
    alice.send("u UNAUTHENTICATE\r\nl LOGIN bob secret-b\r\n")
    assert alice.read_response("u") == [b"u OK Now in not authenticated state"]
    assert alice.read_response("l")[-1].startswith(b"l OK [CAPABILITY")
    listing = b"\r\n".join(alice.command("x", 'LIST "" "*"'))
    assert b"Alice-only" not in listing and b"INBOX" in listing
    assert alice.command("f", "FETCH 1 FLAGS")[-1].startswith(b"f BAD")  # no mailbox selected
    alice.command("u2", "UNAUTHENTICATE")
    assert alice.command("n", "NAMESPACE")[-1] == b"n BAD NAMESPACE: Log in first"
    assert alice.command("l2", "LOGIN alice secret-a")[-1].startswith(b"l2 OK")
    assert b"Alice-only" in b"\r\n".join(alice.command("y", 'LIST "" "*"'))


def test_unauthenticate_keeps_tls(tls_server):
    """TLS is the one state UNAUTHENTICATE keeps (RFC 8437 §3): no STARTTLS offered after it,
    and a password login is accepted on the same TLS connection."""
    sock = socket.create_connection(("127.0.0.1", tls_server.tls_port), timeout=10)
    tls = client_context().wrap_socket(sock, server_hostname="localhost")
    lines = Lines(tls)
    lines.readline()
    assert lines.command("a", "LOGIN alice secret-a")[-1].startswith(b"a OK")
    assert lines.command("b", "UNAUTHENTICATE")[-1] == b"b OK Now in not authenticated state"
    capabilities = lines.command("c", "CAPABILITY")[0]
    assert b"STARTTLS" not in capabilities and b"LOGINDISABLED" not in capabilities
    assert lines.command("d", "LOGIN alice secret-a")[-1].startswith(b"d OK")
    assert isinstance(tls, ssl.SSLSocket)
    tls.close()
