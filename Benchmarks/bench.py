#!/usr/bin/env python3
"""Tern against Dovecot on the same machine, in the same run.

Suites (`--suite`, default append-fetch; `all` runs every one):
  append-fetch    APPEND throughput and UID FETCH (below)
  message-access  FETCH ENVELOPE BODYSTRUCTURE and SEARCH on 10,000 messages (access.py)
  idle            push latency to 1,000 IDLE sessions on one mailbox (idle.py)
  memory          memory of 10,000 idling sessions (memory.py)
  qresync         SELECT QRESYNC, SELECT, FETCH flags, SEARCH on 100,000 messages (qresync.py)

The append-fetch suite starts both servers on free ports of 127.0.0.1 with temporary data, then
measures, one server at a time:

1. APPEND of the corpus messages into INBOX of a fresh account, over K concurrent connections
   (LITERAL+, one command at a time per connection, each waiting for its tagged OK), and again
   over a single connection of another fresh account: messages per second.
2. `UID FETCH 1:* (UID FLAGS)` on the K-connection mailbox: milliseconds from sending the
   command to its tagged OK, the median of R runs after a warm-up.

During each phase it records the CPU time of each server's process tree, of this client and of
the whole machine (what remains is other load), and before the servers it drives a do-nothing
sink server to show how fast the client alone can go. See Benchmarks/README.md.
"""

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import access  # noqa: E402
import common  # noqa: E402
import corpus  # noqa: E402
import idle  # noqa: E402
import imapload  # noqa: E402
import memory  # noqa: E402
import procstat  # noqa: E402
import qresync  # noqa: E402
import servers  # noqa: E402
from common import PASSWORD, filesystem_of, idle_load, settle  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
MULTI_USER, SINGLE_USER = "bench-multi", "bench-single"
SUITES = ["append-fetch", "message-access", "idle", "memory", "qresync"]

