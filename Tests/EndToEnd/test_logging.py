"""What a client can make the server log (README: Security): every client-supplied value is
quoted, its control characters escaped (so a CRLF in a LOGIN literal cannot forge a log
line, CWE-117) and cut short; the ID line is logged once per connection, so pipelined IDs
with large values cannot flood the log (RFC 9051 §11: no unbounded resource use)."""

import base64

from conftest import TEST_CONFIG, TernServer

FORGED = b"2026-01-01T00:00:00+0000 info tern : user=root [IMAPServer] login succeeded"


def test_crlf_in_a_login_name_cannot_forge_a_log_line(tmp_path):
    s = TernServer(tmp_path / "data", config_text=TEST_CONFIG + "login_failure_delay = 0\n")
    s.add_user("alice", "secret-a")
    s.start()
    try:
        name = b"mal\x1b[2J\xe2\x80\xaelory\r\n" + FORGED + b"\r\n" + b"y" * 500
        client = s.raw()
        client.send(b"a LOGIN {%d+}\r\n" % len(name) + name + b" wrong\r\n")
        assert client.read_response("a")[-1].startswith(b"a NO")
        client.send(b"b AUTHENTICATE PLAIN " + base64.b64encode(b"\0" + name + b"\0x") + b"\r\n")
        assert client.read_response("b")[-1].startswith(b"b NO")
    finally:
        s.stop()
    lines = s.stderr.splitlines()
    assert not any(line.startswith(FORGED[:20]) for line in lines), s.stderr[-3000:]
    failed = [line for line in lines if b"login failed" in line]
    assert len(failed) == 2, failed
    for line in failed:
        assert b'user="mal\\u{1b}[2J\\u{202e}lory\\r\\n2026-01-01' in line, line
        assert b"y" * 10 not in line and "\u2026(+".encode() in line, line  # cut at 64 characters


def test_pipelined_ids_with_large_values_do_not_flood_the_log(tmp_path):
    """The issue's flood: 1,000 pipelined IDs with 8 KB values added 56 MB to the log. Now
    the first ID is logged (each field cut to 64 characters) and the others are not."""
    log = tmp_path / "server.log"
    s = TernServer(tmp_path / "data", log_file=log)
    s.start()
    try:
        size_before = log.stat().st_size
        value = "x" * 8000
        batch = "".join(f'i{n} ID ("name" "{value}" "version" "{n}")\r\n' for n in range(999)).encode()
        client = s.raw()
        client.send(batch)
        client.read_response("i998")
        client.command("z", "LOGOUT")
    finally:
        s.stop()
    text = log.read_bytes()
    grown = len(text) - size_before
    identified = [line for line in text.splitlines() if b"client identified" in line]
    print(f"\nlog grew by {grown} bytes for 999 IDs of 8 KB")
    assert len(identified) == 1, len(identified)
    assert len(identified[0]) < 600 and b'"name"="' + b"x" * 64 + b'"' in identified[0], identified[0][:300]
    assert grown < 5000, grown
