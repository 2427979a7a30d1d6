"""The load of the crash-safety test (test_crash_safety.py): one `Client` per thread, each on
its own connection, running APPEND, MULTIAPPEND, UID COPY, UID MOVE, UID STORE, EXPUNGE and
UID EXPUNGE in its own two mailboxes and the shared one of its user until the server is killed,
and keeping the model (crash_model.py) of what every tagged OK told it."""

import traceback
from collections import Counter

from conftest import tagged, uid_set_members
from crash_model import (APPENDUID, COPYUID, DISCONNECTED, EXPUNGE, KEYWORDS, SYSTEM_FLAGS, Connection,
                         Op, WrongAnswer, apply_store, fetch_lines, fetch_uid_flags, flag_list, normalize,
                         select_info, sha, status_of, uid_set)


class Client:
    """One workload client: owns mailboxes `own[0]`, `own[1]` of `user`, shares `shared`."""

    def __init__(self, index, user, password, own, shared, ledger, corpus, shared_pool):
        self.index = index
        self.name = f"client{index}"
        self.user = user
        self.password = password
        self.own = own
        self.shared = shared
        self.ledger = ledger
        self.corpus = corpus
        self.shared_pool = shared_pool
        self.model = {mailbox: {} for mailbox in own}  # mailbox -> {uid: [body, flags or None]}
        # UIDs an acknowledged EXPUNGE or MOVE removed since the last check: must stay gone.
        self.gone = {mailbox: set() for mailbox in own}
        self.inflight = None
        self.current = own[0]
        self.counter = 0
        self.round = 0
        self.acked = Counter()
        self.conn = None

    # -- the load --------------------------------------------------------------------------

    def run(self, port, rng, stop):
        """Runs commands until stopped or disconnected; records what each tagged OK told."""
        self.inflight = None
        self.acked = Counter()
        try:
            self.conn = Connection(port, self.user, self.password)
            self.select(self.current)
            while not stop.is_set():
                self.step(rng)
        except DISCONNECTED:
            pass  # the server was killed under us
        except WrongAnswer as error:
            self.ledger.error(f"round {self.round} {self.name}: {error}")
        except Exception:
            self.ledger.error(f"round {self.round} {self.name}: {traceback.format_exc()}")
        finally:
            if self.conn:
                self.conn.close()
            self.conn = None

    def new_message(self, rng):
        """A corpus message; most get a header that makes them unique (each its own blob), the
        rest are shared bytes (one blob for many messages, of many clients)."""
        self.counter += 1
        if rng.random() < 0.3:
            message = rng.choice(self.shared_pool)
        else:
            base = rng.choice(self.corpus)
            stamp = f"X-Tern-Crash: r{self.round} {self.name} n{self.counter}\r\n".encode()
            message = stamp + base
        self.ledger.register_sent(message)
        return message

    def random_flags(self, rng, allow_deleted=False):
        pool = SYSTEM_FLAGS + KEYWORDS + (["\\Deleted"] if allow_deleted else [])
        return rng.sample(pool, rng.randint(0, 3))

    def other(self, mailbox):
        return self.own[1] if mailbox == self.own[0] else self.own[0]

    def pick(self, rng, mailbox, most=4):
        uids = sorted(self.model[mailbox])
        if not uids:
            return []
        return sorted(rng.sample(uids, rng.randint(1, min(most, len(uids)))))

    def step(self, rng):
        size = len(self.model[self.current])
        choices = [
            (self.append_own, 20), (self.multiappend_own, 8), (self.copy_own, 8), (self.move_own, 8),
            (self.store_own, 22), (self.delete_own, 6 + size // 4), (self.switch, 5),
            (self.append_shared, 6), (self.copy_to_shared, 4), (self.store_shared, 4),
            (self.delete_shared, 4), (self.move_from_shared, 3),
        ]
        total = sum(weight for _, weight in choices)
        point = rng.random() * total
        for action, weight in choices:
            point -= weight
            if point < 0:
                action(rng)
                return

    def begin(self, op):
        self.inflight = op

    def done(self, counter_name, count=1):
        self.inflight = None
        self.acked[counter_name] += count

    def simple_shared_command(self, command, counter, op_name=None):
        """A command in the shared mailbox whose effect the checks read from the mailbox
        itself (no prediction to record): in flight, answered OK, counted."""
        self.begin(Op(op_name or counter))
        lines = self.conn.command(command)
        self.expect_ok(lines, " ".join(command.split()[:2]) + " in the shared mailbox")
        self.done(counter)

    def expect_ok(self, lines, what):
        if status_of(lines) != b"OK":
            raise WrongAnswer(f"{what}: {tagged(lines)!r}")

    def select(self, mailbox):
        lines = self.conn.command(f"SELECT {mailbox}")
        self.expect_ok(lines, f"SELECT {mailbox}")
        if mailbox in self.model:
            self.current = mailbox
            info = select_info(lines)
            if info.get("exists") != len(self.model[mailbox]):
                raise WrongAnswer(f"SELECT {mailbox}: EXISTS {info.get('exists')}, the model has "
                                  f"{len(self.model[mailbox])} messages")
            if info.get("uidvalidity") != self.ledger.validity[(self.user, mailbox)]:
                raise WrongAnswer(f"SELECT {mailbox}: UIDVALIDITY {info.get('uidvalidity')} changed")
        return lines

    def switch(self, rng):
        self.select(self.other(self.current))

    def append_command(self, mailbox, messages):
        """APPEND (MULTIAPPEND when several, RFC 3502) with non-synchronizing literals."""
        data = f"APPEND {mailbox}".encode()
        for body, flags in messages:
            if flags or len(messages) > 1:
                data += b" " + flag_list(flags).encode()
            data += f" {{{len(body)}+}}\r\n".encode() + body
        lines = self.conn.send_command(data + b"\r\n")
        match = APPENDUID.search(tagged(lines))
        if status_of(lines) != b"OK" or not match:
            raise WrongAnswer(f"APPEND {mailbox} of {len(messages)}: {tagged(lines)!r}")
        uids = uid_set_members(match.group(2))
        if len(uids) != len(messages):
            raise WrongAnswer(f"APPEND of {len(messages)} messages answered {len(uids)} UIDs")
        return int(match.group(1)), uids

    def append_own(self, rng, count=1):
        mailbox = rng.choice(self.own)
        messages = [(self.new_message(rng), self.random_flags(rng, allow_deleted=rng.random() < 0.1))
                    for _ in range(count)]
        floor = self.ledger.floor(self.user, mailbox)
        self.begin(Op("append", adds=[(mailbox, body, normalize(flags)) for body, flags in messages]))
        validity, uids = self.append_command(mailbox, messages)
        self.ledger.acknowledge(self.name, self.user, mailbox, validity, uids, floor)
        for uid, (body, flags) in zip(uids, messages):
            self.model[mailbox][uid] = [body, normalize(flags)]
        self.done("append" if count == 1 else "multiappend")
        self.acked["messages appended"] += count

    def multiappend_own(self, rng):
        self.append_own(rng, count=rng.randint(2, 4))

    def copyuid(self, lines, what):
        for line in lines:
            match = COPYUID.search(line)
            if match:
                return int(match.group(1)), uid_set_members(match.group(2)), uid_set_members(match.group(3))
        raise WrongAnswer(f"{what}: no COPYUID in {tagged(lines)!r}")

    def copy_own(self, rng):
        source, target = self.current, self.other(self.current)
        uids = self.pick(rng, source)
        if not uids:
            return self.append_own(rng)
        floor = self.ledger.floor(self.user, target)
        model = self.model[source]
        self.begin(Op("copy", adds=[(target, model[u][0], model[u][1]) for u in uids]))
        lines = self.conn.command(f"UID COPY {uid_set(uids)} {target}")
        self.expect_ok(lines, "UID COPY")
        validity, sources, destinations = self.copyuid(lines, "UID COPY")
        if sorted(sources) != uids:
            raise WrongAnswer(f"UID COPY {uids}: COPYUID names sources {sources}")
        self.ledger.acknowledge(self.name, self.user, target, validity, destinations, floor)
        for s, d in zip(sources, destinations):
            self.model[target][d] = list(model[s])
        self.done("copy")

    def expunged_uids(self, lines, view):
        """The UIDs an answer's EXPUNGE responses removed, given the session's view (sorted
        UIDs): each EXPUNGE names the sequence number valid at that point (RFC 9051 §7.5.1)."""
        view = list(view)
        removed = []
        for line in lines:
            match = EXPUNGE.match(line)
            if match:
                number = int(match.group(1))
                if not 1 <= number <= len(view):
                    raise WrongAnswer(f"EXPUNGE {number} beyond the {len(view)} messages")
                removed.append(view.pop(number - 1))
        return removed

    def move_own(self, rng):
        source, target = self.current, self.other(self.current)
        uids = self.pick(rng, source)
        if not uids:
            return self.append_own(rng)
        floor = self.ledger.floor(self.user, target)
        model = self.model[source]
        self.begin(Op("move", adds=[(target, model[u][0], model[u][1]) for u in uids],
                      removes=[(source, u) for u in uids]))
        lines = self.conn.command(f"UID MOVE {uid_set(uids)} {target}")
        self.expect_ok(lines, "UID MOVE")
        validity, sources, destinations = self.copyuid(lines, "UID MOVE")
        if sorted(sources) != uids:
            raise WrongAnswer(f"UID MOVE {uids}: COPYUID names sources {sources}")
        removed = self.expunged_uids(lines, sorted(model))
        if sorted(removed) != uids:
            raise WrongAnswer(f"UID MOVE {uids}: EXPUNGE responses removed {removed}")
        self.ledger.acknowledge(self.name, self.user, target, validity, destinations, floor)
        for s, d in zip(sources, destinations):
            self.model[target][d] = model.pop(s)
        self.gone[source].update(sources)
        self.done("move")

    def store(self, mailbox, uids, operation, flags, silent=False):
        model = self.model[mailbox]
        predicted = {u: apply_store(model[u][1], operation, flags) for u in uids}
        self.begin(Op("store", flag_changes={(mailbox, u): predicted[u] for u in uids}))
        item = operation + (".SILENT" if silent else "")
        lines = self.conn.command(f"UID STORE {uid_set(uids)} {item} {flag_list(flags)}")
        self.expect_ok(lines, f"UID STORE {item}")
        told = {}
        for line in fetch_lines(lines):
            uid, got = fetch_uid_flags(line)
            if uid in predicted and got is not None:
                told[uid] = got
        if silent and told:
            raise WrongAnswer(f"UID STORE {item} reported flags {told}")
        for uid in uids:
            expected = predicted[uid]
            if uid in told:
                if expected is not None and told[uid] != expected:
                    raise WrongAnswer(f"UID STORE {item} {flags} on {uid} told {sorted(told[uid])}, "
                                      f"expected {sorted(expected)}")
                model[uid][1] = told[uid]
            else:
                if not silent:
                    raise WrongAnswer(f"UID STORE {item}: no FETCH FLAGS for UID {uid}")
                model[uid][1] = expected
        self.done(f"store {operation}")

    def store_own(self, rng):
        uids = self.pick(rng, self.current)
        if not uids:
            return self.append_own(rng)
        operation = rng.choice(["+FLAGS", "+FLAGS", "-FLAGS", "FLAGS"])
        flags = self.random_flags(rng) or [rng.choice(KEYWORDS)]
        self.store(self.current, uids, operation, flags, silent=rng.random() < 0.2)

    def delete_own(self, rng):
        """STORE +FLAGS.SILENT (\\Deleted), then EXPUNGE or UID EXPUNGE: two commands, each
        acknowledged on its own."""
        mailbox = self.current
        uids = self.pick(rng, mailbox, most=6)
        if not uids:
            return self.append_own(rng)
        self.store(mailbox, uids, "+FLAGS", ["\\Deleted"], silent=True)
        model = self.model[mailbox]
        use_uid = rng.random() < 0.5
        candidates = sorted(u for u, (_, flags) in model.items()
                            if (flags is None or "\\deleted" in flags) and (not use_uid or u in uids))
        certain = sorted(u for u in candidates if model[u][1] is not None)
        self.begin(Op("expunge", removes=[(mailbox, u) for u in certain],
                      maybe_removes=[(mailbox, u) for u in candidates if u not in certain]))
        lines = self.conn.command(f"UID EXPUNGE {uid_set(uids)}" if use_uid else "EXPUNGE")
        self.expect_ok(lines, "EXPUNGE")
        removed = self.expunged_uids(lines, sorted(model))
        if not set(certain) <= set(removed) or not set(removed) <= set(candidates):
            raise WrongAnswer(f"{'UID EXPUNGE' if use_uid else 'EXPUNGE'} removed {removed}, "
                              f"the \\Deleted messages are {certain}")
        for uid in removed:
            del model[uid]
        self.gone[mailbox].update(removed)
        self.done("uid expunge" if use_uid else "expunge")
        self.acked["messages expunged"] += len(removed)

    # -- shared mailbox ----------------------------------------------------------------------

    def registry(self):
        return self.ledger.shared[self.user]

    def append_shared(self, rng):
        registry = self.registry()
        body = self.new_message(rng)
        flags = self.random_flags(rng)
        with self.ledger.lock:
            registry.sent_this_round.add(sha(body))
        floor = self.ledger.floor(self.user, self.shared)
        self.begin(Op("shared append"))
        validity, uids = self.append_command(self.shared, [(body, flags)])
        self.ledger.acknowledge(self.name, self.user, self.shared, validity, uids, floor)
        with self.ledger.lock:
            registry.known[uids[0]] = (body, normalize(flags))
        self.done("shared append")

    def copy_to_shared(self, rng):
        registry = self.registry()
        uids = self.pick(rng, self.current, most=2)
        if not uids:
            return self.append_shared(rng)
        model = self.model[self.current]
        with self.ledger.lock:
            registry.sent_this_round.update(sha(model[u][0]) for u in uids)
        floor = self.ledger.floor(self.user, self.shared)
        self.begin(Op("shared copy"))
        lines = self.conn.command(f"UID COPY {uid_set(uids)} {self.shared}")
        self.expect_ok(lines, "UID COPY to the shared mailbox")
        validity, sources, destinations = self.copyuid(lines, "UID COPY to the shared mailbox")
        self.ledger.acknowledge(self.name, self.user, self.shared, validity, destinations, floor)
        with self.ledger.lock:
            for s, d in zip(sources, destinations):
                registry.known[d] = (model[s][0], model[s][1])
        self.done("shared copy")

    def pick_shared(self, rng, most):
        registry = self.registry()
        with self.ledger.lock:
            uids = sorted(u for u in registry.known if u not in registry.removal_tried)
        if not uids:
            return []
        return sorted(rng.sample(uids, rng.randint(1, min(most, len(uids)))))

    def in_shared(self, body):
        """Runs `body` with the shared mailbox selected, then selects our mailbox again (and
        checks its EXISTS against the model)."""
        back = self.current
        self.select(self.shared)
        body()
        self.select(back)

    def store_shared(self, rng):
        uids = self.pick_shared(rng, 3)
        if not uids:
            return self.append_shared(rng)
        registry = self.registry()
        with self.ledger.lock:
            registry.store_tried.update(uids)
        operation = rng.choice(["+FLAGS", "-FLAGS", "FLAGS"])
        flags = self.random_flags(rng) or [rng.choice(KEYWORDS)]

        def run():
            self.simple_shared_command(f"UID STORE {uid_set(uids)} {operation} {flag_list(flags)}", "shared store")
        self.in_shared(run)

    def delete_shared(self, rng):
        uids = self.pick_shared(rng, 2)
        if not uids:
            return self.append_shared(rng)
        registry = self.registry()
        with self.ledger.lock:
            registry.removal_tried.update(uids)
            registry.store_tried.update(uids)

        def run():
            self.simple_shared_command(f"UID STORE {uid_set(uids)} +FLAGS.SILENT (\\Deleted)", "shared store")
            self.simple_shared_command(f"UID EXPUNGE {uid_set(uids)}", "shared uid expunge",
                                       op_name="shared expunge")
        self.in_shared(run)

    def move_from_shared(self, rng):
        uids = self.pick_shared(rng, 2)
        if not uids:
            return self.append_shared(rng)
        registry = self.registry()
        target = self.current
        with self.ledger.lock:
            registry.removal_tried.update(uids)
            bodies = [registry.known[u][0] for u in uids]
        floor = self.ledger.floor(self.user, target)

        def run():
            self.begin(Op("shared move", adds=[(target, body, None) for body in bodies], partial_ok=True,
                          shared_sources=uids))
            lines = self.conn.command(f"UID MOVE {uid_set(uids)} {target}")
            self.expect_ok(lines, "UID MOVE out of the shared mailbox")
            moved = {}
            if any(COPYUID.search(line) for line in lines):
                validity, sources, destinations = self.copyuid(lines, "UID MOVE")
                self.ledger.acknowledge(self.name, self.user, target, validity, destinations, floor)
                with self.ledger.lock:
                    registry.removed.update(sources)
                    for s, d in zip(sources, destinations):
                        # Flags as other clients left them: unknown until observed.
                        moved[d] = [registry.known[s][0], None]
            self.model[target].update(moved)
            self.done("shared move")
        self.in_shared(run)
