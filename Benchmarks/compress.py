"""Suite "compress": bytes on the wire and time of a FETCH of the corpus, without and with
COMPRESS=DEFLATE (RFC 4978), beside Dovecot with its `imap_zlib` plugin.

INBOX of a fresh account gets N corpus messages (MULTIAPPEND over one connection, untimed).
Then, servers taking turns run by run, one session per mode:

- plain: `LOGIN`, `SELECT INBOX`, then timed `UID FETCH 1:* (BODY.PEEK[])`;
- compressed: the same after `COMPRESS DEFLATE`, the client inflating with zlib (raw DEFLATE,
  wbits -15) and compressing its commands with a sync flush each, as mbsync does.

For each mode: the bytes the client received on the socket from the FETCH's send to its tagged
OK (after TLS there would be more; this is plain TCP), the bytes they inflate to, and the median
time of R runs. Each server picks its own compression level (Tern: zlib's default 6, Dovecot's
`imap_compress_deflate_level` default 6), so the byte counts compare the servers' output as a
client sees it.
"""

import socket
import statistics
import zlib

import common
import fill
import imapload

USER = "bench-compress"
FETCH = b"UID FETCH 1:* (BODY.PEEK[])"


class CountingSocket:
    """The socket under an imapload.Connection: counts the bytes received, and once
    `compress()` ran, deflates what is sent and inflates what is received."""

    def __init__(self, sock):
        self.sock = sock
        self.wire_received = 0
        self.plain_received = 0
        self.deflate = None
        self.inflate = None

    def compress(self):
        self.deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
        self.inflate = zlib.decompressobj(-15)

    def sendall(self, data):
        if self.deflate:
            data = self.deflate.compress(data) + self.deflate.flush(zlib.Z_SYNC_FLUSH)
        self.sock.sendall(data)

    def recv(self, size):
        while True:
            chunk = self.sock.recv(size)
            self.wire_received += len(chunk)
            if not chunk or not self.inflate:
                self.plain_received += len(chunk)
                return chunk
            data = self.inflate.decompress(chunk)
            if data:
                self.plain_received += len(data)
                return data

    def close(self):
        self.sock.close()

    def setsockopt(self, *args):
        self.sock.setsockopt(*args)


def session(target, compressed):
    """A logged-in session with INBOX selected, compressed or not."""
    connection = imapload.Connection(target.port, timeout=600)
    layer = CountingSocket(connection.sock)
    connection.sock = layer
    connection.login(USER, common.PASSWORD)
    capabilities = imapload.capabilities(connection.command(b"CAPABILITY"))
    if compressed:
        if b"COMPRESS=DEFLATE" not in capabilities:
            raise imapload.IMAPError(f"{target.name} does not offer COMPRESS=DEFLATE")
        connection.command(b"COMPRESS DEFLATE")
        if connection.buffer:
            raise imapload.IMAPError("bytes after COMPRESS's OK before the layer")
        layer.compress()
    connection.command(b"SELECT INBOX")
    return connection, layer


def run(ctx):
    args = ctx.args
    count = args.compress_messages
    messages = ctx.messages(count)
    targets = ctx.targets("compress", imap_plugins=("imap_zlib",))
    result = {"parameters": {"messages": count, "bytes": sum(len(m) for m in messages), "runs": args.compress_runs},
              "servers": [{"name": t.name, "description": t.describe()} for t in targets], "figures": {}}
    sessions = []
    try:
        ctx.start(targets, [USER])
        for target in targets:
            print(f"{target.name}: appending {count:,} messages ...", end="", flush=True)
            seconds = fill.imap_fill(target.port, USER, fill.items_of(messages), count, target.name)
            print(f" {seconds:.1f} s", flush=True)
        common.settle()
        modes = {}
        for target in targets:
            for compressed in (False, True):
                connection, layer = session(target, compressed)
                sessions.append(connection)
                modes[(target.name, compressed)] = (connection, layer, [], [], [])
        for _ in range(args.compress_runs):
            for target in targets:
                for compressed in (False, True):
                    connection, layer, times, wire, plain = modes[(target.name, compressed)]
                    wire_before, plain_before = layer.wire_received, layer.plain_received
                    seconds, response, _cpu = common.timed_command(connection, FETCH, target, ctx.pids([target]))
                    if imapload.count_fetches(response) != count:
                        raise imapload.IMAPError(f"{target.name}: FETCH returned {imapload.count_fetches(response)} "
                                                 f"messages, not {count}")
                    times.append(seconds * 1000)
                    wire.append(layer.wire_received - wire_before)
                    plain.append(layer.plain_received - plain_before)
        for (name, compressed), (_c, _l, times, wire, plain) in modes.items():
            result["figures"].setdefault(name, {})["compressed" if compressed else "plain"] = {
                "median_ms": statistics.median(times), "times_ms": times,
                "wire_bytes": statistics.median(wire), "inflated_bytes": statistics.median(plain)}
    finally:
        for connection in sessions:
            connection.logout()
        ctx.stop(targets)
    return result


def report(result):
    print("== compress ==")
    params = result["parameters"]
    print(f"UID FETCH 1:* (BODY.PEEK[]) of {params['messages']:,} corpus messages ({params['bytes']:,} bytes), "
          f"median of {params['runs']} runs")
    names = [s["name"] for s in result["servers"]]
    figures = result["figures"]
    table = common.Table(names)
    for mode in ("plain", "compressed"):
        table.row(f"{mode}: bytes on the wire", [figures.get(n, {}).get(mode, {}).get("wire_bytes") for n in names],
                  0, "lower")
        table.row(f"{mode}: ms", [figures.get(n, {}).get(mode, {}).get("median_ms") for n in names], 1, "lower")
    table.row("compressed/plain bytes",
              [common.ratio(figures.get(n, {}).get("compressed", {}).get("wire_bytes"),
                            figures.get(n, {}).get("plain", {}).get("wire_bytes")) for n in names], 3, "lower")
    table.print()
    print(common.RATIO_NOTE)
