"""Pipelining and framing end to end (RFC 3501 §5.5, §4.3, §7.5; RFC 7888): many commands in
one packet answered in order, APPEND with LITERAL+ pipelined with FETCH, a command sent one
byte per packet, and literals split across packets at every position."""

import re
import socket
import time

from conftest import literal_after, login_raw


def tagged_order(lines):
    return [line.split(b" ", 1)[0] for line in lines if not line.startswith(b"* ") and not line.startswith(b"+ ")]


def read_until_tag(client, tag):
    return client.read_response(tag)


def send_in_parts(client, parts, pause=0.005):
    """Sends each part as its own packet (TCP_NODELAY, with a short pause between)."""
    client.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for part in parts:
        if part:
            client.sock.sendall(part)
            time.sleep(pause)


def test_many_commands_in_one_packet_are_answered_in_order(server, corpus):
    """RFC 3501 §5.5: a client may send several commands without waiting; the server answers
    each with its tagged response, in the order the commands were sent here (each depends
    on the state the one before left)."""
    client = login_raw(server)
    message = corpus[0]
    commands = [
        b"t01 NOOP", b"t02 CAPABILITY", b"t03 CREATE Pipe", b't04 LIST "" Pipe',
        b"t05 APPEND Pipe {%d+}\r\n%s" % (len(message), message), b"t06 STATUS Pipe (MESSAGES)",
        b"t07 SELECT Pipe", b"t08 FETCH 1 (UID RFC822.SIZE)", b"t09 STORE 1 +FLAGS (\\Flagged)",
        b"t10 FROBNICATE", b"t11 FETCH 1 (FLAGS)", b"t12 COPY 1 INBOX", b"t13 STORE 1 +FLAGS.SILENT (\\Deleted)",
        b"t14 EXPUNGE", b"t15 UNSELECT", b"t16 STATUS Pipe (MESSAGES)", b"t17 DELETE Pipe",
        b'a18 LIST "" Pipe', b"t19 NOOP",
    ] + [b"n%02d NOOP" % i for i in range(40)]
    client.send(b"".join(c + b"\r\n" for c in commands))
    lines = read_until_tag(client, "n39")
    expected_tags = [c.split(b" ", 1)[0] for c in commands]
    assert tagged_order(lines) == expected_tags
    response = {}
    current = []
    for line in lines:
        current.append(line)
        if not line.startswith(b"* "):
            response[line.split(b" ", 1)[0]] = current
            current = []
    assert response[b"t04"][0] == b'* LIST (\\HasNoChildren) "/" "Pipe"'
    assert response[b"t05"][-1].startswith(b"t05 OK [APPENDUID")
    assert b"MESSAGES 1" in response[b"t06"][0]
    assert f"RFC822.SIZE {len(message)}".encode() in response[b"t08"][0]
    assert response[b"t10"][-1].startswith(b"t10 BAD")
    assert b"\\Flagged" in response[b"t11"][0]
    assert response[b"t14"] == [b"* 1 EXPUNGE", b"t14 OK EXPUNGE completed"]
    assert b"MESSAGES 0" in response[b"t16"][0]
    assert response[b"a18"] == [b"a18 OK LIST completed"]


def test_pipelined_append_literal_plus_then_fetch(server, corpus):
    """RFC 7888 §3 with RFC 3501 §5.5: APPEND with a non-synchronizing literal, SELECT and FETCH
    in one packet: the FETCH sees the appended message."""
    client = login_raw(server)
    message = corpus[7]
    client.send(b"a APPEND INBOX (\\Draft) {%d+}\r\n%s\r\nb SELECT INBOX\r\nc FETCH 1 (FLAGS BODY.PEEK[])\r\n"
                b"d LOGOUT\r\n" % (len(message), message))
    lines = client.read_response("d")
    assert tagged_order(lines) == [b"a", b"b", b"c", b"d"]
    fetch = [l for l in lines if l.startswith(b"* 1 FETCH")][0]
    assert literal_after(fetch, "BODY[]") == message and b"\\Draft" in fetch
    assert client.closed()


def test_commands_after_logout_in_the_same_packet_are_not_run(server):
    """RFC 3501 §6.1.3: after LOGOUT's OK the connection closes; a pipelined command after it
    gets no answer."""
    client = login_raw(server)
    client.send(b"a LOGOUT\r\nb CREATE AfterLogout\r\n")
    lines = client.read_response("a")
    assert lines[0].startswith(b"* BYE") and lines[-1] == b"a OK LOGOUT completed"
    assert client.closed()
    assert b"b " not in client.buffer
    check = login_raw(server)
    assert check.command("l", 'LIST "" AfterLogout') == [b"l OK LIST completed"]


