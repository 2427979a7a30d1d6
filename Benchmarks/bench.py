#!/usr/bin/env python3
"""Tern against Dovecot on the same machine, in the same run.

Suites (`--suite`; default append-fetch, or every suite with --quick; `all` runs every one):
  append-fetch    APPEND throughput and UID FETCH (appendfetch.py)
  message-access  FETCH ENVELOPE BODYSTRUCTURE and SEARCH on 10,000 messages (access.py)
  idle            push latency to 1,000 IDLE sessions on one mailbox (idle.py)
  memory          memory of 10,000 idling sessions (memory.py)
  qresync         SELECT QRESYNC, SELECT, FETCH flags, SEARCH on 100,000 messages (qresync.py)
  lmtp            LMTP deliveries/s to 1 and to 10 recipients, beside dovecot-lmtpd (lmtp.py)
  compress        bytes on the wire and time of FETCH of the corpus, without and with
                  COMPRESS=DEFLATE (compress.py)
  sort-thread     SORT (DATE), SORT (SUBJECT), THREAD REFERENCES and REFS on 100,000 messages (sortthread.py)

Every server listens on a free port of 127.0.0.1 only, with its data in one temporary
directory; every process is started and stopped here. See Benchmarks/README.md.
"""

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import access  # noqa: E402
import appendfetch  # noqa: E402
import common  # noqa: E402
import compress  # noqa: E402
import corpus  # noqa: E402
import idle  # noqa: E402
import imapload  # noqa: E402
import memory  # noqa: E402
import lmtp  # noqa: E402
import qresync  # noqa: E402
import servers  # noqa: E402
import sortthread  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SUITES = ["append-fetch", "message-access", "idle", "memory", "qresync", "lmtp", "compress", "sort-thread"]

# (option, full value, --quick value) of each suite's scale.
SCALES = [
    ("access_messages", 10_000, 200), ("access_runs", 7, 3), ("access_warmup", 1, 1),
    ("idle_sessions", 1_000, 20), ("idle_appends", 50, 5), ("idle_inbox", 1_000, 20),
    ("memory_sessions", 10_000, 200), ("memory_dovecot_sessions", 1_000, 50), ("memory_inbox", 1_000, 20),
    ("qresync_messages", 100_000, 2_000), ("qresync_stores", 100, 20), ("qresync_runs", 5, 2),
    ("qresync_text_runs", 3, 1),
    ("lmtp_messages", 2_000, 50), ("lmtp_connections", 4, 2),
    ("compress_messages", 10_000, 200), ("compress_runs", 3, 1),
    ("sort_messages", 100_000, 2_000), ("sort_runs", 5, 2),
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
                        help="smoke mode: every suite (unless --suite) at a small scale, in about a minute and a half")
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
    parser.add_argument("--suite", metavar="NAMES",
                        help=f"comma-separated suites to run, or `all`: {', '.join(SUITES)} "
                             f"(default append-fetch; with --quick, all)")
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
    group = parser.add_argument_group("lmtp suite")
    group.add_argument("--lmtp-messages", type=int, metavar="N", help="corpus messages delivered per phase (default 2000)")
    group.add_argument("--lmtp-connections", type=int, metavar="C", help="parallel LMTP connections (default 4)")
    group = parser.add_argument_group("compress suite")
    group.add_argument("--compress-messages", type=int, metavar="N", help="messages fetched (default 10000)")
    group.add_argument("--compress-runs", type=int, metavar="R", help="timed runs per mode (default 3)")
    group = parser.add_argument_group("sort-thread suite")
    group.add_argument("--sort-messages", type=int, metavar="N", help="messages in the mailbox (default 100000)")
    group.add_argument("--sort-runs", type=int, metavar="R", help="timed runs after the first (default 5)")
    args = parser.parse_args(argv)
    if args.suite is None:
        args.suite = "all" if args.quick else "append-fetch"
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
        if "lmtp" in args.suites:
            needs.append(args.lmtp_messages)
        if "compress" in args.suites:
            needs.append(args.compress_messages)
        if "sort-thread" in args.suites:
            needs.append(min(args.sort_messages, 200 if args.quick else 10_000))
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

    def targets(self, suite, dovecot=True, settings=None, imap_plugins=()):
        """Tern and the Dovecot configurations asked for, not started, in a directory of `suite`;
        `imap_plugins` are added to Dovecot's `mail_plugins` for IMAP."""
        root = self.workdir / suite
        targets = [servers.TernServer(root / "tern", self.tern_binary)]
        if dovecot and not self.args.no_dovecot:
            if self.args.dovecot_both or not self.args.dovecot_fast:
                targets.append(servers.DovecotServer(root / "dovecot", settings=settings, imap_plugins=imap_plugins))
            if self.args.dovecot_both or self.args.dovecot_fast:
                targets.append(servers.DovecotServer(root / "dovecot-fast", fast=True, settings=settings,
                                                     imap_plugins=imap_plugins))
        return targets

    def start(self, targets, users):
        for target in targets:
            for user in users:
                target.add_user(user, common.PASSWORD)
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
    "append-fetch": (appendfetch.run, appendfetch.report),
    "message-access": (access.run, access.report),
    "idle": (idle.run, idle.report),
    "memory": (memory.run, memory.report),
    "qresync": (qresync.run, qresync.report),
    "lmtp": (lmtp.run, lmtp.report),
    "compress": (compress.run, compress.report),
    "sort-thread": (sortthread.run, sortthread.report),
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
    except (servers.ServerError, imapload.IMAPError, lmtp.LMTPError, OSError, RuntimeError) as error:
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
