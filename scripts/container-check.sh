#!/usr/bin/env bash
# Proves the Dockerfile on a machine without Docker and without a public image registry:
#
#   1. builds local stand-ins for the two base images: for BASE_IMAGE (eclipse-temurin:25-jre) a
#      Debian bookworm minbase root filesystem (debootstrap) with a JRE jlinked from the host's
#      Temurin 25 JDK at /opt/java/openjdk, JAVA_HOME and PATH set as the eclipse-temurin images
#      set them; for BUILDER_IMAGE (eclipse-temurin:17-jdk) the same minbase with Debian's
#      openjdk-17-jdk-headless;
#   2. builds the service's image from the Dockerfile with buildah (vfs storage, chroot isolation),
#      training run and AOT cache included;
#   3. runs it with podman where the sandbox allows; otherwise runs the image's own root
#      filesystem with `buildah run`, with the image's ENTRYPOINT, working directory, user and
#      environment, read from the image itself;
#   4. checks that /actuator/health/readiness says UP, that POST /token as alice gives 200 and that
#      the JVM used the AOT cache;
#   5. with MEASURE_ROUNDS=N, measures N rounds, back to back, of each variant in MEASURE_VARIANTS:
#      launch to readiness UP, java process start to readiness UP, "Started … in", RSS at
#      readiness, then LOAD_SECONDS of wrk on POST /token (three demo users, rate limit off) and RSS
#      after it. Only with `buildah run` (the java process is then visible from here).
#
# Needs root (debootstrap, buildah), network to Debian's mirror (debootstrap, apt) and, for
# JAR_FROM=build, to Maven Central; and a Temurin 25 JDK on this machine (TEMURIN25_HOME, default
# /usr/lib/jvm/temurin-25-jdk-amd64; Adoptium's temurin-25-jdk package) to jlink the JRE from.
# Not run by .ci/run: it takes 10 to 20 minutes and CI's `docker build` uses the real images.
# Environment:
#   JAR_FROM            build (default: Maven inside the image build) or prebuilt (target/*.jar)
#   CHECK_PORT          host port for the service (default 18080)
#   CONTAINER_CHECK_DIR where the base root filesystem is cached (default /tmp/acs-container-check)
#   REBUILD_BASE=1      make the base images again
#   SKIP_BUILD=1        use the service's image from the last run as it is
#   TEMURIN25_HOME      the JDK that the stand-in JRE is jlinked from
#   MEASURE_ROUNDS      rounds of measurement after the check (default 0: none)
#   MEASURE_VARIANTS    one variant a line, `label` or `label|NAME=value|NAME=value` (environment
#                       given to the container on top of the image's); default: the image as it is
#                       (`aot`) and the same without its cache (`no-aot`, -XX:AOTMode=off)
#   LOAD_SECONDS        wrk's duration per run (default 20; 0: no load)
set -euo pipefail
cd "$(dirname "$0")/.."

jar_from="${JAR_FROM:-build}"
port="${CHECK_PORT:-18080}"
work="${CONTAINER_CHECK_DIR:-/tmp/acs-container-check}"
temurin25="${TEMURIN25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
rounds="${MEASURE_ROUNDS:-0}"
load_seconds="${LOAD_SECONDS:-20}"
minbase_image=localhost/acs-check/debian-minbase:bookworm
jre_image=localhost/acs-check/temurin-25-jre:bookworm
jdk_image=localhost/acs-check/debian-openjdk17-jdk:bookworm
image=localhost/acs-token-service:check
# vfs: no overlay filesystem or fuse needed; slower and larger on disk, but works in a sandbox.
buildah=(buildah --storage-driver vfs)
podman=(podman --storage-driver vfs)

