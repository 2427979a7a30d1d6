"""What every suite of the benchmark shares: the machine's conditions, CPU windows around timed
commands, percentiles, the figures table, resource limits and temporary sysctl settings."""

import contextlib
import os
import resource
import statistics
import subprocess
import time
from pathlib import Path

import procstat

PASSWORD = "bench-Pass-1"


# --- machine conditions -----------------------------------------------------------------------

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


def settle():
    """Writes dirty pages out before a phase, so that one server's writeback is not billed to
    the next."""
    os.sync()
    time.sleep(0.5)


class Conditions:
    """The machine's load around one suite: cores busy before it starts, load averages before
    and after, and the CPU other work took during the suite's measured windows."""

    def __init__(self, quick):
        self.before = {"cpus": os.cpu_count(), "load_before": procstat.load_average(),
                       "busy_cores_before": idle_load(1 if quick else 3)}
        self.others_seconds = 0.0
        self.window_seconds = 0.0

    def add(self, window):
        """Counts one CPUWindow result (procstat.CPUWindow.stop()) into the suite's other load."""
        self.others_seconds += window["others"]
        self.window_seconds += window["wall"]

    def finish(self):
        result = dict(self.before)
        result["load_after"] = procstat.load_average()
        result["others_cores_during"] = (self.others_seconds / self.window_seconds
                                         if self.window_seconds >= 0.2 else None)
        result["measured_window_seconds"] = self.window_seconds
        return result


def describe_conditions(conditions):
    during = conditions.get("others_cores_during")
    during = "-" if during is None else f"{during:.2f}"
    return (f"Machine: {conditions['cpus']} CPUs; {conditions['busy_cores_before']:.2f} cores busy with other work "
            f"just before this suite, {during} during its measured windows; load average "
            f"{conditions['load_before']} before, {conditions['load_after']} after.")


# --- timing ---------------------------------------------------------------------------------------

def percentile(values, fraction):
    """The `fraction` quantile (0..1) of `values` by linear interpolation between order statistics."""
    ordered = sorted(values)
    if not ordered:
        return None
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class Series:
    """Timed runs of one command on one server: milliseconds and server CPU per run."""

    def __init__(self):
        self.times_ms = []
        self.cpu_seconds = 0.0
        self.first_ms = None  # the first (cold) run, a warm-up

    def summary(self):
        times = self.times_ms
        return {"times_ms": times, "runs": len(times), "median_ms": statistics.median(times),
                "min_ms": min(times), "max_ms": max(times), "first_ms": self.first_ms,
                "server_cpu_ms_per_run": self.cpu_seconds * 1000 / len(times)}


def timed_command(session, command, target, pids, conditions=None):
    """Runs `command` on `session` (an imapload.Connection) once; returns (seconds from the send
    to the tagged OK, response, server CPU seconds of `target`'s process tree meanwhile). The CPU
    is sampled outside the timed section; /proc counts in 10 ms ticks."""
    window = procstat.CPUWindow({target.name: target.pid})
    window.start()
    seconds, response = session.timed(command)
    cpu = window.stop()
    if conditions is not None:
        conditions.add(cpu)
    return seconds, response, cpu["servers"][target.name]


# --- the figures table ----------------------------------------------------------------------------

def fmt(value, digits):
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    return f"{value:,.{digits}f}"


def ratio(a, b):
    return None if a is None or b is None or isinstance(a, str) or isinstance(b, str) or b == 0 else a / b


class Table:
    """Rows of one figure per server, with the Tern/peer ratios (Tern is the first column)."""

    def __init__(self, names):
        self.names = names
        self.rows = []

    def row(self, label, values, digits, better):
        self.rows.append((label, [fmt(v, digits) for v in values],
                          [fmt(ratio(values[0], v), 2) for v in values[1:]], better))

    def print(self):
        peers = self.names[1:]
        headers = ["metric", *self.names, *[f"Tern/{p}" for p in peers], "better"]
        table = [[label, *values, *ratios, better] for label, values, ratios, better in self.rows]
        widths = [max(len(str(line[i])) for line in [headers, *table]) for i in range(len(headers))]
        print()
        print("  ".join(h.ljust(widths[0]) if i == 0 else h.rjust(widths[i]) for i, h in enumerate(headers)))
        print("  ".join("-" * w for w in widths))
        for line in table:
            print("  ".join(str(c).ljust(widths[0]) if i == 0 else str(c).rjust(widths[i])
                            for i, c in enumerate(line)))
        print()


RATIO_NOTE = ("Ratios are Tern/peer. For 'higher' rows a ratio above 1 means Tern is better; for 'lower' rows "
              "(times, CPU, memory) a ratio below 1 means Tern is better.")


# --- limits ------------------------------------------------------------------------------------------

def raise_open_files(needed):
    """Raises this process's soft limit on open files to the hard limit (children such as the
    servers inherit it); returns the new soft limit, and fails if it is below `needed`."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    for candidate in (max(needed, hard), hard):
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (candidate, max(candidate, hard)))
            soft = candidate
            break
        except (ValueError, OSError):
            continue
    if soft < needed:
        raise RuntimeError(f"open files are limited to {soft} (hard limit {hard}); {needed} are needed: "
                           f"raise `ulimit -Hn` or ask for fewer connections")
    return soft


@contextlib.contextmanager
def sysctl_at_least(name, value):
    """Raises /proc/sys/NAME to `value` for the duration (when it is lower and we may), then
    restores it. Yields the value in force, which stays lower if it could not be raised."""
    path = Path("/proc/sys") / name.replace(".", "/")
    try:
        original = int(path.read_text().split()[0])
    except (OSError, ValueError):
        yield None
        return
    if original >= value:
        yield original
        return
    try:
        path.write_text(f"{value}\n")
    except OSError:
        yield original
        return
    try:
        yield value
    finally:
        try:
            path.write_text(f"{original}\n")
        except OSError:
            pass


# --- memory ------------------------------------------------------------------------------------------

def rss_bytes(pid):
    """Resident set size of one process (VmRSS)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def tree_memory(root_pid):
    """(PSS, RSS, process count) summed over the live process tree of `root_pid`. RSS counts
    shared pages once per process, PSS splits them among the sharers."""
    pss = rss = count = 0
    for pid in procstat.tree_pids(root_pid):
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1]) * 1024
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1]) * 1024
            count += 1
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            pass
    return pss, rss, count
