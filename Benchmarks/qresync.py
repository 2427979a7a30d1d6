"""Suite "qresync": a 100,000-message mailbox, resynchronised after 100 flag changes.

The mailbox holds the corpus over and over (round n of it with an `X-Bench-Copy: n` field in
front, so no two messages are identical), each with its Date: as INTERNALDATE and nine in ten
stored \\Seen. Tern is filled over IMAP (MULTIAPPEND batches over two connections); Dovecot's
Maildir gets the same files written straight into `cur/` (mtime = INTERNALDATE, `:2,S` for
\\Seen) and builds its index on the first, untimed, SELECT — appending 100,000 messages through
Dovecot's IMAP takes a quarter of an hour or more here, and how the mailbox was filled does not
change what is measured once Dovecot has indexed it.

Then one session notes UIDVALIDITY and HIGHESTMODSEQ (`SELECT INBOX (CONDSTORE)`) and makes K
`UID STORE uid +FLAGS.SILENT (\\Flagged)` on random messages (the same sequence numbers on each
server). Timed, servers taking turns run by run, from sending each command to its tagged OK:

- `SELECT INBOX (QRESYNC (uidvalidity modseq))` by a session that sent `ENABLE QRESYNC` (RFC
  7162 §3.2.5); it must report the K changed messages; `UNSELECT` after each run, untimed;
- plain `SELECT INBOX`, then on it `UID FETCH 1:* (UID FLAGS)` and `SEARCH UNSEEN`;
- `SEARCH TEXT` for a word in some messages and for a word in none (fewer runs: each reads
  every message).
"""

import random
import re

import common
import corpus
import fill
import imapload

USER = "bench-qresync"
SEEN_EVERY = 10


def run(ctx):
    args = ctx.args
    count = args.qresync_messages
    base = ctx.messages(min(count, ctx.corpus_size))
    targets = ctx.targets("qresync")
    result = {"parameters": {"messages": count, "stores": args.qresync_stores, "runs": args.qresync_runs,
                             "text_runs": args.qresync_text_runs, "distinct_corpus_messages": len(base)},
              "servers": [{"name": t.name, "description": t.describe()} for t in targets], "fill": {}}
    sessions = []
    try:
        ctx.start(targets, [USER])
        for target in targets:
            items = fill.items_of(corpus.copies(base, count), seen_every=SEEN_EVERY)
            if target.name == "Tern" or not args.qresync_dovecot_maildir:
                print(f"{target.name}: filling INBOX with {count:,} messages (MULTIAPPEND, 2 connections) ...",
                      end="", flush=True)
                seconds = fill.imap_fill(target.port, USER, items, count, target.name, connections=2)
                how = "MULTIAPPEND over 2 connections"
            else:
                print(f"{target.name}: writing {count:,} messages into its Maildir ...", end="", flush=True)
                seconds = fill.maildir_fill(target, USER, items, count)
                how = "Maildir files written directly"
            print(f" {seconds:.1f} s", flush=True)
            result["fill"][target.name] = {"seconds": seconds, "how": how}
        common.settle()
        for target in targets:
            result["fill"][target.name]["first_select_seconds"] = first_select(target, count)
        state = {target.name: change_flags(target, count, args.qresync_stores, args.seed) for target in targets}
        result["state"] = state
        common.settle()
        conditions = common.Conditions(args.quick)
        result["figures"] = measure(ctx, targets, state, count, conditions, sessions)
        result["conditions"] = conditions.finish()
    finally:
        for session in sessions:
            session.logout()
        ctx.stop(targets)
    return result


def first_select(target, count):
    """Opens the mailbox once, untimed as a figure: Dovecot indexes Maildir files here."""
    session = imapload.Connection(target.port, timeout=1800)
    try:
        session.login(USER, common.PASSWORD)
        seconds, response = session.timed(b"SELECT INBOX")
        if imapload.exists_count(response) != count:
            raise imapload.IMAPError(f"{target.name}: SELECT shows {imapload.exists_count(response)} messages, "
                                     f"{count} expected")
        return seconds
    finally:
        session.logout()


def response_code(response, name):
    match = re.search(rb"\[" + name + rb" (\d+)\]", response)
    if not match:
        raise imapload.IMAPError(f"no {name.decode()} in {response[:300]!r}")
    return int(match.group(1))


def change_flags(target, count, stores, seed):
    """Notes UIDVALIDITY and HIGHESTMODSEQ, then flags `stores` random messages one command each."""
    session = imapload.Connection(target.port, timeout=600)
    try:
        session.login(USER, common.PASSWORD)
        selected = session.command(b"SELECT INBOX (CONDSTORE)")
        uid_validity = response_code(selected, b"UIDVALIDITY")
        modseq = response_code(selected, b"HIGHESTMODSEQ")
        uids = imapload.search_numbers(session.command(b"UID SEARCH ALL"))
        if len(uids) != count:
            raise imapload.IMAPError(f"{target.name}: UID SEARCH ALL found {len(uids)} messages")
        chosen = random.Random(seed).sample(range(count), stores)
        for position in chosen:
            session.command(b"UID STORE %d +FLAGS.SILENT (\\Flagged)" % uids[position])
        return {"uidvalidity": uid_validity, "highestmodseq_before": modseq, "changed": len(set(chosen))}
    finally:
        session.logout()


