"""Suite "idle": push latency to many IDLE sessions on one mailbox.

On each server, S sessions of one account log in, SELECT INBOX and enter IDLE. Another session
of the same account (not selecting anything) then APPENDs a small message A times, waiting each
time until every idling session has heard `* n EXISTS` for it (or a timeout) before the next.
The servers take turns APPEND by APPEND.

For each APPEND and each session the latency is measured twice:
- from sending the APPEND (the client's clock just before the write) to the EXISTS reaching the
  session's socket;
- from the APPEND's tagged OK reaching the appending socket to the EXISTS reaching the session's
  socket (negative when a server tells the idlers before it answers the appender).
Arrival times are the kernel's (SO_TIMESTAMPNS, see swarm.py): one Python thread reading 1,000
sockets late does not make a push look late. Server CPU is measured around each APPEND and its
fan-out.

Dovecot runs a process per session, each watching the Maildir with inotify; more than
`fs.inotify.max_user_instances` (128 here by default) sessions of one Unix user make Dovecot fall
back to polling every 30 s. The suite raises that sysctl for its duration when it can (root) and
restores it afterwards; if it cannot, Dovecot is left out and the report says why.
"""

import time

import common
import fill
import procstat
import swarm

USER = "bench-idle"


def dovecot_settings(sessions):
    """Dovecot's limits for `sessions` sessions of one user from one address, plus margin."""
    return {"mail_max_userip_connections": sessions + 100,
            "default_process_limit": max(2000, 2 * sessions + 200),
            "process_limit": max(2000, sessions + 200),
            "default_client_limit": max(10000, 2 * sessions + 200)}


def inotify_needed(sessions):
    return 2 * sessions + 512


def run(ctx):
    args = ctx.args
    sessions, appends = args.idle_sessions, args.idle_appends
    inbox = ctx.messages(args.idle_inbox)
    # The appended message: the smallest of the first 200, so that the push is what is timed.
    pushed = min(ctx.messages(200), key=len)
    result = {"parameters": {"sessions": sessions, "appends": appends, "inbox_messages": len(inbox),
                             "appended_bytes": len(pushed)}, "notes": []}
    with common.sysctl_at_least("fs.inotify.max_user_instances", inotify_needed(sessions)) as in_force:
        result["parameters"]["inotify_max_user_instances"] = in_force
        with_dovecot = not args.no_dovecot
        if with_dovecot and (in_force is None or in_force < sessions + 64):
            result["notes"].append(
                f"Dovecot left out: fs.inotify.max_user_instances is {in_force} and could not be raised to "
                f"{inotify_needed(sessions)}, so Dovecot's IDLE would poll every 30 s instead of being told at once.")
            with_dovecot = False
        targets = ctx.targets("idle", dovecot=with_dovecot, settings=dovecot_settings(sessions))
        result["servers"] = [{"name": t.name, "description": t.describe()} for t in targets]
        swarms, appenders = {}, {}
        try:
            ctx.start(targets, [USER])
            for target in targets:
                fill.imap_fill(target.port, USER, fill.items_of(inbox), len(inbox), target.name)
            for target in targets:
                print(f"{target.name}: opening {sessions:,} IDLE sessions ...", end="", flush=True)
                group = swarm.Swarm(target.port, USER, common.PASSWORD)
                swarms[target.name] = group
                seconds = group.open(sessions, progress=lambda n: print(f" {n:,}", end="", flush=True))
                target.remember_tree()
                print(f" {seconds:.1f} s", flush=True)
                result.setdefault("open_seconds", {})[target.name] = seconds
                appender = swarm.TimestampedConnection(target.port)
                appender.login(USER, common.PASSWORD)
                appenders[target.name] = appender
            common.settle()
            conditions = common.Conditions(args.quick)
            figures = {t.name: {"from_send_ms": [], "from_ok_ms": [], "last_ms": [], "append_ms": [],
                                "missing": 0, "cpu_seconds": 0.0} for t in targets}
            print(f"{appends} APPENDs per server, servers taking turns ...", end="", flush=True)
            with ctx.profile(targets[0], "idle-pushes"):
                for index in range(1, appends + 1):
                    order = targets if index % 2 else list(reversed(targets))
                    for target in order:
                        push(target, swarms[target.name], appenders[target.name], pushed, len(inbox) + index,
                             figures[target.name], conditions, timeout=args.idle_timeout)
                        time.sleep(0.05)
                    if index % 10 == 0:
                        print(f" {index}", end="", flush=True)
            print(flush=True)
            result["figures"] = {name: summarize(entry, appends) for name, entry in figures.items()}
            result["conditions"] = conditions.finish()
        finally:
            for appender in appenders.values():
                appender.logout()
            for group in swarms.values():
                group.close()
            ctx.stop(targets)
    return result


