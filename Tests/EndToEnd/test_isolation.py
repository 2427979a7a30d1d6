"""Isolation (issue "Security", item 5): a user reaches only their own mailboxes. Bob tries
every command that takes a mailbox name, with names that would escape a per-user namespace
on a file-system store, and every name-validation rule is checked at its edge."""

import re

import pytest

from conftest import append_raw, login_raw

ESCAPES = ["../alice/INBOX", "/alice/INBOX", "~alice/INBOX", "#users/alice/INBOX", "alice/INBOX",
           "../../INBOX", "Secret", "INBOX/../Secret", "/Secret", "..", "."]


@pytest.fixture
def two_users(server, corpus):
    alice = login_raw(server, "alice", "secret-a")
    alice.command("c", "CREATE Secret")
    append_raw(alice, "p", "Secret", corpus[0])
    append_raw(alice, "q", "INBOX", corpus[1])
    bob = login_raw(server, "bob", "secret-b")
    return alice, bob


def test_list_patterns_show_only_own_mailboxes(two_users):
    _, bob = two_users
    for pattern in ['"*"', '"%"', '"%/%"', '"../*"', '"/*"', '"alice/*"', '"~alice/*"', '"*Secret*"', '"#*"']:
        lines = bob.command("l", f'LIST "" {pattern}')
        assert lines[-1].startswith(b"l OK")
        assert not any(b"Secret" in l or b"alice" in l for l in lines), (pattern, lines)
    for reference in ['"../"', '"/"', '"alice/"', '"~alice/"']:
        lines = bob.command("r", f"LIST {reference} *")
        assert not any(b"Secret" in l for l in lines), (reference, lines)


@pytest.mark.parametrize("name", ESCAPES)
def test_no_command_reaches_another_users_mailbox(two_users, name):
    alice, bob = two_users
    quoted = f'"{name}"'
    for command in [f"SELECT {quoted}", f"EXAMINE {quoted}", f"STATUS {quoted} (MESSAGES)",
                    f"DELETE {quoted}", f"RENAME {quoted} Stolen"]:
        line = bob.command("a", command)[-1]
        assert re.match(rb"^a (NO|BAD) ", line), (command, line)
    bob.send(f"b APPEND {quoted} {{5+}}\r\nhello\r\n".encode())
    assert re.match(rb"^b (NO|BAD) ", bob.read_response("b")[-1])
    append_raw(bob, "c", "INBOX", b"Subject: bob\r\n\r\nbob's\r\n")
    bob.command("s", "SELECT INBOX")
    for command in [f"COPY 1 {quoted}", f"MOVE 1 {quoted}", f"UID COPY 1:* {quoted}"]:
        line = bob.command("d", command)[-1]
        assert re.match(rb"^d (NO|BAD) ", line), (command, line)
    bob.command("u", "UNSELECT")
    # Alice's mailboxes are untouched.
    line = alice.command("s", "STATUS Secret (MESSAGES)")[0]
    assert b"MESSAGES 1" in line
    line = alice.command("t", "STATUS INBOX (MESSAGES)")[0]
    assert b"MESSAGES 1" in line


def test_renaming_own_mailbox_cannot_escape(two_users):
    _, bob = two_users
    bob.command("c", "CREATE Mine")
    for target in ["../alice/Mine", "/Mine", "a//b", "..", "x/../y"]:
        line = bob.command("r", f'RENAME Mine "{target}"')[-1]
        assert re.match(rb"^r (NO|BAD) ", line), (target, line)
    assert b'"Mine"' in b" ".join(bob.command("l", 'LIST "" Mine'))


@pytest.mark.parametrize("name, reason", [
    ("a//b", "empty level"), ("a/../b", "dot-dot level"), ("./a", "dot level"), ("a/", None),
    ("x" * 256, "level too long"), ("/".join(["y" * 200] * 6), "name too long"),
])
def test_name_validation(server, name, reason):
    client = login_raw(server)
    line = client.command("c", f'CREATE "{name}"')[-1]
    if reason is None:
        assert line.startswith(b"c OK")  # a trailing delimiter means "to hold children"
    else:
        assert re.match(rb"^c NO ", line), (reason, line)


def test_nul_control_and_bad_utf7_names_are_refused(server):
    client = login_raw(server)
    client.send(b'a CREATE "bad\x00name"\r\n')
    assert re.match(rb"^a BAD ", client.read_response("a")[-1])
    client.send(b"b CREATE {8+}\r\nbad\x01name\r\n")
    assert re.match(rb"^b (NO|BAD) ", client.read_response("b")[-1])
    # Not valid modified UTF-7 (RFC 3501 §5.1.3), but valid syntax: NO, not BAD.
    assert re.match(rb"^c NO \[CANNOT\] ", client.command("c", "CREATE &Jjo")[-1])
    assert re.match(rb"^d NO \[CANNOT\] ", client.command("d", 'CREATE "&AGEAYgBj-"')[-1])  # ASCII in base64 run
