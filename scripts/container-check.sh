#!/usr/bin/env bash
# Proves the Dockerfile on a machine without Docker and without a public image registry:
#
#   1. builds two local base images from Debian packages (debootstrap): a JRE 17 image for
#      BASE_IMAGE and a JDK 17 image for BUILDER_IMAGE, in place of eclipse-temurin:17-jre/-jdk;
#   2. builds the service's image from the Dockerfile with buildah (vfs storage, chroot isolation);
#   3. runs it with podman where the sandbox allows; otherwise runs the image's own root
#      filesystem with `buildah run`, with the image's ENTRYPOINT, working directory, user and
#      environment, read from the image itself;
#   4. checks that /actuator/health/readiness says UP and that POST /token as alice gives 200.
#
# Needs root (debootstrap, buildah). Environment:
#   JAR_FROM            build (default: Maven inside the image build) or prebuilt (target/*.jar)
#   CHECK_PORT          host port for the service (default 18080)
#   CONTAINER_CHECK_DIR where the base root filesystem is cached (default /tmp/acs-container-check)
#   REBUILD_BASE=1      make the base images again
set -euo pipefail
cd "$(dirname "$0")/.."

jar_from="${JAR_FROM:-build}"
port="${CHECK_PORT:-18080}"
work="${CONTAINER_CHECK_DIR:-/tmp/acs-container-check}"
jre_image=localhost/acs-check/debian-openjdk17-jre:bookworm
jdk_image=localhost/acs-check/debian-openjdk17-jdk:bookworm
image=localhost/acs-token-service:check
# vfs: no overlay filesystem or fuse needed; slower and larger on disk, but works in a sandbox.
buildah=(buildah --storage-driver vfs)
podman=(podman --storage-driver vfs)

