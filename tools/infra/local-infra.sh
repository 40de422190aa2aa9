#!/usr/bin/env bash
# Local infrastructure without Docker: a single-node Apache Kafka (KRaft) broker and FerretDB
# (MongoDB wire protocol over SQLite), in one of three instances:
#   dev    (default, what `npm start` uses): Kafka 127.0.0.1:9092, MongoDB 127.0.0.1:27017, state in .datalake/
#   test   (DATALAKE_INFRA_INSTANCE=test, what `npm test` uses): Kafka 127.0.0.1:19092,
#          MongoDB 127.0.0.1:27018, state in .datalake/test/ — test data never reaches the dev stack.
#   faults (DATALAKE_INFRA_INSTANCE=faults, what `npm run test:faults` uses): Kafka 127.0.0.1:29092,
#          MongoDB 127.0.0.1:27019, state in .datalake/faults/ — the fault suite stops, pauses and
#          kills these servers, so they are nobody else's.
#
#   tools/infra/local-infra.sh up       start what is not running, wait until both really answer
#   tools/infra/local-infra.sh down     stop the servers this checkout started
#   tools/infra/local-infra.sh status   print each server's state (exit 3 if one is not available)
#   tools/infra/local-infra.sh reset    stop them and delete their data (topics, databases)
#   tools/infra/local-infra.sh stop kafka|ferretdb     stop one server (`up` starts it again)
#   tools/infra/local-infra.sh pause|resume ferretdb   SIGSTOP / SIGCONT it (a hung server)
#
# Downloads and builds are cached in ${DATALAKE_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/datalake};
# state (Kafka log dirs, FerretDB data, logs, pid files) lives in the instance's state folder.
# KAFKA_BOOTSTRAP_SERVERS / MONGO_URI pointing elsewhere than the instance's own ports make `up`
# leave that server alone. See tools/infra/README.md.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd -P)"
INSTANCE="${DATALAKE_INFRA_INSTANCE:-dev}"
case "$INSTANCE" in
  dev) STATE_DIR="$REPO_ROOT/.datalake" KAFKA_PORT=9092 KAFKA_CONTROLLER_PORT=9093 MONGO_PORT=27017 ;;
  test) STATE_DIR="$REPO_ROOT/.datalake/test" KAFKA_PORT=19092 KAFKA_CONTROLLER_PORT=19093 MONGO_PORT=27018 ;;
  faults) STATE_DIR="$REPO_ROOT/.datalake/faults" KAFKA_PORT=29092 KAFKA_CONTROLLER_PORT=29093 MONGO_PORT=27019 ;;
  *)
    echo "local-infra: ERROR: DATALAKE_INFRA_INSTANCE must be 'dev', 'test' or 'faults', not '$INSTANCE'" >&2
    exit 1
    ;;
esac
LOG_DIR="$STATE_DIR/logs"
RUN_DIR="$STATE_DIR/run"
CACHE_DIR="${DATALAKE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/datalake}"

KAFKA_VERSION="${DATALAKE_KAFKA_VERSION:-4.1.1}"
KAFKA_HOST=127.0.0.1
KAFKA_HEAP="${DATALAKE_KAFKA_HEAP:--Xms256m -Xmx512m}"
MONGO_HOST=127.0.0.1
WAIT_TIMEOUT="${DATALAKE_WAIT_TIMEOUT:-90}"
STOP_TIMEOUT="${DATALAKE_STOP_TIMEOUT:-30}"

KAFKA_DIR="$STATE_DIR/kafka"
KAFKA_PROPS="$KAFKA_DIR/server.properties"
KAFKA_PID="$RUN_DIR/kafka.pid"
KAFKA_LIBS="$CACHE_DIR/kafka-$KAFKA_VERSION/libs"
FERRET_DIR="$STATE_DIR/ferretdb"
FERRET_DATA="$FERRET_DIR/data"
FERRET_PID="$RUN_DIR/ferretdb.pid"
FERRET_SRC="$SCRIPT_DIR/ferretdb"

say() { printf '%s\n' "local-infra: $*"; }
warn() { printf '%s\n' "local-infra: WARNING: $*" >&2; }
die() {
  printf '%s\n' "local-infra: ERROR: $*" >&2
  exit 1
}

