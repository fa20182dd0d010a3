#!/usr/bin/env bash
# Runs every fuzz target in fuzz/ for a bounded time each (FUZZ_SECONDS, default 20) on the
# nightly toolchain, starting from the seeds in fuzz/corpus/. A crash fails the run and
# leaves its input in fuzz/artifacts/<target>/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if ! rustup toolchain list | grep -q '^nightly'; then
  echo "cargo fuzz needs the nightly toolchain, which this machine lacks" >&2
  exit 1
fi
seconds="${FUZZ_SECONDS:-20}"
cargo +nightly fuzz build -O 2>&1 | grep -v '^\s*Compiling' || true
for target in $(cargo +nightly fuzz list); do
  # Work on a copy: the run adds what it finds to the corpus, which is not committed.
  work="$root/target/fuzz-corpus/$target"
  mkdir -p "$work"
  cp -n "fuzz/corpus/$target/"* "$work/" 2>/dev/null || true
  log="$root/target/fuzz-$target.log"
  if ! cargo +nightly fuzz run -O "$target" "$work" -- -max_total_time="$seconds" -rss_limit_mb=2048 \
    -print_final_stats=1 >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "fuzz target $target failed; the input is in fuzz/artifacts/$target/" >&2
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  echo "fuzz $target: ${runs:-?} inputs in ${seconds}s, no crash"
done
echo "fuzzing: every target ran ${seconds}s without a crash"
