"""A lean IMAP load client, and a sink server that measures what the client alone can do.

The client is built not to be the bottleneck: one blocking socket per connection with
TCP_NODELAY, each command sent with a single `sendall` (an APPEND's line, its LITERAL+ literal
and the closing CRLF together), and responses read in 1 MiB `recv` calls and scanned only for
the tagged line (`\\r\\n<tag> `), never parsed line by line. That shortcut is sound for what is
measured here: APPEND and `UID FETCH (UID FLAGS)` answers carry no literals that could contain
a line looking like our tag.

Run as a script (`python3 imapload.py --sink PORT`) it is the sink: an IMAP-shaped server that
accepts LOGIN, APPEND, SELECT, STATUS, UID FETCH and LOGOUT and does no work, so that the
client's own ceiling can be measured with the same code that drives the real servers.
"""

import argparse
import re
import socket
import sys
import threading
import time

RECV_SIZE = 1 << 20


class IMAPError(RuntimeError):
    pass


class Connection:
    """One IMAP connection. Commands run one at a time: send, then read to the tagged line."""

    def __init__(self, port, host="127.0.0.1", timeout=120):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = bytearray()
        self.counter = 0
        self.greeting = self._read_greeting()

    def _read_greeting(self):
        while b"\r\n" not in self.buffer:
            self._fill()
        end = self.buffer.index(b"\r\n") + 2
        line = bytes(self.buffer[:end])
        del self.buffer[:end]
        if not line.startswith(b"* OK") and not line.startswith(b"* PREAUTH"):
            raise IMAPError(f"unexpected greeting {line!r}")
        return line

    def _fill(self):
        chunk = self.sock.recv(RECV_SIZE)
        if not chunk:
            raise IMAPError(f"connection closed by the server; unanswered bytes {bytes(self.buffer[-300:])!r}")
        self.buffer += chunk

    def next_tag(self):
        self.counter += 1
        return b"T%d" % self.counter

    def read_response(self, tag):
        """Reads to the end of the tagged line for `tag`; returns every byte of the response.

        Only bytes not yet scanned are searched (with an overlap of one needle length), so a
        large response is scanned once.
        """
        needle = b"\r\n" + tag + b" "
        buffer = self.buffer
        scanned = 0
        line_start = -1
        while True:
            if line_start < 0:
                if scanned == 0 and buffer.startswith(tag + b" "):
                    line_start = 0
                else:
                    found = buffer.find(needle, max(0, scanned - len(needle)))
                    if found >= 0:
                        line_start = found + 2
                    else:
                        scanned = len(buffer)
            if line_start >= 0:
                end = buffer.find(b"\r\n", line_start)
                if end >= 0:
                    end += 2
                    response = bytes(buffer[:end])
                    del buffer[:end]
                    status = response[line_start + len(tag) + 1:line_start + len(tag) + 3]
                    if status != b"OK":
                        raise IMAPError(f"{tag.decode()} failed: {response[line_start:end].decode(errors='replace').strip()}")
                    return response
            self._fill()

    def command(self, text):
        """Sends one command line (bytes, without tag and CRLF) and returns its response."""
        tag = self.next_tag()
        self.sock.sendall(tag + b" " + text + b"\r\n")
        return self.read_response(tag)

    def login(self, user, password):
        return self.command(b"LOGIN " + quote(user) + b" " + quote(password))

    def append(self, mailbox, message):
        """APPEND with a non-synchronizing literal (RFC 7888): line, literal and CRLF in one
        write; returns when the server has answered OK (the message is durable then)."""
        tag = self.next_tag()
        self.sock.sendall(b"%s APPEND %s {%d+}\r\n%s\r\n" % (tag, mailbox, len(message), message))
        return self.read_response(tag)

    def multiappend(self, mailbox, items):
        """MULTIAPPEND (RFC 3502) of `items`, each (message, flags, date): flags a bytes list
        such as b"\\Seen" or b"" for none, date a quoted IMAP date-time or None. One command,
        every literal non-synchronizing, sent in one write; returns the response."""
        tag = self.next_tag()
        parts = [tag, b" APPEND ", mailbox]
        for message, flags, date in items:
            if flags:
                parts.append(b" (" + flags + b")")
            if date:
                parts.append(b" " + date)
            parts.append(b" {%d+}\r\n" % len(message))
            parts.append(message)
        parts.append(b"\r\n")
        self.sock.sendall(b"".join(parts))
        return self.read_response(tag)

    def timed(self, text):
        """Sends one command; returns (seconds from the send to the tagged OK, response)."""
        tag = self.next_tag()
        line = tag + b" " + text + b"\r\n"
        started = time.perf_counter()
        self.sock.sendall(line)
        response = self.read_response(tag)
        return time.perf_counter() - started, response

    def logout(self):
        try:
            tag = self.next_tag()
            self.sock.sendall(tag + b" LOGOUT\r\n")
            self.read_response(tag)
        except (OSError, IMAPError):
            pass
        finally:
            self.sock.close()

    def close(self):
        self.sock.close()


