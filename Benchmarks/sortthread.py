"""Suite "sort-thread": SORT and THREAD on a large mailbox (issue 16; RFC 5256).

The mailbox is filled as the qresync suite fills it (the corpus repeated, each copy unique,
Date: as INTERNALDATE; Tern over IMAP, Dovecot's Maildir written directly and indexed at an
untimed first SELECT). Timed, servers taking turns run by run, from sending each command to
its tagged OK, on one session with the mailbox selected:

- `SORT (DATE) UTF-8 ALL`, `SORT (SUBJECT) UTF-8 ALL`, `THREAD REFERENCES UTF-8 ALL`,
  `THREAD REFS UTF-8 ALL` (Dovecot's variant, which both servers offer).

The first run of each is reported on its own (`first ms`): Dovecot builds its sort and thread
indexes then, Tern reads the keys it stored at delivery. The answers must hold every message.
"""

import re

import common
import corpus
import fill
import imapload

USER = "bench-sort"
COMMANDS = [
    ("sort_date", b"SORT (DATE) UTF-8 ALL", "SORT (DATE) UTF-8 ALL"),
    ("sort_subject", b"SORT (SUBJECT) UTF-8 ALL", "SORT (SUBJECT) UTF-8 ALL"),
    ("thread_references", b"THREAD REFERENCES UTF-8 ALL", "THREAD REFERENCES UTF-8 ALL"),
    ("thread_refs", b"THREAD REFS UTF-8 ALL", "THREAD REFS UTF-8 ALL"),
]


def run(ctx):
    args = ctx.args
    count = args.sort_messages
    base = ctx.messages(min(count, ctx.corpus_size))
    targets = ctx.targets("sort-thread")
    result = {"parameters": {"messages": count, "runs": args.sort_runs, "distinct_corpus_messages": len(base)},
              "servers": [{"name": t.name, "description": t.describe()} for t in targets], "fill": {}}
    sessions = []
    try:
        ctx.start(targets, [USER])
        for target in targets:
            items = fill.items_of(corpus.copies(base, count), seen_every=10)
            if target.name == "Tern":
                print(f"{target.name}: filling INBOX with {count:,} messages (MULTIAPPEND, 2 connections) ...",
                      end="", flush=True)
                seconds = fill.imap_fill(target.port, USER, items, count, target.name, connections=2)
            else:
                print(f"{target.name}: writing {count:,} messages into its Maildir ...", end="", flush=True)
                seconds = fill.maildir_fill(target, USER, items, count)
            print(f" {seconds:.1f} s", flush=True)
            result["fill"][target.name] = {"seconds": seconds}
        common.settle()
        conditions = common.Conditions(args.quick)
        result["figures"] = measure(ctx, targets, count, conditions, sessions)
        result["conditions"] = conditions.finish()
    finally:
        for session in sessions:
            session.logout()
        ctx.stop(targets)
    return result


def members(response, name):
    """The message numbers of the untagged SORT or THREAD response."""
    for line in response.split(b"\r\n"):
        if line.startswith(b"* " + name):
            return [int(n) for n in re.findall(rb"\d+", line[len(name) + 2:])]
    raise imapload.IMAPError(f"no {name.decode()} response in {response[:300]!r}")


def measure(ctx, targets, count, conditions, sessions):
    args = ctx.args
    opened = {}
    for target in targets:
        session = imapload.Connection(target.port, timeout=1800)
        sessions.append(session)
        session.login(USER, common.PASSWORD)
        seconds, response = session.timed(b"SELECT INBOX")
        if imapload.exists_count(response) != count:
            raise imapload.IMAPError(f"{target.name}: SELECT shows {imapload.exists_count(response)} messages")
        opened[target.name] = session
    series = {t.name: {key: common.Series() for key, _, _ in COMMANDS} for t in targets}
    total = 1 + args.sort_runs
    print(f"Timing on the {count:,}-message mailbox: 1 first run + {args.sort_runs} runs per server, "
          f"servers interleaved ...", flush=True)
    for run_index in range(total):
        order = targets if run_index % 2 == 0 else list(reversed(targets))
        for target in order:
            for key, command, _ in COMMANDS:
                with ctx.profile(target, f"sort-{key}", when=run_index == total - 1):
                    seconds, response, cpu = common.timed_command(opened[target.name], command, target,
                                                                  ctx.pids(targets), conditions)
                found = members(response, b"THREAD" if key.startswith("thread") else b"SORT")
                if sorted(found) != list(range(1, count + 1)):
                    raise imapload.IMAPError(f"{target.name}: {command.decode()} answered {len(found)} "
                                             f"numbers, not every message once")
                entry = series[target.name][key]
                if run_index == 0:
                    entry.first_ms = seconds * 1000
                else:
                    entry.times_ms.append(seconds * 1000)
                    entry.cpu_seconds += cpu
        print(f"  run {run_index + 1}/{total} done", flush=True)
    return {t.name: {key: series[t.name][key].summary() for key, _, _ in COMMANDS} for t in targets}


def report(result):
    print("== sort-thread ==")
    names = [s["name"] for s in result["servers"]]
    figures = result["figures"]
    params = result["parameters"]
    table = common.Table(names)
    for key, _, label in COMMANDS:
        table.row(f"{label} median ms", [figures[n][key]["median_ms"] for n in names], 1, "lower")
        table.row("  first run ms", [figures[n][key]["first_ms"] for n in names], 1, "lower")
        table.row("  server CPU ms per run", [figures[n][key]["server_cpu_ms_per_run"] for n in names], 1, "lower")
    table.row("fill seconds (not a figure of merit)", [result["fill"][n]["seconds"] for n in names], 1, "(info)")
    table.print()
    print(common.RATIO_NOTE)
    print(f"{params['messages']:,} messages (the first {params['distinct_corpus_messages']:,} corpus messages "
          f"repeated, each copy made unique); median of {params['runs']} runs after the first; servers interleaved.")
    print(common.describe_conditions(result["conditions"]))
