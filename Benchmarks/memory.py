"""Suite "memory": what C idling sessions cost a server in memory.

One server at a time: start it, fill INBOX of one account with M messages, measure its memory,
open C sessions of that account (LOGIN, SELECT INBOX, IDLE; at most 64 being opened at once),
wait two seconds and measure again. Memory is PSS and RSS summed over the server's process
tree (/proc/PID/smaps_rollup); for Tern, one process, PSS and RSS differ only by the shared
libraries' pages, and its peak RSS (VmHWM) is shown too. The difference divided by C is the
cost of one session.

Then, as a check that the sessions are alive, one more session APPENDs a message and the time
until every idling session has heard `* n EXISTS` is noted; then all sessions log out and the
memory is measured once more (what the server gives back).

Dovecot runs a process per session: 10,000 of them are more than this machine's Dovecot
configuration and inotify limits are meant for, so it is measured at a smaller count (1,000 by
default) and its figure for C sessions is extrapolated linearly from the per-session cost; the
report says so. inotify instances are raised as in the idle suite (Dovecot's IDLE needs one per
session).
"""

import os
import time

import common
import fill
import idle
import procstat
import swarm

USER = "bench-memory"
MiB = 2 ** 20


def vm_hwm(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return None


def measure(target):
    pss, rss, processes = common.tree_memory(target.pid)
    # Open files of the main process: what RLIMIT_NOFILE must allow Tern (Dovecot spreads its
    # sessions over processes, each with its own descriptors).
    return {"pss": pss, "rss": rss, "processes": processes, "open_files": len(os.listdir(f"/proc/{target.pid}/fd"))}


def run(ctx):
    args = ctx.args
    inbox = ctx.messages(args.memory_inbox)
    pushed = min(ctx.messages(200), key=len)
    counts = {"Tern": args.memory_sessions}
    result = {"parameters": {"tern_sessions": args.memory_sessions, "dovecot_sessions": args.memory_dovecot_sessions,
                             "inbox_messages": len(inbox)}, "notes": [], "figures": {}}
    largest = max(args.memory_sessions, args.memory_dovecot_sessions)
    common.raise_open_files(args.memory_sessions + 256)
    with common.sysctl_at_least("fs.inotify.max_user_instances",
                                idle.inotify_needed(args.memory_dovecot_sessions)) as in_force:
        result["parameters"]["inotify_max_user_instances"] = in_force
        with_dovecot = not args.no_dovecot
        if with_dovecot and (in_force is None or in_force < args.memory_dovecot_sessions + 64):
            result["notes"].append(f"Dovecot's sessions would exceed fs.inotify.max_user_instances ({in_force}); "
                                   f"its IDLE falls back to polling, which does not change its memory much.")
        targets = ctx.targets("memory", dovecot=with_dovecot, settings=idle.dovecot_settings(largest))
        result["servers"] = [{"name": t.name, "description": t.describe()} for t in targets]
        for target in targets[1:]:
            counts[target.name] = args.memory_dovecot_sessions
        conditions = common.Conditions(args.quick)
        try:
            for target in targets:
                result["figures"][target.name] = one_server(ctx, target, inbox, pushed, counts[target.name],
                                                            conditions)
        finally:
            ctx.stop(targets)
        result["conditions"] = conditions.finish()
    return result


def one_server(ctx, target, inbox, pushed, sessions, conditions):
    ctx.start([target], [USER])
    figures = {"sessions": sessions}
    group = None
    try:
        fill.imap_fill(target.port, USER, fill.items_of(inbox), len(inbox), target.name)
        time.sleep(2)
        figures["before"] = measure(target)
        print(f"{target.name}: {sessions:,} sessions:", end="", flush=True)
        group = swarm.Swarm(target.port, USER, common.PASSWORD)
        figures["stages"] = {}
        for stage in swarm.STAGES:
            window = procstat.CPUWindow({target.name: target.pid})
            window.start()
            if stage == swarm.STAGES[0]:
                seconds = group.open(sessions, goal=stage)
            else:
                seconds = group.advance(stage)
            cpu = window.stop()
            conditions.add(cpu)
            target.remember_tree()
            group.drain(2.0)
            figures["stages"][stage] = {"seconds": seconds, "cpu_seconds": cpu["servers"][target.name],
                                        **measure(target)}
            print(f" {stage} in {seconds:.1f} s,", end="", flush=True)
        print(flush=True)
        figures["idling"] = figures["stages"]["idling"]
        figures["open_seconds"] = sum(stage["seconds"] for stage in figures["stages"].values())
        figures["open_cpu_seconds"] = sum(stage["cpu_seconds"] for stage in figures["stages"].values())
        if target.name == "Tern":
            figures["peak_rss"] = vm_hwm(target.pid)
        appender = swarm.TimestampedConnection(target.port)
        try:
            appender.login(USER, common.PASSWORD)
            sent = time.time_ns()
            appender.append(b"INBOX", pushed)
            figures["push_missing"] = group.wait_for_exists(len(inbox) + 1, timeout=60)
        finally:
            appender.logout()
        arrivals = [(a - sent) / 1e6 for a in group.arrivals_for(len(inbox) + 1) if a is not None]
        figures["push_p50_ms"] = common.percentile(arrivals, 0.5)
        figures["push_p99_ms"] = common.percentile(arrivals, 0.99)
        figures["push_last_ms"] = max(arrivals) if arrivals else None
        group.close()
        group = None
        time.sleep(3)
        figures["after_logout"] = measure(target)
    finally:
        if group is not None:
            group.close()
        ctx.stop([target])
    return figures


def report(result):
    print("== memory ==")
    for note in result["notes"]:
        print(note)
    names = [s["name"] for s in result["servers"]]
    figures = result["figures"]
    table = common.Table(names)
    target_count = result["parameters"]["tern_sessions"]

    def per_session(name, kind):
        entry = figures[name]
        return (entry["idling"][kind] - entry["before"][kind]) / entry["sessions"]

    table.row("idling sessions measured", [figures[n]["sessions"] for n in names], 0, "(info)")
    table.row("PSS before the sessions, MiB", [figures[n]["before"]["pss"] / MiB for n in names], 1, "lower")
    table.row("PSS with the sessions idling, MiB", [figures[n]["idling"]["pss"] / MiB for n in names], 1, "(info)")
    table.row("PSS per session, KiB", [per_session(n, "pss") / 1024 for n in names], 1, "lower")
    previous = {n: figures[n]["before"]["pss"] for n in names}
    for stage, label in (("greeted", "connected (greeting read)"), ("authenticated", "+ LOGIN"),
                         ("selected", "+ SELECT INBOX"), ("idling", "+ IDLE")):
        values = []
        for n in names:
            now = figures[n]["stages"][stage]["pss"]
            values.append((now - previous[n]) / figures[n]["sessions"] / 1024)
            previous[n] = now
        table.row(f"  of which {label}, KiB", values, 1, "lower")
    table.row("RSS per session, KiB (shared pages counted per process)",
              [per_session(n, "rss") / 1024 for n in names], 1, "lower")
    table.row(f"PSS with {target_count:,} sessions, MiB (Dovecot: extrapolated)",
              [(figures[n]["before"]["pss"] + per_session(n, "pss") * target_count) / MiB for n in names], 1, "lower")
    table.row("RSS before / idling, MiB (Tern)",
              [f"{figures[n]['before']['rss'] / MiB:,.1f} / {figures[n]['idling']['rss'] / MiB:,.1f}" for n in names],
              1, "(info)")
    table.row("processes with the sessions idling", [figures[n]["idling"]["processes"] for n in names], 0, "(info)")
    table.row("open files of the main process, idling", [figures[n]["idling"]["open_files"] for n in names], 0,
              "(info)")
    table.row("PSS after every session logged out, MiB", [figures[n]["after_logout"]["pss"] / MiB for n in names],
              1, "(info)")
    table.row("push to every session: p50 ms", [figures[n]["push_p50_ms"] for n in names], 1, "lower")
    table.row("  p99 ms", [figures[n]["push_p99_ms"] for n in names], 1, "lower")
    table.row("  last session ms", [figures[n]["push_last_ms"] for n in names], 1, "lower")
    table.row("  sessions never told", [figures[n]["push_missing"] for n in names], 0, "lower")
    table.row("sessions opened in, s (LOGIN+SELECT+IDLE)", [figures[n]["open_seconds"] for n in names], 1, "(info)")
    table.row("  server CPU ms per session opened",
              [figures[n]["open_cpu_seconds"] * 1000 / figures[n]["sessions"] for n in names], 2, "lower")
    table.print()
    print(common.RATIO_NOTE)
    tern = figures[names[0]]
    if tern.get("peak_rss"):
        print(f"Tern's peak RSS (VmHWM) during the suite: {tern['peak_rss'] / MiB:,.1f} MiB.")
    params = result["parameters"]
    if len(names) > 1:
        print(f"Dovecot was measured with {params['dovecot_sessions']:,} sessions, Tern with "
              f"{params['tern_sessions']:,}; Dovecot's {params['tern_sessions']:,}-session figure is its "
              f"memory before the sessions plus {params['tern_sessions']:,} times its measured per-session cost.")
    print(f"One account, INBOX of {params['inbox_messages']:,} messages selected by every session; "
          f"fs.inotify.max_user_instances was {params['inotify_max_user_instances']} during the suite.")
    print(common.describe_conditions(result["conditions"]))