usage() {
  cat <<EOF
usage: tools/infra/local-infra.sh up|down|status|reset      (instance: $INSTANCE)
       tools/infra/local-infra.sh stop kafka|ferretdb | pause ferretdb | resume ferretdb

  up      start Kafka $KAFKA_VERSION (KRaft, $KAFKA_HOST:$KAFKA_PORT) and FerretDB ($MONGO_HOST:$MONGO_PORT)
          if not running, then wait (up to ${WAIT_TIMEOUT}s) for a Kafka round trip and a Mongo ping
  down    stop the servers started by this checkout (SIGTERM, SIGKILL after ${STOP_TIMEOUT}s)
  status  show each server's state
  reset   stop the servers and delete their data (topics, offsets, databases)
  stop kafka|ferretdb   stop that one server of this checkout (\`up\` starts it again)
  pause ferretdb        SIGSTOP the FerretDB process (connections stay open, nothing answers)
  resume ferretdb       SIGCONT it

environment:
  DATALAKE_INFRA_INSTANCE              dev (default: ports 9092/9093/27017, state .datalake/),
                                       test (npm test: ports 19092/19093/27018, state .datalake/test/) or
                                       faults (npm run test:faults: ports 29092/29093/27019, state .datalake/faults/)
  KAFKA_BOOTSTRAP_SERVERS, MONGO_URI   pointing elsewhere: that server is left alone
  DATALAKE_CACHE_DIR                   cache of jars and binaries (now: $CACHE_DIR)
  DATALAKE_WAIT_TIMEOUT                seconds to wait for readiness (default 90)
  DATALAKE_KAFKA_HEAP                  JVM heap flags (default "-Xms256m -Xmx512m")
  FERRETDB_LOG_LEVEL                   debug|info|warn|error (default error)
EOF
}

# ---------------------------------------------------------------------------------------------
# helpers

# port_open HOST PORT: something accepts TCP connections there
port_open() {
  (exec 3<>"/dev/tcp/$1/$2") >/dev/null 2>&1
}

# cmdline PID: the process's command line, or nothing when it does not exist
cmdline() {
  if [[ -r "/proc/$1/cmdline" ]]; then
    tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || true
  else
    ps -ww -o args= -p "$1" 2>/dev/null || true
  fi
}

# our_pid PIDFILE MARKER: prints the pid when the pid file names a live process of ours
# (its command line contains MARKER, a path inside this checkout's state dir); removes a stale pid file.
our_pid() {
  local file="$1" marker="$2" pid
  [[ -f "$file" ]] || return 1
  pid="$(tr -dc '0-9' <"$file")"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && [[ "$(cmdline "$pid")" == *"$marker"* ]]; then
    printf '%s\n' "$pid"
    return 0
  fi
  rm -f "$file"
  return 1
}

listener_pid() { # best effort: pid listening on a TCP port (needs ss)
  command -v ss >/dev/null 2>&1 || return 0
  ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n1 | cut -d= -f2 || true
}

hash_files() {
  if command -v sha256sum >/dev/null 2>&1; then
    cat "$@" | sha256sum | cut -c1-16
  else
    cat "$@" | shasum -a 256 | cut -c1-16
  fi
}

# Kafka is local unless KAFKA_BOOTSTRAP_SERVERS names some other broker.
kafka_wanted() {
  local list="${KAFKA_BOOTSTRAP_SERVERS:-}" entry
  [[ -z "$list" ]] && return 0
  IFS=',' read -r -a entries <<<"$list"
  for entry in "${entries[@]}"; do
    entry="${entry//[[:space:]]/}"
    entry="${entry#*://}"
    [[ -z "$entry" ]] && continue
    case "$entry" in
      "127.0.0.1:$KAFKA_PORT" | "localhost:$KAFKA_PORT") ;;
      *) return 1 ;;
    esac
  done
  return 0
}

# FerretDB is local unless MONGO_URI names some other server.
mongo_wanted() {
  local uri="${MONGO_URI:-}" hosts entry
  [[ -z "$uri" ]] && return 0
  [[ "$uri" == mongodb://* ]] || return 1 # mongodb+srv:// and anything else: external
  hosts="${uri#mongodb://}"
  hosts="${hosts%%/*}"
  hosts="${hosts%%\?*}"
  hosts="${hosts##*@}"
  IFS=',' read -r -a entries <<<"$hosts"
  for entry in "${entries[@]}"; do
    case "$entry" in
      "127.0.0.1:$MONGO_PORT" | "localhost:$MONGO_PORT") ;;
      127.0.0.1 | localhost) [[ "$MONGO_PORT" == 27017 ]] || return 1 ;; # no port: 27017
      *) return 1 ;;
    esac
  done
  return 0
}

need_java() {
  command -v java >/dev/null 2>&1 || die "java not found: Kafka $KAFKA_VERSION needs Java 17 or newer.
  Install it, e.g.: sudo apt-get install openjdk-17-jre-headless   (macOS: brew install openjdk@17)"
  local v
  v="$(java -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n1)"
  if [[ -n "$v" && "$v" -lt 17 ]]; then
    die "java $v found, but Kafka $KAFKA_VERSION needs Java 17 or newer (e.g. sudo apt-get install openjdk-17-jre-headless)"
  fi
}

need_mvn() {
  command -v mvn >/dev/null 2>&1 || die "mvn not found: Maven fetches the Kafka jars from Maven Central (once, then cached).
  Install it, e.g.: sudo apt-get install maven   (macOS: brew install maven)"
}

need_go() {
  command -v go >/dev/null 2>&1 || die "go not found: Go 1.24 or newer builds FerretDB (once, then cached).
  Install it, e.g.: sudo apt-get install golang  (Debian 13; Debian 12's golang is 1.19, too old:
  take a release from go.dev there)   (macOS: brew install go)"
  local v
  v="$(go env GOVERSION 2>/dev/null | sed -n 's/^go1\.\([0-9]*\).*/\1/p')"
  if [[ -n "$v" && "$v" -lt 24 ]]; then
    die "$(go env GOVERSION) found, but FerretDB v1.24 needs Go 1.24 or newer (Debian 12's golang is 1.19,
  bookworm-backports' 1.23): install a newer Go, e.g. from go.dev"
  fi
}

node_deps_ok() {
  command -v node >/dev/null 2>&1 &&
    (cd "$SCRIPT_DIR" && node -e "require.resolve('kafkajs'); require.resolve('mongodb')") >/dev/null 2>&1
}

show_log_tail() {
  local f="$1"
  [[ -s "$f" ]] || return 0
  printf '%s\n' "---- last lines of ${f#"$REPO_ROOT"/} ----" >&2
  tail -n 25 "$f" >&2
  printf '%s\n' "----" >&2
}

# ---------------------------------------------------------------------------------------------
# Kafka

ensure_kafka_jars() {
  local pom="$SCRIPT_DIR/kafka/pom.xml" key stamp tmp
  key="$(hash_files "$pom")"
  stamp="$CACHE_DIR/kafka-$KAFKA_VERSION/.complete"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$key" && -d "$KAFKA_LIBS" ]]; then
    return 0
  fi
  need_mvn
  say "fetching Kafka $KAFKA_VERSION jars with Maven into $KAFKA_LIBS (first time only)..."
  mkdir -p "$CACHE_DIR/kafka-$KAFKA_VERSION"
  tmp="$CACHE_DIR/kafka-$KAFKA_VERSION/libs.tmp.$$"
  rm -rf "$tmp"
  if ! mvn -q -B -f "$pom" -Dkafka.version="$KAFKA_VERSION" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$tmp" >"$LOG_DIR/kafka-fetch.log" 2>&1; then
    rm -rf "$tmp"
    show_log_tail "$LOG_DIR/kafka-fetch.log"
    die "Maven could not fetch the Kafka jars (see $LOG_DIR/kafka-fetch.log)"
  fi
  compgen -G "$tmp/kafka_2.13-$KAFKA_VERSION.jar" >/dev/null || die "Maven ran but kafka_2.13-$KAFKA_VERSION.jar is missing in $tmp"
  rm -rf "$KAFKA_LIBS"
  mv "$tmp" "$KAFKA_LIBS"
  printf '%s\n' "$key" >"$stamp"
}

write_kafka_props() {
  mkdir -p "$KAFKA_DIR/data"
  local tmp="$KAFKA_PROPS.tmp.$$"
  cat >"$tmp" <<EOF
# Generated by tools/infra/local-infra.sh: single-node KRaft broker + controller for local development.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_DIR/data
num.partitions=1
auto.create.topics.enable=true
num.network.threads=2
num.io.threads=4
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
share.coordinator.state.topic.num.partitions=1
group.initial.rebalance.delay.ms=0
log.retention.hours=168
log.segment.bytes=104857600
EOF
  mv "$tmp" "$KAFKA_PROPS"
}

# JVM options shared by the StorageTool and the broker: log4j2 config (properties format) and classpath
kafka_common_opts() {
  KAFKA_OPTS_COMMON=(-Djava.awt.headless=true -Dlog4j2.configurationFile="$SCRIPT_DIR/kafka/log4j2.properties"
    -Dkafka.logs.dir="$LOG_DIR" -cp "$KAFKA_LIBS/*")
}

format_kafka_storage() {
  [[ -f "$KAFKA_DIR/data/meta.properties" ]] && return 0
  local id
  kafka_common_opts
  id="$(java -Xmx256m "${KAFKA_OPTS_COMMON[@]}" kafka.tools.StorageTool random-uuid 2>>"$LOG_DIR/kafka-format.log" | tail -n1)"
  [[ "$id" =~ ^[A-Za-z0-9_-]{22}$ ]] || die "StorageTool random-uuid gave no cluster id (see $LOG_DIR/kafka-format.log)"
  say "formatting Kafka storage in ${KAFKA_DIR#"$REPO_ROOT"/}/data (cluster id $id)"
  java -Xmx256m "${KAFKA_OPTS_COMMON[@]}" kafka.tools.StorageTool format --standalone -t "$id" -c "$KAFKA_PROPS" --ignore-formatted \
    >>"$LOG_DIR/kafka-format.log" 2>&1 || {
    show_log_tail "$LOG_DIR/kafka-format.log"
    die "formatting the Kafka storage failed (see $LOG_DIR/kafka-format.log)"
  }
}

# start_kafka: sets KAFKA_MODE to started (pid in KAFKA_PID), running (ours, already up) or external
start_kafka() {
  local pid p
  if pid="$(our_pid "$KAFKA_PID" "$KAFKA_PROPS")"; then
    say "kafka: already running (pid $pid)"
    KAFKA_MODE=running
    return 0
  fi
  if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
    p="$(listener_pid "$KAFKA_PORT")"
    say "kafka: $KAFKA_HOST:$KAFKA_PORT is already served by a process this checkout did not start${p:+ (pid $p)}; reusing it if it answers as Kafka"
    KAFKA_MODE=external
    return 0
  fi
  if port_open "$KAFKA_HOST" "$KAFKA_CONTROLLER_PORT"; then
    p="$(listener_pid "$KAFKA_CONTROLLER_PORT")"
    die "kafka: controller port $KAFKA_HOST:$KAFKA_CONTROLLER_PORT is taken by another process${p:+ (pid $p)}; free it first"
  fi
  need_java
  ensure_kafka_jars
  write_kafka_props
  format_kafka_storage
  say "kafka: starting Kafka $KAFKA_VERSION (KRaft broker+controller) on $KAFKA_HOST:$KAFKA_PORT, log in ${LOG_DIR#"$REPO_ROOT"/}/kafka.log"
  kafka_common_opts
  printf '==== %s local-infra.sh: starting Kafka %s ====\n' "$(date '+%F %T')" "$KAFKA_VERSION" >>"$LOG_DIR/kafka.log"
  local launcher=()
  command -v setsid >/dev/null 2>&1 && launcher=(setsid)
  # shellcheck disable=SC2086 # KAFKA_HEAP holds several flags
  nohup "${launcher[@]}" java $KAFKA_HEAP -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
    "${KAFKA_OPTS_COMMON[@]}" kafka.Kafka "$KAFKA_PROPS" >"$LOG_DIR/kafka.stdout.log" 2>&1 </dev/null 9>&- &
  printf '%s\n' "$!" >"$KAFKA_PID"
  KAFKA_MODE=started
}

# ---------------------------------------------------------------------------------------------
# FerretDB

ferret_bin() {
  printf '%s\n' "$CACHE_DIR/ferretdb-$(hash_files "$FERRET_SRC/go.mod" "$FERRET_SRC/go.sum" "$FERRET_SRC/main.go")/ferretdb-local"
}

ensure_ferret_bin() {
  local bin tmp
  bin="$(ferret_bin)"
  [[ -x "$bin" ]] && return 0
  need_go
  say "building FerretDB from the Go module proxy into $bin (first time only, a few minutes)..."
  mkdir -p "$(dirname "$bin")"
  tmp="$bin.tmp.$$"
  if ! (cd "$FERRET_SRC" && CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=mod go build -trimpath -ldflags='-s -w' -o "$tmp" .) \
    >"$LOG_DIR/ferretdb-build.log" 2>&1; then
    rm -f "$tmp"
    show_log_tail "$LOG_DIR/ferretdb-build.log"
    die "building FerretDB failed (see $LOG_DIR/ferretdb-build.log)"
  fi
  mv "$tmp" "$bin"
}

# start_ferret: sets FERRET_MODE to started (pid in FERRET_PID), running or external
start_ferret() {
  local pid p
  if pid="$(our_pid "$FERRET_PID" "$FERRET_DATA")"; then
    say "ferretdb: already running (pid $pid)"
    FERRET_MODE=running
    return 0
  fi
  if port_open "$MONGO_HOST" "$MONGO_PORT"; then
    p="$(listener_pid "$MONGO_PORT")"
    say "ferretdb: $MONGO_HOST:$MONGO_PORT is already served by a process this checkout did not start${p:+ (pid $p)}; reusing it if it answers as MongoDB"
    FERRET_MODE=external
    return 0
  fi
  ensure_ferret_bin
  mkdir -p "$FERRET_DATA"
  say "ferretdb: starting FerretDB (SQLite in ${FERRET_DATA#"$REPO_ROOT"/}) on $MONGO_HOST:$MONGO_PORT, log in ${LOG_DIR#"$REPO_ROOT"/}/ferretdb.log"
  printf '==== %s local-infra.sh: starting FerretDB ====\n' "$(date '+%F %T')" >>"$LOG_DIR/ferretdb.log"
  local launcher=()
  command -v setsid >/dev/null 2>&1 && launcher=(setsid)
  nohup "${launcher[@]}" "$(ferret_bin)" -listen "$MONGO_HOST:$MONGO_PORT" -data-dir "$FERRET_DATA" \
    >>"$LOG_DIR/ferretdb.log" 2>&1 </dev/null 9>&- &
  printf '%s\n' "$!" >"$FERRET_PID"
  FERRET_MODE=started
}

# ---------------------------------------------------------------------------------------------
# readiness

# wait_ready STARTED_PIDS... -- WAIT_READY_ARGS...: runs wait-ready.js while watching the servers
# started now; fails early (with their log) when one of them dies.
wait_ready() {
  local pids=() args=()
  while [[ $# -gt 0 && "$1" != "--" ]]; do pids+=("$1"); shift; done
  shift
  args=("$@")
  [[ ${#args[@]} -eq 0 ]] && return 0

  if ! node_deps_ok; then
    warn "node with the kafkajs and mongodb packages is not available (run 'npm ci' at the repo root):
  only checking that the ports accept connections"
    local deadline=$((SECONDS + WAIT_TIMEOUT)) i
    for ((i = 0; i < ${#args[@]}; i += 2)); do
      local hp="${args[i + 1]}"
      hp="${hp#mongodb://}"
      hp="${hp%%/*}"
      until port_open "${hp%:*}" "${hp##*:}"; do
        ((SECONDS < deadline)) || die "${args[i]#--} on $hp did not open within ${WAIT_TIMEOUT}s"
        all_alive "${pids[@]}" || died "${pids[@]}"
        sleep 0.5
      done
    done
    return 0
  fi

  node "$SCRIPT_DIR/wait-ready.js" --timeout "$WAIT_TIMEOUT" "${args[@]}" &
  local wpid=$!
  while kill -0 "$wpid" 2>/dev/null; do
    if ! all_alive "${pids[@]}"; then
      kill "$wpid" 2>/dev/null || true
      wait "$wpid" 2>/dev/null || true
      died "${pids[@]}"
    fi
    sleep 0.5
  done
  local rc=0
  wait "$wpid" || rc=$?
  if [[ $rc -ne 0 ]]; then
    show_log_tail "$LOG_DIR/kafka.log"
    show_log_tail "$LOG_DIR/ferretdb.log"
    die "the servers did not become ready (see above; logs in $LOG_DIR)"
  fi
}

# all_alive NAME:PID...: every one of these processes still runs
all_alive() {
  local item
  for item in "$@"; do
    kill -0 "${item#*:}" 2>/dev/null || return 1
  done
  return 0
}

# died NAME:PID...: shows the log of the one that exited, and exits
died() {
  local item name pid
  for item in "$@"; do
    name="${item%%:*}"
    pid="${item#*:}"
    if ! kill -0 "$pid" 2>/dev/null; then
      if [[ "$name" == kafka ]]; then
        show_log_tail "$LOG_DIR/kafka.stdout.log"
        show_log_tail "$LOG_DIR/kafka.log"
        rm -f "$KAFKA_PID"
      else
        show_log_tail "$LOG_DIR/ferretdb.log"
        rm -f "$FERRET_PID"
      fi
      die "$name exited during start-up (pid $pid)"
    fi
  done
}

# ---------------------------------------------------------------------------------------------
# commands

cmd_up() {
  mkdir -p "$LOG_DIR" "$RUN_DIR"
  local started=() checks=() summary="" t0=$SECONDS
  KAFKA_MODE="" FERRET_MODE=""

  if kafka_wanted; then
    start_kafka
    [[ "$KAFKA_MODE" == started ]] && started+=("kafka:$(cat "$KAFKA_PID")")
    checks+=(--kafka "$KAFKA_HOST:$KAFKA_PORT")
    summary+=" KAFKA_BOOTSTRAP_SERVERS=$KAFKA_HOST:$KAFKA_PORT"
  else
    say "kafka: skipped, KAFKA_BOOTSTRAP_SERVERS=$KAFKA_BOOTSTRAP_SERVERS points elsewhere"
  fi

  if mongo_wanted; then
    start_ferret
    [[ "$FERRET_MODE" == started ]] && started+=("ferretdb:$(cat "$FERRET_PID")")
    checks+=(--mongo "mongodb://$MONGO_HOST:$MONGO_PORT/")
    summary+=" MONGO_URI=mongodb://$MONGO_HOST:$MONGO_PORT/"
  else
    say "ferretdb: skipped, MONGO_URI points elsewhere"
  fi

  if [[ ${#checks[@]} -eq 0 ]]; then
    say "nothing to start"
    return 0
  fi
  say "waiting for the servers to answer (up to ${WAIT_TIMEOUT}s)..."
  wait_ready "${started[@]}" -- "${checks[@]}"
  say "ready in $((SECONDS - t0))s:$summary"
}

# stop NAME PIDFILE MARKER
stop_one() {
  local name="$1" file="$2" marker="$3" pid i
  if ! pid="$(our_pid "$file" "$marker")"; then
    say "$name: not running"
    return 0
  fi
  say "$name: stopping pid $pid..."
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < STOP_TIMEOUT * 5; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    warn "$name: pid $pid still running after ${STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$file"
  say "$name: stopped"
}

cmd_down() {
  stop_one kafka "$KAFKA_PID" "$KAFKA_PROPS"
  stop_one ferretdb "$FERRET_PID" "$FERRET_DATA"
  port_open "$KAFKA_HOST" "$KAFKA_PORT" && say "note: $KAFKA_HOST:$KAFKA_PORT is still served by a process this checkout did not start (left alone)"
  port_open "$MONGO_HOST" "$MONGO_PORT" && say "note: $MONGO_HOST:$MONGO_PORT is still served by a process this checkout did not start (left alone)"
  return 0
}

# status_one NAME WANTED(0/1) SKIPMSG PIDFILE MARKER HOST PORT: prints, returns 0 when available
status_one() {
  local name="$1" wanted="$2" skipmsg="$3" file="$4" marker="$5" host="$6" port="$7" pid p
  if pid="$(our_pid "$file" "$marker")"; then
    if port_open "$host" "$port"; then
      printf '%-9s running    pid %s, %s:%s\n' "$name" "$pid" "$host" "$port"
      return 0
    fi
    printf '%-9s starting   pid %s, %s:%s not open yet\n' "$name" "$pid" "$host" "$port"
    return 1
  fi
  if [[ "$wanted" == 0 ]]; then
    printf '%-9s skipped    %s\n' "$name" "$skipmsg"
    return 0
  fi
  if port_open "$host" "$port"; then
    p="$(listener_pid "$port")"
    printf '%-9s external   %s:%s served by a process this checkout did not start%s\n' "$name" "$host" "$port" "${p:+ (pid $p)}"
    return 0
  fi
  printf '%-9s stopped\n' "$name"
  return 1
}

cmd_status() {
  local ok=0 kw=1 mw=1
  kafka_wanted || kw=0
  mongo_wanted || mw=0
  status_one kafka "$kw" "KAFKA_BOOTSTRAP_SERVERS=${KAFKA_BOOTSTRAP_SERVERS:-}" "$KAFKA_PID" "$KAFKA_PROPS" \
    "$KAFKA_HOST" "$KAFKA_PORT" || ok=3
  status_one ferretdb "$mw" "MONGO_URI points elsewhere" "$FERRET_PID" "$FERRET_DATA" \
    "$MONGO_HOST" "$MONGO_PORT" || ok=3
  printf 'instance: %s  state: %s  cache: %s\n' "$INSTANCE" "$STATE_DIR" "$CACHE_DIR"
  return "$ok"
}

# Stops the instance's servers and deletes their data: every topic, offset and database.
cmd_reset() {
  cmd_down
  rm -rf "$KAFKA_DIR" "$FERRET_DIR"
  say "deleted the $INSTANCE instance's Kafka and FerretDB data in ${STATE_DIR#"$REPO_ROOT"/}"
}

with_lock() {
  mkdir -p "$RUN_DIR"
  if command -v flock >/dev/null 2>&1; then
    # fd 9 holds the lock; the servers are started with 9>&- so that they do not inherit it
    exec 9>"$RUN_DIR/lock"
    flock -w 300 9 || die "another local-infra.sh is still running in this checkout"
  fi
  "$@"
}

# stop/pause/resume NAME: one server of this instance, for the fault suite
server_args() {
  case "${1:-}" in
    kafka) SERVER_ARGS=(kafka "$KAFKA_PID" "$KAFKA_PROPS") ;;
    ferretdb) SERVER_ARGS=(ferretdb "$FERRET_PID" "$FERRET_DATA") ;;
    *) die "name the server: kafka or ferretdb" ;;
  esac
}

cmd_stop() {
  server_args "${1:-}"
  stop_one "${SERVER_ARGS[@]}"
}

# signal_server SIGNAL NAME: SIGSTOP/SIGCONT our FerretDB (a paused Kafka would also stall its controller)
signal_server() {
  local signal="$1" pid
  [[ "${2:-}" == ferretdb ]] || die "only ferretdb can be paused or resumed"
  server_args ferretdb
  pid="$(our_pid "$FERRET_PID" "$FERRET_DATA")" || die "ferretdb: not running (no process of this checkout)"
  kill "-$signal" "$pid"
  say "ferretdb: sent SIG$signal to pid $pid"
}

case "${1:-}" in
  up) with_lock cmd_up ;;
  stop) with_lock cmd_stop "${2:-}" ;;
  pause) signal_server STOP "${2:-}" ;;
  resume) signal_server CONT "${2:-}" ;;
  down) with_lock cmd_down ;;
  reset) with_lock cmd_reset ;;
  status) cmd_status ;;
  -h | --help | help) usage ;;
  *)
    usage >&2
    exit 2
    ;;
esac
