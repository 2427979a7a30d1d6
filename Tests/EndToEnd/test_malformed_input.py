"""Bad input gets a clear answer and the session goes on (RFC 9051 §7.1.3): every case sends
one malformed or misplaced command and expects BAD/NO with a reason, then checks that the
same connection still answers NOOP. Only input that cannot be resynchronised ends with BYE."""

import re

import pytest

# (name, state, bytes sent, expected response line) — the regex matches the final line;
# `*` means an untagged answer because no tag could be read.
NOT_AUTHENTICATED = [
    ("tag with plus", b"+ NOOP\r\n", rb"^\* BAD .+"),
    ("tag only", b"a\r\n", rb"^(\*|a) BAD .+"),
    ("double space", b"a  NOOP\r\n", rb"^a BAD .+"),
    ("tab separator", b"a\tNOOP\r\n", rb"^\* BAD .+"),
    ("parenthesis in tag", b"(a NOOP\r\n", rb"^\* BAD .+"),
    ("brace in tag", b"a{ NOOP\r\n", rb"^\* BAD .+"),
    ("percent in tag", b"a% NOOP\r\n", rb"^\* BAD .+"),
    ("star in tag", b"a* NOOP\r\n", rb"^\* BAD .+"),
    ("quote in tag", b'a" NOOP\r\n', rb"^\* BAD .+"),
    ("unknown command", b"a FROBNICATE\r\n", rb"^a BAD .*FROBNICATE"),
    ("trailing junk", b"a NOOP extra\r\n", rb"^a BAD .+"),
    ("login without arguments", b"a LOGIN\r\n", rb"^a BAD .+"),
    ("login without password", b"a LOGIN alice\r\n", rb"^a BAD .+"),
    ("unterminated quote", b'a LOGIN "alice secret-a\r\n', rb"^a BAD .+"),
    ("bad escape in quote", b'a LOGIN "ali\\ce" x\r\n', rb"^a BAD .+"),
    ("extra login argument", b"a LOGIN alice secret-a extra\r\n", rb"^a BAD .+"),
    ("NUL in command name", b"a NO\x00OP\r\n", rb"^a BAD .+"),
    ("NUL in quoted string", b'a LOGIN "al\x00ice" x\r\n', rb"^a BAD .+"),
    ("8-bit byte in atom", b"a LOGIN \xe9t\xe9 x\r\n", rb"^a BAD .+"),
    ("binary garbage", b"\xff\xfe\xfd\r\n", rb"^\* BAD .+"),
    ("SELECT before login", b"a SELECT INBOX\r\n", rb"^a BAD .+"),
    ("FETCH before login", b"a FETCH 1 FLAGS\r\n", rb"^a BAD .+"),
    ("STORE before login", b"a STORE 1 +FLAGS \\Seen\r\n", rb"^a BAD .+"),
    ("wrong password", b"a LOGIN alice wrong\r\n", rb"^a NO \[AUTHENTICATIONFAILED\] .+"),
    ("unknown user", b"a LOGIN nobody wrong\r\n", rb"^a NO \[AUTHENTICATIONFAILED\] .+"),
    ("unknown SASL mechanism", b"a AUTHENTICATE X-UNKNOWN\r\n", rb"^a NO .+"),
    ("bad base64 initial response", b"a AUTHENTICATE PLAIN !!!\r\n", rb"^a BAD .+"),
    ("wrong literal count", b"a LOGIN {2+}\r\nalice secret-a\r\n", rb"^a BAD .+"),
    ("literal marker without digits", b"a LOGIN {abc}\r\n", rb"^a BAD .+"),
    ("unclosed literal marker", b"a LOGIN {5\r\n", rb"^a BAD .+"),
    ("synchronizing literal over the limit", b"a LOGIN {99999999}\r\n", rb"^a BAD \[TOOBIG\] .+"),
    ("non-synchronizing literal over the limit", b"a LOGIN {70000+}\r\n" + b"x" * 70000 + b" y\r\n",
     rb"^a BAD \[TOOBIG\] .+"),
    ("line over the limit", b"a LOGIN " + b"x" * 70000 + b" y\r\n", rb"^a BAD .+"),
    ("deep nesting", b"a SEARCH " + b"(" * 500 + b"ALL" + b")" * 500 + b"\r\n", rb"^a BAD .+"),
    ("CHECK before login", b"a CHECK\r\n", rb"^a BAD .+"),
    # RFC 9051 §2.2.1: a command starts with a tag; an empty line is answered like any error.
    ("empty line", b"\r\n", rb"^\* BAD Empty command line$"),
    ("bare LF", b"\n", rb"^\* BAD Empty command line$"),
    # RFC 9051 §9: a literal length is a number64, at most 2^63-1.
    ("literal length above number64", b"a LOGIN {00099999999999999999999}\r\n",
     rb"^a BAD Invalid literal length.*"),
]

