"""ACL (RFC 4314) beside Dovecot 2.3 with its acl and imap_acl plugins (`vfile` lists) and a
shared namespace `Other Users/%u/`: alice and bob send the same commands to both servers; the
tagged status, the NOPERM / READ-ONLY / READ-WRITE codes, and the rights of every ACL, MYRIGHTS
and LISTRIGHTS response (as sets of the standard letters: the two servers order letters
differently, and map the obsolete `c` differently, RFC 4314 §2.1.1) must agree. Runs where
Dovecot can (root, `dovecot-imapd`, a `vmail` user); skipped elsewhere."""

import re

import pytest

from conftest import RawClient, TernServer
from dovecot_peer import DovecotPeer, unavailable_reason

DOVECOT_ACL = """
mail_plugins = $mail_plugins acl
protocol imap {
  mail_plugins = $mail_plugins imap_acl
}
plugin {
  acl = vfile:cache_secs=0
  acl_shared_dict = file:%h/shared-mailboxes
}
namespace {
  type = shared
  separator = /
  prefix = Other Users/%%u/
  location = maildir:%%h/Maildir
  subscriptions = no
  list = children
}
"""

TEAM = '"Other Users/alice/Team"'
COMMANDS = [
    ("alice", "CREATE Team"),
    ("alice", "SETACL Team bob lr"),
    ("alice", "GETACL Team"),
    ("alice", "MYRIGHTS Team"),
    ("alice", "MYRIGHTS INBOX"),
    ("alice", "LISTRIGHTS Team bob"),
    ("bob", f"MYRIGHTS {TEAM}"),
    ("bob", f"SELECT {TEAM}"),
    ("bob", "UNSELECT"),  # Dovecot drops a session whose selected mailbox it was asked to DELETE
    ("bob", f"GETACL {TEAM}"),
    ("bob", f"SETACL {TEAM} bob lrswi"),
    ("bob", f"DELETE {TEAM}"),
    ("bob", 'MYRIGHTS "Other Users/alice/INBOX"'),
    ("bob", 'SELECT "Other Users/alice/Nowhere"'),
    ("alice", "SETACL Team bob +ws"),
    ("alice", "GETACL Team"),
    # A second session of bob's: Dovecot keeps a session's first view of a mailbox's rights.
    ("bob2", f"SELECT {TEAM}"),
    ("bob2", f"MYRIGHTS {TEAM}"),
    ("alice", "SETACL Team bob -w"),
    ("alice", "GETACL Team"),
    ("alice", "SETACL Team bob lrwstipekxa"),
    ("bob3", f"GETACL {TEAM}"),
    ("alice", "DELETEACL Team bob"),
    ("alice", "GETACL Team"),
    ("alice", "SETACL Team bob lrz"),
    ("alice", "GETACL nosuch"),
]

# Connections by name, and whom each logs in as.
SESSIONS = {"alice": "alice", "bob": "bob", "bob2": "bob", "bob3": "bob"}

CODES = {b"NOPERM", b"READ-ONLY", b"READ-WRITE"}


def letters(text):
    return frozenset(text.decode().strip('"')) - {"c", "d"}


def words(data):
    return re.findall(rb'"[^"]*"|[^ ]+', data)


def normalized(lines):
    tagged = lines[-1].split(b" ", 2)
    code = re.match(rb"\[([A-Z-]+)", tagged[2]) if len(tagged) > 2 else None
    responses = []
    for line in lines[:-1]:
        if line.startswith(b"* ACL "):
            parts = words(line[len(b"* ACL "):])[1:]
            responses.append(("ACL", frozenset((parts[i].strip(b'"'), letters(parts[i + 1]))
                                               for i in range(0, len(parts), 2))))
        elif line.startswith(b"* MYRIGHTS "):
            responses.append(("MYRIGHTS", letters(words(line)[-1])))
        elif line.startswith(b"* LISTRIGHTS "):
            parts = words(line[len(b"* LISTRIGHTS "):])
            responses.append(("LISTRIGHTS", parts[1], frozenset().union(*(letters(p) for p in parts[2:]))))
    return tagged[1], (code.group(1) if code and code.group(1) in CODES else None), responses


@pytest.fixture
def peers(tmp_path):
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    users = [("alice", "secret-a"), ("bob", "secret-b")]
    dovecot = DovecotPeer(users=users, extra_config=DOVECOT_ACL)
    tern = TernServer(tmp_path / "tern-data")
    try:
        dovecot.start()
        for name, password in users:
            tern.add_user(name, password)
        tern.start()
        yield dovecot, tern
    finally:
        tern.stop()
        dovecot.stop()
        dovecot.cleanup()


def test_acl_answers_match_dovecot(peers):
    """Every command of COMMANDS, in order, by its user, gets the same answer from both."""
    servers = []
    try:
        for server in peers:
            clients = {session: RawClient(server.port) for session in SESSIONS}
            for session, client in clients.items():
                name = SESSIONS[session]
                assert client.command("l", f"LOGIN {name} secret-{name[0]}")[-1].startswith(b"l OK")
            servers.append(clients)
        answers = []
        for index, (user, command) in enumerate(COMMANDS):
            dovecot, tern = (normalized(clients[user].command(f"t{index}", command)) for clients in servers)
            assert tern == dovecot, (user, command)
            answers.append(tern)
        assert sum(len(responses) for _, _, responses in answers) >= 10, "ACL responses were compared"
        assert {status for status, _, _ in answers} == {b"OK", b"NO", b"BAD"}
    finally:
        for clients in servers:
            for client in clients.values():
                client.close()