log() { printf '\n== %s\n' "$*"; }
seconds_since() { echo "$(( $(date +%s%N) / 1000000 - $1 ))" | awk '{ printf "%.1f", $1 / 1000 }'; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

missing=()
command -v buildah >/dev/null || missing+=(buildah)
command -v podman >/dev/null || missing+=(podman)
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v curl >/dev/null || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  timeout 300 apt-get update -q
  timeout 600 apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
mkdir -p "$work"

have_image() { "${buildah[@]}" inspect --type image "$1" >/dev/null 2>&1; }

if [ "${REBUILD_BASE:-0}" = 1 ] || ! have_image "$jre_image"; then
  log "base image $jre_image (debootstrap bookworm + openjdk-17-jre-headless)"
  start=$(now_ms)
  rootfs="$work/rootfs-jre"
  rm -rf "$rootfs"
  timeout 900 debootstrap --variant=minbase --include=openjdk-17-jre-headless \
    bookworm "$rootfs" http://deb.debian.org/debian > "$work/debootstrap.log"
  # Package caches and documentation: a third of the root filesystem, of no use at run time.
  # Directories stay, since package scripts write into them (e.g. man page alternatives).
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/*
  find "$rootfs"/usr/share/doc "$rootfs"/usr/share/man "$rootfs"/usr/share/locale -type f -delete
  tar --numeric-owner -C "$rootfs" -cf "$work/rootfs-jre.tar" .
  ctr=$("${buildah[@]}" from scratch)
  "${buildah[@]}" add --quiet "$ctr" "$work/rootfs-jre.tar" / >/dev/null
  "${buildah[@]}" config --env JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 --cmd '["java", "-version"]' "$ctr"
  "${buildah[@]}" commit -q "$ctr" "$jre_image" >/dev/null
  "${buildah[@]}" rm "$ctr" >/dev/null
  rm -rf "$rootfs" "$work/rootfs-jre.tar"
  echo "made in $(seconds_since "$start") s"
fi

if [ "${REBUILD_BASE:-0}" = 1 ] || ! have_image "$jdk_image"; then
  log "builder image $jdk_image (+ openjdk-17-jdk-headless)"
  start=$(now_ms)
  # A host behind a TLS-inspecting proxy trusts the proxy's CA in /usr/local/share/ca-certificates;
  # the builder stage's Maven must trust it too to reach Maven Central. Only this local stand-in
  # for eclipse-temurin:17-jdk gets it, never the service's image.
  rm -rf "$work/local-ca" && mkdir -p "$work/local-ca"
  cp /usr/local/share/ca-certificates/*.crt "$work/local-ca/" 2>/dev/null || true
  printf '%s\n' "FROM $jre_image" \
    "COPY local-ca/ /usr/local/share/ca-certificates/" \
    "RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jdk-headless && update-ca-certificates && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb" \
    > "$work/Containerfile.jdk"
  timeout 900 "${buildah[@]}" bud --isolation chroot -q -f "$work/Containerfile.jdk" -t "$jdk_image" "$work" > "$work/bud-jdk.log"
  echo "made in $(seconds_since "$start") s"
fi

if [ "$jar_from" = prebuilt ] && ! ls target/acs-token-service-*.jar >/dev/null 2>&1; then
  log "no jar in target/: ./mvnw -B -q package -DskipTests"
  timeout 900 ./mvnw -B -q package -DskipTests
fi

log "buildah bud (JAR_FROM=$jar_from)"
start=$(now_ms)
timeout 1800 "${buildah[@]}" bud --isolation chroot --layers \
  --build-arg BASE_IMAGE="$jre_image" --build-arg BUILDER_IMAGE="$jdk_image" --build-arg JAR_FROM="$jar_from" \
  -t "$image" . > "$work/bud.log" 2>&1 || { tail -n 40 "$work/bud.log"; exit 1; }
echo "built in $(seconds_since "$start") s (log: $work/bud.log)"
"${buildah[@]}" images --format '{{.Name}}:{{.Tag}} {{.Size}}' | grep -E 'acs-token-service|acs-check' || true
echo "image config:"
"${buildah[@]}" inspect --type image --format \
  'User={{.OCIv1.Config.User}} WorkingDir={{.OCIv1.Config.WorkingDir}} Entrypoint={{.OCIv1.Config.Entrypoint}} ExposedPorts={{.OCIv1.Config.ExposedPorts}} Env={{.OCIv1.Config.Env}}' \
  "$image"

# Started below; stopped on any exit.
service_pid=""
container=""
cleanup() {
  if [ -n "$service_pid" ] && kill -0 "$service_pid" 2>/dev/null; then
    kill -TERM -- "-$service_pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$service_pid" 2>/dev/null || break; sleep 1; done
    kill -KILL -- "-$service_pid" 2>/dev/null || true
  fi
  if [ -n "$container" ]; then
    "${buildah[@]}" rm "$container" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

log "run"
start=$(now_ms)
mode=""
if timeout 60 "${podman[@]}" run --rm -d --name acs-token-service-check --read-only --tmpfs /tmp \
    --network host -e SERVER_PORT="$port" "$image" > "$work/podman.out" 2>&1; then
  mode="podman run"
else
  echo "podman run is not possible here:"
  sed 's/^/  /' "$work/podman.out" | tail -n 5
  # The same root filesystem, started as the image says: ENTRYPOINT, WorkingDir, User and Env are
  # read from the image, not repeated here. chroot isolation shares the host's network, so the
  # port is set through SERVER_PORT to avoid one that another process on this machine holds.
  mode="buildah run (image rootfs, chroot isolation)"
  container=$("${buildah[@]}" from -q "$image")
  user=$("${buildah[@]}" inspect --type image --format '{{.OCIv1.Config.User}}' "$image")
  workdir=$("${buildah[@]}" inspect --type image --format '{{.OCIv1.Config.WorkingDir}}' "$image")
  mapfile -t entrypoint < <("${buildah[@]}" inspect --type image --format '{{range .OCIv1.Config.Entrypoint}}{{println .}}{{end}}' "$image" | sed '/^$/d')
  echo "as user $user in $workdir: ${entrypoint[*]}"
  start=$(now_ms)
  setsid "${buildah[@]}" run --isolation chroot --user "$user" --workingdir "$workdir" \
    --env SERVER_ADDRESS=127.0.0.1 --env SERVER_PORT="$port" \
    "$container" -- "${entrypoint[@]}" > "$work/service.log" 2>&1 &
  service_pid=$!
fi
echo "mode: $mode"

base="http://127.0.0.1:$port"
ready=""
for _ in $(seq 1 240); do
  if curl -fsS --max-time 2 "$base/actuator/health/readiness" 2>/dev/null | grep -q '"status":"UP"'; then
    ready=yes
    break
  fi
  if [ -n "$service_pid" ] && ! kill -0 "$service_pid" 2>/dev/null; then break; fi
  sleep 0.5
done
if [ -z "$ready" ]; then
  echo "FAILED: not ready within 120 s"
  tail -n 40 "$work/service.log" 2>/dev/null || "${podman[@]}" logs acs-token-service-check 2>&1 | tail -n 40
  exit 1
fi
echo "readiness UP $(seconds_since "$start") s after launch"
[ -f "$work/service.log" ] && grep -m1 -o 'Started .* in [0-9.]* seconds[^)]*)' "$work/service.log" || true
[ -f "$work/service.log" ] && grep -m1 -o 'with PID [0-9]* (.*started by [^ ]* in [^)]*)' "$work/service.log" || true

liveness=$(curl -sS --max-time 5 "$base/actuator/health/liveness")
echo "liveness: $liveness"
status=$(curl -sS --max-time 30 -o "$work/token.json" -w '%{http_code}' -u alice:alice -X POST "$base/token")
echo "POST /token as alice: $status $(head -c 60 "$work/token.json")…"
anonymous=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' -X POST "$base/token")
echo "POST /token anonymous: $anonymous"
java_pid=""
if [ -n "$service_pid" ]; then
  java_pid=$(grep -m1 -o 'with PID [0-9]*' "$work/service.log" | grep -o '[0-9]*$' || true)
  if [ -n "$java_pid" ] && [ -r "/proc/$java_pid/status" ]; then
    echo "java process uid: $(awk '/^Uid:/ { print $2 }' "/proc/$java_pid/status"), RSS: $(awk '/^VmRSS:/ { print $2 " " $3 }' "/proc/$java_pid/status")"
  fi
fi

[ "$status" = 200 ] && [ "$anonymous" = 401 ] || { echo "FAILED"; exit 1; }

log "graceful stop"
start=$(now_ms)
if [ -n "$service_pid" ]; then
  # SIGTERM to java itself, as a container engine sends it to PID 1 (the exec-form ENTRYPOINT);
  # buildah run would answer a SIGTERM of its own by killing java outright.
  if [ -n "$java_pid" ]; then
    kill -TERM "$java_pid"
    for _ in $(seq 1 60); do kill -0 "$java_pid" 2>/dev/null || break; sleep 0.5; done
  fi
  for _ in $(seq 1 20); do kill -0 "$service_pid" 2>/dev/null || break; sleep 0.5; done
  echo "stopped in $(seconds_since "$start") s"
  grep -o 'Commencing graceful shutdown.*\|Graceful shutdown complete' "$work/service.log" || true
else
  timeout 60 "${podman[@]}" stop -t 30 acs-token-service-check >/dev/null
  echo "stopped in $(seconds_since "$start") s"
fi
echo "container check: passed ($mode)"
