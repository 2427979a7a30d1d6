"""The checks of the crash-safety test (test_crash_safety.py) after each restart: every
mailbox read back over IMAP against the model (crash_model.py) the clients built from their
tagged OKs, and the data directory's blob files against the messages and ghosts of expunged
messages that reference them."""

import sqlite3

from conftest import literal_after, tagged
from crash_model import (FLAG_UNIVERSE, UID_ITEM, WrongAnswer, fetch_lines, fetch_uid_flags, select_info,
                         sha, status_of)


def read_mailbox(conn, mailbox):
    """SELECT information and {uid: (body, flags)} of a whole mailbox."""
    lines = conn.command(f"SELECT {mailbox}")
    if status_of(lines) != b"OK":
        raise WrongAnswer(f"SELECT {mailbox}: {tagged(lines)!r}")
    info = select_info(lines)
    flags = {}
    lines = conn.command("UID FETCH 1:* (UID FLAGS)")
    for line in fetch_lines(lines):
        uid, got = fetch_uid_flags(line)
        flags[uid] = got
    bodies = {}
    lines = conn.command("UID FETCH 1:* (UID BODY.PEEK[])")
    for line in fetch_lines(lines):
        head = line.split(b"{", 1)[0]
        uid = int(UID_ITEM.search(head).group(1))
        bodies[uid] = literal_after(line, "BODY[]")
    messages = {uid: (bodies.get(uid), flags.get(uid)) for uid in set(flags) | set(bodies)}
    return info, messages


def check_mailbox_ids(ledger, user, mailbox, info, observed, errors):
    """UIDVALIDITY unchanged, UIDNEXT never lower and above every UID ever handed out, EXISTS
    right. Records the observed UIDs as handed out."""
    key = (user, mailbox)
    if info.get("uidvalidity") != ledger.validity[key]:
        errors.append(f"{user}/{mailbox}: UIDVALIDITY {info.get('uidvalidity')} after the restart, "
                      f"was {ledger.validity[key]}")
    uidnext = info.get("uidnext", 0)
    if uidnext < ledger.uidnext.get(key, 0):
        errors.append(f"{user}/{mailbox}: UIDNEXT went down from {ledger.uidnext[key]} to {uidnext}")
    highest = max(list(ledger.uids.get(key, ())) + list(observed), default=0)
    if uidnext <= highest:
        errors.append(f"{user}/{mailbox}: UIDNEXT {uidnext} not above UID {highest}, already handed out")
    if info.get("exists") != len(observed):
        errors.append(f"{user}/{mailbox}: EXISTS {info.get('exists')} but FETCH found {len(observed)}")
    ledger.uidnext[key] = max(uidnext, ledger.uidnext.get(key, 0))


def check_sent(ledger, where, uid, body, errors):
    if body is None:
        errors.append(f"{where} UID {uid}: no body")
    elif sha(body) not in ledger.sent:
        errors.append(f"{where} UID {uid}: {len(body)} bytes that no client sent (half-written?)")


