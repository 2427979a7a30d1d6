"""The model of the crash-safety test (test_crash_safety.py): what the clients were told.

Eight clients (crash_workload.py) run a mixed load against one server. Each client owns two
mailboxes that no other client touches, so it knows their exact state after every tagged OK (the
strong checks), and shares one mailbox per user with three other clients (contention, weaker
checks). Every command is registered as *in flight* (an `Op`) before its first byte is sent and
cleared once its tagged response has been read and applied to the model: after a `kill -9` each
client has at most one command whose outcome it does not know, and the state found after the
restart must be the model either without or with that whole command applied (one store
transaction per command). The `Ledger` holds what all clients learnt together: UIDVALIDITY, every
UID handed out, every body sent.

After each restart the observed state, once checked (crash_checks.py), becomes the new baseline:
no session survives a restart, so nothing can change it any more."""

import hashlib
import re
import socket
import threading

from conftest import RawClient, tagged

APPENDUID = re.compile(rb"\[APPENDUID (\d+) ([0-9:,]+)\]")
COPYUID = re.compile(rb"\[COPYUID (\d+) ([0-9:,]+) ([0-9:,]+)\]")
EXPUNGE = re.compile(rb"^\* (\d+) EXPUNGE$")
FETCH_HEAD = re.compile(rb"^\* \d+ FETCH \(")
UID_ITEM = re.compile(rb"UID (\d+)")
FLAGS_ITEM = re.compile(rb"FLAGS \(([^)]*)\)")
NUMBER_CODE = {name: re.compile(rb"\[" + name + rb" (\d+)\]") for name in (b"UIDVALIDITY", b"UIDNEXT")}
EXISTS = re.compile(rb"^\* (\d+) EXISTS")

SYSTEM_FLAGS = ["\\Seen", "\\Answered", "\\Flagged", "\\Draft"]
KEYWORDS = ["$Label1", "todo", "Work", "$Forwarded", "Later"]
# Every flag the workload ever stores, lower case (flags compare case-insensitively).
FLAG_UNIVERSE = frozenset(f.lower() for f in SYSTEM_FLAGS + KEYWORDS + ["\\Deleted"])

# Failures: a connection that dropped because the server was killed.
DISCONNECTED = (ConnectionError, OSError, socket.timeout)


def sha(data):
    return hashlib.sha256(data).hexdigest()


def normalize(flags):
    """A set of flags as compared: lower case, without \\Recent (a session property)."""
    return frozenset(f.lower() for f in flags if f.lower() != "\\recent")


def parse_flags(text):
    return normalize(part.decode() for part in text.split())


def uid_set(uids):
    return ",".join(str(u) for u in sorted(uids))


def flag_list(flags):
    return "(" + " ".join(flags) + ")"


def apply_store(current, operation, flags):
    """The flags after a STORE; None (unknown before) stays unknown unless replaced."""
    requested = normalize(flags)
    if operation == "FLAGS":
        return requested
    if current is None:
        return None
    if operation == "+FLAGS":
        return current | requested
    return current - requested


class WrongAnswer(Exception):
    """The server answered a command in a way the model says is wrong."""


class Ledger:
    """What every client learnt, shared across threads and rounds: UIDVALIDITY of each mailbox,
    every UID ever acknowledged or observed, the highest UIDNEXT seen, every message body ever
    sent, the shared mailboxes' registries, and the violations found."""

    def __init__(self):
        self.lock = threading.Lock()
        self.validity = {}        # (user, mailbox) -> UIDVALIDITY
        self.uids = {}            # (user, mailbox) -> set of every UID acknowledged or observed
        self.uidnext = {}         # (user, mailbox) -> highest UIDNEXT seen at a check
        self.sent = {}            # sha256 -> bytes of every message ever sent
        self.shared = {}          # user -> SharedRegistry
        self.errors = []

    def error(self, text):
        with self.lock:
            self.errors.append(text)

    def register_sent(self, message):
        with self.lock:
            self.sent.setdefault(sha(message), message)

    def floor(self, user, mailbox):
        """The highest UID acknowledged in a mailbox so far: UIDs handed out by any command that
        starts now must be above it (RFC 9051 §2.3.1.1, strictly ascending)."""
        with self.lock:
            return max(self.uids.get((user, mailbox), ()), default=0)

    def acknowledge(self, who, user, mailbox, validity, uids, floor):
        """Records the UIDs (in the order the response named them) a tagged OK handed out; they
        must be new, above `floor` and ascending: messages get UIDs in the order they are added
        (RFC 9051 §2.3.1.1); a MULTIAPPEND adds them in the order sent (RFC 3502), and the
        server copies and moves a UID set in UID order, the order COPYUID pairs (RFC 4315 §3)."""
        with self.lock:
            key = (user, mailbox)
            if self.validity.get(key) != validity:
                self.errors.append(f"{who}: {mailbox} answered UIDVALIDITY {validity}, "
                                   f"known {self.validity.get(key)}")
            if list(uids) != sorted(set(uids)):
                self.errors.append(f"{who}: {mailbox} UIDs {list(uids)} handed out by one command "
                                   f"are not ascending")
            seen = self.uids.setdefault(key, set())
            for uid in uids:
                if uid in seen:
                    self.errors.append(f"{who}: {mailbox} UID {uid} handed out again")
                if uid <= floor:
                    self.errors.append(f"{who}: {mailbox} UID {uid} not above {floor}, the highest "
                                       f"UID acknowledged before the command")
                seen.add(uid)


