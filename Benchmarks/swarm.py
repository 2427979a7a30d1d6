"""Thousands of IMAP sessions from one thread: log in, select a mailbox, IDLE, and note when each
session hears `* n EXISTS`.

One epoll loop drives every socket, so that 10,000 sessions cost 10,000 sockets and not 10,000
threads. Sessions are opened a bounded number at a time (the rest wait their turn), so that a
server's listen backlog never overflows.

Arrival times come from the kernel, not from the loop: each socket has SO_TIMESTAMPNS set, and
every read returns the time (CLOCK_REALTIME, ns) at which the bytes it returns reached the
socket. How long this client takes to get round to reading a socket does not change that time,
so a push to 1,000 sessions is timed as the server delivered it, not as one Python thread read
it. Compare them with `time.time_ns()` (the same clock) taken when a command was sent.
"""

import errno
import re
import selectors
import socket
import struct
import time

from imapload import IMAPError, Connection, quote

SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)  # Linux value; SCM_TIMESTAMPNS is the same
ANCILLARY_SIZE = socket.CMSG_SPACE(16)
EXISTS = re.compile(rb"^\* (\d+) EXISTS\r\n$")


def enable_timestamps(sock):
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)


def receive(sock, size=65536):
    """recvmsg with the kernel's arrival time: (bytes, ns since the epoch)."""
    data, ancillary, _flags, _address = sock.recvmsg(size, ANCILLARY_SIZE)
    for level, kind, value in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(value) >= 16:
            seconds, nanoseconds = struct.unpack("qq", value[:16])
            return data, seconds * 1_000_000_000 + nanoseconds
    return data, time.time_ns()


class TimestampedConnection(Connection):
    """A blocking imapload.Connection whose reads note the kernel's arrival time: after a
    command, `arrived_ns` is when the chunk that held its tagged line reached the socket."""

    def __init__(self, port, host="127.0.0.1", timeout=120):
        self.arrived_ns = None
        self._pending_greeting = True
        super().__init__(port, host, timeout)

    def _fill(self):
        if self._pending_greeting:
            enable_timestamps(self.sock)
            self._pending_greeting = False
        chunk, self.arrived_ns = receive(self.sock, 1 << 20)
        if not chunk:
            raise IMAPError(f"connection closed by the server; unanswered bytes {bytes(self.buffer[-300:])!r}")
        self.buffer += chunk


STAGES = ("greeted", "authenticated", "selected", "idling")
# The command that leaves each resting stage, and the state while its answer is awaited.
NEXT = {"greeted": "login", "authenticated": "select", "selected": "idle"}


class _Session:
    __slots__ = ("sock", "state", "buffer", "exists", "arrivals", "index")

    def __init__(self, sock, index):
        self.sock = sock
        self.index = index
        self.state = "connecting"
        self.buffer = bytearray()
        self.exists = None
        # (message count, arrival ns) for every `* n EXISTS` heard while idling.
        self.arrivals = []


