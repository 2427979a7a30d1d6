"""COMPRESS=DEFLATE (RFC 4978) end to end: imaplib with a hand-made zlib layer over plain IMAP,
STARTTLS and implicit TLS; clients that flush partially or send corrupt data; a decompression
bomb; mbsync (isync), which compresses whenever the server offers it. (Debian's neomutt is
built without zlib: it has no `imap_deflate` and never sends COMPRESS.)"""

import imaplib
import re
import subprocess
import time
import zlib

import pytest

from compress_wire import CompressingIMAP4, CompressingIMAP4_SSL, compress_raw
from conftest import TernServer, append_raw, client_context, free_port, login_raw
from test_real_clients import maildir_messages, mbsync, without_tuid

STARTED = b"COMPRESS=DEFLATE started"


def stopped_log(server):
    """The server's log, once it has stopped."""
    server.stop()
    return server.stderr


def fetch_all_compressed(client, corpus, count):
    """APPENDs `count` corpus messages, then FETCHes them back through the compressed
    connection; returns the bodies fetched."""
    client.select("INBOX")
    for message in corpus[:count]:
        assert client.append("INBOX", None, None, message)[0] == "OK"
    typ, data = client.fetch("1:*", "(BODY.PEEK[])")
    assert typ == "OK"
    return [item[1] for item in data if isinstance(item, tuple)]


def exercise(client, corpus):
    """What every transport is checked with: COMPRESS, a FETCH of 30 messages, the refusal
    of a second COMPRESS (RFC 4978 §3), LOGOUT."""
    typ, data = client.capability()
    assert b"COMPRESS=DEFLATE" in data[0].split()
    assert client.compress() == ("OK", [b"DEFLATE active"])
    bodies = fetch_all_compressed(client, corpus, 30)
    assert bodies == corpus[:30]
    # The corpus compresses: far fewer bytes on the wire than were inflated.
    assert client.wire_received < client.plain_received / 2, (client.wire_received, client.plain_received)
    # RFC 4978 §3: BAD when COMPRESS is already active.
    with pytest.raises(imaplib.IMAP4.error, match=r"\[COMPRESSIONACTIVE\] DEFLATE is already active"):
        client._simple_command("COMPRESS", "DEFLATE")
    assert client.noop()[0] == "OK"
    assert client.logout()[0] == "BYE"


def test_imaplib_compress_over_plain_imap(server, corpus):
    client = CompressingIMAP4("127.0.0.1", server.port, timeout=30)
    client.login("alice", "secret-a")
    exercise(client, corpus)
    assert STARTED in stopped_log(server)


def test_imaplib_compress_after_starttls(tls_server, corpus):
    """RFC 4978 §3: with TLS active, data is compressed first, then encrypted."""
    client = CompressingIMAP4("127.0.0.1", tls_server.port, timeout=30)
    client.starttls(client_context())
    client.login("alice", "secret-a")
    exercise(client, corpus)
    log = stopped_log(tls_server)
    assert b"TLS started" in log and STARTED in log


def test_imaplib_compress_over_implicit_tls(tls_server, corpus):
    client = CompressingIMAP4_SSL("127.0.0.1", tls_server.tls_port, ssl_context=client_context(), timeout=30)
    client.login("alice", "secret-a")
    exercise(client, corpus)
    assert STARTED in stopped_log(tls_server)


def test_compress_state_rules(server):
    """Before login COMPRESS is refused and not advertised; an unknown algorithm gets BAD
    and leaves the connection uncompressed (RFC 4978 §3)."""
    client = server.raw()
    assert b"COMPRESS=DEFLATE" not in client.greeting
    assert client.command("a", "COMPRESS DEFLATE")[-1] == b"a BAD COMPRESS: Log in first"
    assert client.command("b", "LOGIN alice secret-a")[-1].startswith(b"b OK [CAPABILITY")
    assert client.command("c", "COMPRESS BZIP2")[-1] == b"c BAD Unknown compression algorithm: BZIP2"
    assert client.command("d", "NOOP")[-1] == b"d OK NOOP completed"
    compress_raw(client)
    assert client.command("e", "NOOP")[-1] == b"e OK NOOP completed"


@pytest.mark.parametrize("flush", [zlib.Z_PARTIAL_FLUSH, zlib.Z_SYNC_FLUSH])
def test_client_flush_without_sync_marker_does_not_stall(server, flush):
    """A client that flushes with Z_PARTIAL_FLUSH, or whose sync flush's last bytes (the
    empty stored block 00 00 FF FF) are still on their way, has sent a complete command: the
    server must answer it without waiting for more input."""
    client = login_raw(server)
    layer = compress_raw(client)
    compressor = layer.compressor
    data = compressor.compress(b"a NOOP\r\n") + compressor.flush(flush)
    if flush == zlib.Z_SYNC_FLUSH:
        assert data.endswith(b"\x00\x00\xff\xff")
        layer.sock.sendall(data[:-4])
        held = data[-4:]
    else:
        layer.sock.sendall(data)
        held = b""
    client.sock.settimeout(3)
    assert client.readline() == b"a OK NOOP completed"
    layer.sock.sendall(held)
    assert client.command("b", "NOOP")[-1] == b"b OK NOOP completed"


