#!/usr/bin/env bash
# Runs the whole test suite: installs what it needs, builds once (debug, with tests), runs
# the unit tests, the end-to-end tests against the built `tern` binary, and a smoke run of
# the benchmarks.
# Set TERN_BIN to run the end-to-end tests against another build (e.g. release).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-test-dependencies.sh

# The tests' mail comes from the workplace's deterministic corpus generator, beside the
# repository (../shared/corpus) unless TERN_CORPUS_SCRIPT names it.
corpus_script="${TERN_CORPUS_SCRIPT:-../shared/corpus/make_corpus.py}"
if [ ! -f "$corpus_script" ]; then
    echo "error: the test corpus generator is not at $corpus_script;" \
         "clone Tern beside the shared/ folder or set TERN_CORPUS_SCRIPT" >&2
    exit 1
fi
export TERN_CORPUS_SCRIPT="$(cd "$(dirname "$corpus_script")" && pwd)/$(basename "$corpus_script")"
swift build --build-tests
swift test --skip-build
export TERN_BIN="${TERN_BIN:-$(swift build --show-bin-path)/tern}"
python3 -m pytest -q -p no:cacheprovider Tests/EndToEnd

# The benchmarks are run on demand; here only a smoke run proves they still work (Dovecot
# beside Tern needs root).
bench_peers=()
[ "$(id -u)" = 0 ] || bench_peers=(--no-dovecot)
python3 Benchmarks/bench.py --quick "${bench_peers[@]}" > /dev/null
echo "Benchmark smoke run: OK"
