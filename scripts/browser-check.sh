#!/usr/bin/env bash
# Tests the browser example (examples/web) in a real browser: builds the jar if missing or stale,
# starts the service in local mode on a free port (its own in-memory database and emulator state,
# token reuse off so that each refresh brings a new token, a second port on its CORS list),
# meanwhile installs the example's npm packages, builds it and runs its unit tests, and then runs
# examples/web/test/browser/ in Debian's chromium with playwright-core. Screenshots and the
# service's log go to target/browser-check/. Needs Java 17+, Node.js 20.19+, npm and chromium
# (scripts/ci.sh installs what is missing). Exits non-zero on any failure.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
example="$root/examples/web"
screenshots="$root/target/browser-check"
cd "$root"

chromium="${CHROMIUM:-$(command -v chromium || true)}"
for tool in java node npm; do
  command -v "$tool" >/dev/null 2>&1 || { echo "browser-check: $tool is missing" >&2; exit 1; }
done
# Vite 8 needs Node.js 20.19 or later (Debian 12's own nodejs package is 18).
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
  echo "browser-check: Node.js $(node --version) is too old; the example's build needs 20.19 or later" >&2
  exit 1
fi
[[ -n "$chromium" ]] || { echo "browser-check: chromium is missing (apt-get install chromium)" >&2; exit 1; }

jar="$(ls target/acs-token-service-*.jar 2>/dev/null | grep -v -- '-plain' | head -n 1 || true)"
# Against the jar's change time: its modification time is the pom's fixed outputTimestamp.
if [[ -z "$jar" ]] || [[ -n "$(find src/main pom.xml -newermc "$jar" -print -quit)" ]]; then
  echo "browser-check: building the jar (missing or older than the sources)..."
  ./mvnw -B -q -DskipTests package
  jar="$(ls target/acs-token-service-*.jar | grep -v -- '-plain' | head -n 1)"
fi

jar="$root/$jar"

free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}
port="$(free_port)"
# The test serves the built example itself on this port too, as a separately hosted front end
# that calls the service across origins: the service's CORS list names it.
front_end_port="$(free_port)"
work="$(mktemp -d)"
log="$screenshots/service.log"
service_pid=""
mkdir -p "$screenshots"
rm -f "$screenshots"/*.png

cleanup() {
  if [[ -n "$service_pid" ]] && kill -0 "$service_pid" 2>/dev/null; then
    kill "$service_pid"
    wait "$service_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# Started from its own directory, so that nothing is written under ./data.
(cd "$work" && exec java -jar "$jar" --server.port="$port" --spring.main.banner-mode=off \
  --spring.datasource.url="jdbc:h2:mem:browser-check;DB_CLOSE_DELAY=-1" \
  --acs.emulator.data-dir="$work/emulator" \
  --token-service.local.example.directory="$example/dist" \
  --token-service.sign-in.cors-allowed-origins="http://127.0.0.1:$front_end_port" \
  --token-service.tokens.reuse.enabled=false) >"$log" 2>&1 &
service_pid=$!

# While the service starts: the example's packages (again only when the lock file changed), its
# build and its unit tests.
(
  cd "$example"
  if ! cmp -s package-lock.json node_modules/.browser-check-lock 2>/dev/null; then
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json node_modules/.browser-check-lock
  fi
  npm run --silent build -- --logLevel warn
  npm test --silent
)

ready=""
deadline=$((SECONDS + 300))
while ((SECONDS < deadline)); do
  if node -e "fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))" \
      "http://127.0.0.1:$port/actuator/health/readiness"; then
    ready=yes
    break
  fi
  if ! kill -0 "$service_pid" 2>/dev/null; then
    break
  fi
  sleep 0.5
done
if [[ -z "$ready" ]]; then
  echo "browser-check: the service did not start; its log:" >&2
  cat "$log" >&2
  exit 1
fi

cd "$example"
EXAMPLE_URL="http://127.0.0.1:$port/example/" FRONT_END_PORT="$front_end_port" \
  SCREENSHOT_DIR="$screenshots" CHROMIUM="$chromium" \
  node --test --test-reporter=spec test/browser/
echo "browser-check: screenshots in $screenshots"
