#!/usr/bin/env bash
# npm test: set up the machine, then run every check and test: formatting and lints, the
# core's cargo tests, the package build, the glue's browser tests, and the end-to-end suite
# against the real local stack (started here and stopped by PID, also on failure).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
step() { printf '\n== %s\n' "$*"; }

step "setup"
bash scripts/setup.sh

step "rustfmt and clippy (host and wasm32)"
cargo fmt --check
cargo fmt --check --manifest-path fuzz/Cargo.toml
cargo clippy --quiet --all-targets -- -D warnings
cargo clippy --quiet --target wasm32-unknown-unknown --all-targets -- -D warnings

step "core: cargo test"
cargo test --quiet

step "fuzz: every target in fuzz/ for ${FUZZ_SECONDS:-20}s on nightly"
bash scripts/fuzz.sh

step "build the package"
bash scripts/build.sh

step "types: tsc --noEmit wires the factories into @backstage/core-plugin-api's refs"
node_modules/.bin/tsc -p tests/types

step "bundle small apps with Vite and webpack 5"
node tests/bundlers/build.mjs "$ROOT/test-results/bundles"

step "glue: wasm-pack test in headless Chromium"
wasm-pack test --headless --chrome --chromedriver "${CHROMEDRIVER:-/usr/bin/chromedriver}" -- --test web

step "end-to-end: real logins against the local Backstage auth backend"
source scripts/lib.sh
trap stop_all EXIT
start_stack
start_faults
# Another port than the demo's, to show that any http://127.0.0.1:<port> app works.
start_demo 3100 "test=$ROOT/tests/e2e/pages" "bundles=$ROOT/test-results/bundles"
E2E_APP_URL=http://127.0.0.1:3100 node --test --test-reporter=spec --test-concurrency=1 tests/e2e/
