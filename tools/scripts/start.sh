#!/usr/bin/env bash
# `npm start`: install what is missing, start the local Kafka and MongoDB, build and start all six
# services, wait until each is ready and print their URLs. Ctrl-C stops everything it started.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

APPS=(auth-service ingest-producer-service network-logs-consumer social-posts-consumer transactions-consumer api-gateway)
LOG_DIR=.datalake/logs
mkdir -p "$LOG_DIR"

# Configuration: the real environment wins over .env, which wins over .env.example.
load_env_file() {
  local file=$1 line key
  [ -f "$file" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    [[ "$line" =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || continue
    key=${line%%=*}
    [ -n "${!key+x}" ] || export "$line"
  done <"$file"
}
load_env_file .env
# One internal-token key per start, shared by the six services started below (none in the env or .env).
if [ -z "${INTERNAL_TOKEN_SECRET:-}" ]; then
  INTERNAL_TOKEN_SECRET=$(node -e "process.stdout.write(require('node:crypto').randomBytes(32).toString('hex'))")
  export INTERNAL_TOKEN_SECRET
fi
load_env_file .env.example
# A laptop stack: the example JWT_SECRET is accepted (each service prints a warning). Never set elsewhere.
export DATALAKE_LOCAL_DEV="${DATALAKE_LOCAL_DEV:-1}"

ensure_node_modules

started_infra=false
bash tools/infra/local-infra.sh status >/dev/null 2>&1 || started_infra=true
bash tools/infra/local-infra.sh up

echo "== building services"
npx nx run-many -t build --projects='tag:type:app' --outputStyle=static

pids=()
stop_all() {
  trap - INT TERM EXIT
  echo
  echo "== stopping services"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if $started_infra; then bash tools/infra/local-infra.sh down; fi
  exit 0
}
trap stop_all INT TERM EXIT

# Readiness answers on the management port only (the public ports serve /health/live).
management_port_of() {
  case $1 in
    api-gateway) echo "$GATEWAY_MANAGEMENT_PORT" ;;
    auth-service) echo "$AUTH_MANAGEMENT_PORT" ;;
    ingest-producer-service) echo "$INGEST_MANAGEMENT_PORT" ;;
    network-logs-consumer) echo "$NETWORK_LOGS_MANAGEMENT_PORT" ;;
    social-posts-consumer) echo "$SOCIAL_POSTS_MANAGEMENT_PORT" ;;
    transactions-consumer) echo "$TRANSACTIONS_MANAGEMENT_PORT" ;;
  esac
}

wait_ready() {
  local app=$1 pid=$2 url="http://127.0.0.1:$(management_port_of "$1")/health/ready"
  for _ in $(seq 1 120); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$app exited during start; last lines of $LOG_DIR/$app.log:" >&2
      tail -n 5 "$LOG_DIR/$app.log" >&2
      return 1
    fi
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    sleep 1
  done
  echo "$app did not become ready at $url" >&2
  return 1
}

echo "== starting services (logs in $LOG_DIR/<service>.log)"
for app in "${APPS[@]}"; do
  node "dist/apps/$app/main.js" >>"$LOG_DIR/$app.log" 2>&1 &
  pids+=($!)
  # The gateway starts last, once the services it routes to answer.
  if [ "$app" = api-gateway ]; then wait_ready "$app" "$!"; fi
done
for i in "${!APPS[@]}"; do wait_ready "${APPS[$i]}" "${pids[$i]}"; done

if [ -x tools/sample-data/seed-inbox.sh ]; then bash tools/sample-data/seed-inbox.sh || true; fi

cat <<MSG

DataLake is running:
  API gateway      http://localhost:$GATEWAY_PORT        (OpenAPI: http://localhost:$GATEWAY_PORT/docs)
  auth-service     http://localhost:$AUTH_PORT
  ingest-producer  http://localhost:$INGEST_PORT   syslog udp/tcp :$SYSLOG_PORT   inbox $INGEST_DIR
  network-logs     http://localhost:$NETWORK_LOGS_PORT
  social-posts     http://localhost:$SOCIAL_POSTS_PORT
  transactions     http://localhost:$TRANSACTIONS_PORT
  Metrics and readiness on the management ports: gateway :$GATEWAY_MANAGEMENT_PORT, auth :$AUTH_MANAGEMENT_PORT,
    ingest :$INGEST_MANAGEMENT_PORT, consumers :$NETWORK_LOGS_MANAGEMENT_PORT :$SOCIAL_POSTS_MANAGEMENT_PORT :$TRANSACTIONS_MANAGEMENT_PORT
  Internal services answer only calls carrying the gateway's internal token (INTERNAL_TOKEN_SECRET).
  Kafka $KAFKA_BOOTSTRAP_SERVERS   MongoDB $MONGO_URI
  Admin login: $ADMIN_USERNAME (password from ADMIN_PASSWORD)
Press Ctrl-C to stop.
MSG
wait -n "${pids[@]}" || true
echo "a service stopped unexpectedly; see $LOG_DIR/" >&2