AUTHENTICATED = [
    ("SELECT without mailbox", b"a SELECT\r\n", rb"^a BAD .+"),
    ("SELECT unterminated quote", b'a SELECT "INBOX\r\n', rb"^a BAD .+"),
    ("SELECT missing mailbox", b"a SELECT NoSuchBox\r\n", rb"^a NO \[NONEXISTENT\] .+"),
    ("FETCH without selection", b"a FETCH 1 FLAGS\r\n", rb"^a BAD .+"),
    ("CREATE empty name", b'a CREATE ""\r\n', rb"^a NO .+"),
    ("CREATE empty level", b"a CREATE a//b\r\n", rb"^a NO .+"),
    ("CREATE dot-dot level", b"a CREATE ../x\r\n", rb"^a NO .+"),
    # Valid syntax, but no mailbox can have the name (RFC 3501 §5.1.3): NO, not BAD.
    ("CREATE invalid modified UTF-7", b"a CREATE &Jjo\r\n", rb"^a NO \[CANNOT\] .+"),
    ("SELECT invalid modified UTF-7", b"a SELECT &Jjo\r\n", rb"^a NO \[NONEXISTENT\] .+"),
    ("DELETE INBOX", b"a DELETE INBOX\r\n", rb"^a NO .+"),
    ("RENAME onto INBOX", b"a RENAME Sent INBOX\r\n", rb"^a NO .+"),
    ("STATUS unknown attribute", b"a STATUS INBOX (FOO)\r\n", rb"^a BAD .+"),
    ("STATUS without list", b"a STATUS INBOX\r\n", rb"^a BAD .+"),
    ("LIST without pattern", b'a LIST ""\r\n', rb"^a BAD .+"),
    ("APPEND to missing mailbox", b"a APPEND NoSuchBox {3}\r\n", rb"^a NO \[TRYCREATE\] .+"),
    ("APPEND unknown system flag", b"a APPEND INBOX (\\Bogus) {3}\r\n", rb"^a BAD .+"),
    ("APPEND impossible date", b'a APPEND INBOX "32-Jan-2020 00:00:00 +0000" {3}\r\n', rb"^a BAD .+"),
    ("APPEND empty message", b"a APPEND INBOX {0}\r\n", rb"^a NO .+"),
    ("APPEND junk after message", b"a APPEND INBOX {3+}\r\nabc junk\r\n", rb"^a BAD .+"),
    ("UNSELECT without selection", b"a UNSELECT\r\n", rb"^a BAD .+"),
    ("LOGIN again", b"a LOGIN alice secret-a\r\n", rb"^a BAD .+"),
]