FETCH_LINE = re.compile(rb"\r\n\* \d+ FETCH \(")
SEARCH_LINE = re.compile(rb"(?:^|\r\n)\* SEARCH((?: \d+)*) ?\r\n")
EXISTS_LINE = re.compile(rb"(?:^|\r\n)\* (\d+) EXISTS\r\n")


def count_fetches(response):
    """The untagged FETCH responses in `response` (lines that begin `* n FETCH (`)."""
    return len(FETCH_LINE.findall(b"\r\n" + response))


def search_numbers(response):
    """The numbers of every untagged SEARCH response in `response`, as a sorted list."""
    numbers = []
    for match in SEARCH_LINE.finditer(response):
        numbers.extend(int(n) for n in match.group(1).split())
    return sorted(numbers)


def exists_count(response):
    """The last `* n EXISTS` in `response`, or None."""
    found = EXISTS_LINE.findall(response)
    return int(found[-1]) if found else None


def quote(value):
    if isinstance(value, str):
        value = value.encode()
    return b'"' + value.replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'


def capabilities(response):
    """The capability names announced in a greeting or a LOGIN response (upper-case)."""
    names = set()
    for match in re.finditer(rb"CAPABILITY ([^\]\r\n]*)", response):
        names.update(match.group(1).upper().split())
    return names


def append_load(port, user, password, messages, connections, mailbox=b"INBOX"):
    """Prepares an APPEND load of `messages` over `connections` concurrent connections, each
    sending its share (every `connections`-th message) one APPEND at a time.

    All connections are logged in here, and their threads wait at a barrier: the returned
    run's `go()` releases them and times only the APPENDs, so that the caller can sample CPU
    counters right around it. Close the run with `close()` (LOGOUT on every connection).
    """
    sessions = []
    try:
        for _ in range(connections):
            session = Connection(port)
            login = session.login(user, password)
            if not sessions and b"LITERAL+" not in capabilities(session.greeting + login):
                # Asked explicitly when neither the greeting nor LOGIN announced it.
                if b"LITERAL+" not in capabilities(session.command(b"CAPABILITY")):
                    raise IMAPError("the server does not announce LITERAL+ (RFC 7888)")
            sessions.append(session)
    except BaseException:
        for session in sessions:
            session.close()
        raise
    shares = [messages[index::connections] for index in range(connections)]
    errors = []
    start = threading.Barrier(connections + 1)
    completions = [[] for _ in range(connections)]

    def run(session, share, done):
        clock = time.perf_counter
        try:
            start.wait()
            for message in share:
                session.append(mailbox, message)
                done.append(clock())
        except BaseException as error:  # re-raised by `go()`
            errors.append(error)

    threads = [threading.Thread(target=run, args=(session, share, done), daemon=True)
               for session, share, done in zip(sessions, shares, completions)]
    for thread in threads:
        thread.start()
    return _Run(start, threads, errors, sessions, completions)


