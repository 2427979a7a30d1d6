"""Any-state commands and authentication, end to end over TCP: CAPABILITY, NOOP, LOGOUT
(RFC 3501 §6.1), LOGIN (§6.2.3), AUTHENTICATE PLAIN (§6.2.2, RFC 4616) with and without an
initial response (SASL-IR, RFC 4959), and the README's capability table."""

import base64
import imaplib
import re
import socket
from pathlib import Path

import imapclient
import pytest

from conftest import ROOT, Lines, client_context, login_raw


def capability_list(line):
    """The capability names of a `* CAPABILITY ...` line or a `[CAPABILITY ...]` code."""
    match = re.search(rb"CAPABILITY ([^\]\r\n]*)", line)
    assert match, line
    return match.group(1).decode().split()


def b64(text):
    return base64.b64encode(text.encode() if isinstance(text, str) else text).decode()


# --- CAPABILITY, NOOP, LOGOUT ------------------------------------------------------------------

def test_greeting_carries_capability_code(server):
    """RFC 3501 §7.1.1 / RFC 9051 §7.1.1: the greeting is `* OK` and may carry the
    capabilities; Tern sends them, and they equal what CAPABILITY answers."""
    client = server.raw()
    assert re.match(rb"^\* OK \[CAPABILITY [^\]]+\] .+", client.greeting), client.greeting
    in_greeting = capability_list(client.greeting)
    lines = client.command("a", "CAPABILITY")
    assert len(lines) == 2 and lines[0].startswith(b"* CAPABILITY ")
    assert lines[1] == b"a OK CAPABILITY completed"
    assert capability_list(lines[0]) == in_greeting
    assert "IMAP4rev1" in in_greeting and "AUTH=PLAIN" in in_greeting
    # RFC 3501 §6.2.3: no LOGINDISABLED, LOGIN is allowed on this connection.
    assert "LOGINDISABLED" not in in_greeting


def test_capability_after_login_matches_login_response_code(server):
    """RFC 3501 §6.1.1, §7.2.1: CAPABILITY in the authenticated state lists IMAP4rev1 and the
    same names that the LOGIN OK response code announced."""
    client = server.raw()
    line = client.command("a", "LOGIN alice secret-a")[-1]
    assert re.match(rb"^a OK \[CAPABILITY [^\]]+\] ", line), line
    after_login = capability_list(line)
    lines = client.command("b", "CAPABILITY")
    assert capability_list(lines[0]) == after_login
    assert "IMAP4rev1" in after_login
    # Authentication mechanisms are for the not-authenticated state only.
    assert not any(name.startswith("AUTH=") for name in after_login)


def test_capability_with_imaplib_and_imapclient(server):
    """RFC 3501 §6.1.1 through both client libraries."""
    lib = server.imap()
    assert "IMAP4REV1" in lib.capabilities and "AUTH=PLAIN" in lib.capabilities
    lib.login("alice", "secret-a")
    typ, data = lib.capability()
    assert typ == "OK" and b"IMAP4rev1" in data[0].split()
    lib.logout()
    client = imapclient.IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=30)
    assert client.has_capability("IMAP4REV1") and client.has_capability("LITERAL+")
    client.login("alice", "secret-a")
    assert client.has_capability("UIDPLUS") and client.has_capability("UNSELECT")
    client.logout()


