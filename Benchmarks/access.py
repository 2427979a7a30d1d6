"""Suite "message-access": reading a 10,000-message mailbox, beside Dovecot.

Both servers get the same messages in the same order over one connection (MULTIAPPEND, each
message's INTERNALDATE set to its Date: field), so message n is the same message on both and
their SEARCH answers can be compared number by number. Then, servers taking turns command by
command and run by run (the first server alternates between runs):

- `FETCH 1:* (ENVELOPE BODYSTRUCTURE)`
- `SEARCH TEXT "w"` for a word in some but not all messages, and for a word in none
- `SEARCH FROM "x" SINCE d`, x the commonest domain of the From: addresses and d the date of the
  middle message, so that the answer is neither empty nor everything

Each command's time is from sending it to its tagged OK; the figure is the median of R runs
after W warm-up runs (the first, cold run is shown apart). Server CPU is measured around each
run and averaged.
"""

import collections
import email.utils
import re
import time

import common
import corpus
import fill
import imapload

USER = "bench-access"


def word_frequency(messages, word):
    """How many messages contain `word` as a whole word, case-insensitively, in their raw
    bytes (a server that decodes MIME parts may find it in a few more)."""
    pattern = re.compile(rb"(?<![a-z0-9])" + re.escape(word.lower().encode()) + rb"(?![a-z0-9])")
    return sum(1 for message in messages if pattern.search(message.lower()))


def commonest_from_domain(messages):
    domains = collections.Counter()
    for message in messages:
        header = message[:message.find(b"\r\n\r\n")]
        match = re.search(rb"^From:(.*(?:\r\n[ \t].*)*)", header, re.MULTILINE | re.IGNORECASE)
        if not match:
            continue
        _, address = email.utils.parseaddr(match.group(1).decode("ascii", "replace").replace("\r\n", ""))
        if "@" in address:
            domains[address.rsplit("@", 1)[1].lower()] += 1
    return domains.most_common(1)[0][0]


