"""SASL mechanisms of AUTHENTICATE (RFC 9051 §6.2.2, RFC 4422): LOGIN (what Outlook uses),
with and without an initial response (SASL-IR, RFC 4959), cancelling with `*`, and the
failure text that never says which part was wrong."""

import base64
import re

from conftest import login_raw


def b64(text):
    return base64.b64encode(text.encode()).decode()


def test_authenticate_login_step_by_step(server):
    client = server.raw()
    assert b"AUTH=LOGIN" in client.greeting
    client.send(b"a AUTHENTICATE LOGIN\r\n")
    assert client.readline() == b"+ " + base64.b64encode(b"Username:")
    client.send(f"{b64('alice')}\r\n".encode())
    assert client.readline() == b"+ " + base64.b64encode(b"Password:")
    client.send(f"{b64('secret-a')}\r\n".encode())
    assert client.read_response("a")[-1].startswith(b"a OK [CAPABILITY ")


def test_authenticate_login_with_initial_response(server):
    client = server.raw()
    client.send(f"a AUTHENTICATE LOGIN {b64('alice')}\r\n".encode())
    assert client.readline() == b"+ " + base64.b64encode(b"Password:")
    client.send(f"{b64('wrong')}\r\n".encode())
    wrong_password = client.read_response("a")[-1]
    client.send(f"b AUTHENTICATE LOGIN {b64('nobody')}\r\n".encode())
    client.readline()
    client.send(f"{b64('wrong')}\r\n".encode())
    unknown_user = client.read_response("b")[-1]
    # RFC 9051 §6.2.3: the two failures are indistinguishable.
    assert wrong_password[2:] == unknown_user[2:] == b"NO [AUTHENTICATIONFAILED] Authentication failed"


def test_cancel_and_bad_base64(server):
    client = server.raw()
    client.send(b"a AUTHENTICATE LOGIN\r\n")
    client.readline()
    client.send(b"*\r\n")
    assert re.match(rb"^a BAD ", client.read_response("a")[-1])
    client.send(b"b AUTHENTICATE PLAIN\r\n")
    client.readline()
    client.send(b"!!!not base64\r\n")
    assert re.match(rb"^b BAD ", client.read_response("b")[-1])
    assert client.command("c", "NOOP")[-1].startswith(b"c OK")