SELECTED = [
    ("FETCH sequence zero", b"a FETCH 0 FLAGS\r\n", rb"^a BAD .+"),
    ("FETCH beyond the mailbox", b"a FETCH 99 FLAGS\r\n", rb"^a BAD .+"),
    ("FETCH open range", b"a FETCH 1: FLAGS\r\n", rb"^a BAD .+"),
    ("FETCH unbalanced parenthesis", b"a FETCH 1:* (FLAGS\r\n", rb"^a BAD .+"),
    ("FETCH unknown attribute", b"a FETCH 1 (FOO)\r\n", rb"^a BAD .+"),
    ("FETCH HEADER.FIELDS without list", b"a FETCH 1 BODY[HEADER.FIELDS]\r\n", rb"^a BAD .+"),
    ("FETCH unclosed section", b"a FETCH 1 BODY[1.MIME\r\n", rb"^a BAD .+"),
    ("FETCH partial without length", b"a FETCH 1 BODY[]<1>\r\n", rb"^a BAD .+"),
    ("STORE unknown item", b"a STORE 1 FLAGS.FOO \\Seen\r\n", rb"^a BAD .+"),
    ("STORE \\Recent", b"a STORE 1 +FLAGS \\Recent\r\n", rb"^a BAD .+"),
    ("STORE unbalanced parenthesis", b"a STORE 1 +FLAGS (\\Seen\r\n", rb"^a BAD .+"),
    ("COPY without mailbox", b"a COPY 1\r\n", rb"^a BAD .+"),
    ("COPY to missing mailbox", b"a COPY 1 NoSuchBox\r\n", rb"^a NO \[TRYCREATE\] .+"),
    ("UID without command", b"a UID\r\n", rb"^a BAD .+"),
    ("UID with unknown command", b"a UID FROB 1\r\n", rb"^a BAD .+"),
    ("UID FETCH without arguments", b"a UID FETCH\r\n", rb"^a BAD .+"),
    ("SEARCH NOT without key", b"a SEARCH NOT\r\n", rb"^a BAD .+"),
    ("EXPUNGE with argument", b"a EXPUNGE 1\r\n", rb"^a BAD .+"),
    ("CLOSE with argument", b"a CLOSE x\r\n", rb"^a BAD .+"),
    ("SELECT unknown parameter", b"a SELECT INBOX (FOO)\r\n", rb"^a BAD .+"),
]


def run_cases(client, cases):
    for name, data, expected in cases:
        client.send(data)
        # Read until a line matches the expectation; untagged data before it is fine.
        for _ in range(20):
            line = client.readline()
            if line.startswith(b"+ "):
                continue
            if re.match(rb"^(a|\*) (OK|NO|BAD) ", line):
                break
        assert re.match(expected, line), f"{name}: got {line!r}"
        assert client.command("z", "NOOP")[-1].startswith(b"z OK"), f"{name}: session did not go on"


def test_malformed_input_before_login(server):
    client = server.raw()
    run_cases(client, NOT_AUTHENTICATED)


def test_malformed_input_when_authenticated(server):
    client = server.raw()
    client.command("l", "LOGIN alice secret-a")
    client.command("c", "CREATE Sent")
    run_cases(client, AUTHENTICATED)


def test_malformed_input_when_selected(server):
    client = server.raw()
    client.command("l", "LOGIN alice secret-a")
    for i in range(3):
        body = f"Subject: m{i}\r\n\r\nbody {i}\r\n".encode()
        client.send(f"p{i} APPEND INBOX {{{len(body)}+}}\r\n".encode() + body + b"\r\n")
        client.read_response(f"p{i}")
    client.command("s", "SELECT INBOX")
    run_cases(client, SELECTED)


def test_case_count():
    """The issue asks for at least 50 kinds of malformed input."""
    assert len(NOT_AUTHENTICATED) + len(AUTHENTICATED) + len(SELECTED) >= 50


def test_unskippable_literal_ends_with_bye(server):
    """A non-synchronizing literal too large to read and discard cannot be resynchronised:
    BYE with TOOBIG (RFC 7888 §4, §5) and the connection closes."""
    client = server.raw()
    client.command("l", "LOGIN alice secret-a")
    client.send(b"a APPEND INBOX {999999999999+}\r\nxxxx")
    line = client.readline()
    while not line.startswith(b"* BYE"):
        line = client.readline()
    assert re.match(rb"^\* BYE \[TOOBIG\] .+", line)
    assert client.closed()


def test_literal_length_with_leading_zeros_is_a_literal(server):
    """RFC 9051 §9: `literal = "{" number64 ["+"] "}"` with `number64 = 1*DIGIT`, so leading
    zeros are allowed; `{00000000000000000000000000005}` announces 5 octets (the issue saw
    "Command ended unexpectedly" here)."""
    client = server.raw()
    client.send(b"a LOGIN {00000000000000000000000000005}\r\n")
    assert client.readline().startswith(b"+ ")
    client.send(b"alice secret-a\r\n")
    assert client.read_response("a")[-1].startswith(b"a OK")
