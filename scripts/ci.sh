#!/usr/bin/env bash
# Everything CI checks, in one place: .ci/run (a fresh Debian machine, as root) and the GitHub
# workflow both run this script. It installs what is missing, then runs, stopping at the first
# failure:
#   1. ./mvnw -B verify            README's test command: formatting, the Java 17 rule, the unit
#                                  tests (surefire) and the integration tests (failsafe)
#   2. scripts/lint.sh             the Dockerfile and the workflows, with linters from npm
#   3. scripts/js-sdk-check.sh     the emulator against Microsoft's JavaScript SDK
#   4. scripts/browser-check.sh    the browser example in chromium against the service
#   5. scripts/benchmark.sh --smoke  the benchmark harness produces every row (not how fast)
#   6. scripts/prometheus-check.sh the alert rules in Prometheus against the running service
# CHROMIUM names another Chromium-based browser (the workflow's runner has Google Chrome).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
if ! command -v java >/dev/null 2>&1 || ! command -v javac >/dev/null 2>&1 \
    || ! javac -version 2>&1 | grep -qE 'javac (1[7-9]|2[0-9])'; then
  missing+=(openjdk-17-jdk-headless)
fi
# The Maven wrapper downloads Maven with wget or curl.
if ! command -v curl >/dev/null 2>&1 && ! command -v wget >/dev/null 2>&1; then
  missing+=(curl ca-certificates)
fi
# The benchmark's load generator.
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
# The browser check's browser, unless another one is named.
if [ -z "${CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  missing+=(chromium)
fi
# Node.js and npm: the linters, the JavaScript SDK check and the browser example.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi
# promtool for the alert rules' unit tests (AlertRulesTests runs them when it is on the PATH), and
# the Prometheus server for the Prometheus check.
if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then
  missing+=(prometheus)
fi
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

step() {
  echo
  echo "=== ci: $*"
}

step ./mvnw -B verify
./mvnw -B verify
step scripts/lint.sh
scripts/lint.sh
step scripts/js-sdk-check.sh
scripts/js-sdk-check.sh
step scripts/browser-check.sh
scripts/browser-check.sh
step scripts/benchmark.sh --smoke
scripts/benchmark.sh --smoke
step scripts/prometheus-check.sh
scripts/prometheus-check.sh
echo
echo "=== ci: all passed"
