#!/usr/bin/env bash
# Runs one fuzz target from its seeds: Fuzz/run.sh TARGET SECONDS|-runs=N [libFuzzer options...]
#
#   TARGET   FuzzCommandParser, FuzzFramer, FuzzMessageParser, FuzzSieveParser, FuzzLMTPParser, FuzzSMTPReply, FuzzManageSieve or FuzzMailImport
#   SECONDS  how long to fuzz (-max_total_time), or -runs=N for a number of executions
#
# Builds the fuzzers first if needed (release, with libFuzzer, in Fuzz/.build-fuzz), writes
# the seeds if Fuzz/seeds/ is missing, grows a working corpus in Fuzz/corpus/TARGET, keeps
# crashing, hanging and timed-out inputs in Fuzz/crashes/TARGET/, logs to Fuzz/logs/, and ends
# with the number of executions. Exits non-zero if the fuzzer found something.
set -euo pipefail

usage() { echo "usage: $0 FuzzCommandParser|FuzzFramer|FuzzMessageParser|FuzzSieveParser|FuzzLMTPParser|FuzzSMTPReply|FuzzManageSieve|FuzzMailImport SECONDS|-runs=N [libFuzzer options]" >&2; exit 2; }
[[ $# -ge 2 ]] || usage
target=$1
amount=$2
shift 2

case "$target" in
    FuzzCommandParser) max_len=4096 ;;
    FuzzFramer) max_len=4096 ;;
    FuzzMessageParser) max_len=1024 ;;
    FuzzSieveParser) max_len=4096 ;;
    FuzzLMTPParser) max_len=4096 ;;
    FuzzSMTPReply) max_len=2048 ;;
    FuzzManageSieve) max_len=4096 ;;
    FuzzMailImport) max_len=4096 ;;
    *) usage ;;
esac
case "$amount" in
    -runs=*) budget=("$amount") ;;
    *[!0-9]*|"") usage ;;
    *) budget=("-max_total_time=$amount") ;;
esac

fuzz=$(cd "$(dirname "$0")" && pwd)
cd "$fuzz"
scratch=.build-fuzz
if [[ "${FUZZ_SKIP_BUILD:-}" != 1 ]]; then
    swift build --sanitize=fuzzer -c release --scratch-path "$scratch" --product "$target" 2>&1 \
        | grep -vE '^\[[0-9]+/[0-9]+\]' || true
fi
binary="$scratch/release/$target"
[[ -x "$binary" ]] || { echo "no fuzzer at $binary: the build failed" >&2; exit 1; }

[[ -d seeds/$target ]] || python3 make_seeds.py
mkdir -p "corpus/$target" "crashes/$target" logs
log="logs/$target-$(date +%Y%m%d-%H%M%S).log"

echo "fuzzing $target (${budget[*]}, max_len $max_len), log in Fuzz/$log"
status=0
# SWIFT_BACKTRACE=enable=no: let libFuzzer catch the trap and write the input to a file.
SWIFT_BACKTRACE=enable=no "$binary" "corpus/$target" "seeds/$target" \
    "${budget[@]}" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="crashes/$target/" "$@" >"$log" 2>&1 || status=$?

grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)' "$log" | tail -2 || true
grep -E 'stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' "$log" || true
grep -E '^Done [0-9]+ runs' "$log" || true
found=$(find "crashes/$target" -type f | wc -l)
if [[ $status -ne 0 ]]; then
    grep -E 'ERROR: libFuzzer|Fatal error|precondition|SUMMARY' "$log" | head -5 || true
    echo "libFuzzer exited with $status; $found input(s) in Fuzz/crashes/$target/" >&2
    exit "$status"
fi
echo "no findings; $found earlier input(s) in Fuzz/crashes/$target/"