def middle_date(messages):
    """The date (RFC 3501 `date`) of the middle message by sent time, in its own zone: the
    INTERNALDATE's date, which SINCE compares."""
    dated = sorted((sent, offset) for sent, offset in filter(None, map(corpus.sent_time, messages)))
    seconds, offset = dated[len(dated) // 2]
    local = time.gmtime(seconds + offset)
    return f"{local.tm_mday}-{corpus.MONTHS[local.tm_mon - 1].decode()}-{local.tm_year}"


def commands(args, messages):
    """The commands to time, with their labels, and the checks the figures rely on."""
    word, absent = args.search_word, args.absent_word
    present = word_frequency(messages, word)
    if not 0 < present < len(messages):
        raise RuntimeError(f'"{word}" occurs in {present} of {len(messages)} messages; pick another --search-word')
    if word_frequency(messages, absent):
        raise RuntimeError(f'"{absent}" occurs in the corpus; pick another --absent-word')
    sender = args.search_from or commonest_from_domain(messages)
    since = args.search_since or middle_date(messages)
    return [
        ("fetch", "FETCH 1:* (ENVELOPE BODYSTRUCTURE)", b"FETCH 1:* (ENVELOPE BODYSTRUCTURE)"),
        ("text", f'SEARCH TEXT "{word}"', b'SEARCH TEXT "%s"' % word.encode()),
        ("text_absent", f'SEARCH TEXT "{absent}"', b'SEARCH TEXT "%s"' % absent.encode()),
        ("from_since", f'SEARCH FROM "{sender}" SINCE {since}',
         b'SEARCH FROM "%s" SINCE %s' % (sender.encode(), since.encode())),
    ], {"word_in_raw_messages": present}


def run(ctx):
    args = ctx.args
    count = args.access_messages
    messages = ctx.messages(count)
    plan, notes = commands(args, messages)
    targets = ctx.targets("message-access")
    result = {"parameters": {"messages": count, "runs": args.access_runs, "warmup": args.access_warmup,
                             "corpus_bytes": sum(len(m) for m in messages), **notes},
              "servers": [{"name": t.name, "description": t.describe()} for t in targets],
              "commands": {key: label for key, label, _ in plan}}
    sessions = {}
    try:
        ctx.start(targets, [USER])
        for target in targets:
            print(f"{target.name}: filling INBOX with {count:,} messages (MULTIAPPEND, one connection) ...",
                  end="", flush=True)
            seconds = fill.imap_fill(target.port, USER, fill.items_of(messages), count, target.name)
            print(f" {seconds:.1f} s", flush=True)
            result.setdefault("fill_seconds", {})[target.name] = seconds
        common.settle()
        conditions = common.Conditions(args.quick)
        for target in targets:
            session = imapload.Connection(target.port, timeout=900)
            session.login(USER, common.PASSWORD)
            selected = session.command(b"SELECT INBOX")
            if imapload.exists_count(selected) != count:
                raise imapload.IMAPError(f"{target.name}: SELECT shows {imapload.exists_count(selected)} messages")
            sessions[target.name] = session
        series = {t.name: {key: common.Series() for key, _, _ in plan} for t in targets}
        answers = {t.name: {} for t in targets}
        total = args.access_warmup + args.access_runs
        print(f"Timing {len(plan)} commands: {args.access_warmup} warm-up + {args.access_runs} runs per server, "
              f"servers interleaved ...", flush=True)
        for run_index in range(total):
            order = targets if run_index % 2 == 0 else list(reversed(targets))
            for key, label, command in plan:
                for target in order:
                    with ctx.profile(target, f"access-{key}", when=run_index == total - 1):
                        seconds, response, cpu = common.timed_command(
                            sessions[target.name], command, target, ctx.pids(targets), conditions)
                    check(target, key, response, count, answers)
                    entry = series[target.name][key]
                    if run_index == 0:
                        entry.first_ms = seconds * 1000
                    if run_index >= args.access_warmup:
                        entry.times_ms.append(seconds * 1000)
                        entry.cpu_seconds += cpu
            print(f"  run {run_index + 1}/{total} done", flush=True)
        result["figures"] = {name: {key: entry.summary() for key, entry in by_key.items()}
                             for name, by_key in series.items()}
        result["searches"] = compare_searches(targets, plan, answers)
        result["conditions"] = conditions.finish()
        result["conditions"]["filesystem"] = common.filesystem_of(ctx.workdir)
    finally:
        for session in sessions.values():
            session.logout()
        ctx.stop(targets)
    return result


def check(target, key, response, count, answers):
    if key == "fetch":
        fetched = imapload.count_fetches(response)
        if fetched != count:
            raise imapload.IMAPError(f"{target.name}: FETCH returned {fetched} messages, {count} expected")
        return
    numbers = imapload.search_numbers(response)
    previous = answers[target.name].get(key)
    if previous is not None and previous != numbers:
        raise imapload.IMAPError(f"{target.name}: {key} answered differently from one run to the next")
    answers[target.name][key] = numbers


def compare_searches(targets, plan, answers):
    """Each SEARCH's result count per server and whether the servers agree number by number."""
    result = {}
    reference = targets[0].name
    for key, label, _ in plan:
        if key == "fetch":
            continue
        entry = {"label": label, "counts": {t.name: len(answers[t.name][key]) for t in targets}, "differences": {}}
        mine = set(answers[reference][key])
        for target in targets[1:]:
            theirs = set(answers[target.name][key])
            if mine != theirs:
                entry["differences"][target.name] = {"only_tern": sorted(mine - theirs)[:20],
                                                     "only_peer": sorted(theirs - mine)[:20],
                                                     "only_tern_count": len(mine - theirs),
                                                     "only_peer_count": len(theirs - mine)}
        result[key] = entry
    return result


def report(result):
    names = [s["name"] for s in result["servers"]]
    table = common.Table(names)
    figures = result["figures"]
    for key, label in result["commands"].items():
        table.row(f"{label} median ms", [figures[n][key]["median_ms"] for n in names], 1, "lower")
        table.row("  min ms", [figures[n][key]["min_ms"] for n in names], 1, "lower")
        table.row("  first (cold) run ms", [figures[n][key]["first_ms"] for n in names], 1, "lower")
        table.row("  server CPU ms per run", [figures[n][key]["server_cpu_ms_per_run"] for n in names], 1, "lower")
    table.row("fill: MULTIAPPEND seconds (not a figure of merit)",
              [result["fill_seconds"][n] for n in names], 1, "(info)")
    print("== message-access ==")
    table.print()
    print(common.RATIO_NOTE)
    params = result["parameters"]
    print(f"{params['messages']:,} messages ({params['corpus_bytes'] / 2**20:,.1f} MiB) in INBOX; median of "
          f"{params['runs']} runs after {params['warmup']} warm-up; servers interleaved command by command.")
    for key, entry in result["searches"].items():
        counts = ", ".join(f"{name} {count:,}" for name, count in entry["counts"].items())
        if key == "text":
            counts += f" (the word is in {params['word_in_raw_messages']:,} messages' raw bytes)"
        verdict = "same messages" if not entry["differences"] else "DIFFERENT messages"
        if len(entry["counts"]) == 1:
            verdict = "no peer to compare"
        print(f"  {entry['label']}: {counts} matches; {verdict}")
        for peer, diff in entry["differences"].items():
            print(f"    vs {peer}: {diff['only_tern_count']} only in Tern {diff['only_tern']}, "
                  f"{diff['only_peer_count']} only in {peer} {diff['only_peer']}")
    print(common.describe_conditions(result["conditions"]))
