#!/usr/bin/env bash
# CI: the Docker image and compose.yaml, built and run for real on this machine.
#
#   1. builds the image from the Dockerfile and checks what is in it (nothing .dockerignore
#      keeps out, code not writable by the app's user);
#   2. runs it alone (read-only root file system, SQLite in /tmp, a media volume) with
#      production-like settings: the process is not root, /readyz answers 200, the image's
#      HEALTHCHECK passes and `manage.py check --deploy --fail-level WARNING` is clean;
#   3. brings compose.yaml up (the app, PostgreSQL, Redis) and, as the TLS proxy on the host
#      would, asks for the landing page through the port published on 127.0.0.1: 200 with the
#      test's start form, HSTS, and a redirect to HTTPS without X-Forwarded-Proto; the port is
#      published on 127.0.0.1 only, `check --deploy` is clean in the web container, which runs as
#      non-root; then `compose down -v` and nothing of the project is left.
#
# The engine is the Docker-compatible one of container-engine.sh (podman, podman-compose and local
# base images; no registry). Everything is named after one unique id and removed on exit, passed
# or failed (trap). All traffic stays on 127.0.0.1. Needs root: skipped with a message otherwise,
# or when container-engine.sh is not found. Any failure fails CI.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
T0=$(date +%s)
log() { printf 'container-check: %s\n' "$*"; }
fail() { printf 'container-check FAILED: %s\n' "$*" >&2; exit 1; }
since() { echo "$(( $(date +%s) - $1 ))s"; }

if [ "$(id -u)" -ne 0 ]; then
  log "SKIPPED: the container engine needs root (run as root to build and run the image)."
  exit 0
fi
ENGINE_SCRIPT=""
for candidate in "$REPO/../shared/tools/container-engine.sh" /work/shared/tools/container-engine.sh; do
  if [ -f "$candidate" ]; then ENGINE_SCRIPT=$candidate; break; fi
done
if [ -z "$ENGINE_SCRIPT" ]; then
  log "SKIPPED: container-engine.sh not found (looked in $REPO/../shared/tools and /work/shared/tools)."
  exit 0
fi

t=$(date +%s)
log "container engine: $ENGINE_SCRIPT"
bash "$ENGINE_SCRIPT"
log "engine ready ($(since "$t"))"

# podman keeps the HEALTHCHECK only in the docker image format.
export BUILDAH_FORMAT=docker
ID="cxci-$(date +%s)-$$-$RANDOM"        # lower case: image and project names
IMAGE="localhost/$ID:latest"
APP="$ID-app"                           # the image run alone
PROJECT="$ID"                           # the compose project
NETWORK="${PROJECT}_default"            # the project's network, made here to know its gateway
WORK=$(mktemp -d "/tmp/$ID.XXXXXX")
HOST=cx.ci.example                      # ALLOWED_HOSTS; curl sends it as Host
COMPOSE=(docker compose -p "$PROJECT" -f "$WORK/compose.yaml")

containers_of_project() {
  { docker ps -aq --filter "label=io.podman.compose.project=$PROJECT"
    docker ps -aq --filter "label=com.docker.compose.project=$PROJECT"; } 2>/dev/null | sort -u
}
volumes_of_project() {
  { docker volume ls -q --filter "label=io.podman.compose.project=$PROJECT"
    docker volume ls -q --filter "label=com.docker.compose.project=$PROJECT"; } 2>/dev/null | sort -u
}

