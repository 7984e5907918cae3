#!/usr/bin/env bash
# Benchmarks POST /token on loopback and prints one table (docs/benchmarks.md says what each row
# means): a reference Spring Boot endpoint behind the same JWT check, the service as its own process
# in a production-like configuration (JWT users, PostgreSQL, every limit on at capacities no run
# reaches, the ACS emulator as its own process with a fixed latency), wrk at a fixed concurrency, a
# flood of forged tokens beside signed-in users, and the direct SDK call for comparison. Starts what
# it needs and stops it all afterwards, also on failure or Ctrl-C.
#
#   scripts/benchmark.sh            # the full run, about 16 minutes
#   scripts/benchmark.sh --smoke    # seconds per row: checks that the harness works (CI)
#   scripts/benchmark.sh --at-defaults   # rows 20 to 23: statements and audit bytes per reuse hit
#   scripts/benchmark.sh --soak     # 30 minutes of steady load, sampled each minute
#   scripts/benchmark.sh --soak --soak-minutes=3   # a shorter soak
#   scripts/benchmark.sh --flood-networks   # rows 24, 25: forged tokens from rotating /64s, new users
#   scripts/benchmark.sh --connections=32 --warmup=60 --measure=20 --steady-after=120 ...
#
# Options are those of src/benchmark/java/benchmark/Benchmark.java. Logs and the table (results.md)
# are in target/benchmark/. Installs wrk from Debian when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null 2>&1; then
  echo "Installing wrk (Debian package)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q wrk >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; }
fi

# The jar, the test classes (the harness in src/benchmark/java is compiled with them) and their class path.
./mvnw -B -q package org.apache.maven.plugins:maven-dependency-plugin:3.11.0:build-classpath \
  -DskipTests -Dmdep.outputFile=target/benchmark-classpath.txt -Dmdep.includeScope=test
jar=$(ls target/acs-token-service-*.jar | head -1)
work=target/benchmark

bench_pid=""
cleanup() {
  if [ -n "$bench_pid" ] && kill -0 "$bench_pid" 2>/dev/null; then
    kill "$bench_pid" 2>/dev/null || true   # its shutdown hook stops what it started
    wait "$bench_pid" 2>/dev/null || true
  fi
  # Whatever is left if the benchmark's JVM was killed outright: its children and PostgreSQL.
  # SIGTERM, then SIGKILL for what is still there 5 s later.
  if [ -f "$work/pids" ]; then
    local left=()
    while read -r pid; do
      if kill -0 "$pid" 2>/dev/null && grep -qaE 'java|wrk|postgres' "/proc/$pid/cmdline" 2>/dev/null; then
        kill "$pid" 2>/dev/null && left+=("$pid")
      fi
    done < "$work/pids"
    for _ in 1 2 3 4 5; do
      [ ${#left[@]} -eq 0 ] && break
      sleep 1
      local still=()
      for pid in "${left[@]}"; do kill -0 "$pid" 2>/dev/null && still+=("$pid"); done
      left=("${still[@]+"${still[@]}"}")
    done
    for pid in "${left[@]+"${left[@]}"}"; do kill -KILL "$pid" 2>/dev/null || true; done
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Test classes and dependencies only: the reference must not see the service's classes or
# application.yml.
java -cp "target/test-classes:$(cat target/benchmark-classpath.txt)" benchmark.Benchmark --jar="$jar" "$@" &
bench_pid=$!
wait "$bench_pid"