# (option, full value, --quick value) of each suite's scale.
SCALES = [
    ("access_messages", 10_000, 200), ("access_runs", 7, 3), ("access_warmup", 1, 1),
    ("idle_sessions", 1_000, 20), ("idle_appends", 50, 5), ("idle_inbox", 1_000, 20),
    ("memory_sessions", 10_000, 200), ("memory_dovecot_sessions", 1_000, 50), ("memory_inbox", 1_000, 20),
    ("qresync_messages", 100_000, 2_000), ("qresync_stores", 100, 20), ("qresync_runs", 5, 2),
    ("qresync_text_runs", 3, 1),
]


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=10_000, help="messages to APPEND (default 10000)")
    parser.add_argument("--single-messages", type=int, metavar="N",
                        help="messages for the single-connection APPEND (default: --messages)")
    parser.add_argument("--connections", type=int, default=4, help="concurrent APPEND connections (default 4)")
    parser.add_argument("--runs", type=int, default=11, help="timed UID FETCH runs per server (default 11)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed UID FETCH runs first (default 2)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke mode: 200 messages, 3 runs, 1 warm-up (well under a minute)")
    parser.add_argument("--json", metavar="FILE", help="also write every figure to FILE as JSON")
    parser.add_argument("--tern-bin", metavar="PATH",
                        help="the tern binary (default: $TERN_BIN, else .build/release/tern, "
                             "else .build/debug/tern with a warning)")
    parser.add_argument("--dovecot-fast", action="store_true",
                        help="run Dovecot in its high-performance login mode instead of the default one")
    parser.add_argument("--dovecot-both", action="store_true",
                        help="run Dovecot twice side by side: default and high-performance login mode")
    parser.add_argument("--no-dovecot", action="store_true", help="measure Tern alone")
    parser.add_argument("--no-sink", action="store_true", help="skip measuring the client against the sink")
    parser.add_argument("--corpus-dir", metavar="DIR",
                        help="keep the generated corpus here and reuse it (default: in the temporary directory)")
    parser.add_argument("--workdir", metavar="DIR", help="where the temporary directory goes (default: $TMPDIR)")
    parser.add_argument("--profile", metavar="DIR",
                        help="record Tern with `perf record -g` during each phase into DIR/PHASE.perf.data "
                             "(perturbs the figures: use for finding hot spots, not for comparing)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (data, configs, logs)")
    parser.add_argument("--suite", default="append-fetch", metavar="NAMES",
                        help=f"comma-separated suites to run, or `all`: {', '.join(SUITES)} (default append-fetch)")
    group = parser.add_argument_group("message-access suite")
    group.add_argument("--access-messages", type=int, metavar="N", help="messages in the mailbox (default 10000)")
    group.add_argument("--access-runs", type=int, metavar="R", help="timed runs per command and server (default 7)")
    group.add_argument("--access-warmup", type=int, metavar="W", help="untimed runs first (default 1)")
    group.add_argument("--search-word", default="benchmark",
                       help="word for SEARCH TEXT that is in some but not all messages (default benchmark)")
    group.add_argument("--absent-word", default="xylograph",
                       help="word for SEARCH TEXT that is in no message (default xylograph)")
    group.add_argument("--search-from", metavar="TEXT",
                       help="SEARCH FROM argument (default: the commonest From: domain of the messages)")
    group.add_argument("--search-since", metavar="DATE",
                       help="SEARCH SINCE date, e.g. 1-Jan-2025 (default: the date of the middle message)")
    group = parser.add_argument_group("idle suite")
    group.add_argument("--idle-sessions", type=int, metavar="S", help="IDLE sessions per server (default 1000)")
    group.add_argument("--idle-appends", type=int, metavar="A", help="APPENDs to push per server (default 50)")
    group.add_argument("--idle-inbox", type=int, metavar="N", help="messages in INBOX beforehand (default 1000)")
    group.add_argument("--idle-timeout", type=float, default=40.0, metavar="SECONDS",
                       help="how long to wait for every session to hear one APPEND (default 40)")
    group = parser.add_argument_group("memory suite")
    group.add_argument("--memory-sessions", type=int, metavar="C", help="Tern's idling sessions (default 10000)")
    group.add_argument("--memory-dovecot-sessions", type=int, metavar="C",
                       help="Dovecot's idling sessions, extrapolated to --memory-sessions (default 1000)")
    group.add_argument("--memory-inbox", type=int, metavar="N", help="messages in INBOX (default 1000)")
    group = parser.add_argument_group("qresync suite")
    group.add_argument("--qresync-messages", type=int, metavar="N", help="messages in the mailbox (default 100000)")
    group.add_argument("--qresync-stores", type=int, metavar="K", help="flag changes before QRESYNC (default 100)")
    group.add_argument("--qresync-runs", type=int, metavar="R", help="timed runs (default 5)")
    group.add_argument("--qresync-text-runs", type=int, metavar="R", help="timed SEARCH TEXT runs (default 3)")
    group.add_argument("--qresync-dovecot-imap", dest="qresync_dovecot_maildir", action="store_false",
                       help="fill Dovecot over IMAP too instead of writing its Maildir directly (slow)")
    group.add_argument("--seed", type=int, default=20261122, help="random seed of the flag changes")
    args = parser.parse_args(argv)
    names = SUITES if args.suite == "all" else [name.strip() for name in args.suite.split(",") if name.strip()]
    unknown = [name for name in names if name not in SUITES]
    if unknown or not names:
        parser.error(f"unknown suite {', '.join(unknown) or '(none)'}; choose from {', '.join(SUITES)} or all")
    args.suites = [name for name in SUITES if name in names]
    for name, full, quick in SCALES:
        if getattr(args, name) is None:
            setattr(args, name, quick if args.quick else full)
        elif getattr(args, name) < (0 if name.endswith("warmup") else 1):
            parser.error(f"--{name.replace('_', '-')} is too small")
    if args.quick:
        args.messages, args.runs, args.warmup = 200, 3, 1
        if args.single_messages is None:
            args.single_messages = 200
    if args.single_messages is None:
        args.single_messages = args.messages
    for name in ("messages", "single_messages", "connections", "runs"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.warmup < 0:
        parser.error("--warmup must not be negative")
    return args


def find_tern(args):
    candidates = [args.tern_bin] if args.tern_bin else (
        [os.environ["TERN_BIN"]] if os.environ.get("TERN_BIN") else
        [REPO / ".build" / "release" / "tern", REPO / ".build" / "debug" / "tern"])
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            if "debug" in Path(candidate).parts:
                print(f"warning: using a debug build ({candidate}); figures are not representative "
                      f"(build with `swift build -c release`)", file=sys.stderr)
            return Path(candidate)
    raise SystemExit(f"tern binary not found (tried {', '.join(map(str, candidates))}); "
                     f"build it with `swift build -c release` or pass --tern-bin")


def stop_on_signals():
    """SIGTERM and SIGHUP end the benchmark like Ctrl-C does: through the `finally` blocks that
    stop every server."""
    def interrupt(number, _frame):
        raise KeyboardInterrupt(f"signal {number}")
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, interrupt)
    # Also when started in the background by a shell that set SIGINT to be ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)


