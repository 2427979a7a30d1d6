#!/usr/bin/env bash
# Runs the whole test suite: installs what it needs, builds once (debug, with tests), runs
# the unit tests, then the end-to-end tests against the built `tern` binary.
# Set TERN_BIN to run the end-to-end tests against another build (e.g. release).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-test-dependencies.sh
swift build --build-tests
swift test --skip-build
TERN_BIN="${TERN_BIN:-$(swift build --show-bin-path)/tern}" python3 -m pytest -q -p no:cacheprovider Tests/EndToEnd