def check_client(client, observed, errors, verified):
    """Checks a client's own mailboxes against its model and its command in flight, then
    makes the observed state the model. Returns what became of the command in flight; counts
    the acknowledged facts it verified in `verified`."""
    op = client.inflight
    ledger = client.ledger
    applied, not_applied = [], []
    for mailbox in client.own:
        model = client.model[mailbox]
        seen = observed[mailbox]
        where = f"{client.name} {client.user}/{mailbox}"
        removable = {u for m, u in op.removes if m == mailbox} if op else set()
        maybe = {u for m, u in op.maybe_removes if m == mailbox} if op else set()
        changes = {u: f for (m, u), f in op.flag_changes.items() if m == mailbox} if op else {}
        for uid in sorted(client.gone[mailbox]):
            if uid in seen:
                errors.append(f"{where} UID {uid}: back after an acknowledged EXPUNGE or MOVE")
            verified["removals"] += 1
        for uid, (body, flags) in sorted(model.items()):
            if uid not in seen:
                if uid in removable:
                    applied.append(f"{mailbox} UID {uid} removed")
                elif uid not in maybe:
                    errors.append(f"{where} UID {uid}: acknowledged message lost")
                continue
            if uid in removable:
                not_applied.append(f"{mailbox} UID {uid} still there")
            got_body, got_flags = seen[uid]
            if got_body != body:
                errors.append(f"{where} UID {uid}: body differs from the acknowledged one "
                              f"({len(got_body or b'')} bytes, expected {len(body)})")
            verified["bodies"] += 1
            if flags is not None and uid not in changes:
                verified["flag sets"] += 1
            if flags is None:
                if got_flags is None or not got_flags <= FLAG_UNIVERSE:
                    errors.append(f"{where} UID {uid}: flags {got_flags} never stored")
            elif uid in changes and changes[uid] is not None and changes[uid] != flags:
                if got_flags == changes[uid]:
                    applied.append(f"{mailbox} UID {uid} flags changed")
                elif got_flags == flags:
                    not_applied.append(f"{mailbox} UID {uid} flags unchanged")
                else:
                    errors.append(f"{where} UID {uid}: flags {sorted(got_flags or ())}, neither the "
                                  f"acknowledged {sorted(flags)} nor the STORE in flight's "
                                  f"{sorted(changes[uid])}")
            elif uid in changes and changes[uid] is None:
                if got_flags is None or not got_flags <= FLAG_UNIVERSE:
                    errors.append(f"{where} UID {uid}: flags {got_flags} never stored")
            elif got_flags != flags:
                errors.append(f"{where} UID {uid}: flags {sorted(got_flags or ())}, acknowledged "
                              f"{sorted(flags)}")
        # Messages the model does not have: only the command in flight may have made them.
        floor = max(ledger.uids.get((client.user, mailbox), ()), default=0)
        pending = [(body, flags) for m, body, flags in (op.adds if op else ()) if m == mailbox]
        new = sorted(set(seen) - set(model))
        for uid in new:
            body, flags = seen[uid]
            check_sent(ledger, where, uid, body, errors)
            if uid <= floor:
                errors.append(f"{where} UID {uid}: appeared though not above {floor}, the highest "
                              f"UID handed out (a reused or resurrected UID)")
            match = next((i for i, (b, f) in enumerate(pending) if b == body and f == flags), None)
            if match is None:
                match = next((i for i, (b, f) in enumerate(pending) if b == body and f is None), None)
            if match is None:
                errors.append(f"{where} UID {uid}: a message ({len(body or b'')} bytes, flags "
                              f"{sorted(flags or ())}) that no command in flight could have stored")
                continue
            pending.pop(match)
            applied.append(f"{mailbox} UID {uid} added")
        if op and op.adds and any(m == mailbox for m, _, _ in op.adds) and not new:
            not_applied.append(f"{mailbox} nothing added")
        if new and pending and not op.partial_ok:
            errors.append(f"{where}: {op.kind} in flight stored {len(new)} of "
                          f"{len(new) + len(pending)} messages (not all or nothing)")
    if applied and not_applied:
        errors.append(f"{client.name}: {op.kind} in flight half applied: {applied} but {not_applied}")
    # The observed state is the new baseline.
    with ledger.lock:
        for mailbox in client.own:
            client.model[mailbox] = {uid: [body, flags] for uid, (body, flags) in observed[mailbox].items()}
            client.gone[mailbox] = set()
            ledger.uids.setdefault((client.user, mailbox), set()).update(observed[mailbox])
    client.inflight = None
    if op is None:
        return "none"
    return "applied" if applied else ("not applied" if not_applied else "no visible effect")