log() { printf '\n== %s\n' "$*"; }
seconds_since() { echo "$(( $(date +%s%N) / 1000000 - $1 ))" | awk '{ printf "%.1f", $1 / 1000 }'; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

if [ ! -x "$temurin25/bin/jlink" ]; then
  echo "no Temurin 25 JDK at $temurin25 (set TEMURIN25_HOME): the stand-in for eclipse-temurin:25-jre is jlinked from it" >&2
  exit 1
fi
missing=()
command -v buildah >/dev/null || missing+=(buildah)
command -v podman >/dev/null || missing+=(podman)
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v curl >/dev/null || missing+=(curl)
if [ "$rounds" -gt 0 ] && [ "$load_seconds" -gt 0 ]; then
  command -v wrk >/dev/null || missing+=(wrk)
fi
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  timeout 300 apt-get update -q
  timeout 600 apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
mkdir -p "$work"

have_image() { "${buildah[@]}" inspect --type image "$1" >/dev/null 2>&1; }

if [ "${REBUILD_BASE:-0}" = 1 ] || ! have_image "$minbase_image"; then
  log "base image $minbase_image (debootstrap bookworm minbase)"
  start=$(now_ms)
  rootfs="$work/rootfs-minbase"
  rm -rf "$rootfs"
  # ca-certificates and tzdata, as in the eclipse-temurin images.
  timeout 900 debootstrap --variant=minbase --include=ca-certificates,tzdata \
    bookworm "$rootfs" http://deb.debian.org/debian > "$work/debootstrap.log"
  # Package caches and documentation: of no use at run time. Directories stay, since package
  # scripts write into them (e.g. man page alternatives).
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/*
  find "$rootfs"/usr/share/doc "$rootfs"/usr/share/man "$rootfs"/usr/share/locale -type f -delete
  tar --numeric-owner -C "$rootfs" -cf "$work/rootfs-minbase.tar" .
  ctr=$("${buildah[@]}" from scratch)
  "${buildah[@]}" add --quiet "$ctr" "$work/rootfs-minbase.tar" / >/dev/null
  "${buildah[@]}" config --cmd '["/bin/bash"]' "$ctr"
  "${buildah[@]}" commit -q "$ctr" "$minbase_image" >/dev/null
  "${buildah[@]}" rm "$ctr" >/dev/null
  rm -rf "$rootfs" "$work/rootfs-minbase.tar"
  echo "made in $(seconds_since "$start") s"
fi

if [ "${REBUILD_BASE:-0}" = 1 ] || ! have_image "$jre_image"; then
  log "base image $jre_image (minbase + a JRE jlinked from $temurin25)"
  start=$(now_ms)
  rm -rf "$work/jre-context" && mkdir -p "$work/jre-context"
  # The modules of a Temurin JRE: the JDK's less its development tools. A JDK 25 without jmods/
  # links from its own run-time image (JEP 493). --generate-cds-archive makes lib/server/classes.jsa,
  # the default CDS archive that a Temurin JRE ships.
  modules=$("$temurin25/bin/java" --list-modules | sed 's/@.*//' \
    | grep -v -x -E 'jdk\.(compiler|javadoc|jshell|jlink|jpackage|jdeps|jconsole|editpad|internal\.(ed|le|opt)|jartool|jstatd|hotspot\.agent|jdi|jcmd|graal\.compiler(\.management)?)' \
    | paste -sd,)
  "$temurin25/bin/jlink" --add-modules "$modules" --no-man-pages --no-header-files --generate-cds-archive \
    --output "$work/jre-context/jre" > "$work/jlink.log" 2>&1 || { cat "$work/jlink.log"; exit 1; }
  printf '%s\n' "FROM $minbase_image" \
    "ENV JAVA_HOME=/opt/java/openjdk" \
    "ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    "COPY jre/ /opt/java/openjdk/" \
    'CMD ["jshell"]' > "$work/jre-context/Containerfile"
  timeout 900 "${buildah[@]}" bud --isolation chroot -q -f "$work/jre-context/Containerfile" -t "$jre_image" \
    "$work/jre-context" > "$work/bud-jre.log"
  rm -rf "$work/jre-context"
  echo "made in $(seconds_since "$start") s"
fi

if [ "${REBUILD_BASE:-0}" = 1 ] || ! have_image "$jdk_image"; then
  log "builder image $jdk_image (minbase + openjdk-17-jdk-headless)"
  start=$(now_ms)
  # A host behind a TLS-inspecting proxy trusts the proxy's CA in /usr/local/share/ca-certificates;
  # the builder stage's Maven must trust it too to reach Maven Central. Only this local stand-in
  # for eclipse-temurin:17-jdk gets it, never the service's image.
  rm -rf "$work/local-ca" && mkdir -p "$work/local-ca"
  cp /usr/local/share/ca-certificates/*.crt "$work/local-ca/" 2>/dev/null || true
  printf '%s\n' "FROM $minbase_image" \
    "COPY local-ca/ /usr/local/share/ca-certificates/" \
    "RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jdk-headless && update-ca-certificates && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb" \
    > "$work/Containerfile.jdk"
  timeout 900 "${buildah[@]}" bud --isolation chroot -q -f "$work/Containerfile.jdk" -t "$jdk_image" "$work" > "$work/bud-jdk.log"
  echo "made in $(seconds_since "$start") s"
fi

if [ "${SKIP_BUILD:-0}" != 1 ] && [ "$jar_from" = prebuilt ] && ! ls target/acs-token-service-*.jar >/dev/null 2>&1; then
  log "no jar in target/: ./mvnw -B -q package -DskipTests"
  timeout 900 ./mvnw -B -q package -DskipTests
fi

if [ "${SKIP_BUILD:-0}" = 1 ] && have_image "$image"; then
  log "SKIP_BUILD=1: $image as it is"
else
  log "buildah bud (JAR_FROM=$jar_from)"
  start=$(now_ms)
  timeout 1800 "${buildah[@]}" bud --isolation chroot --layers \
    --build-arg BASE_IMAGE="$jre_image" --build-arg BUILDER_IMAGE="$jdk_image" --build-arg JAR_FROM="$jar_from" \
    -t "$image" . > "$work/bud.log" 2>&1 || { tail -n 40 "$work/bud.log"; exit 1; }
  echo "built in $(seconds_since "$start") s (log: $work/bud.log)"
fi
"${buildah[@]}" images --format '{{.Name}}:{{.Tag}} {{.Size}}' | grep -E 'acs-token-service|acs-check' || true
echo "image config:"
"${buildah[@]}" inspect --type image --format \
  'User={{.OCIv1.Config.User}} WorkingDir={{.OCIv1.Config.WorkingDir}} Entrypoint={{.OCIv1.Config.Entrypoint}} ExposedPorts={{.OCIv1.Config.ExposedPorts}} Env={{.OCIv1.Config.Env}}' \
  "$image"

echo
echo "training run in the build: $(grep -m1 -o 'AOTCache creation is complete.*' "$work/bud.log" || echo 'no AOT cache made')"

# Started below; stopped on any exit.
service_pid=""
java_pid=""
container=""
stop_service() {
  if [ -n "$service_pid" ] && kill -0 "$service_pid" 2>/dev/null; then
    # SIGTERM to java itself, as a container engine sends it to PID 1 (the exec-form ENTRYPOINT);
    # buildah run would answer a SIGTERM of its own by killing java outright.
    if [ -n "$java_pid" ]; then
      kill -TERM "$java_pid" 2>/dev/null || true
      for _ in $(seq 1 60); do kill -0 "$java_pid" 2>/dev/null || break; sleep 0.5; done
    fi
    for _ in $(seq 1 20); do kill -0 "$service_pid" 2>/dev/null || break; sleep 0.5; done
    kill -TERM -- "-$service_pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$service_pid" 2>/dev/null || break; sleep 1; done
    kill -KILL -- "-$service_pid" 2>/dev/null || true
  fi
  if [ -n "$container" ]; then
    "${buildah[@]}" rm "$container" >/dev/null 2>&1 || true
  fi
  service_pid="" java_pid="" container=""
}
trap stop_service EXIT

user=$("${buildah[@]}" inspect --type image --format '{{.OCIv1.Config.User}}' "$image")
workdir=$("${buildah[@]}" inspect --type image --format '{{.OCIv1.Config.WorkingDir}}' "$image")
mapfile -t entrypoint < <("${buildah[@]}" inspect --type image --format '{{range .OCIv1.Config.Entrypoint}}{{println .}}{{end}}' "$image" | sed '/^$/d')
# JAVA_TOOL_OPTIONS as the image sets it, for variants that add to it.
image_java_tool_options=$("${buildah[@]}" inspect --type image --format '{{range .OCIv1.Config.Env}}{{println .}}{{end}}' "$image" | sed -n 's/^JAVA_TOOL_OPTIONS=//p')

# The image's own root filesystem, started as the image says: ENTRYPOINT, WorkingDir, User and Env
# are read from the image, not repeated here. chroot isolation shares the host's network, so the
# port is set through SERVER_PORT to avoid one that another process on this machine holds. A new
# container each time, so that each start finds an empty ./data, as a new container would.
# Arguments: more --env options. Sets launched_ms (just before the launch) and service_pid.
start_service() {
  container=$("${buildah[@]}" from -q "$image")
  launched_ms=$(now_ms)
  setsid "${buildah[@]}" run --isolation chroot --user "$user" --workingdir "$workdir" \
    --env SERVER_ADDRESS=127.0.0.1 --env SERVER_PORT="$port" "$@" \
    "$container" -- "${entrypoint[@]}" < /dev/null > "$work/service.log" 2>&1 &
  service_pid=$!
}

base="http://127.0.0.1:$port"
# Polls readiness every 0.1 s for up to 120 s; sets ready_ms, ready_uptime (the machine's uptime
# then, in s) and java_pid.
wait_ready() {
  ready_ms=""
  for _ in $(seq 1 1200); do
    if curl -fsS --max-time 2 "$base/actuator/health/readiness" 2>/dev/null | grep -q '"status":"UP"'; then
      ready_ms=$(now_ms)
      ready_uptime=$(cut -d' ' -f1 /proc/uptime)
      break
    fi
    if [ -n "$service_pid" ] && ! kill -0 "$service_pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  java_pid=$(grep -m1 -o 'with PID [0-9]*' "$work/service.log" 2>/dev/null | grep -o '[0-9]*$' || true)
  [ -n "$ready_ms" ]
}

# How long the java process had been running when readiness said UP, in ms: its start time in
# clock ticks since boot (/proc/PID/stat, field 22) against the uptime read at readiness.
java_age_at_ready_ms() {
  local ticks
  ticks=$(sed 's/.*) //' "/proc/$1/stat" | awk '{ print $20 }')
  awk -v up="$ready_uptime" -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", (up - t / hz) * 1000 }'
}
rss_mb() { awk -v key="$2:" '$1 == key { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
# Whether the JVM mapped the AOT cache: a cache it refused is never mapped.
aot_mapped() { grep -q 'app\.aot' "/proc/$1/maps" && echo yes || echo no; }

log "run"
mode=""
if timeout 60 "${podman[@]}" run --rm -d --name acs-token-service-check --read-only --tmpfs /tmp \
    --network host -e SERVER_PORT="$port" "$image" > "$work/podman.out" 2>&1; then
  mode="podman run"
  launched_ms=$(now_ms)
else
  echo "podman run is not possible here:"
  sed 's/^/  /' "$work/podman.out" | tail -n 5
  mode="buildah run (image rootfs, chroot isolation)"
  echo "as user $user in $workdir: ${entrypoint[*]}"
  start_service
fi
echo "mode: $mode"

if ! wait_ready; then
  echo "FAILED: not ready within 120 s"
  tail -n 40 "$work/service.log" 2>/dev/null || "${podman[@]}" logs acs-token-service-check 2>&1 | tail -n 40
  exit 1
fi
echo "readiness UP $(( ready_ms - launched_ms )) ms after launch"
[ -f "$work/service.log" ] && grep -m1 -o 'Started .* in [0-9.]* seconds[^)]*)' "$work/service.log" || true
[ -f "$work/service.log" ] && grep -m1 -o 'with PID [0-9]* (.*started by [^ ]* in [^)]*)' "$work/service.log" || true
if [ -f "$work/service.log" ] && grep -q '\[error *\]\[aot\]\|\[warning\]\[aot\]' "$work/service.log"; then
  echo "the JVM reported on the AOT cache:"
  grep '\]\[aot\]' "$work/service.log" | head -n 5
fi

liveness=$(curl -sS --max-time 5 "$base/actuator/health/liveness")
echo "liveness: $liveness"
status=$(curl -sS --max-time 30 -o "$work/token.json" -w '%{http_code}' -u alice:alice -X POST "$base/token")
echo "POST /token as alice: $status $(head -c 60 "$work/token.json")…"
anonymous=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' -X POST "$base/token")
echo "POST /token anonymous: $anonymous"
aot=unknown
if [ -n "$java_pid" ] && [ -r "/proc/$java_pid/status" ]; then
  aot=$(aot_mapped "$java_pid")
  echo "java process uid: $(awk '/^Uid:/ { print $2 }' "/proc/$java_pid/status"), RSS: $(rss_mb "$java_pid" VmRSS) MB, AOT cache mapped: $aot"
fi

[ "$status" = 200 ] && [ "$anonymous" = 401 ] && [ "$aot" != no ] || { echo "FAILED"; exit 1; }

log "graceful stop"
start=$(now_ms)
if [ -n "$service_pid" ]; then
  stop_service
  echo "stopped in $(seconds_since "$start") s"
  grep -o 'Commencing graceful shutdown.*\|Graceful shutdown complete' "$work/service.log" || true
else
  timeout 60 "${podman[@]}" stop -t 30 acs-token-service-check >/dev/null
  echo "stopped in $(seconds_since "$start") s"
fi
echo "container check: passed ($mode)"

[ "$rounds" -gt 0 ] || exit 0
if [ "$mode" = "podman run" ]; then
  echo "measurements need buildah run (the java process must be visible from here)"
  exit 0
fi

log "measure: $rounds rounds, load $load_seconds s each, load average $(cut -d' ' -f1-3 /proc/loadavg)"
variants="${MEASURE_VARIANTS:-aot
no-aot|JAVA_TOOL_OPTIONS=$image_java_tool_options -XX:AOTMode=off}"
# The three demo users in turn; the rate limit (20 a minute each) is off for the load only.
cat > "$work/token.lua" <<'LUA'
local users = { "YWxpY2U6YWxpY2U=", "Ym9iOmJvYg==", "YWRtaW46YWRtaW4=" }
local n = 0
request = function()
  n = n + 1
  return wrk.format("POST", "/token", { ["Authorization"] = "Basic " .. users[n % 3 + 1] })
end
LUA
results="$work/measure.tsv"
printf 'variant\tround\tlaunch_to_ready_ms\tjava_to_ready_ms\tstarted_in_s\trss_ready_mb\trss_load_mb\tanon_load_mb\thwm_load_mb\treq_per_s\tnon_2xx\taot\n' > "$results"
mapfile -t variant_list < <(printf '%s\n' "$variants" | sed '/^$/d')
for round in $(seq 1 "$rounds"); do
  for variant in "${variant_list[@]}"; do
    IFS='|' read -r -a parts <<< "$variant"
    label="${parts[0]}"
    env_args=(--env TOKENSERVICE_POLICY_RATELIMIT_ENABLED=false)
    for assignment in "${parts[@]:1}"; do env_args+=(--env "$assignment"); done
    start_service "${env_args[@]}"
    if ! wait_ready; then
      echo "$label round $round: not ready within 120 s"; tail -n 20 "$work/service.log"; stop_service; continue
    fi
    to_ready=$(java_age_at_ready_ms "$java_pid")
    started=$(grep -m1 -o 'Started .* in [0-9.]* seconds' "$work/service.log" | grep -o '[0-9.]* seconds' | cut -d' ' -f1)
    rss_ready=$(rss_mb "$java_pid" VmRSS)
    aot=$(aot_mapped "$java_pid")
    rps=- non2xx=- rss_load=- anon_load=- hwm=-
    if [ "$load_seconds" -gt 0 ]; then
      wrk -t2 -c8 -d"${load_seconds}s" -s "$work/token.lua" "$base/token" < /dev/null > "$work/wrk.out" 2>&1 || true
      rps=$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' "$work/wrk.out")
      non2xx=$(awk '/Non-2xx/ { print $NF }' "$work/wrk.out")
      non2xx=${non2xx:-0}
      sleep 2
      rss_load=$(rss_mb "$java_pid" VmRSS)
      anon_load=$(rss_mb "$java_pid" RssAnon)
      hwm=$(rss_mb "$java_pid" VmHWM)
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$round" "$(( ready_ms - launched_ms ))" "$to_ready" \
      "$started" "$rss_ready" "$rss_load" "$anon_load" "$hwm" "$rps" "$non2xx" "$aot" | tee -a "$results"
    stop_service
  done
done
log "ranges (min–max over $rounds rounds; $results)"
awk -F'\t' 'NR > 1 {
    if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 }
    for (c = 3; c <= 11; c++) if ($c != "-") {
      k = $1 SUBSEP c
      if (!(k in lo) || $c + 0 < lo[k]) lo[k] = $c + 0
      if (!(k in hi) || $c + 0 > hi[k]) hi[k] = $c + 0
    }
  }
  NR == 1 { for (c = 3; c <= 11; c++) name[c] = $c }
  END {
    for (i = 1; i <= n; i++) {
      line = order[i] ":"
      for (c = 3; c <= 11; c++) if ((order[i] SUBSEP c) in lo) line = line " " name[c] " " lo[order[i] SUBSEP c] "–" hi[order[i] SUBSEP c]
      print line
    }
  }' "$results"
