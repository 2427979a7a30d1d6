"""CPU time and memory of process trees, and machine-wide CPU use, read from /proc.

A server's CPU time is the sum over its whole process tree (Dovecot runs one process per
session) of user + system time, plus the time of children that already exited and were
reaped (cutime + cstime), so that sessions ending during a phase are still counted.
"""

import os
import time
from collections import defaultdict

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid):
    """The fields of /proc/PID/stat after the command name, or None if the process is gone.

    The command name is in parentheses and may itself contain spaces or parentheses, so the
    split is made after the last closing parenthesis. Index 0 is the state, 1 the parent PID,
    11–14 utime, stime, cutime, cstime, 19 the start time (man 5 proc, fields 3, 4, 14–17, 22).
    """
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return data[data.rindex(b")") + 2:].split()


def tree_pids(root_pid):
    """The PIDs of `root_pid` and all its live descendants."""
    children = defaultdict(list)
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat_fields(entry)
            if fields is not None:
                children[int(fields[1])].append(int(entry))
    pids, pending = [], [root_pid]
    while pending:
        pid = pending.pop()
        pids.append(pid)
        pending.extend(children.get(pid, ()))
    return pids


def start_time(pid):
    """The process start time in clock ticks since boot (tells a PID apart from its reuse)."""
    fields = _stat_fields(pid)
    return None if fields is None else int(fields[19])


def tree_cpu_seconds(root_pid):
    """User + system CPU seconds used so far by the tree rooted at `root_pid`.

    A child's times move into its parent's cutime/cstime only when it is reaped, at which point
    it is no longer in the tree: summing all four fields over live processes counts everything
    once.
    """
    ticks = 0
    for pid in tree_pids(root_pid):
        fields = _stat_fields(pid)
        if fields is not None:
            ticks += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
    return ticks / CLOCK_TICKS


def tree_pss_bytes(root_pid):
    """Proportional set size summed over the tree (shared pages are split among sharers)."""
    total = 0
    for pid in tree_pids(root_pid):
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            pass
    return total


def machine_cpu():
    """(busy seconds, total seconds) summed over all CPUs since boot, from /proc/stat."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal (guest time is already in user/nice).
    idle = values[3] + values[4]
    total = sum(values[:8])
    return (total - idle) / CLOCK_TICKS, total / CLOCK_TICKS


def load_average():
    with open("/proc/loadavg") as f:
        return tuple(float(v) for v in f.read().split()[:3])


class CPUWindow:
    """CPU used by each server tree, by this client process and by the whole machine between
    `start()` and `stop()`."""

    def __init__(self, server_pids):
        self.server_pids = server_pids
        self.before = None
        self.result = None

    def _sample(self):
        busy, total = machine_cpu()
        return {
            "servers": {name: tree_cpu_seconds(pid) for name, pid in self.server_pids.items()},
            "client": sum(os.times()[:2]),
            "busy": busy,
            "total": total,
            "wall": time.perf_counter(),
        }

    def start(self):
        self.before = self._sample()

    def stop(self):
        after = self._sample()
        servers = {name: after["servers"][name] - self.before["servers"][name] for name in self.server_pids}
        client = after["client"] - self.before["client"]
        busy = after["busy"] - self.before["busy"]
        self.result = {
            "servers": servers,
            "client": client,
            "machine_busy": busy,
            "machine_total": after["total"] - self.before["total"],
            "wall": after["wall"] - self.before["wall"],
            # Everything else the machine did meanwhile: other users' jobs, kernel threads.
            "others": max(0.0, busy - client - sum(servers.values())),
        }
        return self.result