def check_shared(ledger, registry, observed, errors, verified, moved_away=()):
    """The shared mailbox: acknowledged messages no one tried to remove are there, byte for byte;
    acknowledged removals and the sources of a MOVE in flight that reached its target are gone;
    everything there was sent; flags only from what was stored. Then the observed state becomes
    the registry."""
    where = f"{registry.user}/{registry.name}"
    key = (registry.user, registry.name)
    with ledger.lock:
        ever = set(ledger.uids.get(key, ()))
        for uid in sorted(registry.removed | set(moved_away)):
            if uid in observed:
                errors.append(f"{where} UID {uid}: still there after an acknowledged EXPUNGE or a MOVE "
                              f"that reached its target")
            verified["removals"] += 1
        for uid, (body, flags) in sorted(registry.known.items()):
            if uid not in observed:
                if uid not in registry.removal_tried:
                    errors.append(f"{where} UID {uid}: acknowledged message lost")
                continue
            got_body, got_flags = observed[uid]
            if got_body != body:
                errors.append(f"{where} UID {uid}: body differs from the acknowledged one")
            verified["bodies"] += 1
            if flags is not None and uid not in registry.store_tried:
                verified["flag sets"] += 1
                if got_flags != flags:
                    errors.append(f"{where} UID {uid}: flags {sorted(got_flags or ())}, acknowledged "
                                  f"{sorted(flags)}, and no one stored flags on it")
        for uid, (body, flags) in sorted(observed.items()):
            check_sent(ledger, where, uid, body, errors)
            if flags is None or not flags <= FLAG_UNIVERSE:
                errors.append(f"{where} UID {uid}: flags {flags} never stored")
            if uid not in registry.known:
                if uid in ever:
                    errors.append(f"{where} UID {uid}: back after it was gone (a resurrected UID)")
                elif body is not None and sha(body) not in registry.sent_this_round:
                    errors.append(f"{where} UID {uid}: a message no command in flight sent here")
        registry.known = {uid: (body, flags) for uid, (body, flags) in observed.items()}
        registry.removal_tried = set()
        registry.removed = set()
        registry.store_tried = set()
        registry.sent_this_round = set()
        ledger.uids.setdefault(key, set()).update(observed)


def check_files(data_dir, errors):
    """Blob files on disk equal the blobs messages and ghosts of expunged messages (RFC 2180
    §4.1.1, kept until `expunged_retention` has passed) reference, each holds the bytes its
    name hashes; no parsed structure outlives its blob; `tmp/` holds only the running
    instance's lock. Returns the number of blob files."""
    database = sqlite3.connect(f"file:{data_dir / 'tern.sqlite'}?mode=ro", uri=True)
    try:
        referenced = {row[0] for row in database.execute(
            "SELECT blob FROM messages UNION SELECT blob FROM ghosts")}
        structures = {row[0] for row in database.execute("SELECT blob FROM structures")}
    finally:
        database.close()
    on_disk = {}
    for entry in (data_dir / "blobs").iterdir():
        if not entry.is_dir():
            errors.append(f"blobs/{entry.name}: a stray file")
            continue
        for blob in entry.iterdir():
            if not blob.name.startswith(entry.name):
                errors.append(f"blobs/{entry.name}/{blob.name}: in the wrong directory")
            on_disk[blob.name] = blob
    for name in sorted(referenced - set(on_disk)):
        errors.append(f"blob {name}: referenced by messages or ghosts but not on disk")
    for name in sorted(set(on_disk) - referenced):
        errors.append(f"blob {name}: on disk but referenced by no message or ghost (leaked)")
    for name, path in sorted(on_disk.items()):
        if sha(path.read_bytes()) != name:
            errors.append(f"blob {name}: its bytes do not hash to its name")
    for name in sorted(structures - referenced):
        errors.append(f"structures row {name}: its blob is referenced by no message or ghost (leaked)")
    leftovers = []
    instances = list((data_dir / "tmp").iterdir())
    live = [e for e in instances if e.is_dir() and (e / ".lock").exists()]
    if len(live) != 1:
        errors.append(f"tmp/: {len(live)} instance directories with a lock, expected the running one")
    for entry in instances:
        if entry.is_dir():
            leftovers += [f"tmp/{entry.name}/{f.name}" for f in entry.iterdir() if f.name != ".lock"]
            if not (entry / ".lock").exists():
                leftovers.append(f"tmp/{entry.name}/ (no lock)")
        else:
            leftovers.append(f"tmp/{entry.name}")
    for leftover in leftovers:
        errors.append(f"{leftover}: left over from a dead instance")
    return len(on_disk)