class Swarm:
    """Sessions of `user` on `port`, brought stage by stage to `greeted` (connected, greeting
    read), `authenticated` (LOGIN), `selected` (SELECT `mailbox`) or `idling` (IDLE)."""

    def __init__(self, port, user, password, mailbox=b"INBOX", host="127.0.0.1"):
        self.address = (host, port)
        self.lines = {"login": b"a1 LOGIN " + quote(user) + b" " + quote(password) + b"\r\n",
                      "select": b"a2 SELECT " + mailbox + b"\r\n",
                      "idle": b"a3 IDLE\r\n"}
        self.selector = selectors.EpollSelector()
        self.sessions = []
        self.goal = "idling"
        self.at_goal = 0
        self.failures = []

    @property
    def idling(self):
        return sum(1 for s in self.sessions if s.state == "idling")

    # --- opening ---

    def open(self, count, goal="idling", concurrency=64, timeout=900, progress=None):
        """Opens `count` sessions and brings each to the stage `goal`, at most `concurrency` of
        them on their way at any time. Returns seconds taken; raises IMAPError if any fails."""
        first = len(self.sessions)
        return self._drive(goal, count, lambda: self._connect(first + self._started), concurrency, timeout,
                           progress)

    def advance(self, goal, concurrency=64, timeout=900, progress=None):
        """Brings every session resting at an earlier stage on to `goal`; returns seconds taken."""
        resting = [s for s in self.sessions if s.state in STAGES and STAGES.index(s.state) < STAGES.index(goal)]
        pending = iter(resting)
        return self._drive(goal, len(resting), lambda: self._step(next(pending)), concurrency, timeout, progress)

    def _drive(self, goal, count, start_one, concurrency, timeout, progress):
        started = time.perf_counter()
        deadline = time.monotonic() + timeout
        self.goal = goal
        self.at_goal = 0
        self._started = 0
        last_report = time.monotonic()
        while self.at_goal < count:
            while self._started < count and self._started - self.at_goal < concurrency:
                start_one()
                self._started += 1
            self._poll(1.0)
            if self.failures:
                raise IMAPError(f"{len(self.failures)} sessions failed; first: {self.failures[0]}")
            if time.monotonic() > deadline:
                raise IMAPError(f"only {self.at_goal} of {count} sessions reached {goal} after {timeout} s")
            if progress and time.monotonic() - last_report >= 10:
                last_report = time.monotonic()
                progress(self.at_goal)
        return time.perf_counter() - started

    def _connect(self, index):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        enable_timestamps(sock)
        session = _Session(sock, index)
        self.sessions.append(session)
        code = sock.connect_ex(self.address)
        if code not in (0, errno.EINPROGRESS):
            raise IMAPError(f"connect: {errno.errorcode.get(code, code)}")
        self.selector.register(sock, selectors.EVENT_WRITE, session)

    def _step(self, session):
        """Sends the command that takes `session` from its resting stage to the next."""
        state = NEXT[session.state]
        session.state = state
        self._send(session, self.lines[state])

    def _reached(self, session, stage):
        session.state = stage
        if stage == self.goal:
            self.at_goal += 1
        else:
            self._step(session)

    def _poll(self, timeout):
        for key, events in self.selector.select(timeout):
            session = key.data
            if session.state == "connecting":
                error = session.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if error:
                    self._fail(session, f"connect: {errno.errorcode.get(error, error)}")
                    continue
                session.state = "greeting"
                self.selector.modify(session.sock, selectors.EVENT_READ, session)
                continue
            try:
                data, arrived = receive(session.sock)
            except BlockingIOError:
                continue
            except OSError as error:
                self._fail(session, f"read: {error}")
                continue
            if not data:
                self._fail(session, f"closed by the server in state {session.state}: "
                                    f"{bytes(session.buffer[-200:])!r}")
                continue
            session.buffer += data
            self._lines(session, arrived)

    def _fail(self, session, reason):
        self.failures.append(f"session {session.index}: {reason}")
        try:
            self.selector.unregister(session.sock)
        except (KeyError, ValueError):
            pass
        session.sock.close()
        session.state = "failed"

    def _send(self, session, data):
        session.sock.send(data)  # a short line always fits an empty socket buffer

    def _lines(self, session, arrived):
        buffer = session.buffer
        while True:
            end = buffer.find(b"\r\n")
            if end < 0:
                return
            line = bytes(buffer[:end + 2])
            del buffer[:end + 2]
            state = session.state
            if state == "idling":
                match = EXISTS.match(line)
                if match:
                    session.arrivals.append((int(match.group(1)), arrived))
            elif state == "greeting":
                if not line.startswith(b"* OK"):
                    return self._fail(session, f"greeting {line!r}")
                self._reached(session, "greeted")
            elif state == "login":
                if line.startswith(b"a1 "):
                    if not line.startswith(b"a1 OK"):
                        return self._fail(session, f"LOGIN: {line!r}")
                    self._reached(session, "authenticated")
            elif state == "select":
                match = EXISTS.match(line)
                if match:
                    session.exists = int(match.group(1))
                elif line.startswith(b"a2 "):
                    if not line.startswith(b"a2 OK"):
                        return self._fail(session, f"SELECT: {line!r}")
                    self._reached(session, "selected")
            elif state == "idle":
                if line.startswith(b"+"):
                    self._reached(session, "idling")
                elif line.startswith(b"a3 "):
                    return self._fail(session, f"IDLE: {line!r}")

    # --- waiting for pushes ---

    def wait_for_exists(self, count, timeout):
        """Reads until every idling session has heard `* n EXISTS` with n >= `count`, or until
        `timeout` seconds pass. Returns the number of sessions that have not."""
        deadline = time.monotonic() + timeout
        waiting = [s for s in self.sessions if s.state == "idling" and not _heard(s, count)]
        while waiting:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self._poll(min(remaining, 0.5))
            waiting = [s for s in waiting if s.state == "idling" and not _heard(s, count)]
        return len(waiting)

    def arrivals_for(self, count):
        """For every idling session, the arrival ns of the first `* n EXISTS` with n >= `count`
        (None if it never came)."""
        result = []
        for session in self.sessions:
            if session.state != "idling":
                continue
            found = None
            for n, arrived in session.arrivals:
                if n >= count:
                    found = arrived
                    break
            result.append(found)
        return result

    def drain(self, seconds=0.2):
        """Reads whatever is pending (keepalives, late pushes) for `seconds`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._poll(max(0.0, deadline - time.monotonic()))

    # --- closing ---

    def close(self):
        """Ends IDLE and logs out every session without waiting for the answers, then closes."""
        for session in self.sessions:
            if session.state in STAGES:
                try:
                    session.sock.send((b"DONE\r\n" if session.state == "idling" else b"") + b"a9 LOGOUT\r\n")
                except OSError:
                    pass
        time.sleep(0.2)
        for session in self.sessions:
            try:
                self.selector.unregister(session.sock)
            except (KeyError, ValueError):
                pass
            session.sock.close()
        self.sessions = []
        self.selector.close()


def _heard(session, count):
    return any(n >= count for n, _ in session.arrivals)
