"""Crash safety under load (DESIGN.md "Durability", "UIDs"): rounds of a mixed load from eight
concurrent clients (APPEND, MULTIAPPEND, UID COPY, UID MOVE, UID STORE +FLAGS/-FLAGS/FLAGS with
keywords, EXPUNGE, UID EXPUNGE) ended by `kill -9` at a random moment, then a restart on the same
data directory and a check that

- every change that got its tagged OK is there (RFC 9051 §6.3.12, §6.4.3, §6.4.6-8): appended
  and copied messages byte for byte under the UIDs APPENDUID and COPYUID named (RFC 4315), stored
  flags, expunged and moved-away UIDs gone; a command in flight at the kill is there whole or not
  at all;
- nothing half-written is visible: every message is one that was sent, every flag was stored;
- UIDs only ascend and are never handed out twice, UIDNEXT never goes down and UIDVALIDITY never
  changes (RFC 9051 §2.3.1.1);
- after the restart's housekeeping (`SQLiteMailStore.reclaimOrphans()`, run when `tern serve`
  opens the store) the blob files are exactly the blobs messages and ghosts of expunged
  messages reference (RFC 2180 §4.1.1; the default `expunged_retention` keeps every ghost
  through the test), each file holds the bytes its name hashes, no parsed structure outlives
  its blob, and `tmp/` holds nothing of dead instances. Some rounds kill the server a second time while it starts, during that housekeeping.

`TERN_KILL_ROUNDS` sets the number of rounds (20, about a minute with a debug build),
`TERN_KILL_SEED` replays a seed (the seed is printed; the kill moments depend on timing too, so a
replay is similar, not identical). Run with `-s` to see what each round did and verified."""

import os
import random
import threading
import time
from collections import Counter

from conftest import TernServer, uid_set_members
from crash_checks import check_client, check_files, check_mailbox_ids, check_shared, read_mailbox
from crash_model import APPENDUID, Connection, Ledger, SharedRegistry, WrongAnswer, status_of
from crash_workload import Client

USERS = (("alice", "secret-a"), ("bob", "secret-b"))
CLIENTS = 8
SHARED = "Shared"


def say(text):
    print(text, flush=True)


def setup_mailboxes(server, ledger, corpus):
    """Creates two own mailboxes per client and one shared mailbox per user; records their
    UIDVALIDITY and UIDNEXT."""
    clients = []
    small = [m for m in corpus if len(m) <= 64 * 1024]
    pool = small[:12]
    for index in range(CLIENTS):
        user, password = USERS[index % len(USERS)]
        clients.append(Client(index, user, password, [f"C{index}A", f"C{index}B"], SHARED, ledger,
                              small, pool))
    for user, password in USERS:
        conn = Connection(server.port, user, password)
        names = [SHARED] + [m for c in clients if c.user == user for m in c.own]
        for name in names:
            assert status_of(conn.command(f"CREATE {name}")) == b"OK"
            info, messages = read_mailbox(conn, name)
            assert not messages
            ledger.validity[(user, name)] = info["uidvalidity"]
            ledger.uidnext[(user, name)] = info["uidnext"]
            ledger.uids[(user, name)] = set()
        ledger.shared[user] = SharedRegistry(user, SHARED)
        conn.close()
    return clients


def kill_during_startup(server, delay):
    """Starts the server and kills it `delay` seconds later: during its startup housekeeping
    (migrations, `reclaimOrphans()`) or soon after it."""
    server.spawn()
    time.sleep(delay)
    server.kill()


def verify(server, clients, ledger, errors):
    """Reads every mailbox over IMAP after the restart and checks it against the model; then
    appends one message to each mailbox, whose UID must be above every UID handed out before.
    Returns what became of the commands in flight, what was read and what was verified."""
    outcomes, checked, verified = Counter(), Counter(), Counter()
    for user, password in USERS:
        conn = Connection(server.port, user, password)
        probes, moved_away = [], []
        for client in [c for c in clients if c.user == user]:
            observed = {}
            for mailbox in client.own:
                info, messages = read_mailbox(conn, mailbox)
                check_mailbox_ids(ledger, user, mailbox, info, messages, errors)
                observed[mailbox] = messages
                checked["messages"] += len(messages)
                checked["mailboxes"] += 1
            op = client.inflight
            outcome = check_client(client, observed, errors, verified)
            outcomes[outcome] += 1
            if outcome == "applied" and op.shared_sources:
                moved_away += op.shared_sources
            probes += [(mailbox, client) for mailbox in client.own]
        info, messages = read_mailbox(conn, SHARED)
        check_mailbox_ids(ledger, user, SHARED, info, messages, errors)
        check_shared(ledger, ledger.shared[user], messages, errors, verified, moved_away)
        checked["messages"] += len(messages)
        checked["mailboxes"] += 1
        probes.append((SHARED, None))
        for mailbox, client in probes:
            body = f"X-Tern-Probe: {mailbox} {time.monotonic_ns()}\r\n".encode() + clients[0].corpus[0]
            ledger.register_sent(body)
            floor = ledger.floor(user, mailbox)
            lines = conn.send_command(f"APPEND {mailbox} {{{len(body)}+}}\r\n".encode() + body + b"\r\n")
            match = APPENDUID.search(lines[-1])
            if not match:
                errors.append(f"{user}/{mailbox}: APPEND after the restart: {lines[-1]!r}")
                continue
            uid = uid_set_members(match.group(2))[0]
            if uid < ledger.uidnext[(user, mailbox)]:
                errors.append(f"{user}/{mailbox}: APPEND after the restart got UID {uid}, below "
                              f"UIDNEXT {ledger.uidnext[(user, mailbox)]}")
            ledger.acknowledge("probe", user, mailbox, int(match.group(1)), [uid], floor)
            if client:
                client.model[mailbox][uid] = [body, frozenset()]
            else:
                ledger.shared[user].known[uid] = (body, frozenset())
            checked["probes"] += 1
        conn.close()
    return outcomes, checked, verified


