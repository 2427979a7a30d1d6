"""Suite "lmtp": LMTP deliveries per second (RFC 2033), Tern beside Dovecot's `dovecot-lmtpd`.

On each server, C client connections (each kept open for many transactions, as Postfix's
connection cache does) deliver the first N corpus messages between them: once with one
recipient per message, once with 10 recipients per message (10 accounts, one transaction,
one reply per recipient). The servers take turns, phase by phase. Reported: messages
delivered per second and recipient copies per second, with Tern/Dovecot ratios; every reply
must be 250, or the run fails.
"""

import socket
import threading
import time

import common
import servers

USERS = [f"bench-lmtp-{n}" for n in range(10)]


class LMTPError(RuntimeError):
    pass


class Connection:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=120)
        self.buffer = b""
        self.expect("220")
        self.send(b"LHLO bench.example\r\n")
        self.expect("250")

    def send(self, data):
        self.sock.sendall(data)

    def line(self):
        while b"\r\n" not in self.buffer:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise LMTPError("connection closed")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def expect(self, code):
        """Reads one (maybe multiline) reply and checks its code."""
        while True:
            line = self.line()
            if not line.startswith(code.encode()):
                raise LMTPError(f"expected {code}, got {line!r}")
            if line[3:4] != b"-":
                return

    def deliver(self, message, recipients):
        """One pipelined transaction (RFC 2920): MAIL, RCPTs and DATA in one write."""
        commands = b"MAIL FROM:<bench@remote.example>\r\n" + b"".join(
            f"RCPT TO:<{user}>\r\n".encode() for user in recipients) + b"DATA\r\n"
        self.send(commands)
        self.expect("250")
        for _ in recipients:
            self.expect("250")
        self.expect("354")
        self.send(stuffed(message))
        for _ in recipients:
            self.expect("250")

    def close(self):
        try:
            self.send(b"QUIT\r\n")
        except OSError:
            pass
        self.sock.close()


def stuffed(message):
    lines = message.replace(b"\r\n", b"\n").split(b"\n")
    if lines and lines[-1] == b"":
        lines = lines[:-1]
    return b"".join((b"." + l if l.startswith(b".") else l) + b"\r\n" for l in lines) + b".\r\n"


def deliver_all(port, messages, recipients, connections):
    """Delivers every message over `connections` parallel connections; returns the seconds taken."""
    slices = [messages[i::connections] for i in range(connections)]
    errors = []
    opened = [Connection(port) for _ in slices]

    def work(connection, part):
        try:
            for message in part:
                connection.deliver(message, recipients)
        except Exception as error:  # reported after the join
            errors.append(error)

    threads = [threading.Thread(target=work, args=(c, part)) for c, part in zip(opened, slices)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    for connection in opened:
        connection.close()
    if errors:
        raise LMTPError(f"delivery failed: {errors[0]}")
    return elapsed


def run(ctx):
    args = ctx.args
    messages = ctx.messages(args.lmtp_messages)
    targets = ctx.targets("lmtp")
    for target in targets:
        if isinstance(target, servers.TernServer):
            target.lmtp_port = servers.free_port()
    result = {"parameters": {"messages": len(messages), "connections": args.lmtp_connections,
                             "bytes": sum(len(m) for m in messages)},
              "servers": [{"name": t.name, "describe": t.describe()} for t in targets], "figures": {}}
    ctx.start(targets, USERS)
    try:
        for phase, recipients in (("1 recipient", USERS[:1]), ("10 recipients", USERS)):
            for target in targets:
                common.settle()
                seconds = deliver_all(target.lmtp_port, messages, recipients, args.lmtp_connections)
                figures = result["figures"].setdefault(target.name, {})
                figures[f"{phase} messages/s"] = len(messages) / seconds
                figures[f"{phase} copies/s"] = len(messages) * len(recipients) / seconds
    finally:
        ctx.stop(targets)
    return result


def report(result):
    print("== lmtp ==")
    params = result["parameters"]
    print(f"{params['messages']} corpus messages ({params['bytes']:,} bytes) over {params['connections']} connections")
    names = [s["name"] for s in result["servers"]]
    table = common.Table(names)
    for phase in ("1 recipient", "10 recipients"):
        for unit in ("messages/s", "copies/s"):
            key = f"{phase} {unit}"
            table.row(f"{key}", [result["figures"].get(n, {}).get(key) for n in names], 1, "higher")
    table.print()
    print(common.RATIO_NOTE)
