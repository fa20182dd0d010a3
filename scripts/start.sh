#!/usr/bin/env bash
# npm start: set up the machine, build the package, then serve the local identity stack
# (Backstage auth backend on 7007, OpenID provider on 7010) and the demo on 3000 until stopped.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LOG_DIR="$ROOT/test-results/demo-logs"
bash "$ROOT/scripts/setup.sh"
bash "$ROOT/scripts/build.sh"
source "$ROOT/scripts/lib.sh"
trap stop_all EXIT
trap 'exit 130' INT TERM
start_stack
start_demo 3000
cat <<MSG

  Demo:            http://127.0.0.1:3000
  Auth backend:    http://127.0.0.1:7007/api/auth
  OpenID provider: http://127.0.0.1:7010  (log in with any user name and password)
  Logs:            ${LOG_DIR#$ROOT/}/

  Press Ctrl+C to stop.
MSG
# Returns when any server exits; the EXIT trap then stops the others.
wait -n "${STACK_PIDS[@]}" || true
echo "A server stopped unexpectedly; see the logs in ${LOG_DIR#$ROOT/}/." >&2
exit 1
