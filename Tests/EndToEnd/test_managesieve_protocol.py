"""ManageSieve (RFC 5804) at the byte level: the greeting's capabilities, commands refused
before authentication, malformed commands (each answered NO, the session goes on), literals
at their limits, STARTTLS and the capabilities it re-sends (§2.2), PLAIN only where IMAP
allows a password in the clear, SCRAM-SHA-256 with the server's signature in OK (SASL ...)
(§2.1), failed-login penalties and the BYE after too many, the login and write deadlines,
NOOP's TAG and UNAUTHENTICATE."""

import base64
import socket
import time

from conftest import TEST_CONFIG
from managesieve_wire import capabilities, literal, make_sieve_server
from test_deadlines import server_closes_within
from test_scram import ScramClient


def b64(data):
    return base64.b64encode(data).decode()


def test_greeting_lists_the_capabilities(tmp_path):
    server = make_sieve_server(tmp_path)
    try:
        wire = server.sieve()
        caps = capabilities(wire.greeting)
        assert wire.greeting_end.startswith(b"OK")
        assert caps["IMPLEMENTATION"] == "Tern" and caps["VERSION"] == "1.0"
        # Loopback: IMAP's default rule lets a password travel in the clear here.
        assert caps["SASL"] == "PLAIN SCRAM-SHA-256"
        assert {"fileinto", "vacation", "variables", "imap4flags", "include", "reject"} <= set(caps["SIEVE"].split())
        assert caps["MAXREDIRECTS"] == "4"
        assert "STARTTLS" not in caps, "no certificate, no STARTTLS"
        assert "NOTIFY" not in caps, "enotify is not supported"
        assert "OWNER" not in caps, "OWNER only once authenticated (§1.7)"
        lines, end = wire.command("CAPABILITY")
        assert capabilities(lines) == caps and end == b"OK"
        assert wire.login().startswith(b"OK")
        after = capabilities(wire.command("CAPABILITY")[0])
        assert after["OWNER"] == "alice"
        assert wire.final("LOGOUT").startswith(b"OK")
        assert wire.closed()
    finally:
        server.stop()


def test_commands_before_authentication_are_refused_and_after_it_authenticate_is(tmp_path):
    server = make_sieve_server(tmp_path)
    try:
        wire = server.sieve()
        for command in ["LISTSCRIPTS", 'GETSCRIPT "a"', 'SETACTIVE ""', "UNAUTHENTICATE", 'HAVESPACE "a" 1']:
            assert wire.final(command).startswith(b"NO"), command
        assert wire.final('NOOP "sync-1"') == b'OK (TAG "sync-1") "Done"'
        assert wire.login().startswith(b"OK")
        assert wire.login().startswith(b"NO"), "no second AUTHENTICATE (§2.1)"
        assert wire.final("STARTTLS").startswith(b"NO")
        assert wire.final("UNAUTHENTICATE").startswith(b"OK")
        assert wire.final("LISTSCRIPTS").startswith(b"NO"), "back in the non-authenticated state (§2.14.1)"
        assert wire.login().startswith(b"OK")
        assert wire.command("LISTSCRIPTS")[1].startswith(b"OK")
    finally:
        server.stop()


def test_malformed_commands_each_get_no_and_the_session_goes_on(tmp_path):
    server = make_sieve_server(tmp_path)
    try:
        wire = server.sieve()
        assert wire.login().startswith(b"OK")
        bad = [
            b"FROBNICATE\r\n",
            b"(LISTSCRIPTS)\r\n",
            b'GETSCRIPT "unterminated\r\n',
            b"GETSCRIPT\r\n",
            b'GETSCRIPT ""\r\n',
            b'GETSCRIPT "a\x01b"\r\n',
            b'GETSCRIPT "\xff"\r\n',
            b"PUTSCRIPT \"a\" {01+}\r\n",
            b'HAVESPACE "a" -1\r\n',
            b'HAVESPACE "a" 99999999999\r\n',
            b"LISTSCRIPTS extra\r\n",
            b'"LISTSCRIPTS"\r\n',
            b"\r\n",
            b"LISTSCRIPTS \x00\r\n",
            b"X" * 1100 + b"\r\n",
        ]
        for command in bad:
            end = wire.command(command)[1]
            assert end.startswith(b"NO"), (command, end)
        # Many in one packet: one NO each, in order, then a good command.
        wire.send(b"".join(bad) + b"LISTSCRIPTS\r\n")
        for command in bad:
            assert wire.response()[1].startswith(b"NO"), command
        assert wire.response()[1].startswith(b"OK")
        assert wire.final("NOOP") == b'OK "NOOP completed"'
    finally:
        server.stop()