class SharedRegistry:
    """A mailbox several clients of one user write to. Only what no client may have changed is
    certain: a message whose APPEND/COPY was acknowledged and that no client tried to remove."""

    def __init__(self, user, name):
        self.user = user
        self.name = name
        self.known = {}            # uid -> (body, flags at arrival or None if not known)
        self.removal_tried = set()  # UIDs some client tried to expunge or move away
        self.removed = set()        # UIDs an acknowledged UID EXPUNGE or UID MOVE removed
        self.store_tried = set()    # UIDs some client tried to change the flags of
        self.sent_this_round = set()  # sha256 of bodies sent to it this round (acked or not)


class Op:
    """A command whose effect is not known until its tagged response is read.

    - `adds`: [(mailbox, body, flags or None)] messages it may create, with unknown UIDs;
    - `removes`: [(mailbox, uid)] messages it removes if it took effect;
    - `maybe_removes`: [(mailbox, uid)] messages it may remove or not (flags not known);
    - `flag_changes`: {(mailbox, uid): flags after} (None: not predictable);
    - `partial_ok`: fewer `adds` may appear (a MOVE out of the shared mailbox, whose sources other
      clients may have removed first);
    - `shared_sources`: the shared mailbox's UIDs a MOVE out of it names: once any message
      reached the target, none of them may be left (what existed was moved, in one transaction)."""

    def __init__(self, kind, adds=(), removes=(), maybe_removes=(), flag_changes=None, partial_ok=False,
                 shared_sources=()):
        self.kind = kind
        self.shared_sources = list(shared_sources)
        self.adds = list(adds)
        self.removes = list(removes)
        self.maybe_removes = list(maybe_removes)
        self.flag_changes = dict(flag_changes or {})
        self.partial_ok = partial_ok


class Connection:
    """A logged-in raw IMAP connection that numbers its own tags."""

    def __init__(self, port, user, password, timeout=15):
        self.raw = RawClient(port, timeout=timeout)
        self.counter = 0
        lines = self.command(f"LOGIN {user} {password}")
        if status_of(lines) != b"OK":
            raise WrongAnswer(f"LOGIN failed: {tagged(lines)!r}")

    def next_tag(self):
        self.counter += 1
        return f"t{self.counter}"

    def command(self, text):
        tag = self.next_tag()
        return self.raw.command(tag, text)

    def send_command(self, data):
        """Sends a whole command (bytes, literals included with LITERAL+) and reads its response."""
        tag = self.next_tag()
        self.raw.send(tag.encode() + b" " + data)
        return self.raw.read_response(tag)

    def close(self):
        try:
            self.raw.close()
        except OSError:
            pass


def status_of(lines):
    """OK, NO or BAD of a response's tagged line."""
    parts = tagged(lines).split(b" ", 2)
    return parts[1] if len(parts) > 1 else b""


def select_info(lines):
    info = {}
    for line in lines:
        for name, pattern in NUMBER_CODE.items():
            match = pattern.search(line)
            if match and line.startswith(b"* OK"):
                info[name.decode().lower()] = int(match.group(1))
        match = EXISTS.match(line)
        if match:
            info["exists"] = int(match.group(1))
    return info


def fetch_lines(lines):
    return [line for line in lines if FETCH_HEAD.match(line)]


def fetch_uid_flags(line):
    """UID and FLAGS of an untagged FETCH line without literals."""
    uid = UID_ITEM.search(line)
    flags = FLAGS_ITEM.search(line)
    return (int(uid.group(1)) if uid else None), (parse_flags(flags.group(1)) if flags else None)