class _Run:
    """A prepared APPEND load: `go()` releases the connections and waits for them."""

    def __init__(self, barrier, threads, errors, sessions, completions):
        self.barrier, self.threads, self.errors, self.sessions = barrier, threads, errors, sessions
        self.completions = completions
        self.started = None

    def go(self):
        self.started = time.perf_counter()
        self.barrier.wait()
        for thread in self.threads:
            thread.join()
        seconds = time.perf_counter() - self.started
        if self.errors:
            raise self.errors[0]
        return seconds

    def tenth_rates(self):
        """Messages per second over the first and over the last tenth of the messages, in
        order of acknowledgement: whether a server slows down as the mailbox grows."""
        times = sorted(t - self.started for done in self.completions for t in done)
        tenth = len(times) // 10
        if tenth == 0:
            return None, None
        first = tenth / times[tenth - 1] if times[tenth - 1] > 0 else None
        span = times[-1] - times[-tenth - 1]
        last = tenth / span if span > 0 else None
        return first, last

    def close(self):
        for session in self.sessions:
            session.logout()


# --- the sink -------------------------------------------------------------------------------

LITERAL = re.compile(rb"\{(\d+)\+?\}\r\n$")


class Sink:
    """An IMAP-shaped server that answers at once and stores nothing but a count per user."""

    def __init__(self, port):
        self.listener = socket.create_server(("127.0.0.1", port), backlog=128)
        self.counts = {}
        self.fetch_bodies = {}
        self.lock = threading.Lock()

    def serve_forever(self):
        while True:
            client, _ = self.listener.accept()
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=self._session, args=(client,), daemon=True).start()

    def _session(self, sock):
        buffer = bytearray()
        user = b""
        sock.sendall(b"* OK [CAPABILITY IMAP4rev1 LITERAL+] sink ready\r\n")
        try:
            while True:
                end = buffer.find(b"\r\n")
                while end < 0:
                    chunk = sock.recv(RECV_SIZE)
                    if not chunk:
                        return
                    buffer += chunk
                    end = buffer.find(b"\r\n")
                line = bytes(buffer[:end + 2])
                literal = LITERAL.search(line)
                if literal:
                    size = int(literal.group(1))
                    if not line.endswith(b"+}\r\n"):
                        sock.sendall(b"+ go ahead\r\n")
                    needed = end + 2 + size + 2
                    while len(buffer) < needed:
                        chunk = sock.recv(RECV_SIZE)
                        if not chunk:
                            return
                        buffer += chunk
                    del buffer[:needed]
                else:
                    del buffer[:end + 2]
                tag, _, rest = line.partition(b" ")
                verb = rest.split(b" ", 2)[:2]
                verb = [word.upper().strip(b"\r\n") for word in verb]
                if verb[0] == b"LOGIN":
                    user = rest.split(b" ")[1]
                    sock.sendall(tag + b" OK [CAPABILITY IMAP4rev1 LITERAL+] logged in\r\n")
                elif verb[0] == b"APPEND":
                    with self.lock:
                        self.counts[user] = self.counts.get(user, 0) + 1
                    sock.sendall(tag + b" OK APPEND completed\r\n")
                elif verb[0] in (b"SELECT", b"EXAMINE"):
                    count = self.counts.get(user, 0)
                    sock.sendall(b"* %d EXISTS\r\n%s OK [READ-WRITE] done\r\n" % (count, tag))
                elif verb[0] == b"STATUS":
                    count = self.counts.get(user, 0)
                    sock.sendall(b"* STATUS INBOX (MESSAGES %d)\r\n%s OK done\r\n" % (count, tag))
                elif verb[0] == b"UID" and verb[1:] == [b"FETCH"]:
                    count = self.counts.get(user, 0)
                    body = self.fetch_bodies.get(count)
                    if body is None:  # made once, so that only the client's reading is timed
                        body = b"".join(b"* %d FETCH (UID %d FLAGS ())\r\n" % (n, n) for n in range(1, count + 1))
                        self.fetch_bodies[count] = body
                    sock.sendall(body + tag + b" OK UID FETCH completed\r\n")
                elif verb[0] == b"LOGOUT":
                    sock.sendall(b"* BYE bye\r\n" + tag + b" OK LOGOUT completed\r\n")
                    return
                else:
                    sock.sendall(tag + b" OK done\r\n")
        except OSError:
            pass
        finally:
            sock.close()


def main():
    parser = argparse.ArgumentParser(description="Run the sink server (used by bench.py).")
    parser.add_argument("--sink", type=int, required=True, metavar="PORT")
    args = parser.parse_args()
    sink = Sink(args.sink)
    print("ready", flush=True)
    try:
        sink.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