def test_readme_capability_table_matches_advertised_capabilities(tls_server):
    """The README's support table promises what CAPABILITY advertises (RFC 9051 §7.2.2): every
    capability marked "yes" is advertised, and none marked "not yet"/"not advertised" is. The
    server has a certificate, as the README's TLS rows assume; capabilities are gathered from
    the plaintext greeting, after LOGIN, and from the implicit-TLS greeting."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## What is supported", 1)[1].split("\n## ", 1)[0]
    known = {"IMAP4rev1", "IMAP4rev2", "SASL-IR", "CHILDREN", "UNSELECT", "UIDPLUS", "LITERAL+",
             "LITERAL-", "MULTIAPPEND", "STARTTLS", "IDLE", "ENABLE", "NAMESPACE", "ID", "MOVE",
             "CONDSTORE", "QRESYNC", "AUTH=PLAIN", "AUTH=LOGIN", "AUTH=SCRAM-SHA-256",
             "AUTH=SCRAM-SHA-256-PLUS", "BINARY", "LIST-EXTENDED", "LIST-STATUS",
             "SPECIAL-USE", "CREATE-SPECIAL-USE", "STATUS=SIZE", "APPENDLIMIT", "OBJECTID",
             "SAVEDATE", "ESEARCH", "SEARCHRES", "UTF8=ACCEPT", "COMPRESS=DEFLATE", "WITHIN", "UNAUTHENTICATE",
             "SORT", "SORT=DISPLAY", "ESORT", "THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES", "THREAD=REFS",
             "QUOTA", "QUOTA=RES-STORAGE", "QUOTA=RES-MESSAGE", "QUOTA=RES-MAILBOX", "QUOTASET",
             "METADATA", "METADATA-SERVER", "NOTIFY", "LIST-METADATA", "PREVIEW", "REPLACE", "UIDONLY", "SAVELIMIT",
             "MESSAGELIMIT", "CATENATE"}
    client = tls_server.raw()
    before_login = set(capability_list(client.greeting))
    line = client.command("a", "LOGIN alice secret-a")[-1]
    after_login = set(capability_list(line))
    raw = socket.create_connection(("127.0.0.1", tls_server.tls_port), timeout=10)
    secure = client_context().wrap_socket(raw)
    over_tls = set(capability_list(Lines(secure).readline()))
    secure.close()
    everything = before_login | after_login | over_tls
    for capability in everything:  # and the table leaves nothing out
        name = capability.split("=", 1)[0] if capability.startswith(("APPENDLIMIT=", "SAVELIMIT=")) else capability
        assert re.search(rf"(^|[ ,(]){re.escape(name)}($|[ ,)|])", section, re.M), \
            f"{capability} is advertised but not in the README table"
    checked = 0
    for row in section.splitlines():
        if not row.startswith("| ") or row.startswith("| ---") or row.startswith("| Capability"):
            continue
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        first, status = cells[0], cells[-1]
        names = {name for name in known if re.search(rf"(^|[ ,(]){re.escape(name)}($|[ ,)])", first)}
        for name in names:
            advertised = name in everything or (
                name in ("APPENDLIMIT", "SAVELIMIT") and any(c.startswith(name + "=") for c in everything))
            if status.startswith("yes"):
                assert advertised, f"README says {name} is supported but it is not advertised"
            elif "not yet" in status or "not advertised" in status:
                assert not advertised, f"README says {name} is not advertised but it is"
            else:
                pytest.fail(f"unknown status {status!r} for {name}")
            checked += 1
    assert checked >= 15, checked


def test_noop_answers_ok_in_every_state(server):
    """RFC 3501 §6.1.2: NOOP always succeeds, before login, after login and when selected."""
    client = server.raw()
    assert client.command("a", "NOOP") == [b"a OK NOOP completed"]
    client.command("b", "LOGIN alice secret-a")
    assert client.command("c", "noop") == [b"c OK NOOP completed"]
    client.command("d", "SELECT INBOX")
    assert client.command("e", "NOOP")[-1] == b"e OK NOOP completed"
    lib = server.imap("alice", "secret-a")
    assert lib.noop()[0] == "OK"
    lib.logout()


@pytest.mark.parametrize("state", ["not authenticated", "authenticated", "selected"])
def test_logout_sends_bye_then_tagged_ok_then_closes(server, state):
    """RFC 3501 §6.1.3: the server sends an untagged BYE, then the tagged OK, then closes."""
    client = server.raw()
    if state != "not authenticated":
        client.command("l", "LOGIN alice secret-a")
    if state == "selected":
        client.command("s", "SELECT INBOX")
    client.send(b"z LOGOUT\r\n")
    assert re.match(rb"^\* BYE .+", client.readline())
    assert client.readline() == b"z OK LOGOUT completed"
    assert client.closed()
    assert client.buffer == b""


def test_logout_with_imaplib_and_imapclient(server):
    """RFC 3501 §6.1.3 through the client libraries: both see BYE and a clean end."""
    lib = server.imap("alice", "secret-a")
    typ, data = lib.logout()
    assert typ == "BYE"
    client = imapclient.IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=30)
    client.login("alice", "secret-a")
    assert b"logging out" in client.logout()


# --- LOGIN -------------------------------------------------------------------------------------

def test_login_right_password_enters_authenticated_state(server):
    """RFC 3501 §6.2.3: LOGIN with the right password answers OK; commands of the
    authenticated state then work."""
    lib = server.imap()
    typ, data = lib.login("alice", "secret-a")
    assert typ == "OK" and lib.state == "AUTH"
    assert lib.select("INBOX")[0] == "OK"
    lib.logout()


def test_login_failures_are_indistinguishable(server):
    """RFC 3501 §6.2.3, RFC 5530 §3: a wrong password and an unknown user get the same
    `NO [AUTHENTICATIONFAILED]` text, so the answer does not reveal which names exist."""
    client = server.raw()
    wrong_password = client.command("a", "LOGIN alice wrong")
    unknown_user = client.command("a", "LOGIN mallory secret-a")
    assert len(wrong_password) == 1 and len(unknown_user) == 1
    assert re.match(rb"^a NO \[AUTHENTICATIONFAILED\] .+", wrong_password[0]), wrong_password
    assert wrong_password == unknown_user
    # The session stays in the not-authenticated state and can log in after failures.
    assert client.command("b", "SELECT INBOX")[-1].startswith(b"b BAD")
    assert client.command("c", "LOGIN alice secret-a")[-1].startswith(b"c OK")


def test_login_failure_with_imaplib(server):
    """RFC 3501 §6.2.3: imaplib raises its error with the NO text."""
    lib = server.imap()
    with pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"):
        lib.login("alice", "not-the-password")
    with pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"):
        lib.login("nobody", "secret-a")
    assert lib.login("alice", "secret-a")[0] == "OK"
    lib.logout()


def test_login_with_quoted_and_literal_arguments(server):
    """RFC 3501 §9 (astring): the user name and password may be atoms, quoted strings or
    literals."""
    server.add_user("carol", 'pa ss"w\\rd')
    client = server.raw()
    client.send(b'a LOGIN "carol" {10}\r\n')
    assert client.readline().startswith(b"+ ")
    client.send(b'pa ss"w\\rd\r\n')
    assert client.read_response("a")[-1].startswith(b"a OK")
    client2 = server.raw()
    assert client2.command("b", r'LOGIN carol "pa ss\"w\\rd"')[-1].startswith(b"b OK")


def test_user_names_are_case_insensitive(server):
    """README (accounts): user names are case-insensitive, for LOGIN and AUTHENTICATE alike;
    the password is not."""
    for name in ("ALICE", "Alice", "aLiCe"):
        client = server.raw()
        assert client.command("a", f"LOGIN {name} secret-a")[-1].startswith(b"a OK"), name
        client.close()
    client = server.raw()
    assert client.command("a", "LOGIN alice SECRET-A")[-1].startswith(b"a NO [AUTHENTICATIONFAILED]")
    message = b64("\0Alice\0secret-a")
    assert client.command("b", f"AUTHENTICATE PLAIN {message}")[-1].startswith(b"b OK")
    # Both spellings reach the same mailboxes.
    client.command("c", "CREATE Shared-Check")
    other = login_raw(server, "ALICE")
    lines = other.command("d", 'LIST "" Shared-Check')
    assert lines[0] == b'* LIST (\\HasNoChildren) "/" "Shared-Check"'


# --- AUTHENTICATE PLAIN ------------------------------------------------------------------------

def test_authenticate_plain_with_initial_response(server):
    """RFC 4959 §3, RFC 4616 §2: `AUTHENTICATE PLAIN <base64>` on one line, no continuation."""
    client = server.raw()
    lines = client.command("a", f"AUTHENTICATE PLAIN {b64(chr(0) + 'alice' + chr(0) + 'secret-a')}")
    assert len(lines) == 1 and re.match(rb"^a OK( \[CAPABILITY [^\]]+\])? .+", lines[0]), lines
    assert client.command("b", "SELECT INBOX")[-1].startswith(b"b OK")


def test_authenticate_plain_with_continuation(server):
    """RFC 3501 §6.2.2, §7.5: without an initial response the server sends an empty
    challenge `+ ` and the client answers with one base64 line."""
    client = server.raw()
    client.send(b"a AUTHENTICATE PLAIN\r\n")
    assert client.readline() == b"+ "
    client.send(b64("\0alice\0secret-a").encode() + b"\r\n")
    lines = client.read_response("a")
    assert len(lines) == 1 and lines[0].startswith(b"a OK"), lines
    assert client.command("b", "SELECT INBOX")[-1].startswith(b"b OK")


def test_authenticate_plain_wrong_password_fails_like_login(server):
    """RFC 4616 §2, RFC 5530: a wrong password via AUTHENTICATE is NO [AUTHENTICATIONFAILED],
    on both paths."""
    client = server.raw()
    line = client.command("a", f"AUTHENTICATE PLAIN {b64(chr(0) + 'alice' + chr(0) + 'nope')}")[-1]
    assert line.startswith(b"a NO [AUTHENTICATIONFAILED]"), line
    client.send(b"b AUTHENTICATE PLAIN\r\n")
    assert client.readline() == b"+ "
    client.send(b64("\0nobody\0nope").encode() + b"\r\n")
    assert client.read_response("b")[-1].startswith(b"b NO [AUTHENTICATIONFAILED]")


def test_authenticate_cancelled_with_star_is_bad(server):
    """RFC 3501 §6.2.2: a client line `*` cancels the exchange and the server answers BAD;
    the session then goes on and can authenticate."""
    client = server.raw()
    client.send(b"a AUTHENTICATE PLAIN\r\n")
    assert client.readline() == b"+ "
    client.send(b"*\r\n")
    line = client.read_response("a")[-1]
    assert re.match(rb"^a BAD .+", line), line
    assert client.command("b", "NOOP") == [b"b OK NOOP completed"]
    assert client.command("c", "SELECT INBOX")[-1].startswith(b"c BAD")
    assert client.command("d", "LOGIN alice secret-a")[-1].startswith(b"d OK")


def test_authenticate_invalid_base64_response_is_bad(server):
    """RFC 3501 §6.2.2: an undecodable response line rejects the command with BAD."""
    client = server.raw()
    client.send(b"a AUTHENTICATE PLAIN\r\n")
    assert client.readline() == b"+ "
    client.send(b"%%%not base64%%%\r\n")
    assert re.match(rb"^a BAD .+", client.read_response("a")[-1])
    assert client.command("b", "NOOP") == [b"b OK NOOP completed"]


def test_authenticate_authzid_other_than_authcid_is_refused(server):
    """RFC 4616 §2: a server that does not let one user act as another refuses an authzid
    different from the authcid (here bob asking to be alice with his own password)."""
    client = server.raw()
    line = client.command("a", f"AUTHENTICATE PLAIN {b64('alice' + chr(0) + 'bob' + chr(0) + 'secret-b')}")[-1]
    assert re.match(rb"^a NO .+", line), line
    assert client.command("b", "SELECT INBOX")[-1].startswith(b"b BAD")
    # An authzid equal to the authcid (any case) is acting as oneself: allowed.
    line = client.command("c", f"AUTHENTICATE PLAIN {b64('BOB' + chr(0) + 'bob' + chr(0) + 'secret-b')}")[-1]
    assert line.startswith(b"c OK"), line


def test_authenticate_unknown_mechanism_is_no(server):
    """RFC 3501 §6.2.2: a mechanism the server does not support gets NO."""
    client = server.raw()
    assert re.match(rb"^a NO .+", client.command("a", "AUTHENTICATE CRAM-MD5")[-1])


def test_authenticate_after_login_is_refused(server):
    """RFC 3501 §6.2: AUTHENTICATE is valid only in the not-authenticated state."""
    client = login_raw(server)
    line = client.command("a", f"AUTHENTICATE PLAIN {b64(chr(0) + 'bob' + chr(0) + 'secret-b')}")[-1]
    assert line.startswith(b"a BAD"), line


def test_authenticate_plain_with_imaplib_and_imapclient(server):
    """RFC 4616 through real clients: imaplib's AUTHENTICATE (continuation path) and
    imapclient's plain_login."""
    lib = server.imap()
    typ, _ = lib.authenticate("PLAIN", lambda challenge: b"\0alice\0secret-a")
    assert typ == "OK" and lib.state == "AUTH"
    lib.logout()
    client = imapclient.IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=30)
    client.plain_login("bob", "secret-b")
    assert client.select_folder("INBOX")[b"EXISTS"] == 0
    client.logout()
    client = imapclient.IMAPClient("127.0.0.1", port=server.port, ssl=False, timeout=30)
    with pytest.raises(imapclient.exceptions.LoginError):
        client.plain_login("bob", "wrong")