def run_load(server, clients, rng, seconds):
    """Runs the clients for `seconds`, then kills the server under them. Returns what they
    were told (tagged OKs by kind) and the commands in flight at the kill."""
    stop = threading.Event()
    threads = [threading.Thread(target=client.run, args=(server.port, random.Random(rng.getrandbits(64)), stop))
               for client in clients]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    server.kill()
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive(), "a client did not stop after the kill"
    acked = Counter()
    for client in clients:
        acked.update(client.acked)
    inflight = Counter(client.inflight.kind for client in clients if client.inflight)
    return acked, inflight


COMMAND_KINDS = ["append", "multiappend", "copy", "move", "store +FLAGS", "store -FLAGS", "store FLAGS",
                 "expunge", "uid expunge", "shared append", "shared copy", "shared store",
                 "shared uid expunge", "shared move"]


def summarize(counts, names):
    return ", ".join(f"{name} {counts[name]}" for name in names if counts[name]) or "none"


def test_kill_under_mixed_load_loses_nothing_acknowledged(tmp_path, corpus):
    rounds = int(os.environ.get("TERN_KILL_ROUNDS", "20"))
    seed = int(os.environ.get("TERN_KILL_SEED") or random.SystemRandom().randrange(2**32))
    rng = random.Random(seed)
    say(f"\ncrash safety: {rounds} rounds, {CLIENTS} clients, seed {seed} (TERN_KILL_SEED={seed})")
    started = time.monotonic()
    server = TernServer(tmp_path / "data")
    for user, password in USERS:
        server.add_user(user, password)
    server.start()
    ledger = Ledger()
    totals = Counter()
    try:
        clients = setup_mailboxes(server, ledger, corpus)
        for number in range(1, rounds + 1):
            round_started = time.monotonic()
            for client in clients:
                client.round = number
            # Mostly well into the load; sometimes while the clients are still logging in.
            load = rng.uniform(0.0, 0.3) if rng.random() < 0.15 else rng.uniform(0.3, 1.5)
            startup_kill = rng.uniform(0.0, 0.15) if rng.random() < 0.15 else None
            acked, inflight = run_load(server, clients, rng, load)
            kills = 1
            if startup_kill is not None:
                kill_during_startup(server, startup_kill)
                kills += 1
            server.start()
            with ledger.lock:
                errors = list(ledger.errors)
                ledger.errors.clear()
            try:
                outcomes, checked, verified = verify(server, clients, ledger, errors)
            except WrongAnswer as error:
                errors.append(f"checking: {error}")
                outcomes, checked, verified = Counter(), Counter(), Counter()
            blobs = check_files(server.data_dir, errors)
            commands = sum(acked[kind] for kind in COMMAND_KINDS)
            totals.update(acked)
            totals.update(verified)
            totals.update(commands=commands, kills=kills, inflight=sum(inflight.values()))
            say(f"round {number:2}: killed after {load:.2f}s of load"
                + (f", then again {startup_kill * 1000:.0f} ms into startup" if startup_kill is not None else "")
                + f"; {commands} commands acknowledged ({summarize(acked, COMMAND_KINDS)}; "
                + f"{acked['messages appended']} messages appended, {acked['messages expunged']} expunged)"
                + f"; in flight at the kill: {sum(inflight.values())} {dict(inflight) or ''}"
                + f" -> own mailboxes: {dict(outcomes)}"
                + f"; verified {verified['bodies']} acknowledged messages byte for byte, "
                + f"{verified['flag sets']} flag sets, {verified['removals']} removals"
                + f" in {checked['mailboxes']} mailboxes ({checked['messages']} messages),"
                + f" {checked['probes']} new UIDs after the restart, {blobs} blob files"
                + f"; {time.monotonic() - round_started:.1f}s")
            assert not errors, (f"round {number}, seed {seed}: {len(errors)} violations:\n"
                                + "\n".join(errors[:40]))
    finally:
        server.stop()
    say(f"crash safety: {rounds} rounds, {totals['kills']} kills, {totals['commands']} commands "
        f"acknowledged ({summarize(totals, COMMAND_KINDS)}); verified {totals['bodies']} messages "
        f"byte for byte, {totals['flag sets']} flag sets, {totals['removals']} removals; "
        f"seed {seed}, {time.monotonic() - started:.0f}s")
    # The kills landed under load: commands were acknowledged and some were cut off.
    assert totals["commands"] > 0 and totals["inflight"] > 0
