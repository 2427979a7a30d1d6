#!/usr/bin/env python3
"""Tern against Dovecot on the same machine, in the same run.

Starts both servers on free ports of 127.0.0.1 with temporary data, then measures, one server
at a time:

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

import corpus  # noqa: E402
import imapload  # noqa: E402
import procstat  # noqa: E402
import servers  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "bench-Pass-1"
MULTI_USER, SINGLE_USER = "bench-multi", "bench-single"


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
    args = parser.parse_args(argv)
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


def settle():
    """Writes dirty pages out before a phase, so that one server's writeback is not billed to
    the next."""
    os.sync()
    time.sleep(0.5)


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
        self.process = subprocess.Popen(["perf", "record", "-F", "499", "-g", "-p", str(target.pid),
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


def idle_load(seconds):
    """Cores kept busy by the rest of the machine over `seconds`, before anything of ours runs."""
    busy, total = procstat.machine_cpu()
    time.sleep(seconds)
    busy2, total2 = procstat.machine_cpu()
    return (busy2 - busy) / (total2 - total) * os.cpu_count() if total2 > total else 0.0


def filesystem_of(path):
    try:
        out = subprocess.run(["df", "-T", str(path)], capture_output=True, text=True, timeout=10).stdout.splitlines()
        fields = out[-1].split()
        return f"{fields[1]} ({fields[0]})"
    except (OSError, IndexError, subprocess.SubprocessError):
        return "?"


# --- main -----------------------------------------------------------------------------------

def main(argv=None):
    args = parse_arguments(argv)
    stop_on_signals()
    tern_binary = find_tern(args)
    workdir = Path(tempfile.mkdtemp(prefix="tern-bench-", dir=args.workdir))
    os.chmod(workdir, 0o755)  # Dovecot's unprivileged processes must reach its directory inside
    targets = []
    try:
        all_messages = corpus.load(args.corpus_dir or workdir, max(args.messages, args.single_messages))
        messages = all_messages[:args.messages]
        single_messages = all_messages[:args.single_messages]

        targets.append(servers.TernServer(workdir / "tern", tern_binary))
        if not args.no_dovecot:
            if args.dovecot_both or not args.dovecot_fast:
                targets.append(servers.DovecotServer(workdir / "dovecot"))
            if args.dovecot_both or args.dovecot_fast:
                targets.append(servers.DovecotServer(workdir / "dovecot-fast", fast=True))
        for target in targets:
            for user in (MULTI_USER, SINGLE_USER):
                target.add_user(user, PASSWORD)
            target.start()
            print(f"Started {target.name} on 127.0.0.1:{target.port}: {target.describe()}", flush=True)

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

        pids = {t.name: t.pid for t in targets}
        for phase, user, batch, connections in (("append_multi", MULTI_USER, messages, args.connections),
                                                ("append_single", SINGLE_USER, single_messages, 1)):
            for target in targets:
                settle()
                print(f"{target.name}: APPEND {len(batch):,} messages over {connections} connection(s) ...",
                      end="", flush=True)
                with Profiler(args.profile, target, phase):
                    result = append_phase(target, user, batch, connections, pids)
                target.remember_tree()
                stored = mailbox_count(target.port, user)
                if stored != len(batch):
                    raise imapload.IMAPError(f"{target.name} holds {stored} messages after APPEND, {len(batch)} expected")
                report["results"][target.name][phase] = result
                print(f" {result['messages_per_second']:,.0f} msg/s", flush=True)

        settle()
        print(f"UID FETCH 1:* (UID FLAGS): {args.warmup} warm-up + {args.runs} runs per server ...", flush=True)
        with Profiler(args.profile, targets[0], "fetch"):
            fetch = fetch_phase(targets, MULTI_USER, len(messages), args.runs, args.warmup, pids)
        for target in targets:
            report["results"][target.name]["fetch"] = fetch[target.name]
            report["results"][target.name]["pss_bytes"] = target.pss_bytes()
        conditions["load_after"] = procstat.load_average()

        print_report(report)
        if args.json:
            Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
            print(f"\nFigures written to {args.json}")
        return 0
    except KeyboardInterrupt:
        print("\ninterrupted; stopping the servers", file=sys.stderr)
        return 130
    except (servers.ServerError, imapload.IMAPError, OSError) as error:
        print(f"\nerror: {error}", file=sys.stderr)
        return 1
    finally:
        for target in reversed(targets):
            try:
                target.stop()
            except Exception as error:  # keep stopping the others
                print(f"warning: stopping {target.name}: {error}", file=sys.stderr)
        if args.keep:
            print(f"Kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