def measure(ctx, targets, state, count, conditions, sessions):
    args = ctx.args
    word, absent = args.search_word, args.absent_word
    unseen_expected = len(range(0, count, SEEN_EVERY))
    resync, plain = {}, {}
    for target in targets:
        q = imapload.Connection(target.port, timeout=1800)
        sessions.append(q)
        q.login(USER, common.PASSWORD)
        q.command(b"ENABLE QRESYNC")
        p = imapload.Connection(target.port, timeout=1800)
        sessions.append(p)
        p.login(USER, common.PASSWORD)
        resync[target.name], plain[target.name] = q, p
    keys = ["qresync_select", "select", "uid_fetch_flags", "search_unseen", "search_text", "search_text_absent"]
    series = {t.name: {k: common.Series() for k in keys} for t in targets}
    answers = {t.name: {} for t in targets}
    warmup = 1
    total = warmup + args.qresync_runs
    print(f"Timing on the {count:,}-message mailbox: 1 warm-up + {args.qresync_runs} runs "
          f"({args.qresync_text_runs} for SEARCH TEXT) per server, servers interleaved ...", flush=True)

    def timed(target, session, key, command, run_index):
        with ctx.profile(target, f"qresync-{key}", when=run_index == total - 1):
            seconds, response, cpu = common.timed_command(session, command, target, ctx.pids(targets), conditions)
        entry = series[target.name][key]
        if run_index == 0:
            entry.first_ms = seconds * 1000
        if run_index >= warmup:
            entry.times_ms.append(seconds * 1000)
            entry.cpu_seconds += cpu
        return response

    for run_index in range(total):
        order = targets if run_index % 2 == 0 else list(reversed(targets))
        for target in order:
            name = target.name
            known = state[name]
            command = b"SELECT INBOX (QRESYNC (%d %d))" % (known["uidvalidity"], known["highestmodseq_before"])
            response = timed(target, resync[name], "qresync_select", command, run_index)
            answers[name]["qresync_fetches"] = imapload.count_fetches(response)
            answers[name]["qresync_vanished"] = response.count(b"* VANISHED")
            if answers[name]["qresync_fetches"] < known["changed"]:
                raise imapload.IMAPError(f"{name}: QRESYNC SELECT reported {answers[name]['qresync_fetches']} "
                                         f"changed messages, {known['changed']} expected")
            resync[name].command(b"UNSELECT")
            session = plain[name]
            response = timed(target, session, "select", b"SELECT INBOX", run_index)
            if imapload.exists_count(response) != count:
                raise imapload.IMAPError(f"{name}: SELECT shows {imapload.exists_count(response)} messages")
            response = timed(target, session, "uid_fetch_flags", b"UID FETCH 1:* (UID FLAGS)", run_index)
            if imapload.count_fetches(response) != count:
                raise imapload.IMAPError(f"{name}: UID FETCH returned {imapload.count_fetches(response)} messages")
            response = timed(target, session, "search_unseen", b"SEARCH UNSEEN", run_index)
            answers[name]["unseen"] = len(imapload.search_numbers(response))
            if answers[name]["unseen"] != unseen_expected:
                raise imapload.IMAPError(f"{name}: SEARCH UNSEEN found {answers[name]['unseen']}, "
                                         f"{unseen_expected} expected")
            if run_index < warmup + args.qresync_text_runs:
                for key, term in (("search_text", word), ("search_text_absent", absent)):
                    response = timed(target, session, key, b'SEARCH TEXT "%s"' % term.encode(), run_index)
                    answers[name][key] = len(imapload.search_numbers(response))
        print(f"  run {run_index + 1}/{total} done", flush=True)
    figures = {}
    for target in targets:
        figures[target.name] = {k: series[target.name][k].summary() for k in keys}
        figures[target.name]["answers"] = answers[target.name]
    return figures


def report(result):
    print("== qresync ==")
    names = [s["name"] for s in result["servers"]]
    figures = result["figures"]
    params = result["parameters"]
    word_rows = [
        ("qresync_select", f"SELECT INBOX (QRESYNC (v m)) after {params['stores']} STOREs"),
        ("select", "SELECT INBOX"),
        ("uid_fetch_flags", "UID FETCH 1:* (UID FLAGS)"),
        ("search_unseen", "SEARCH UNSEEN"),
        ("search_text", "SEARCH TEXT (a word in some messages)"),
        ("search_text_absent", "SEARCH TEXT (a word in none)"),
    ]
    table = common.Table(names)
    for key, label in word_rows:
        table.row(f"{label} median ms", [figures[n][key]["median_ms"] for n in names], 1, "lower")
        table.row("  server CPU ms per run", [figures[n][key]["server_cpu_ms_per_run"] for n in names], 1, "lower")
    table.row("fill seconds (not a figure of merit)", [result["fill"][n]["seconds"] for n in names], 1, "(info)")
    table.row("first SELECT after the fill, s (Dovecot indexes here)",
              [result["fill"][n]["first_select_seconds"] for n in names], 1, "(info)")
    table.print()
    print(common.RATIO_NOTE)
    for name in names:
        answers = figures[name]["answers"]
        print(f"  {name}: filled by {result['fill'][name]['how']}; QRESYNC SELECT reported "
              f"{answers['qresync_fetches']} FETCH and {answers['qresync_vanished']} VANISHED responses; "
              f"SEARCH UNSEEN {answers['unseen']:,}, TEXT {answers['search_text']:,} and {answers['search_text_absent']:,} "
              f"matches.")
    print(f"{params['messages']:,} messages (the first {params['distinct_corpus_messages']:,} corpus messages "
          f"repeated, each copy made unique); {params['stores']} flag changes; median of {params['runs']} runs "
          f"({params['text_runs']} for SEARCH TEXT) after 1 warm-up; servers interleaved.")
    print(common.describe_conditions(result["conditions"]))