def test_putscript_with_an_error_names_the_line_and_stores_nothing(tmp_path):
    server = make_sieve_server(tmp_path)
    try:
        wire = server.sieve()
        assert wire.login().startswith(b"OK")
        end = wire.final(b'PUTSCRIPT "foo" ' + literal(b"#comment\r\nfrobnicate;\r\n") + b"\r\n")
        assert end.startswith(b'NO "line 2:'), end
        assert wire.final(b"CHECKSCRIPT " + literal(b'require "nosuchext";\r\n') + b"\r\n").startswith(b'NO "line 1:')
        assert wire.final(b'PUTSCRIPT "empty" {0+}\r\n\r\n').startswith(b"NO")
        assert wire.command("LISTSCRIPTS") == ([], b'OK "Listscripts completed"')
        # A script of CRLF lines, non-ASCII, comes back byte for byte as a literal (§2.9).
        script = 'require "fileinto";\r\n# café\r\nfileinto "Été";\r\n'.encode()
        assert wire.final(b'PUTSCRIPT "\xc3\xa9t\xc3\xa9" ' + literal(script) + b"\r\n").startswith(b"OK")
        wire.send('GETSCRIPT "été"\r\n'.encode())
        assert wire.readline() == f"{{{len(script)}}}".encode()
        assert wire.read_exact(len(script)) == script
        assert wire.readline() == b""
        assert wire.response()[1].startswith(b"OK")
        assert wire.command("LISTSCRIPTS")[0] == ['"été"'.encode()]
    finally:
        server.stop()


def test_literal_larger_than_the_script_limit_is_refused_and_skipped(tmp_path):
    config = TEST_CONFIG + "\n[managesieve]\nmax_script_size = 100\n"
    server = make_sieve_server(tmp_path, config_text=config)
    try:
        wire = server.sieve()
        assert wire.login().startswith(b"OK")
        assert wire.final(b'PUTSCRIPT "a" ' + literal(b"#" * 100) + b"\r\n").startswith(b"OK"), "at the limit"
        big = b"LOGOUT\r\n" * 13  # 104 octets that must not be read as commands
        end = wire.final(b'PUTSCRIPT "b" ' + literal(big) + b"\r\n")
        assert end.startswith(b"NO (QUOTA/MAXSIZE)"), end
        assert wire.final("NOOP").startswith(b"OK"), "the session goes on"
        # Before login the limit is IMAP's max_literal_size_before_login (8 KiB).
        other = server.sieve()
        assert other.final(b"NOOP " + literal(b"x" * 9000) + b"\r\n").startswith(b"NO")
        assert other.final("NOOP").startswith(b"OK")
    finally:
        server.stop()


def test_starttls_resends_capabilities_and_drops_injected_commands(tmp_path):
    config = TEST_CONFIG.replace("[security]", '[security]\nplaintext_auth = "tls"')
    server = make_sieve_server(tmp_path, config_text=config, tls=True)
    try:
        wire = server.sieve()
        before = capabilities(wire.greeting)
        assert "STARTTLS" in before and before["SASL"] == "SCRAM-SHA-256", "no PLAIN in the clear"
        token = b64(b"\0alice\0secret-a")
        assert wire.final(f'AUTHENTICATE "PLAIN" "{token}"').startswith(b"NO (ENCRYPT-NEEDED)")
        # A command pipelined behind STARTTLS, in plaintext, must never run (RFC 2595 §3.1).
        wire.send(b"STARTTLS\r\nLOGOUT\r\n")
        lines, end = wire.response()
        assert end.startswith(b"OK")
        from conftest import client_context
        wire.buffer = b""
        wire.sock = client_context().wrap_socket(wire.sock, server_hostname="localhost")
        lines, end = wire.response()
        after = capabilities(lines)
        assert end.startswith(b"OK") and "STARTTLS" not in after
        assert after["SASL"] == "PLAIN SCRAM-SHA-256"
        assert wire.login().startswith(b"OK"), "the injected LOGOUT did not run"
        assert wire.final("STARTTLS").startswith(b"NO")
    finally:
        server.stop()


