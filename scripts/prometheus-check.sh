#!/usr/bin/env bash
# Checks the alert rules of deploy/prometheus against the real service: promtool checks them and
# runs their unit tests (src/test/prometheus/alerts-test.yaml); then Debian's Prometheus, on
# loopback, scrapes the service in local mode (java -jar, /actuator/prometheus as the demo user
# admin) every second and evaluates a copy of the rules whose `for:` is cut to 5s. The emulator's
# fault injection makes ACS answer 503 until the circuit breaker opens, and the check waits until
# Prometheus's own API shows AcsTokenServiceAcsCircuitOpen go from inactive to firing, then clears
# the fault and waits until it is no longer firing; last, Prometheus evaluates every query of the
# Grafana dashboard (deploy/grafana). Installs Debian's prometheus (and curl) when
# missing; builds the jar when missing or stale. Stops every process it started, also on failure.
# Exits non-zero on any failure.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
rules="deploy/prometheus/acs-token-service.rules.yaml"
unit_tests="src/test/prometheus/alerts-test.yaml"
alert="AcsTokenServiceAcsCircuitOpen"

fail() {
  echo "prometheus-check: FAILED: $*" >&2
  exit 1
}

install_missing() {
  local packages=("$@")
  [[ ${#packages[@]} -gt 0 ]] || return 0
  echo "prometheus-check: installing ${packages[*]} from Debian..."
  local sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || fail "${packages[*]} missing, and not root to install them"
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${packages[@]}"
}

missing=()
if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then
  missing+=(prometheus)
fi
command -v curl >/dev/null 2>&1 || missing+=(curl ca-certificates)
install_missing "${missing[@]}"
command -v java >/dev/null 2>&1 || fail "java is missing"

echo "prometheus-check: promtool check rules"
promtool check rules "$rules" || fail "promtool check rules $rules"
echo "prometheus-check: promtool test rules"
promtool test rules "$unit_tests" || fail "promtool test rules $unit_tests"

jar="$(ls target/acs-token-service-*.jar 2>/dev/null | grep -v -- '-plain' | head -n 1 || true)"
# Against the jar's change time: its modification time is the pom's fixed outputTimestamp.
if [[ -z "$jar" ]] || [[ -n "$(find src/main pom.xml -newermc "$jar" -print -quit)" ]]; then
  echo "prometheus-check: building the jar (missing or older than the sources)..."
  ./mvnw -B -q -DskipTests package
  jar="$(ls target/acs-token-service-*.jar | grep -v -- '-plain' | head -n 1)"
fi
jar="$root/$jar"

# A port nothing listens on (bash's /dev/tcp: a refused connection means free), below the
# kernel's range of ephemeral ports: a port from that range can be taken by any outgoing
# connection (the service's own, while it starts) between this check and the bind, which once
# made the service fail with "Port … was already in use".
free_port() {
  local port lowest
  lowest=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  [ "$lowest" -gt 11000 ] || fail "the ephemeral port range starts at $lowest: no room below it"
  for _ in $(seq 1 100); do
    port=$((10000 + RANDOM % (lowest - 10000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  fail "no free port found"
}

work="$(mktemp -d)"
service_pid=""
prometheus_pid=""
cleanup() {
  local status=$?
  for pid in "$prometheus_pid" "$service_pid"; do
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  if [[ $status -ne 0 ]]; then
    echo "prometheus-check: the service's log (last 40 lines):" >&2
    tail -n 40 "$work/service.log" >&2 2>/dev/null || true
    echo "prometheus-check: Prometheus's log (last 20 lines):" >&2
    tail -n 20 "$work/prometheus.log" >&2 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

port="$(free_port)"
emulator_port="$(free_port)"
prometheus_port="$(free_port)"
access_key="$(head -c 32 /dev/urandom | base64)"
service="http://127.0.0.1:$port"
prometheus="http://127.0.0.1:$prometheus_port"

# Local mode with its demo users, started from its own directory so that nothing is written under
# ./data. Each token request calls ACS (no reuse, no retries), and four calls fill the breaker's
# window, so that a few failing requests open it.
(cd "$work" && exec java -jar "$jar" --server.port="$port" --spring.main.banner-mode=off \
  --spring.datasource.url="jdbc:h2:mem:prometheus-check;DB_CLOSE_DELAY=-1" \
  --acs.emulator.data-dir="$work/emulator" --acs.emulator.port="$emulator_port" \
  --acs.emulator.access-key="$access_key" \
  --token-service.tokens.reuse.enabled=false --acs.client.max-retries=0 \
  --acs.circuit-breaker.sliding-window-size=4 --acs.circuit-breaker.minimum-number-of-calls=4) \
  >"$work/service.log" 2>&1 &
service_pid=$!

# The shipped rules with every `for:` cut to 5s; the expressions are untouched.
sed -E 's/^([[:space:]]*for:)[[:space:]].*$/\1 5s/' "$rules" >"$work/rules.yaml"
grep -q 'for: 5s' "$work/rules.yaml" || fail "could not rewrite the rules' for:"
cat >"$work/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $work/rules.yaml
scrape_configs:
  - job_name: acs-token-service
    metrics_path: /actuator/prometheus
    basic_auth:
      username: admin
      password: admin
    static_configs:
      - targets: ['127.0.0.1:$port']
EOF
promtool check config "$work/prometheus.yml" >/dev/null || fail "promtool check config"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$prometheus_port" >"$work/prometheus.log" 2>&1 &
prometheus_pid=$!

# Waits until the command succeeds, at most $1 seconds.
await() {
  local seconds="$1" what="$2"
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    ((SECONDS < deadline)) || fail "$what (waited ${seconds}s)"
    kill -0 "$service_pid" 2>/dev/null || fail "the service stopped"
    kill -0 "$prometheus_pid" 2>/dev/null || fail "Prometheus stopped"
    sleep 1
  done
}

ready() { curl -fs "$service/actuator/health/readiness" >/dev/null; }
await 240 "the service to start" ready
await 60 "Prometheus to start" curl -fs "$prometheus/-/ready" -o /dev/null

token_status() { curl -s -o /dev/null -w '%{http_code}' -u alice:alice -X POST "$service/token"; }
[[ "$(token_status)" == 200 ]] || fail "a token while ACS is well"

# The alert's state as Prometheus's API says: "firing" or "pending" from /api/v1/alerts, else
# "inactive" when /api/v1/rules has the rule evaluated as inactive.
alert_state() {
  local alerts rules
  alerts="$(curl -fs "$prometheus/api/v1/alerts")" || return 1
  local line
  line="$(sed 's/{"labels":/\n&/g' <<<"$alerts" | grep "\"alertname\":\"$alert\"" || true)"
  if [[ -n "$line" ]]; then
    # The alert's own state, which follows its labels (one of them may be called state too).
    grep -o '"state":"[a-z]*","activeAt"' <<<"$line" | head -n 1 | cut -d'"' -f4
    return 0
  fi
  rules="$(curl -fs "$prometheus/api/v1/rules?type=alert")" || return 1
  line="$(sed 's/{"state":/\n&/g' <<<"$rules" | grep "\"name\":\"$alert\"" || true)"
  if grep -q '"health":"ok"' <<<"$line" && grep -q '^{"state":"inactive"' <<<"$line"; then
    echo inactive
  fi
}
scraped() {
  curl -fs --get --data-urlencode "query=resilience4j_circuitbreaker_state{name=\"acs\",state=\"closed\"} == 1" \
    "$prometheus/api/v1/query" | grep -q '"value":'
}
state_is() { [[ "$(alert_state)" == "$1" ]]; }

await 60 "Prometheus to scrape the closed breaker" scraped
sleep 2
await 10 "$alert to be inactive while ACS is well" state_is inactive
echo "prometheus-check: $alert is inactive while ACS answers"

curl -fsk -X POST "https://127.0.0.1:$emulator_port/_emulator/faults" -H "Authorization: Bearer $access_key" \
  -H 'Content-Type: application/json' -d '{"fault":"status","status":503}' \
  || fail "the emulator's fault injection"
breaker_open() { [[ "$(token_status)" == 503 ]] && curl -fs -u admin:admin "$service/actuator/health" | grep -q '"circuitBreaker":"OPEN"'; }
await 30 "the circuit breaker to open" breaker_open
echo "prometheus-check: ACS answers 503; the circuit breaker is open"

seen_pending=""
firing() {
  local state
  state="$(alert_state)"
  [[ "$state" == pending ]] && seen_pending=yes
  [[ "$state" == firing ]]
}
await 60 "$alert to fire" firing
echo "prometheus-check: $alert went from inactive${seen_pending:+ through pending} to firing"

curl -fsk -X DELETE "https://127.0.0.1:$emulator_port/_emulator/faults" -H "Authorization: Bearer $access_key" \
  || fail "clearing the emulator's faults"
# Open for 15 s, then two probe calls that now succeed close it again.
closed_again() { token_status >/dev/null; ! state_is firing && ! state_is pending; }
await 90 "$alert to stop firing once ACS answers again" closed_again
echo "prometheus-check: $alert is no longer firing once ACS answers again"

# Every query of the Grafana dashboard is one that Prometheus accepts, with Grafana's variables
# given values.
dashboard="deploy/grafana/acs-token-service.json"
queries=0
while IFS= read -r expr; do
  expr="$(sed 's/\\"/"/g' <<<"$expr")"
  expr="${expr//'$__rate_interval'/1m}"
  expr="${expr//'$job'/acs-token-service}"
  answer="$(curl -s --get --data-urlencode "query=$expr" "$prometheus/api/v1/query")"
  grep -q '"status":"success"' <<<"$answer" || fail "the dashboard's query $expr: $answer"
  queries=$((queries + 1))
done < <(grep -oP '"expr": "\K(\\.|[^"\\])*' "$dashboard")
((queries > 10)) || fail "only $queries queries found in $dashboard"
echo "prometheus-check: Prometheus accepts all $queries queries of $dashboard"
echo "prometheus-check: passed"
