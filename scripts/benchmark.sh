#!/usr/bin/env bash
# Measures POST /token throughput and latency in local mode (service + embedded emulator in
# one JVM, wrk on the same machine), with token reuse on and off, and the service's memory.
# Prints the figures; docs/benchmarks.md records them with the machine and date.
#
#   scripts/benchmark.sh [seconds per run, default 20] [connections, default 8]
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${1:-20}
connections=${2:-8}

if ! command -v wrk >/dev/null 2>&1; then
  echo "Installing wrk (Debian package)..." >&2
  apt-get install -y -q wrk >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; }
fi
jar=$(ls target/acs-token-service-*.jar 2>/dev/null | grep -v plain | head -1 || true)
if [ -z "$jar" ]; then
  ./mvnw -B -q package -DskipTests
  jar=$(ls target/acs-token-service-*.jar | grep -v plain | head -1)
fi

work=$(mktemp -d)
service_pid=""
cleanup() {
  [ -n "$service_pid" ] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cat > "$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Authorization"] = "Basic YWxpY2U6YWxpY2U="
LUA

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# run LABEL EXTRA_ARGS...: starts the service, warms it up, measures, prints one line.
run() {
  local label=$1
  shift
  local port
  port=$(free_port)
  rm -rf "$work/data"
  java -Xmx512m -jar "$jar" --server.port="$port" \
    --spring.datasource.url="jdbc:h2:file:$work/data/db" --acs.emulator.data-dir="$work/data/emulator" \
    --policy.rate-limit.enabled=false --acs.budget.enabled=false --logging.level.root=warn \
    --logging.level.audit=warn "$@" >"$work/$label.log" 2>&1 &
  service_pid=$!
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null 2>&1 && break
    sleep 0.5
  done
  curl -fs "http://127.0.0.1:$port/actuator/health/readiness" >/dev/null || { echo "service did not start" >&2; cat "$work/$label.log" >&2; exit 1; }
  # Warm-up: the first token creates alice's identity; then let the JIT settle.
  curl -fs -u alice:alice -X POST "http://127.0.0.1:$port/token" >/dev/null
  wrk -t2 -c"$connections" -d5s -s "$work/post.lua" "http://127.0.0.1:$port/token" >/dev/null
  wrk -t2 -c"$connections" -d"${duration}s" --latency -s "$work/post.lua" "http://127.0.0.1:$port/token" >"$work/$label.wrk"
  local rps p50 p99 errors rss acs_calls
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/$label.wrk")
  p50=$(awk '$1=="50%" {print $2}' "$work/$label.wrk")
  p99=$(awk '$1=="99%" {print $2}' "$work/$label.wrk")
  errors=$(awk '/Non-2xx/ {print $5}' "$work/$label.wrk")
  rss=$(ps -o rss= -p "$service_pid" | awk '{printf "%.0f", $1/1024}')
  acs_calls=$(curl -fs -u admin:admin "http://127.0.0.1:$port/actuator/prometheus" \
    | awk '/^acs_calls_seconds_count/ {sum += $2} END {printf "%.0f", sum}')
  printf '%-12s %10s req/s   p50 %8s   p99 %8s   non-2xx %5s   ACS calls %8s   RSS %5s MiB\n' \
    "$label" "$rps" "$p50" "$p99" "${errors:-0}" "$acs_calls" "$rss"
  kill "$service_pid"
  wait "$service_pid" 2>/dev/null || true
  service_pid=""
}

echo "POST /token as alice, ${connections} connections, ${duration}s per run, $(nproc) cores, $(java -version 2>&1 | head -1)"
run reuse-on
run reuse-off --tokens.reuse.enabled=false
