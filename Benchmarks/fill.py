"""Filling a mailbox quickly before a suite measures it: MULTIAPPEND batches over IMAP (RFC 3502,
every literal non-synchronizing), or, for Dovecot's Maildir, message files written straight into
`cur/` for Dovecot to index when the mailbox is first selected. Nothing here is timed as a
figure of merit; the fill rate is printed for information."""

import os
import pwd
import queue
import sys
import threading
import time

import corpus
import imapload
from common import PASSWORD


def items_of(messages, seen_every=None, dates=True):
    """(message, flags, date) for each message: the INTERNALDATE is the Date: field, and with
    `seen_every` = k every message but each k-th (0, k, 2k, ...) is stored \\Seen."""
    for index, message in enumerate(messages):
        flags = b"\\Seen" if seen_every and index % seen_every else b""
        yield message, flags, corpus.internal_date(message) if dates else None


def _batches(items, batch_messages, batch_bytes):
    batch, size = [], 0
    for item in items:
        batch.append(item)
        size += len(item[0])
        if len(batch) >= batch_messages or size >= batch_bytes:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def imap_fill(port, user, items, total, label, connections=1, batch_messages=250, batch_bytes=8 << 20,
              mailbox=b"INBOX"):
    """MULTIAPPENDs `items` (`total` of them) to `mailbox` of `user`; returns seconds taken.

    With one connection the messages get UIDs in the order given, the same on every server, so
    that sequence numbers of SEARCH results can be compared between servers. With several the
    batches interleave in no fixed order."""
    sessions = []
    try:
        for _ in range(connections):
            session = imapload.Connection(port, timeout=600)
            session.login(user, PASSWORD)
            sessions.append(session)
        started = time.perf_counter()
        done = [0]
        errors = []
        lock = threading.Lock()
        last_report = [started]

        def report():
            now = time.perf_counter()
            if now - last_report[0] >= 10:
                last_report[0] = now
                print(f" {done[0]:,}/{total:,}", end="", flush=True)

        if connections == 1:
            for batch in _batches(items, batch_messages, batch_bytes):
                sessions[0].multiappend(mailbox, batch)
                done[0] += len(batch)
                report()
        else:
            work = queue.Queue(maxsize=connections * 2)

            def worker(session):
                try:
                    while True:
                        batch = work.get()
                        if batch is None:
                            return
                        session.multiappend(mailbox, batch)
                        with lock:
                            done[0] += len(batch)
                            report()
                except BaseException as error:
                    errors.append(error)
                    while work.get() is not None:  # drain, so that the producer never blocks
                        pass

            threads = [threading.Thread(target=worker, args=(s,), daemon=True) for s in sessions]
            for thread in threads:
                thread.start()
            for batch in _batches(items, batch_messages, batch_bytes):
                if errors:
                    break
                work.put(batch)
            for _ in threads:
                work.put(None)
            for thread in threads:
                thread.join()
            if errors:
                raise errors[0]
        seconds = time.perf_counter() - started
    finally:
        for session in sessions:
            session.logout()
    stored = mailbox_status(port, user, mailbox)["MESSAGES"]
    if stored != total:
        raise imapload.IMAPError(f"{label}: {stored} messages in {mailbox.decode()} after the fill, {total} expected")
    return seconds


def mailbox_status(port, user, mailbox=b"INBOX", items=b"MESSAGES"):
    session = imapload.Connection(port)
    try:
        session.login(user, PASSWORD)
        response = session.command(b"STATUS " + mailbox + b" (" + items + b")")
    finally:
        session.logout()
    start = response.index(b"(", response.index(b"* STATUS")) + 1
    words = response[start:response.index(b")", start)].split()
    return {words[i].decode(): int(words[i + 1]) for i in range(0, len(words) - 1, 2)}


def maildir_fill(dovecot, user, items, total):
    """Writes `items` as Maildir files into Dovecot's `cur/` for `user`, owned by vmail: the
    file's mtime is the INTERNALDATE (Dovecot's Maildir reads it from there), `:2,S` marks
    \\Seen, `,S=size` spares Dovecot a stat. Names sort in the order given; Dovecot gives the
    files UIDs when the mailbox is next opened. Returns seconds taken."""
    vmail = pwd.getpwnam("vmail")
    maildir = dovecot.root / "mail" / user / "Maildir"
    for path in (dovecot.root / "mail" / user, maildir, maildir / "cur", maildir / "new", maildir / "tmp"):
        path.mkdir(exist_ok=True)
        os.chown(path, vmail.pw_uid, vmail.pw_gid)
    cur = maildir / "cur"
    started = time.perf_counter()
    base = 1_600_000_000
    count = 0
    for index, (message, flags, date) in enumerate(items):
        info = "S" if b"\\Seen" in flags else ""
        path = cur / f"{base + index}.M{index:07d}P1.tern-bench,S={len(message)}:2,{info}"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(descriptor, message)
            os.fchown(descriptor, vmail.pw_uid, vmail.pw_gid)
        finally:
            os.close(descriptor)
        sent = corpus.sent_time(message)
        if sent is not None:
            os.utime(path, (sent[0], sent[0]))
        count += 1
        if count % 20000 == 0:
            print(f" {count:,}/{total:,}", end="", flush=True)
    if count != total:
        raise RuntimeError(f"maildir fill wrote {count} messages, {total} expected")
    return time.perf_counter() - started


if __name__ == "__main__":
    sys.exit("a module of bench.py")