def test_command_sent_one_byte_per_packet(server, corpus):
    """RFC 3501 §5.5 / DESIGN.md framing: a line may arrive split at any byte; the server
    waits for the whole command."""
    client = server.raw()
    data = b"a1 LOGIN alice secret-a\r\nb1 SELECT INBOX\r\nc1 STATUS INBOX (MESSAGES UIDNEXT)\r\n"
    send_in_parts(client, [data[i:i + 1] for i in range(len(data))], pause=0.002)
    lines = client.read_response("c1")
    assert tagged_order(lines) == [b"a1", b"b1", b"c1"]
    assert all(re.match(rb"^\w+ OK ", l) for l in lines if not l.startswith(b"* "))
    # A message literal one byte per packet, too.
    message = corpus[3][:300]
    data = b"d1 APPEND INBOX {%d+}\r\n%s\r\ne1 FETCH 1 (BODY.PEEK[])\r\n" % (len(message), message)
    send_in_parts(client, [data[i:i + 1] for i in range(len(data))], pause=0.001)
    lines = client.read_response("e1")
    assert lines[-1] == b"e1 OK FETCH completed"
    assert literal_after([l for l in lines if l.startswith(b"* 1 FETCH")][0], "BODY[]") == message


def test_literal_plus_split_at_every_position(server):
    """RFC 7888 §3, RFC 3501 §4.3: a command with non-synchronizing literals, split into two
    packets at every byte position, always gives the same answer."""
    client = login_raw(server)
    client.command("c", "CREATE Box")
    data = b"s STATUS {3+}\r\nBox (MESSAGES)\r\n"
    for cut in range(1, len(data)):
        send_in_parts(client, [data[:cut], data[cut:]])
        lines = client.read_response("s")
        assert lines == [b'* STATUS "Box" (MESSAGES 0)', b"s OK STATUS completed"], (cut, lines)


def test_synchronizing_literal_split_at_every_position(server):
    """RFC 3501 §4.3, §7.5: after `+` the literal and the rest of the line may arrive split
    anywhere."""
    client = server.raw()
    head, tail = b"a LOGIN {5}\r\n", b"alice {8}\r\nsecret-a\r\n"
    for cut in range(0, len(tail)):
        client.send(head)
        assert client.readline().startswith(b"+ "), cut
        first, second = tail[:cut], tail[cut:]
        # The second literal's `+` comes once its marker line is complete.
        marker_end = tail.index(b"}\r\n") + 3
        if cut >= marker_end:
            send_in_parts(client, [first])
            assert client.readline().startswith(b"+ "), cut
            send_in_parts(client, [second])
        else:
            send_in_parts(client, [first, tail[cut:marker_end]])
            assert client.readline().startswith(b"+ "), cut
            send_in_parts(client, [tail[marker_end:]])
        line = client.read_response("a")[-1]
        assert line.startswith(b"a OK"), (cut, line)
        # Back to the not-authenticated state for the next round.
        client.send(b"z LOGOUT\r\n")
        client.read_response("z")
        client.close()
        client = server.raw()


def test_append_literal_split_at_every_position(server):
    """DESIGN.md (framing) with RFC 7888: an APPEND whose message literal streams to storage,
    split into two packets at every position, stores exactly the message each time."""
    client = login_raw(server)
    client.command("s", "SELECT INBOX")
    message = b"Subject: split\r\n\r\nHello, world!\r\n"
    data = b"a APPEND INBOX (\\Seen) {%d+}\r\n%s\r\n" % (len(message), message)
    count = 0
    for cut in range(1, len(data)):
        send_in_parts(client, [data[:cut], data[cut:]])
        lines = client.read_response("a")
        assert lines[-1].startswith(b"a OK [APPENDUID"), (cut, lines)
        count += 1
        assert f"* {count} EXISTS".encode() in lines, (cut, lines)
    lines = client.command("f", "FETCH 1:* (BODY.PEEK[])")
    assert len(lines) == count + 1
    assert all(literal_after(l, "BODY[]") == message for l in lines[:-1])


def test_multiappend_split_at_every_position(server):
    """RFC 3502 with RFC 7888: a two-message APPEND split at every position stores both
    messages each time."""
    client = login_raw(server)
    m1, m2 = b"Subject: a\r\n\r\none\r\n", b"Subject: b\r\n\r\ntwo\r\n"
    data = b"a APPEND INBOX {%d+}\r\n%s (\\Flagged) {%d+}\r\n%s\r\n" % (len(m1), m1, len(m2), m2)
    for cut in range(1, len(data)):
        send_in_parts(client, [data[:cut], data[cut:]])
        line = client.read_response("a")[-1]
        assert re.match(rb"^a OK \[APPENDUID \d+ \d+:\d+\] ", line), (cut, line)
    status = client.command("st", "STATUS INBOX (MESSAGES)")[0]
    assert f"MESSAGES {2 * (len(data) - 1)}".encode() in status