def push(target, group, appender, message, expected, figures, conditions, timeout):
    """One APPEND and its fan-out to every idling session of `group`."""
    window = procstat.CPUWindow({target.name: target.pid})
    window.start()
    sent = time.time_ns()
    appender.append(b"INBOX", message)
    answered = appender.arrived_ns
    missing = group.wait_for_exists(expected, timeout)
    cpu = window.stop()
    conditions.add(cpu)
    arrivals = [a for a in group.arrivals_for(expected) if a is not None]
    figures["missing"] += missing
    figures["cpu_seconds"] += cpu["servers"][target.name]
    figures["append_ms"].append((answered - sent) / 1e6)
    figures["from_send_ms"].extend((a - sent) / 1e6 for a in arrivals)
    figures["from_ok_ms"].extend((a - answered) / 1e6 for a in arrivals)
    if arrivals:
        figures["last_ms"].append((max(arrivals) - sent) / 1e6)


def summarize(entry, appends):
    p = common.percentile
    send, ok = entry["from_send_ms"], entry["from_ok_ms"]
    return {
        "pushes": len(send), "missing": entry["missing"],
        "from_send_p50_ms": p(send, 0.5), "from_send_p90_ms": p(send, 0.9), "from_send_p99_ms": p(send, 0.99),
        "from_send_max_ms": max(send) if send else None,
        "from_ok_p50_ms": p(ok, 0.5), "from_ok_p99_ms": p(ok, 0.99),
        "last_session_median_ms": p(entry["last_ms"], 0.5),
        "append_ok_median_ms": p(entry["append_ms"], 0.5),
        "server_cpu_ms_per_append": entry["cpu_seconds"] * 1000 / appends,
    }


def report(result):
    print("== idle ==")
    for note in result["notes"]:
        print(note)
    if "figures" not in result:
        return
    names = [s["name"] for s in result["servers"]]
    figures = result["figures"]
    params = result["parameters"]
    table = common.Table(names)
    rows = [
        ("push latency from sending APPEND, p50 ms", "from_send_p50_ms"),
        ("  p90 ms", "from_send_p90_ms"),
        ("  p99 ms", "from_send_p99_ms"),
        ("  max ms", "from_send_max_ms"),
        ("push latency from APPEND's tagged OK, p50 ms", "from_ok_p50_ms"),
        ("  p99 ms", "from_ok_p99_ms"),
        ("last session told, median over APPENDs, ms", "last_session_median_ms"),
        ("APPEND send to tagged OK, median ms", "append_ok_median_ms"),
        ("server CPU ms per APPEND and its fan-out", "server_cpu_ms_per_append"),
    ]
    for label, key in rows:
        table.row(label, [figures[n][key] for n in names], 1, "lower")
    table.row("sessions that never heard an APPEND (sum)", [figures[n]["missing"] for n in names], 0, "lower")
    table.row("sessions opened in, s (LOGIN+SELECT+IDLE)", [result["open_seconds"][n] for n in names], 1, "(info)")
    table.print()
    print(common.RATIO_NOTE)
    print(f"{params['sessions']:,} sessions of one account idling on INBOX ({params['inbox_messages']:,} messages); "
          f"{params['appends']} APPENDs of {params['appended_bytes']:,} bytes by another session, per server; "
          f"percentiles over every (APPEND, session) pair; arrival times from the kernel (SO_TIMESTAMPNS). "
          f"fs.inotify.max_user_instances was {params['inotify_max_user_instances']} during the suite.")
    print(common.describe_conditions(result["conditions"]))
