"""METADATA (RFC 5464) beside Dovecot 2.3 with its METADATA turned on (`imap_metadata = yes` and a
file dict for the entries: two settings, `DovecotPeer(extra_config=...)`). Both servers get the
same commands; the tagged status, the METADATA response codes and the entries of every
METADATA response (names and values, whatever their quoting) must agree. Where the two differ
by design (binary values, options after the mailbox, vendor names, the code for shared server
entries) the README's "Differences from Dovecot" says why; those commands are not sent here.
Runs where Dovecot can (root, `dovecot-imapd`, a `vmail` user); skipped elsewhere."""

import re

import pytest

from conftest import RawClient, TernServer
from dovecot_peer import DovecotPeer, unavailable_reason

DOVECOT_METADATA = "imap_metadata = yes\nmail_attribute_dict = file:%h/dovecot-attributes\n"

COMMANDS = [
    'SETMETADATA INBOX (/private/comment "My comment" /shared/comment "Shared" /private/a/b "x" /private/a/b/c "y")',
    "GETMETADATA INBOX (/Shared/Comment /private/comment /private/none)",
    "GETMETADATA (DEPTH 1) INBOX (/private /private/a /private/zz)",
    "GETMETADATA (DEPTH infinity) INBOX /private/a",
    "GETMETADATA (DEPTH infinity) INBOX (/shared)",
    "GETMETADATA (MAXSIZE 5) INBOX (/private/comment /shared/comment)",
    "GETMETADATA (MAXSIZE 100) INBOX (/private/comment)",
    "SETMETADATA INBOX (/private/text {10+}\r\nab\r\ncd\r\nef)",
    "GETMETADATA INBOX /private/text",
    "SETMETADATA INBOX (/private/comment NIL)",
    "GETMETADATA INBOX /private/comment",
    'SETMETADATA "" (/private/vendor/deltachat/token "tok")',
    'GETMETADATA "" /private/vendor/deltachat/token',
    'SETMETADATA "" (/shared/comment "x")',
    "GETMETADATA INBOX /private/a*",
    "GETMETADATA INBOX /private/a/",
    "GETMETADATA INBOX private",
    "GETMETADATA nosuch /private/x",
    'SETMETADATA nosuch (/private/x "1")',
    "CREATE Projects",
    'SETMETADATA Projects (/shared/comment "a" /private/comment "b")',
    "RENAME Projects Work",
    "GETMETADATA Work (/shared/comment /private/comment)",
    "DELETE Work",
    "CREATE Work",
    "GETMETADATA Work (/shared/comment /private/comment)",
]


def token(data):
    """One `astring`/`nstring`/`literal`/`literal8` at the start of `data` (literals inlined as
    the RawClient reads them): (value, rest); NIL is None."""
    if data.startswith(b'"'):
        match = re.match(rb'"((?:[^"\\]|\\.)*)"', data)
        return re.sub(rb"\\(.)", rb"\1", match.group(1)), data[match.end():]
    match = re.match(rb"~?\{(\d+)\}\r\n", data)
    if match:
        end = match.end() + int(match.group(1))
        return data[match.end():end], data[end:]
    match = re.match(rb"[^ ()]+", data)
    value = match.group(0)
    return (None if value.upper() == b"NIL" else value), data[match.end():]


def metadata_entries(line):
    """`* METADATA mailbox (entry value ...)` as (mailbox, {entry: value})."""
    mailbox, rest = token(line[len(b"* METADATA "):])
    assert rest.startswith(b" ("), line
    rest = rest[2:]
    entries = {}
    while not rest.startswith(b")"):
        name, rest = token(rest)
        value, rest = token(rest[1:])
        entries[name.lower()] = value
        rest = rest[1:] if rest.startswith(b" ") else rest
    return mailbox, entries


def normalized(lines):
    """What must agree: the METADATA responses' entries, the tagged status and METADATA code."""
    tagged = lines[-1].split(b" ", 2)
    code = re.match(rb"\[(METADATA [^\]]*)\]", tagged[2]) if len(tagged) > 2 else None
    responses = [metadata_entries(line) for line in lines if line.startswith(b"* METADATA ")]
    return tagged[1], code.group(1) if code else None, responses


@pytest.fixture
def peers(tmp_path):
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    dovecot = DovecotPeer(users=[("alice", "secret-a")], extra_config=DOVECOT_METADATA)
    tern = TernServer(tmp_path / "tern-data")
    try:
        dovecot.start()
        tern.add_user("alice", "secret-a")
        tern.start()
        yield dovecot, tern
    finally:
        tern.stop()
        dovecot.stop()
        dovecot.cleanup()


def test_metadata_answers_match_dovecot(peers):
    """Every command of COMMANDS, in order, gets the same answer from both servers."""
    dovecot_server, tern_server = peers
    clients = [RawClient(dovecot_server.port), RawClient(tern_server.port)]
    try:
        for client in clients:
            assert client.command("l", "LOGIN alice secret-a")[-1].startswith(b"l OK")
        answers = []
        for index, command in enumerate(COMMANDS):
            tag = f"m{index}"
            dovecot, tern = (normalized(client.command(tag, command)) for client in clients)
            assert tern == dovecot, command
            answers.append(tern)
        assert sum(len(responses) for _, _, responses in answers) >= 10, "METADATA responses were compared"
        assert {status for status, _, _ in answers} == {b"OK", b"NO", b"BAD"}
        assert (b"OK", b"METADATA LONGENTRIES 10", []) in answers
    finally:
        for client in clients:
            client.close()