def test_commands_split_across_many_small_flushes(server, corpus):
    """A command (an APPEND with its literal) whose compressed bytes arrive in many pieces."""
    client = login_raw(server)
    layer = compress_raw(client)
    message = corpus[3]
    command = f"a APPEND INBOX {{{len(message)}+}}\r\n".encode() + message + b"\r\n"
    for start in range(0, len(command), 97):
        layer.sendall(command[start:start + 97], flush=zlib.Z_PARTIAL_FLUSH)
    assert client.read_response("a")[-1].startswith(b"a OK [APPENDUID")
    client.command("s", "SELECT INBOX")
    lines = client.command("b", "UID FETCH 1 (BODY.PEEK[])")
    assert message in lines[0]


def test_corrupt_compressed_input_gets_bye(server):
    client = login_raw(server)
    layer = compress_raw(client)
    assert client.command("a", "NOOP")[-1] == b"a OK NOOP completed"
    layer.sock.sendall(b"\xff\xff\xff\xff\xff\xff")  # block type 3 is reserved (RFC 1951 §3.2.3)
    assert client.closed()
    assert client.buffer.startswith(b"* BYE Invalid compressed data"), client.buffer
    # The server goes on serving others.
    other = login_raw(server)
    assert other.command("b", "NOOP")[-1] == b"b OK NOOP completed"
    assert b"transport failed" in stopped_log(server)


def test_decompression_bomb_is_bounded(server):
    """64 MiB of one byte, some 64 KiB compressed, as one command line: the framer's line
    limit applies to the inflated bytes as they come, the server's memory stays bounded, and
    it answers."""
    client = login_raw(server)
    layer = compress_raw(client)
    compressor = layer.compressor
    layer.sock.sendall(compressor.compress(b"a NOOP ") + compressor.flush(zlib.Z_NO_FLUSH))
    chunk = b"x" * (1 << 20)
    for _ in range(64):
        layer.sock.sendall(compressor.compress(chunk))
    layer.sock.sendall(compressor.compress(b"\r\n") + compressor.flush(zlib.Z_SYNC_FLUSH))
    client.sock.settimeout(60)
    answer = client.readline()
    assert answer.startswith(b"a BAD") or answer.startswith(b"* BYE"), answer
    rss_kib = int(re.search(rb"VmHWM:\s+(\d+)", open(f"/proc/{server.process.pid}/status", "rb").read()).group(1))
    assert rss_kib < 48 * 1024 + 200 * 1024, rss_kib  # well under the 64 MiB inflated
    other = login_raw(server)
    assert other.command("b", "NOOP")[-1] == b"b OK NOOP completed"


def test_unauthenticate_is_refused_while_compressed(server):
    client = login_raw(server)
    assert b"UNAUTHENTICATE" in client.command("a", "CAPABILITY")[0]
    compress_raw(client)
    assert b"UNAUTHENTICATE" not in client.command("b", "CAPABILITY")[0]
    assert client.command("c", "UNAUTHENTICATE")[-1] == b"c BAD UNAUTHENTICATE is not available while COMPRESS is active"


@pytest.mark.parametrize("security", ["None", "IMAPS"])
def test_mbsync_syncs_with_compression(tmp_path, corpus, security):
    """isync 1.4 sends COMPRESS DEFLATE whenever the server advertises it: a full sync, both
    ways, through the compressed connection (over TLS too), and the server's log shows it."""
    server = TernServer(tmp_path / "data")
    server.tern("cert", "self-signed", "--host", "localhost")
    server.tls_port = free_port()
    server.add_user("alice", "secret-a")
    server.start(extra_args=("--imaps", f"127.0.0.1:{server.tls_port}"))
    try:
        client = login_raw(server)
        for i, message in enumerate(corpus[:25]):
            append_raw(client, f"a{i}", "INBOX", message)
        client.close()
        port = server.tls_port if security == "IMAPS" else server.port
        account = f"Port {port}\nSSLType {security}\nAuthMechs LOGIN\n"
        if security != "None":
            account += f"CertificateFile {server.data_dir / 'tls' / 'cert.pem'}\n"
        home = tmp_path / "home"
        home.mkdir()
        result = mbsync(server, home, account=account, options=("-D",))
        debug = result.stdout + result.stderr
        assert "COMPRESS DEFLATE" in debug, debug[-3000:]
        inbox = home / "mail" / "INBOX"
        pulled = sorted(without_tuid(m) for m in maildir_messages(inbox).values())
        assert pulled == sorted(m.replace(b"\r\n", b"\n") for m in corpus[:25])
        # A local message goes up through the compressed connection.
        (inbox / "new" / "1700000000.local.test").write_bytes(corpus[40].replace(b"\r\n", b"\n"))
        mbsync(server, home, account=account)
        check = login_raw(server)
        assert check.command("t", "STATUS INBOX (MESSAGES)")[0] == b'* STATUS "INBOX" (MESSAGES 26)'
    finally:
        server.stop()
    assert server.stderr.count(STARTED) >= 2