class Profiler:
    """`perf record` of one server process during one phase, when --profile asked for it."""

    def __init__(self, directory, target, phase):
        self.process = None
        if directory is None or not isinstance(target, servers.TernServer):
            return
        if shutil.which("perf") is None:
            raise SystemExit("--profile needs perf (Debian: linux-perf)")
        Path(directory).mkdir(parents=True, exist_ok=True)
        self.output = Path(directory) / f"{phase}.perf.data"
        self.process = subprocess.Popen(["perf", "record", "-F", "499", "--call-graph", os.environ.get("BENCH_PERF_CALLGRAPH", "fp"), "-p", str(target.pid),
                                         "-o", str(self.output)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        start_new_session=True)
        time.sleep(1)  # perf attaches before the phase starts

    def __enter__(self):
        return self

    def __exit__(self, *_):
        if self.process is not None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            print(f" [profile: perf report -i {self.output}]", end="", flush=True)


def mailbox_count(port, user):
    session = imapload.Connection(port)
    try:
        session.login(user, PASSWORD)
        response = session.command(b"STATUS INBOX (MESSAGES)")
    finally:
        session.logout()
    marker = response.find(b"MESSAGES ")
    digits = response[marker + 9:].split(b")")[0]
    return int(digits)


def append_phase(target, user, messages, connections, pids):
    """Appends `messages` over `connections`; returns the figures of the phase."""
    run = imapload.append_load(target.port, user, PASSWORD, messages, connections)
    window = procstat.CPUWindow(pids)
    try:
        window.start()
        seconds = run.go()
        cpu = window.stop()
    finally:
        run.close()
    first_tenth, last_tenth = run.tenth_rates()
    result = {
        "first_tenth_messages_per_second": first_tenth,
        "last_tenth_messages_per_second": last_tenth,
        "messages": len(messages),
        "bytes": sum(len(m) for m in messages),
        "connections": connections,
        "seconds": seconds,
        "messages_per_second": len(messages) / seconds,
        "client_cpu_seconds": cpu["client"],
        "others_cpu_seconds": cpu["others"],
        "machine_busy_cpu_seconds": cpu["machine_busy"],
        "window_seconds": cpu["wall"],
    }
    if target.name in cpu["servers"]:
        result["server_cpu_seconds"] = cpu["servers"][target.name]
    return result


def fetch_phase(targets, user, expected, runs, warmup, pids):
    """Times `UID FETCH 1:* (UID FLAGS)` on each target, interleaving the servers run by run so
    that a change in machine load touches all of them alike. Then measures each server's CPU
    over `runs` back-to-back runs: /proc counts in 10 ms ticks, too coarse for one run."""
    command = b"UID FETCH 1:* (UID FLAGS)"
    sessions = {}
    results = {}

    def fetch(target):
        seconds, response = sessions[target.name].timed(command)
        count = response.count(b" FETCH (")
        if count != expected:
            raise imapload.IMAPError(f"{target.name}: UID FETCH returned {count} messages, {expected} expected")
        return seconds, response

    try:
        for target in targets:
            session = imapload.Connection(target.port)
            session.login(user, PASSWORD)
            session.command(b"SELECT INBOX")
            sessions[target.name] = session
            results[target.name] = {"times_ms": []}
        for _ in range(warmup):
            for target in targets:
                fetch(target)
        for _ in range(runs):
            for target in targets:
                seconds, response = fetch(target)
                results[target.name]["times_ms"].append(seconds * 1000)
                results[target.name]["response_bytes"] = len(response)
        for target in targets:
            window = procstat.CPUWindow(pids)
            window.start()
            for _ in range(runs):
                fetch(target)
            cpu = window.stop()
            results[target.name].update({
                "server_cpu_seconds": cpu["servers"].get(target.name, 0.0),
                "client_cpu_seconds": cpu["client"],
                "others_cpu_seconds": cpu["others"],
                "window_seconds": cpu["wall"],
            })
    finally:
        for session in sessions.values():
            session.logout()
    for entry in results.values():
        times = entry["times_ms"]
        entry["median_ms"] = statistics.median(times)
        entry["min_ms"] = min(times)
        entry["max_ms"] = max(times)
        entry["runs"] = len(times)
        entry["server_cpu_ms_per_run"] = entry["server_cpu_seconds"] * 1000 / len(times)
    return results


class SinkTarget:
    """The do-nothing sink server of imapload.py, in a process of its own."""

    name = "sink"

    def __init__(self):
        self.port = servers.free_port()
        self.process = subprocess.Popen([sys.executable, str(Path(imapload.__file__)), "--sink", str(self.port)],
                                        stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, start_new_session=True)
        if self.process.stdout.readline().strip() != b"ready":
            self.stop()
            raise RuntimeError("the sink server did not start")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def measure_client(args, messages, single_messages):
    """Drives the sink with the same client code: what the client alone can do. The sink runs in
    another process, so on a 2-core machine this is a lower bound of the client's ceiling."""
    sink = SinkTarget()
    try:
        pids = {"sink": sink.process.pid}
        multi = append_phase(sink, MULTI_USER, messages, args.connections, pids)
        multi["sink_cpu_seconds"] = multi.pop("server_cpu_seconds", None)
        single = append_phase(sink, SINGLE_USER, single_messages, 1, pids)
        single["sink_cpu_seconds"] = single.pop("server_cpu_seconds", None)
        fetch = fetch_phase([sink], MULTI_USER, len(messages), args.runs, args.warmup, pids)["sink"]
    finally:
        sink.stop()
    return {"append_multi": multi, "append_single": single, "fetch": fetch}


# --- report ---------------------------------------------------------------------------------

def fmt(value, digits):
    if value is None:
        return "-"
    return f"{value:,.{digits}f}"


def print_report(report):
    names = [entry["name"] for entry in report["servers"]]
    results = report["results"]
    peers = names[1:]
    K = report["parameters"]["connections"]
    rows = []

    def row(label, values, digits, better):
        rows.append((label, [fmt(v, digits) for v in values],
                     [fmt(ratio(values[0], v), 2) for v in values[1:]], better))

    def ratio(a, b):
        return None if a is None or b is None or b == 0 else a / b

    def per_thousand(phase, name):
        entry = results[name][phase]
        return entry.get("server_cpu_seconds", 0.0) * 1000 / entry["messages"]

    row(f"APPEND msg/s, {K} connections", [results[n]["append_multi"]["messages_per_second"] for n in names], 0,
        "higher")
    row(f"  first tenth of messages, {K} conn",
        [results[n]["append_multi"]["first_tenth_messages_per_second"] for n in names], 0, "higher")
    row(f"  last tenth of messages, {K} conn",
        [results[n]["append_multi"]["last_tenth_messages_per_second"] for n in names], 0, "higher")
    row("APPEND msg/s, 1 connection", [results[n]["append_single"]["messages_per_second"] for n in names], 0,
        "higher")
    row(f"APPEND server CPU s per 1,000 msgs, {K} conn", [per_thousand("append_multi", n) for n in names], 3, "lower")
    row("APPEND server CPU s per 1,000 msgs, 1 conn", [per_thousand("append_single", n) for n in names], 3, "lower")
    row(f"APPEND server cores busy, {K} conn",
        [results[n]["append_multi"]["server_cpu_seconds"] / results[n]["append_multi"]["seconds"] for n in names], 2,
        "(info)")
    row("UID FETCH 1:* (UID FLAGS) median ms", [results[n]["fetch"]["median_ms"] for n in names], 1, "lower")
    row("UID FETCH min ms", [results[n]["fetch"]["min_ms"] for n in names], 1, "lower")
    row("UID FETCH server CPU ms per run", [results[n]["fetch"]["server_cpu_ms_per_run"] for n in names], 1, "lower")
    row("server memory after run, MiB PSS", [results[n]["pss_bytes"] / 2**20 for n in names], 1, "lower")

    headers = ["metric", *names, *[f"Tern/{p}" for p in peers], "better"]
    table = [[label, *values, *ratios, better] for label, values, ratios, better in rows]
    widths = [max(len(str(line[i])) for line in [headers, *table]) for i in range(len(headers))]
    print()
    print("  ".join(h.ljust(widths[0]) if i == 0 else h.rjust(widths[i]) for i, h in enumerate(headers)))
    print("  ".join("-" * w for w in widths))
    for line in table:
        print("  ".join(str(c).ljust(widths[0]) if i == 0 else str(c).rjust(widths[i]) for i, c in enumerate(line)))
    print()
    print("Ratios are Tern/peer. For 'higher' rows a ratio above 1 means Tern is better; for 'lower' rows "
          "(times, CPU, memory) a ratio below 1 means Tern is better.")
    params = report["parameters"]
    print(f"APPEND: {params['messages']:,} messages ({params['corpus_bytes'] / 2**20:,.1f} MiB) over {K} connections, "
          f"{params['single_messages']:,} over 1; LITERAL+, one command at a time per connection, "
          f"each waiting for its tagged OK.")
    print(f"UID FETCH: median of {params['runs']} runs after {params['warmup']} warm-up, "
          f"on the {params['messages']:,}-message mailbox; servers interleaved run by run.")

    client = report.get("client")
    print()
    print("Client capacity (same client code against a do-nothing sink server in another process):")
    if client:
        print(f"  APPEND {K} connections: {client['append_multi']['messages_per_second']:,.0f} msg/s; "
              f"1 connection: {client['append_single']['messages_per_second']:,.0f} msg/s; "
              f"UID FETCH median {client['fetch']['median_ms']:.1f} ms.")
    for name in names:
        entry = results[name]["append_multi"]
        per_message = entry["client_cpu_seconds"] / entry["messages"]
        ceiling = f"{1 / per_message:,.0f} msg/s on one core" if per_message > 0 else "not measurable"
        print(f"  client CPU while driving {name}, {K} connections: {per_message * 1e6:,.0f} us per APPEND "
              f"(a ceiling of {ceiling})")
    slowest = min(results[n]["append_multi"]["messages_per_second"] for n in names)
    if client and client["append_multi"]["messages_per_second"] < 2 * slowest:
        print("  warning: the client is less than twice as fast as the slowest server here; "
              "APPEND figures may be client-bound.")

    conditions = report["conditions"]
    print()
    print(f"Machine: {conditions['cpus']} CPUs, {conditions['busy_cores_before']:.2f} of them kept busy by other "
          f"work just before the run; load average {conditions['load_before']} before, "
          f"{conditions['load_after']} after; data on {conditions['filesystem']}.")
    print(f"Other load during each phase (CPU the machine spent on neither the servers nor the client), "
          f"in cores out of {conditions['cpus']}:")
    for name in names:
        parts = []
        for phase, label in (("append_multi", f"APPEND x{K}"), ("append_single", "APPEND x1"), ("fetch", "UID FETCH")):
            entry = results[name][phase]
            window = entry["window_seconds"]
            # Below a few ticks of /proc/stat the share is noise.
            parts.append(f"{label} {entry['others_cpu_seconds'] / window:.2f}" if window >= 0.2 else f"{label} -")
        print(f"  during {name}: " + ", ".join(parts))


# --- main -----------------------------------------------------------------------------------

def run_append_fetch(ctx):
    """The original suite: APPEND throughput over K connections and over one, then UID FETCH."""
    args, workdir = ctx.args, ctx.workdir
    all_messages = ctx.messages(max(args.messages, args.single_messages))
    messages = all_messages[:args.messages]
    single_messages = all_messages[:args.single_messages]
    targets = ctx.targets("append-fetch")
    try:
        ctx.start(targets, [MULTI_USER, SINGLE_USER])
        conditions = {"cpus": os.cpu_count(), "load_before": procstat.load_average(),
                      "busy_cores_before": idle_load(1 if args.quick else 3),
                      "filesystem": filesystem_of(workdir), "python": platform.python_version()}
        report = {
            "parameters": {"messages": len(messages), "single_messages": len(single_messages),
                           "connections": args.connections, "runs": args.runs, "warmup": args.warmup,
                           "corpus_bytes": sum(len(m) for m in messages), "quick": args.quick},
            "servers": [{"name": t.name, "description": t.describe()} for t in targets],
            "conditions": conditions,
            "results": {t.name: {} for t in targets},
        }

        if not args.no_sink:
            print("Measuring the client against the sink ...", flush=True)
            report["client"] = measure_client(args, messages, single_messages)

        pids = ctx.pids(targets)
        for phase, user, batch, connections in (("append_multi", MULTI_USER, messages, args.connections),
                                                ("append_single", SINGLE_USER, single_messages, 1)):
            for target in targets:
                settle()
                print(f"{target.name}: APPEND {len(batch):,} messages over {connections} connection(s) ...",
                      end="", flush=True)
                with ctx.profile(target, phase):
                    result = append_phase(target, user, batch, connections, pids)
                target.remember_tree()
                stored = mailbox_count(target.port, user)
                if stored != len(batch):
                    raise imapload.IMAPError(f"{target.name} holds {stored} messages after APPEND, {len(batch)} expected")
                report["results"][target.name][phase] = result
                print(f" {result['messages_per_second']:,.0f} msg/s", flush=True)

        settle()
        print(f"UID FETCH 1:* (UID FLAGS): {args.warmup} warm-up + {args.runs} runs per server ...", flush=True)
        with ctx.profile(targets[0], "fetch"):
            fetch = fetch_phase(targets, MULTI_USER, len(messages), args.runs, args.warmup, pids)
        for target in targets:
            report["results"][target.name]["fetch"] = fetch[target.name]
            report["results"][target.name]["pss_bytes"] = target.pss_bytes()
        conditions["load_after"] = procstat.load_average()
    finally:
        ctx.stop(targets)
    return report


class Context:
    """What the suites share: the options, the binary, the work directory, the corpus, and the
    servers running now (all stopped at the end, whatever happens)."""

    def __init__(self, args, tern_binary, workdir):
        self.args, self.tern_binary, self.workdir = args, tern_binary, workdir
        # Every suite takes the first messages of one corpus: the 10,000-message one (200 with
        # --quick) unless a suite asks for more.
        needs = [200 if args.quick else 10_000]
        if "append-fetch" in args.suites:
            needs.append(max(args.messages, args.single_messages))
        if "message-access" in args.suites:
            needs.append(args.access_messages)
        if "idle" in args.suites:
            needs.append(args.idle_inbox)
        if "memory" in args.suites:
            needs.append(args.memory_inbox)
        if "qresync" in args.suites:
            needs.append(min(args.qresync_messages, 200 if args.quick else 10_000))
        self.corpus_size = max(needs)
        self._messages = None
        self.running = []
        self._profiled = set()

    def messages(self, count):
        """The first `count` corpus messages (generated or read from --corpus-dir once)."""
        if self._messages is None or len(self._messages) < count:
            self.corpus_size = max(self.corpus_size, count)
            self._messages = corpus.load(self.args.corpus_dir or self.workdir, self.corpus_size)
        return self._messages[:count]

    def targets(self, suite, dovecot=True, settings=None):
        """Tern and the Dovecot configurations asked for, not started, in a directory of `suite`."""
        root = self.workdir / suite
        targets = [servers.TernServer(root / "tern", self.tern_binary)]
        if dovecot and not self.args.no_dovecot:
            if self.args.dovecot_both or not self.args.dovecot_fast:
                targets.append(servers.DovecotServer(root / "dovecot", settings=settings))
            if self.args.dovecot_both or self.args.dovecot_fast:
                targets.append(servers.DovecotServer(root / "dovecot-fast", fast=True, settings=settings))
        return targets

    def start(self, targets, users):
        for target in targets:
            for user in users:
                target.add_user(user, PASSWORD)
            self.running.append(target)
            target.start()
            print(f"Started {target.name} on 127.0.0.1:{target.port}: {target.describe()}", flush=True)

    def stop(self, targets):
        for target in reversed(targets):
            try:
                target.stop()
            except Exception as error:  # keep stopping the others
                print(f"warning: stopping {target.name}: {error}", file=sys.stderr)
            if target in self.running:
                self.running.remove(target)

    def stop_all(self):
        self.stop(list(self.running))

    @staticmethod
    def pids(targets):
        return {t.name: t.pid for t in targets}

    def profile(self, target, phase, when=True):
        """`perf record` of Tern during `phase` with --profile, once per phase name."""
        if not when or phase in self._profiled or self.args.profile is None:
            return contextlib.nullcontext()
        if isinstance(target, servers.TernServer):
            self._profiled.add(phase)
        return Profiler(self.args.profile, target, phase)


SUITE_RUNNERS = {
    "append-fetch": (run_append_fetch, print_report),
    "message-access": (access.run, access.report),
    "idle": (idle.run, idle.report),
    "memory": (memory.run, memory.report),
    "qresync": (qresync.run, qresync.report),
}


def main(argv=None):
    args = parse_arguments(argv)
    stop_on_signals()
    tern_binary = find_tern(args)
    # Thousands of sessions need as many descriptors here and in the servers, which inherit it.
    common.raise_open_files(1024)
    workdir = Path(tempfile.mkdtemp(prefix="tern-bench-", dir=args.workdir))
    os.chmod(workdir, 0o755)  # Dovecot's unprivileged processes must reach its directory inside
    ctx = Context(args, tern_binary, workdir)
    reports = {}
    try:
        started = time.perf_counter()
        for name in args.suites:
            print(f"=== suite {name} ===", flush=True)
            suite_started = time.perf_counter()
            run, show = SUITE_RUNNERS[name]
            reports[name] = run(ctx)
            reports[name]["suite_seconds"] = time.perf_counter() - suite_started
            show(reports[name])
            print(f"(suite {name} took {reports[name]['suite_seconds']:.0f} s)", flush=True)
        if len(args.suites) > 1:
            print(f"\nAll suites took {time.perf_counter() - started:.0f} s.")
        if args.json:
            data = reports["append-fetch"] if args.suites == ["append-fetch"] else {
                "suites": reports, "quick": args.quick, "python": platform.python_version(),
                "tern": str(tern_binary)}
            Path(args.json).write_text(json.dumps(data, indent=2) + "\n")
            print(f"\nFigures written to {args.json}")
        return 0
    except KeyboardInterrupt:
        print("\ninterrupted; stopping the servers", file=sys.stderr)
        return 130
    except (servers.ServerError, imapload.IMAPError, OSError, RuntimeError) as error:
        print(f"\nerror: {error}", file=sys.stderr)
        return 1
    finally:
        ctx.stop_all()
        if args.keep:
            print(f"Kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
