#!/usr/bin/env bash
# Checks the ACS emulator with the official JavaScript SDK (@azure/communication-identity
# 1.3.x): builds the jar if missing or stale, starts the standalone emulator on a free port with a
# random key, runs scripts/js-sdk-check/index.mjs against it, stops it. CI runs it after
# ./mvnw verify (scripts/ci.sh). Needs Java 17+, Node 18+ and npm. Exits non-zero on any failure.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
check_dir="$root/scripts/js-sdk-check"
cd "$root"

jar="$(ls target/acs-token-service-*.jar 2>/dev/null | grep -v -- '-plain' | head -n 1 || true)"
if [[ -z "$jar" ]] || [[ -n "$(find src pom.xml -newer "$jar" -print -quit)" ]]; then
  echo "Building the jar (missing or older than the sources)..."
  ./mvnw -B -q -DskipTests package
  jar="$(ls target/acs-token-service-*.jar | grep -v -- '-plain' | head -n 1)"
fi

port="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
key="$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
work="$(mktemp -d)"
log="$work/emulator.log"
emulator_pid=""

cleanup() {
  if [[ -n "$emulator_pid" ]] && kill -0 "$emulator_pid" 2>/dev/null; then
    kill "$emulator_pid"
    wait "$emulator_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

java -jar "$jar" --spring.profiles.active=emulator --acs.emulator.port="$port" \
  --acs.emulator.access-key="$key" --acs.emulator.data-dir="$work/data" >"$log" 2>&1 &
emulator_pid=$!

for _ in $(seq 1 60); do
  if grep -q "listening" "$log"; then
    break
  fi
  if ! kill -0 "$emulator_pid" 2>/dev/null; then
    echo "The emulator did not start:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.5
done
grep -q "listening" "$log" || { echo "The emulator did not start in 30 s" >&2; cat "$log" >&2; exit 1; }

cd "$check_dir"
if [[ -f package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
else
  npm install --no-audit --no-fund --loglevel=error
fi

ACS_CONNECTION_STRING="endpoint=https://127.0.0.1:$port/;accesskey=$key" \
  NODE_EXTRA_CA_CERTS="$work/data/acs-emulator-cert.pem" \
  node index.mjs
