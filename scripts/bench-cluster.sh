#!/usr/bin/env bash
# The scale-out figures of the README ("Run it on a cluster"): the benchmark's throughput scenario against three
# local brokers with two worker processes and one, then two, orchestrator instances. The benchmark's own service
# runs only the orchestrator; the other processes share its topic prefix. About 8 minutes; keeps both cores busy.
#
#   scripts/bench-cluster.sh [OUT_DIR]       (default bench/target/bench-cluster; KAFKA_PORT, REGISTRY_PORT)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$(mkdir -p "${1:-$ROOT/bench/target/bench-cluster}" && cd "${1:-$ROOT/bench/target/bench-cluster}" && pwd)"
KAFKA_PORT="${KAFKA_PORT:-29092}"
REGISTRY_PORT="${REGISTRY_PORT:-28081}"
STACK="$OUT/stack"
BOOTSTRAP="localhost:$KAFKA_PORT,localhost:$((KAFKA_PORT + 1)),localhost:$((KAFKA_PORT + 2))"
REGISTRY="http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7"
DIALECTIC="$ROOT/dialectic"
started=()

cleanup() { # stops what this script started, services first, then the stack
  local pid
  for pid in "${started[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${started[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

wait_for() { # seconds description command...: polls the command once a second
  local seconds=$1 what=$2; shift 2
  for _ in $(seq "$seconds"); do "$@" && return 0; sleep 1; done
  echo "bench-cluster: $what did not happen within $seconds s (see $OUT)" >&2
  exit 1
}

rm -rf "$STACK"
"$DIALECTIC" stack start --brokers 3 --data-dir "$STACK" --kafka-port "$KAFKA_PORT" \
    --registry-port "$REGISTRY_PORT" > "$OUT/stack.out" 2>&1 &
stack_pid=$!
wait_for 180 "the three brokers and the registry starting" test -f "$STACK/stack.properties"

broker_pids=()
for node in 1 2 3; do
  broker_pids+=(--measure-process "broker-$node=$(pgrep -f "$STACK/kafka/node-$node/server.properties" | head -n 1)")
done

running() { grep -q "Dialectic running" "$1"; }

measure() { # orchestrator-instances
  local instances=$1 prefix="bench-cluster-$1." logs=() measured=() services=()
  local settings=(--bootstrap-servers "$BOOTSTRAP" --registry-url "$REGISTRY" --set "topic.prefix=$prefix"
                  --set simulated.speed.factor=0 --set orchestrator.commit.interval.ms=100 --set api.port=0)
  for worker in 1 2; do
    logs+=("$OUT/$instances-workers-$worker.log")
    DIALECTIC_JAVA_OPTS=-Xmx512m "$DIALECTIC" app --roles workers "${settings[@]}" --set "worker.id=workers-$worker" \
        > "${logs[-1]}" 2>&1 &
    services+=($!); measured+=(--measure-process "workers-$worker=$!")
  done
  if [ "$instances" -gt 1 ]; then
    logs+=("$OUT/$instances-orchestrator-2.log")
    DIALECTIC_JAVA_OPTS=-Xmx512m "$DIALECTIC" app --roles orchestrator "${settings[@]}" \
        --set "orchestrator.state.dir=$OUT/state-$instances" > "${logs[-1]}" 2>&1 &
    services+=($!); measured+=(--measure-process "orchestrator-2=$!")
  fi
  started=("${services[@]}" "$stack_pid")
  for log in "${logs[@]}"; do wait_for 120 "the service of $log starting" running "$log"; done
  "$DIALECTIC" bench --bootstrap-servers "$BOOTSTRAP" --registry-url "$REGISTRY" --scenarios throughput \
      --set "throughput:topic.prefix=$prefix" --set throughput:roles=orchestrator "${broker_pids[@]}" "${measured[@]}" \
      --label "3 brokers; $instances orchestrator instance(s) (one in the benchmark) + 2 worker processes" \
      --out "$OUT/reports-$instances" 2>&1 | tee "$OUT/bench-$instances.out" | grep -E '^(throughput\.|bench:)'
  for pid in "${services[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${services[@]}"; do wait "$pid" 2>/dev/null || true; done
  started=("$stack_pid")
}

started=("$stack_pid")
measure 1
measure 2
echo "bench-cluster: reports in $OUT/reports-1 and $OUT/reports-2"
