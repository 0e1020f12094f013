#!/usr/bin/env bash
# The demo behind `./dialectic demo`: local stack + service (simulated LLM) + sample tasks.
# Run it through ./dialectic (which finds the JDK and builds first), not directly.
#
#   ./dialectic demo            run the samples, then keep everything up for your own tasks until Ctrl-C
#   ./dialectic demo --once     run the samples, then stop everything
#
# Environment: DIALECTIC_DEMO_SPEED (simulated model speed, default 0.2 = five times faster than the
# reference 4.5 s / 10.8 s / 14.2 s), DIALECTIC_KAFKA_PORT (9092), DIALECTIC_REGISTRY_PORT (8081).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.dialectic"
STACK_DIR="$STATE/stack"
APP_LOG="$STATE/app.log"
SPEED="${DIALECTIC_DEMO_SPEED:-0.2}"
KAFKA_PORT="${DIALECTIC_KAFKA_PORT:-9092}"
REGISTRY_PORT="${DIALECTIC_REGISTRY_PORT:-8081}"
ONCE=false
[ "${1:-}" = "--once" ] && ONCE=true

mkdir -p "$STATE"
stack_pid="" app_pid="" own_stack=false

stop_all() {
  trap - EXIT INT TERM
  if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then
    echo "demo: stopping the service..." >&2
    kill -TERM "$app_pid" 2>/dev/null || true
    wait "$app_pid" 2>/dev/null || true
  fi
  if $own_stack; then
    echo "demo: stopping the local stack..." >&2
    "$ROOT/dialectic" stack stop --data-dir "$STACK_DIR" >/dev/null 2>&1 || true
    [ -n "$stack_pid" ] && wait "$stack_pid" 2>/dev/null || true
  fi
}
trap stop_all EXIT
trap 'exit 130' INT TERM

wait_for() { # seconds, description, command...
  local seconds="$1" what="$2"; shift 2
  for _ in $(seq 1 $((seconds * 5))); do
    "$@" && return 0
    sleep 0.2
  done
  echo "demo: $what did not come up within ${seconds}s" >&2
  return 1
}

if [ -f "$STACK_DIR/stack.properties" ] && "$ROOT/dialectic" stack status --data-dir "$STACK_DIR" >/dev/null 2>&1; then
  echo "demo: using the local stack already running in $STACK_DIR" >&2
else
  echo "demo: starting the local stack (Kafka + schema registry, ~15 s)..." >&2
  "$ROOT/dialectic" stack start --data-dir "$STACK_DIR" --kafka-port "$KAFKA_PORT" \
      --registry-port "$REGISTRY_PORT" > "$STATE/stack.out" 2>&1 &
  stack_pid=$!
  own_stack=true
  stack_up() {
    if ! kill -0 "$stack_pid" 2>/dev/null; then
      cat "$STATE/stack.out" >&2
      exit 1
    fi
    [ -f "$STACK_DIR/stack.properties" ]
  }
  wait_for 180 "the local stack" stack_up
fi
BOOTSTRAP="$(sed -n 's/^bootstrap.servers=//p' "$STACK_DIR/stack.properties")"
REGISTRY="$(sed -n 's/^schema.registry.url=//p' "$STACK_DIR/stack.properties" | sed 's/\\:/:/g')"
export DIALECTIC_BOOTSTRAP_SERVERS="$BOOTSTRAP" DIALECTIC_SCHEMA_REGISTRY_URL="$REGISTRY"
echo "demo: Kafka at $BOOTSTRAP, schema registry at $REGISTRY" >&2

echo "demo: starting the service (orchestrator + workers, simulated LLM at speed $SPEED)..." >&2
"$ROOT/dialectic" app --speed "$SPEED" --set "orchestrator.state.dir=$STATE/streams" > "$APP_LOG" 2>&1 &
app_pid=$!
app_up() {
  if ! kill -0 "$app_pid" 2>/dev/null; then
    tail -n 20 "$APP_LOG" >&2
    exit 1
  fi
  grep -q "Dialectic running" "$APP_LOG"
}
wait_for 120 "the service" app_up

echo "demo: submitting the sample tasks; each synthesis is printed with its timeline as it arrives" >&2
# 0 when every sample task succeeded, 4 when some ended PARTIAL or FAILED, 3 when some gave no result.
submitted=0
"$ROOT/dialectic" cli submit --file "$ROOT/producers/src/main/resources/samples/tasks.jsonl" --wait --show \
  || submitted=$?

if $ONCE; then
  exit "$submitted"
fi
web_view="$(grep -o 'API at http://[^ ]*/' "$APP_LOG" | head -n 1 | cut -c 8-)"
cat >&2 <<EOF

demo: everything is still running. In another terminal, try:
  ./dialectic cli submit "Should we split the monolith?" --wait
  ./dialectic cli results --follow
or open the web view at ${web_view:-http://127.0.0.1:8080/} in a browser.
The service logs to $APP_LOG. Ctrl-C here stops the service and the local stack.
EOF
wait "$app_pid"