def test_scram_sha_256_with_and_without_initial_response(tmp_path):
    server = make_sieve_server(tmp_path)
    try:
        for initial in (True, False):
            wire = server.sieve()
            scram = ScramClient("alice", "secret-a")
            if initial:
                wire.send(f'AUTHENTICATE "SCRAM-SHA-256" "{b64(scram.first())}"\r\n')
            else:
                wire.send('AUTHENTICATE "SCRAM-SHA-256"\r\n')
                assert wire.readline() == b'""', "an empty challenge: SCRAM is client-first"
                wire.send(f'"{b64(scram.first())}"\r\n')
            server_first = base64.b64decode(wire.readline().strip(b'"'))
            wire.send(f'"{b64(scram.final(server_first))}"\r\n')
            end = wire.response()[1]
            # The server's signature rides in the OK (§2.1), checked here.
            assert end.startswith(b'OK (SASL "'), end
            signature = base64.b64decode(end.split(b'"')[1])
            assert signature == scram.expected_server_final
            assert wire.command("LISTSCRIPTS")[1].startswith(b"OK")
            wire.close()
        wire = server.sieve()
        scram = ScramClient("alice", "wrong")
        wire.send(f'AUTHENTICATE "SCRAM-SHA-256" "{b64(scram.first())}"\r\n')
        server_first = base64.b64decode(wire.readline().strip(b'"'))
        wire.send(f'"{b64(scram.final(server_first))}"\r\n')
        assert wire.response()[1] == b'NO "Authentication failed"'
        wire.send('AUTHENTICATE "SCRAM-SHA-256"\r\n')
        assert wire.readline() == b'""'
        assert wire.final('"*"') == b'NO "Authentication cancelled"'
        assert wire.final("NOOP").startswith(b"OK")
    finally:
        server.stop()


def test_failed_logins_are_delayed_and_end_in_bye(tmp_path):
    config = TEST_CONFIG.replace("[security]", "[security]\nlogin_failure_delay = 1\nmax_login_failure_delay = 4")
    server = make_sieve_server(tmp_path, config_text=config)
    try:
        wire = server.sieve()
        started = time.monotonic()
        assert wire.login(password="wrong1") == b'NO "Authentication failed"'
        first = time.monotonic() - started
        started = time.monotonic()
        assert wire.login(password="wrong2") == b'NO "Authentication failed"'
        second = time.monotonic() - started
        assert second >= 0.9 and second > first, "the second guess waits for the penalty"
        assert wire.login(password="wrong3") == b'BYE "Too many failed logins"'
        assert wire.closed()
        # The penalty is IMAP's too: the same address and user wait there as well.
        imap = server.raw()
        started = time.monotonic()
        assert imap.command("a", "LOGIN alice secret-a")[-1].startswith(b"a OK")
        assert time.monotonic() - started >= 0.9
    finally:
        server.stop()


def test_login_deadline_and_a_client_that_stops_reading(tmp_path):
    limits = "\n[limits]\npreauth_timeout = 2\nwrite_timeout = 2\n"
    server = make_sieve_server(tmp_path, config_text=TEST_CONFIG + limits)
    try:
        idle = server.sieve()
        started = time.monotonic()
        assert idle.closed(timeout=6)
        assert time.monotonic() - started < 5
        assert b'BYE "Login time is over"' in idle.buffer

        loader = server.sieve()
        assert loader.login().startswith(b"OK")
        script = b"# " + b"x" * 900_000 + b"\r\nkeep;\r\n"
        assert loader.final(b'PUTSCRIPT "big" ' + literal(script) + b"\r\n").startswith(b"OK")
        stuck = server.sieve()
        stuck.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        assert stuck.login().startswith(b"OK")
        stuck.send(b'GETSCRIPT "big"\r\n' * 50)  # never read
        assert server_closes_within(_Port(server.sieve_port), stuck, 10) is not None
        assert loader.final("NOOP").startswith(b"OK"), "other sessions go on"
    finally:
        server.stop()


class _Port:
    """What server_closes_within needs of a server: the listening port."""

    def __init__(self, port):
        self.port = port


def test_managesieve_listens_where_the_configuration_says(tmp_path):
    from conftest import free_port
    from managesieve_wire import SieveServer, SieveWire
    port = free_port()
    server = SieveServer(tmp_path / "data", config_text=TEST_CONFIG + f'\n[managesieve]\nlisten = ["127.0.0.1:{port}"]\n')
    server.add_user("alice", "secret-a")
    server.start()
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                wire = SieveWire(port)
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        assert wire.greeting_end.startswith(b"OK")
        assert wire.login().startswith(b"OK")
    finally:
        server.stop()
    assert b"serving ManageSieve on 127.0.0.1:" in server.stdout
