#!/usr/bin/env bash
# npm run bench: set up, build, bundle the benchmark page, serve it with the scriptable local
# backend, run tests/bench/run.mjs (extra arguments go to it), and stop the servers by PID.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
LOG_DIR="$ROOT/test-results/bench-logs"
bash scripts/setup.sh
bash scripts/build.sh
node tests/bundlers/build.mjs "$ROOT/test-results/bundles" >/dev/null
node tests/bench/build.mjs "$ROOT/test-results/bench"
source scripts/lib.sh
trap stop_all EXIT
start_faults
start_demo 3300 "bench=$ROOT/test-results/bench"
node tests/bench/run.mjs "$@"
