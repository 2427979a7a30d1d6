"""Suite "append-fetch": APPEND throughput and UID FETCH, beside Dovecot.

Both servers start on free ports of 127.0.0.1 with temporary data; then, one server at a time:

1. APPEND of the corpus messages into INBOX of a fresh account, over K concurrent connections
   (LITERAL+, one command at a time per connection, each waiting for its tagged OK), and again
   over a single connection of another fresh account: messages per second.
2. `UID FETCH 1:* (UID FLAGS)` on the K-connection mailbox: milliseconds from sending the
   command to its tagged OK, the median of R runs after a warm-up, servers interleaved.

During each phase it records the CPU time of each server's process tree, of this client and of
the whole machine (what remains is other load), and before the servers it drives a do-nothing
sink server to show how fast the client alone can go. See Benchmarks/README.md.
"""

import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

import common
import fill
import imapload
import procstat
import servers
from common import PASSWORD, filesystem_of, idle_load, settle

MULTI_USER, SINGLE_USER = "bench-multi", "bench-single"


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


def run(ctx):
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
                stored = fill.mailbox_status(target.port, user)["MESSAGES"]
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


def report(result):
    names = [entry["name"] for entry in result["servers"]]
    results = result["results"]
    K = result["parameters"]["connections"]
    table = common.Table(names)

    def per_thousand(phase, name):
        entry = results[name][phase]
        return entry.get("server_cpu_seconds", 0.0) * 1000 / entry["messages"]

    def each(phase, key):
        return [results[n][phase][key] for n in names]

    print("== append-fetch ==")
    table.row(f"APPEND msg/s, {K} connections", each("append_multi", "messages_per_second"), 0, "higher")
    table.row(f"  first tenth of messages, {K} conn", each("append_multi", "first_tenth_messages_per_second"), 0,
              "higher")
    table.row(f"  last tenth of messages, {K} conn", each("append_multi", "last_tenth_messages_per_second"), 0,
              "higher")
    table.row("APPEND msg/s, 1 connection", each("append_single", "messages_per_second"), 0, "higher")
    table.row(f"APPEND server CPU s per 1,000 msgs, {K} conn", [per_thousand("append_multi", n) for n in names], 3,
              "lower")
    table.row("APPEND server CPU s per 1,000 msgs, 1 conn", [per_thousand("append_single", n) for n in names], 3,
              "lower")
    table.row(f"APPEND server cores busy, {K} conn",
              [results[n]["append_multi"]["server_cpu_seconds"] / results[n]["append_multi"]["seconds"]
               for n in names], 2, "(info)")
    table.row("UID FETCH 1:* (UID FLAGS) median ms", each("fetch", "median_ms"), 1, "lower")
    table.row("UID FETCH min ms", each("fetch", "min_ms"), 1, "lower")
    table.row("UID FETCH server CPU ms per run", each("fetch", "server_cpu_ms_per_run"), 1, "lower")
    table.row("server memory after run, MiB PSS", [results[n]["pss_bytes"] / 2**20 for n in names], 1, "lower")
    table.print()
    print(common.RATIO_NOTE)
    params = result["parameters"]
    print(f"APPEND: {params['messages']:,} messages ({params['corpus_bytes'] / 2**20:,.1f} MiB) over {K} connections, "
          f"{params['single_messages']:,} over 1; LITERAL+, one command at a time per connection, "
          f"each waiting for its tagged OK.")
    print(f"UID FETCH: median of {params['runs']} runs after {params['warmup']} warm-up, "
          f"on the {params['messages']:,}-message mailbox; servers interleaved run by run.")

    client = result.get("client")
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

    conditions = result["conditions"]
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