cleanup() {
  local status=$?
  set +e
  if [ "$status" -ne 0 ]; then
    log "diagnostics after the failure:"
    for name in "$APP" $(containers_of_project); do
      echo "----- docker logs $name (last 40 lines)"
      docker logs --tail 40 "$name" 2>&1
    done
    for file in "$WORK"/*.log; do
      [ -f "$file" ] && { echo "----- $file (last 30 lines)"; tail -n 30 "$file"; }
    done
  fi
  docker rm -f "$APP" >/dev/null 2>&1
  docker volume rm -f "$APP-media" >/dev/null 2>&1
  [ -f "$WORK/compose.yaml" ] && "${COMPOSE[@]}" down -v >/dev/null 2>&1
  for c in $(containers_of_project); do docker rm -f "$c" >/dev/null 2>&1; done
  for v in $(volumes_of_project); do docker volume rm -f "$v" >/dev/null 2>&1; done
  docker network rm -f "$NETWORK" >/dev/null 2>&1 || docker network rm "$NETWORK" >/dev/null 2>&1
  docker rmi -f "$IMAGE" "${PROJECT}_web" "${PROJECT}-web" "${PROJECT}_worker" "${PROJECT}-worker" >/dev/null 2>&1
  rm -rf "$WORK"
  if [ "$status" -eq 0 ]; then
    log "PASSED in $(since "$T0") (cleaned up: containers, volumes, network, image $ID)"
  else
    log "FAILED after $(since "$T0"); cleaned up everything named $ID" >&2
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
secret() { python3 -c 'import secrets; print(secrets.token_urlsafe(50))'; }
# status URL [curl options...]: the HTTP status, the body in $WORK/body
status() { curl -s -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' --max-time 10 "$@" || true; }
wait_ready() {  # wait_ready PORT CONTAINER SECONDS: compose's web may restart until PostgreSQL is up
  local deadline=$(( $(date +%s) + $3 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    [ "$(status "http://127.0.0.1:$1/readyz")" = 200 ] && return 0
    if [ "$2" = "$APP" ] && [ "$(docker inspect -f '{{.State.Running}}' "$APP" 2>/dev/null)" != true ]; then
      fail "$APP stopped before /readyz answered"
    fi
    sleep 2
  done
  fail "/readyz on 127.0.0.1:$1 did not answer 200 within $3 s ($2)"
}
pid1_uid() {  # the effective uid of the container's main process (gunicorn)
  docker exec "$1" python -c 'print(open("/proc/1/status").read().split("Uid:")[1].split()[1])'
}
check_deploy() {  # check_deploy CONTAINER: runs in the container's own environment
  local out
  out=$(docker exec "$1" python manage.py check --deploy --fail-level WARNING 2>&1) \
    || fail "check --deploy in $1:"$'\n'"$out"
  grep -q "System check identified no issues" <<<"$out" || fail "check --deploy in $1:"$'\n'"$out"
  log "  check --deploy --fail-level WARNING: no issues"
}

# ---- 1. the image ------------------------------------------------------------------------------
t=$(date +%s)
log "building the image $IMAGE"
docker build -t "$IMAGE" "$REPO" >"$WORK/build.log" 2>&1 || fail "docker build (its log follows)"
size=$(docker image inspect -f '{{.Size}}' "$IMAGE")
log "  built in $(since "$t"): $(( size / 1000000 )) MB"
user=$(docker image inspect -f '{{.Config.User}}' "$IMAGE")
[ -n "$user" ] && [ "$user" != root ] && [ "$user" != 0 ] || fail "the image runs as '${user:-root}'"
# What .dockerignore keeps out must not be there; the app's user must not be able to change code.
content=$(docker run --rm --network none --entrypoint sh "$IMAGE" -c '
  cd /app
  for p in .git .venv node_modules db.sqlite3 .env test-artifacts .mypy_cache .hypothesis \
           .ruff_cache .pytest_cache .import_linter_cache cxmaturity.egg-info; do
    [ -e "$p" ] && echo "present: $p"
  done
  find . -name __pycache__ -o -name "*.pyc" | sed "s/^/present: /" | head -5
  [ -z "$(ls -A media)" ] || echo "present: files in media/"
  [ -w manage.py ] && echo "writable: manage.py"
  [ -w . ] && echo "writable: /app"
  [ -w media ] || echo "not writable: media/"
  [ -f staticfiles/staticfiles.json ] || echo "missing: staticfiles/staticfiles.json"
  true' 2>"$WORK/run.log") || fail "docker run --rm $IMAGE (content check)"
[ -z "$content" ] || fail "the image's content:"$'\n'"$content"
APP_UID=$(docker run --rm --network none --entrypoint id "$IMAGE" -u 2>>"$WORK/run.log")
log "  user '$user' (uid $APP_UID); nothing of .dockerignore inside; code read-only for the app;"
log "  static files collected"

# The project's network, made before compose so that its gateway (the address the host's proxy,
# here curl, connects from) is known and can go into TRUSTED_PROXIES. Labelled as compose's own.
docker network create \
  --label "io.podman.compose.project=$PROJECT" --label "com.docker.compose.project=$PROJECT" \
  --label "com.docker.compose.network=default" "$NETWORK" >/dev/null
GATEWAY=$(docker network inspect -f '{{range .Subnets}}{{.Gateway}}{{end}}' "$NETWORK" 2>/dev/null \
  || docker network inspect -f '{{range .IPAM.Config}}{{.Gateway}}{{end}}' "$NETWORK")
[ -n "$GATEWAY" ] || fail "no gateway for the network $NETWORK"
log "  network $NETWORK, gateway $GATEWAY (TRUSTED_PROXIES)"

# ---- 2. the image alone ------------------------------------------------------------------------
t=$(date +%s)
PORT_APP=$(free_port)
log "running $APP alone on 127.0.0.1:$PORT_APP (production-like settings; read-only root file"
log "  system but /tmp and a media volume)"
docker run -d --name "$APP" --network "$NETWORK" --read-only --tmpfs /tmp \
  -v "$APP-media:/app/media" \
  -p "127.0.0.1:$PORT_APP:8000" \
  -e DEBUG=0 -e SECRET_KEY="$(secret)" -e ALLOWED_HOSTS="$HOST" \
  -e CSRF_TRUSTED_ORIGINS="https://$HOST" -e DATABASE_URL=sqlite:////tmp/cx.sqlite3 \
  -e SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https -e TRUSTED_PROXIES="$GATEWAY" \
  -e SERVICE_OWNER="CI Oy" -e CONTACT_EMAIL=ci@example.com \
  "$IMAGE" >>"$WORK/run.log" 2>&1 || fail "docker run $APP"
wait_ready "$PORT_APP" "$APP" 120
log "  /readyz: 200 after $(since "$t")"
uid=$(pid1_uid "$APP")
[ -n "$uid" ] && [ "$uid" != 0 ] || fail "$APP's main process runs as uid '${uid}'"
log "  main process uid $uid (not root)"
if docker healthcheck run --help >/dev/null 2>&1; then
  docker healthcheck run "$APP" >>"$WORK/run.log" 2>&1 || fail "the image's HEALTHCHECK fails in $APP"
  log "  HEALTHCHECK: healthy"
fi
check_deploy "$APP"
docker rm -f "$APP" >/dev/null 2>&1 && docker volume rm -f "$APP-media" >/dev/null 2>&1

# ---- 3. compose.yaml ---------------------------------------------------------------------------
t=$(date +%s)
PORT_WEB=$(free_port)
# compose.yaml as it is, in a folder of its own: a developer's .env beside the repository's copy
# must not change this run (podman-compose lets .env override the environment). The image is the
# one just built, under the names compose gives a service's image (podman-compose, docker compose).
cp "$REPO/compose.yaml" "$WORK/compose.yaml"
for service in web worker; do
  docker tag "$IMAGE" "${PROJECT}_${service}"
  docker tag "$IMAGE" "${PROJECT}-${service}"
done
log "compose up: project $PROJECT, web on 127.0.0.1:$PORT_WEB"
# What .env holds in docs/deploy.md; every compose command (down too) reads it.
export SECRET_KEY POSTGRES_PASSWORD ALLOWED_HOSTS="$HOST" CSRF_TRUSTED_ORIGINS="https://$HOST" \
  TRUSTED_PROXIES="$GATEWAY" TRUSTED_PROXY_COUNT=1 SERVICE_OWNER="CI Oy" \
  CONTACT_EMAIL=ci@example.com WEB_PORT="$PORT_WEB"
SECRET_KEY=$(secret)
POSTGRES_PASSWORD=$(secret)
"${COMPOSE[@]}" up -d --no-build >"$WORK/compose-up.log" 2>&1 || fail "compose up"
WEB=$(docker ps -q --filter "label=com.docker.compose.project=$PROJECT" \
  --filter "label=com.docker.compose.service=web")
WEB=${WEB%%$'\n'*}
[ -n "$WEB" ] || fail "compose started no web container"
wait_ready "$PORT_WEB" "compose web" 180
log "  /readyz: 200 after $(since "$t")"

ports=$(docker ps --filter "id=$WEB" --format '{{.Ports}}')
[[ "$ports" == *"127.0.0.1:$PORT_WEB->8000/tcp"* && "$ports" != *0.0.0.0* && "$ports" != *"::"* ]] \
  || fail "web's port is published as '$ports', not on 127.0.0.1 only"
listening=$(ss -ltnH "sport = :$PORT_WEB" | awk '{print $4}')
if grep -qv "^127\.0\.0\.1:" <<<"$listening"; then
  fail "port $PORT_WEB listens beyond 127.0.0.1: $listening"
fi
log "  published: $ports"

code=$(status "http://127.0.0.1:$PORT_WEB/" -H "Host: $HOST" -H "X-Forwarded-Proto: https" \
  -H "X-Forwarded-For: 203.0.113.7")
[ "$code" = 200 ] || fail "GET / through the proxy's path answered $code"
grep -q 'name="csrfmiddlewaretoken"' "$WORK/body" || fail "the landing page has no start form"
grep -qi '^strict-transport-security:' "$WORK/headers" || fail "the landing page has no HSTS header"
log "  GET / (Host $HOST, X-Forwarded-Proto https): 200, start form, HSTS"
code=$(status "http://127.0.0.1:$PORT_WEB/" -H "Host: $HOST")
[ "$code" = 301 ] && grep -qi "^location: https://$HOST/" "$WORK/headers" \
  || fail "GET / over plain HTTP answered $code, not a redirect to https://$HOST/"
log "  GET / without X-Forwarded-Proto: 301 to https://$HOST/"
# The proxy connects from the gateway, which is what TRUSTED_PROXIES names (docs/deploy.md).
docker logs "$WEB" >"$WORK/web.log" 2>&1 || true
grep -q "^${GATEWAY//./\\.} .*\"GET / HTTP/1.1\" 200 " "$WORK/web.log" \
  || fail "gunicorn did not see the request from the gateway $GATEWAY"
log "  gunicorn saw the request from $GATEWAY, the gateway"

uid=$(pid1_uid "$WEB")
[ -n "$uid" ] && [ "$uid" != 0 ] || fail "compose's web runs as uid '${uid}'"
log "  web's main process uid $uid (not root)"
check_deploy "$WEB"

# The task worker: its own service, not root, and it runs what the app queues (a render of an
# assessment that does not exist: done at once, and it proves the whole path).
WORKER=$(docker ps -q --filter "label=com.docker.compose.project=$PROJECT" \
  --filter "label=com.docker.compose.service=worker")
WORKER=${WORKER%%$'\n'*}
[ -n "$WORKER" ] || fail "compose started no worker container"
uid=$(pid1_uid "$WORKER")
[ -n "$uid" ] && [ "$uid" != 0 ] || fail "compose's worker runs as uid '${uid}'"
task_id=$(docker exec "$WEB" python manage.py shell -v 0 -c \
  "from assessments.report.tasks import render_report; print(render_report.enqueue(0, 'fi').id)" \
  2>>"$WORK/worker-check.log" | tail -n 1)
[ -n "$task_id" ] || fail "the app could not queue a task (see $WORK/worker-check.log)"
state=""
for _ in $(seq 1 60); do
  state=$(docker exec "$WEB" python manage.py shell -v 0 -c \
    "from assessments.report.tasks import render_report; print(render_report.get_result('$task_id').status)" \
    2>>"$WORK/worker-check.log" | tail -n 1)
  [ "$state" = SUCCESSFUL ] && break
  sleep 2
done
[ "$state" = SUCCESSFUL ] || fail "the worker did not run the queued task (last state '$state')"
log "  worker: uid $uid (not root); ran a queued task ($state)"

t=$(date +%s)
"${COMPOSE[@]}" down -v >"$WORK/compose-down.log" 2>&1 || fail "compose down -v"
left="$(containers_of_project) $(volumes_of_project)"
[ -z "${left// /}" ] || fail "compose down -v left: $left"
log "compose down -v: no container or volume of $PROJECT left ($(since "$t"))"
