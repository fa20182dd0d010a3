# Shared by start.sh and test.sh: start the local identity stack and the demo server as plain
# `node … &` children, wait until each answers, and stop them by PID on exit, also on failure.
# Everything binds 127.0.0.1 only.

STACK_PIDS=()
LOG_DIR="${LOG_DIR:-$ROOT/test-results/logs}"
mkdir -p "$LOG_DIR"

stop_all() {
  local pid
  for pid in "${STACK_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${STACK_PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  STACK_PIDS=()
}

port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# wait_ready NAME PID URL LOG [SECONDS]
wait_ready() {
  local name=$1 pid=$2 url=$3 log=$4 limit=${5:-60} i
  for ((i = 0; i < limit * 10; i++)); do
    if curl -sf -o /dev/null "$url"; then
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null || grep -q "Backend startup failed" "$log" 2>/dev/null; then
      echo "$name failed to start; its log ($log) ends with:" >&2
      tail -n 20 "$log" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "$name did not answer at $url within ${limit}s; its log ($log) ends with:" >&2
  tail -n 20 "$log" >&2
  return 1
}

require_ports() {
  local port
  for port in "$@"; do
    if ! port_free "$port"; then
      echo "Port $port on 127.0.0.1 is in use (is 'npm start' already running?). Stop that first." >&2
      return 1
    fi
  done
}

start_stack() {
  require_ports 7007 7010
  node "$ROOT/stack/op.mjs" >"$LOG_DIR/op.log" 2>&1 &
  STACK_PIDS+=($!)
  wait_ready "OpenID provider" "$!" http://127.0.0.1:7010/.well-known/openid-configuration "$LOG_DIR/op.log"
  node "$ROOT/stack/backend.js" --config "$ROOT/stack/app-config.yaml" >"$LOG_DIR/backend.log" 2>&1 &
  STACK_PIDS+=($!)
  wait_ready "Backstage auth backend" "$!" http://127.0.0.1:7007/.backstage/health/v1/readiness "$LOG_DIR/backend.log" 120
}

# start_demo PORT [name=FOLDER …]: extra folders are served at /name/.
start_demo() {
  require_ports "$1"
  node "$ROOT/www/server.mjs" "$@" >"$LOG_DIR/demo-$1.log" 2>&1 &
  STACK_PIDS+=($!)
  wait_ready "demo server" "$!" "http://127.0.0.1:$1/" "$LOG_DIR/demo-$1.log"
}

# The scriptable fault backend for the fault tests (127.0.0.1:7020 and :7021).
start_faults() {
  require_ports 7020 7021
  node "$ROOT/tests/faults/server.mjs" 7020 >"$LOG_DIR/faults.log" 2>&1 &
  STACK_PIDS+=($!)
  wait_ready "fault backend" "$!" http://127.0.0.1:7020/__stats "$LOG_DIR/faults.log"
}
