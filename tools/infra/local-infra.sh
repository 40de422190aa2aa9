#!/usr/bin/env bash
# Local infrastructure without Docker: a single-node Apache Kafka (KRaft) broker and FerretDB
# (MongoDB wire protocol) over a private PostgreSQL server (or SQLite with
# DATALAKE_FERRETDB_BACKEND=sqlite), in one of four instances:
#   dev    (default, what `npm start` uses): Kafka 127.0.0.1:9092, MongoDB 127.0.0.1:27017,
#          PostgreSQL 127.0.0.1:25432, state in .datalake/
#   test   (DATALAKE_INFRA_INSTANCE=test, what `npm test` uses): Kafka 127.0.0.1:19092,
#          MongoDB 127.0.0.1:27018, PostgreSQL 25433, state in .datalake/test/ — test data never
#          reaches the dev stack.
#   faults (DATALAKE_INFRA_INSTANCE=faults, what `npm run test:faults` uses): Kafka 127.0.0.1:29092,
#          MongoDB 127.0.0.1:27019, PostgreSQL 25434, state in .datalake/faults/ — the fault suite
#          stops, pauses and kills these servers, so they are nobody else's.
#   bench  (DATALAKE_INFRA_INSTANCE=bench, benchmarks): Kafka 127.0.0.1:39092, MongoDB 127.0.0.1:27020,
#          PostgreSQL 25435, state in .datalake/bench/
# Each instance also serves Kafka SASL_SSL (SCRAM-SHA-256/512, user datalake) on Kafka port + 4
# and FerretDB TLS on MongoDB port + 100, with a self-signed CA made at start-up; CA file, user and
# password file: <state>/secure-listeners.json (tools/infra/README.md "Secure listeners").
#
#   tools/infra/local-infra.sh up       start what is not running, wait until both really answer
#   tools/infra/local-infra.sh down     stop the servers this checkout started
#   tools/infra/local-infra.sh status   print each server's state (exit 3 if one is not available)
#   tools/infra/local-infra.sh reset    stop them and delete their data (topics, databases)
#   tools/infra/local-infra.sh stop kafka|ferretdb|postgres   stop one server (`up` starts it again)
#   tools/infra/local-infra.sh pause|resume ferretdb   SIGSTOP / SIGCONT it (a hung server)
#
# Downloads and builds are cached in ${DATALAKE_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/datalake};
# state (Kafka log dirs, PostgreSQL/FerretDB data, logs, pid files) lives in the instance's state
# folder (as root, PostgreSQL runs as the `postgres` user; see pg_dirs for where its data goes).
# KAFKA_BOOTSTRAP_SERVERS / MONGO_URI pointing elsewhere than the instance's own ports make `up`
# leave that server alone. See tools/infra/README.md.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd -P)"
INSTANCE="${DATALAKE_INFRA_INSTANCE:-dev}"
case "$INSTANCE" in
  dev) STATE_DIR="$REPO_ROOT/.datalake" KAFKA_PORT=9092 KAFKA_CONTROLLER_PORT=9093 MONGO_PORT=27017 PG_PORT=25432 ;;
  test) STATE_DIR="$REPO_ROOT/.datalake/test" KAFKA_PORT=19092 KAFKA_CONTROLLER_PORT=19093 MONGO_PORT=27018 PG_PORT=25433 ;;
  faults) STATE_DIR="$REPO_ROOT/.datalake/faults" KAFKA_PORT=29092 KAFKA_CONTROLLER_PORT=29093 MONGO_PORT=27019 PG_PORT=25434 ;;
  bench) STATE_DIR="$REPO_ROOT/.datalake/bench" KAFKA_PORT=39092 KAFKA_CONTROLLER_PORT=39093 MONGO_PORT=27020 PG_PORT=25435 ;;
  *)
    echo "local-infra: ERROR: DATALAKE_INFRA_INSTANCE must be 'dev', 'test', 'faults' or 'bench', not '$INSTANCE'" >&2
    exit 1
    ;;
esac
# Secure listeners next to the plaintext ones: Kafka SASL_SSL (SCRAM) on Kafka port + 4, FerretDB
# TLS on MongoDB port + 100, both with the instance's self-signed certificate (tls_files).
KAFKA_SASL_PORT=$((KAFKA_PORT + 4))
MONGO_TLS_PORT=$((MONGO_PORT + 100))
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
# SCRAM user of the SASL_SSL listener; its password is generated per instance (never committed)
KAFKA_SASL_USER=datalake
KAFKA_SASL_PASSWORD_FILE="$KAFKA_DIR/sasl-password"
KAFKA_SCRAM_MARKER="$KAFKA_DIR/scram-users.done"
TLS_DIR="$STATE_DIR/tls"
TLS_CA="$TLS_DIR/ca.pem"
TLS_CERT="$TLS_DIR/server.crt"
TLS_KEY="$TLS_DIR/server.key"
TLS_KEYSTORE="$TLS_DIR/server-keystore.pem"
# What tests and tools read to find the secure listeners (libs/testing secureTestInfra)
SECURE_INFO="$STATE_DIR/secure-listeners.json"
FERRET_DIR="$STATE_DIR/ferretdb"
FERRET_DATA="$FERRET_DIR/data"
FERRET_PID="$RUN_DIR/ferretdb.pid"
FERRET_SRC="$SCRIPT_DIR/ferretdb"
FERRET_BACKEND="${DATALAKE_FERRETDB_BACKEND:-postgresql}"
case "$FERRET_BACKEND" in
  postgresql | sqlite) ;;
  *)
    echo "local-infra: ERROR: DATALAKE_FERRETDB_BACKEND must be 'postgresql' (default) or 'sqlite', not '$FERRET_BACKEND'" >&2
    exit 1
    ;;
esac
# Go's soft memory limit for FerretDB (it sorts and filters in Go memory what it cannot push down)
FERRET_MEMLIMIT="${DATALAKE_FERRETDB_MEMLIMIT:-512MiB}"

PG_VERSION="${DATALAKE_PG_VERSION:-15}"
PG_HOST=127.0.0.1
PG_DB=ferretdb
PG_ROLE=ferretdb
PG_PID="$RUN_DIR/postgres.pid"
PG_LOG="$LOG_DIR/postgres.log"
# FerretDB's connection pool. A FerretDB update command keeps one pooled connection per matched
# update until the command ends, so a bulkWrite (or several at once) whose matched updates reach
# the pool size waits forever. FerretDB's default is 50; 100 is the limit the services were
# written against on SQLite. Idle connections are closed after a minute (FerretDB means to set
# that, but only does when the URL already names it).
FERRET_PG_POOL="${DATALAKE_FERRETDB_PG_POOL:-100}"
FERRET_PG_URL="postgres://$PG_ROLE@$PG_HOST:$PG_PORT/$PG_DB?sslmode=disable&pool_max_conns=$FERRET_PG_POOL&pool_max_conn_idle_time=1m"

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

  up      start Kafka $KAFKA_VERSION (KRaft, $KAFKA_HOST:$KAFKA_PORT; SASL_SSL+SCRAM on $KAFKA_SASL_PORT), PostgreSQL
          ($PG_HOST:$PG_PORT) and FerretDB ($MONGO_HOST:$MONGO_PORT, backend $FERRET_BACKEND; TLS on $MONGO_TLS_PORT) if
          not running, then wait (up to ${WAIT_TIMEOUT}s) for a Kafka round trip and a Mongo ping; CA file,
          SCRAM user and password: ${SECURE_INFO#"$REPO_ROOT"/}
  down    stop the servers started by this checkout (SIGTERM, SIGKILL after ${STOP_TIMEOUT}s)
  status  show each server's state and memory
  reset   stop the servers and delete their data (topics, offsets, databases)
  stop kafka|ferretdb|postgres   stop that one server of this checkout (\`up\` starts it again)
  pause ferretdb        SIGSTOP the FerretDB process (connections stay open, nothing answers)
  kill ferretdb         SIGKILL the FerretDB process (a crash; \`up\` starts it again)
  resume ferretdb       SIGCONT it

environment:
  DATALAKE_INFRA_INSTANCE              dev (default: ports 9092/9093/27017/25432, state .datalake/),
                                       test (npm test: ports 19092/19093/27018/25433, state .datalake/test/),
                                       faults (npm run test:faults: ports 29092/29093/27019/25434, state .datalake/faults/) or
                                       bench (benchmarks: ports 39092/39093/27020/25435, state .datalake/bench/)
  KAFKA_BOOTSTRAP_SERVERS, MONGO_URI   pointing elsewhere: that server is left alone
  DATALAKE_CACHE_DIR                   cache of jars and binaries (now: $CACHE_DIR)
  DATALAKE_WAIT_TIMEOUT                seconds to wait for readiness (default 90)
  DATALAKE_KAFKA_HEAP                  JVM heap flags (default "-Xms256m -Xmx512m")
  FERRETDB_LOG_LEVEL                   debug|info|warn|error (default error)
  DATALAKE_FERRETDB_BACKEND            postgresql (default) or sqlite
  DATALAKE_FERRETDB_MEMLIMIT           FerretDB's GOMEMLIMIT (default 512MiB)
  DATALAKE_FERRETDB_PG_POOL            FerretDB's PostgreSQL connection pool (default 100)
  DATALAKE_PG_VERSION                  PostgreSQL major version to use or install (default 15)
  DATALAKE_PG_BINDIR                   directory with initdb/postgres/pg_isready (default: detected)
  DATALAKE_PG_DATA_DIR                 PostgreSQL data directory (default: in the state dir; see README)
  DATALAKE_PG_SHARED_BUFFERS           PostgreSQL shared_buffers (default 128MB)
  DATALAKE_PG_OPTS                     extra "-c name=value" flags for PostgreSQL
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

# Kafka is local unless KAFKA_BOOTSTRAP_SERVERS names some other broker (its SASL_SSL port is local).
kafka_wanted() {
  local list="${KAFKA_BOOTSTRAP_SERVERS:-}" entry
  [[ -z "$list" ]] && return 0
  IFS=',' read -r -a entries <<<"$list"
  for entry in "${entries[@]}"; do
    entry="${entry//[[:space:]]/}"
    entry="${entry#*://}"
    [[ -z "$entry" ]] && continue
    case "$entry" in
      "127.0.0.1:$KAFKA_PORT" | "localhost:$KAFKA_PORT" | "127.0.0.1:$KAFKA_SASL_PORT" | "localhost:$KAFKA_SASL_PORT") ;;
      *) return 1 ;;
    esac
  done
  return 0
}

# FerretDB is local unless MONGO_URI names some other server (its TLS port is local).
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
      "127.0.0.1:$MONGO_PORT" | "localhost:$MONGO_PORT" | "127.0.0.1:$MONGO_TLS_PORT" | "localhost:$MONGO_TLS_PORT") ;;
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
listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT,SASL_SSL://$KAFKA_HOST:$KAFKA_SASL_PORT
advertised.listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT,SASL_SSL://$KAFKA_HOST:$KAFKA_SASL_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL
# SASL_SSL: SCRAM users live in the cluster metadata (format --add-scram / kafka-configs), the
# certificate is the instance's self-signed one (PEM key + chain, unencrypted: local only).
sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.ssl.keystore.type=PEM
listener.name.sasl_ssl.ssl.keystore.location=$TLS_KEYSTORE
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
  local password
  password="$(sasl_password)"
  without_password "$password" "$LOG_DIR/kafka-format.log" \
    java -Xmx256m "${KAFKA_OPTS_COMMON[@]}" kafka.tools.StorageTool format --standalone -t "$id" -c "$KAFKA_PROPS" --ignore-formatted \
    --add-scram "SCRAM-SHA-256=[name=$KAFKA_SASL_USER,password=$password]" \
    --add-scram "SCRAM-SHA-512=[name=$KAFKA_SASL_USER,password=$password]" || {
    show_log_tail "$LOG_DIR/kafka-format.log"
    die "formatting the Kafka storage failed (see $LOG_DIR/kafka-format.log)"
  }
  printf '%s\n' "formatted with --add-scram" >"$KAFKA_SCRAM_MARKER"
}

# without_password PASSWORD LOG CMD...: runs CMD, its output appended to LOG with PASSWORD masked
# (the Kafka tools echo their arguments on errors); fails when CMD fails
without_password() {
  local password="$1" log="$2"
  shift 2
  "$@" 2>&1 | sed "s/$password/***/g" >>"$log"
  return "${PIPESTATUS[0]}"
}

# sasl_password: the instance's SCRAM password, generated once into the state dir (mode 600)
sasl_password() {
  if [[ ! -s "$KAFKA_SASL_PASSWORD_FILE" ]]; then
    mkdir -p "$KAFKA_DIR"
    (umask 077 && openssl rand -hex 24 >"$KAFKA_SASL_PASSWORD_FILE")
  fi
  cat "$KAFKA_SASL_PASSWORD_FILE"
}

# ensure_scram_users: an instance formatted before the SASL_SSL listener existed has no SCRAM
# users; add them through the running broker (once; the marker records it).
ensure_scram_users() {
  [[ -f "$KAFKA_SCRAM_MARKER" ]] && return 0
  local password
  password="$(sasl_password)"
  say "kafka: adding the SCRAM users of the SASL_SSL listener to the existing cluster (kafka-configs)"
  kafka_common_opts
  local mechanism
  # one mechanism per request: KRaft refuses two changes of one user's credentials in one request
  for mechanism in SCRAM-SHA-256 SCRAM-SHA-512; do
    without_password "$password" "$LOG_DIR/kafka-format.log" \
      java -Xmx256m "${KAFKA_OPTS_COMMON[@]}" kafka.admin.ConfigCommand --bootstrap-server "$KAFKA_HOST:$KAFKA_PORT" \
      --alter --entity-type users --entity-name "$KAFKA_SASL_USER" --add-config "$mechanism=[password=$password]" || {
      show_log_tail "$LOG_DIR/kafka-format.log"
      die "adding the SCRAM user ($mechanism) failed (see $LOG_DIR/kafka-format.log)"
    }
  done
  printf '%s\n' "added with kafka-configs" >"$KAFKA_SCRAM_MARKER"
}

# ---------------------------------------------------------------------------------------------
# TLS: one self-signed CA per instance and a server certificate for 127.0.0.1/localhost, used by
# Kafka's SASL_SSL listener and FerretDB's TLS listener. Made at start-up when missing or about to
# expire; clients trust $TLS_CA.

ensure_tls_files() {
  if [[ -s "$TLS_CA" && -s "$TLS_KEYSTORE" ]] && openssl x509 -checkend 86400 -noout -in "$TLS_CERT" >/dev/null 2>&1; then
    return 0
  fi
  command -v openssl >/dev/null 2>&1 || die "openssl is needed to make the local TLS certificate (apt-get install openssl)"
  say "tls: making a self-signed CA and server certificate in ${TLS_DIR#"$REPO_ROOT"/}"
  local tmp="$TLS_DIR.tmp.$$" ext
  rm -rf "$tmp" && mkdir -p "$tmp" && chmod 700 "$tmp"
  ext="$tmp/server.ext"
  printf '%s\n' 'subjectAltName=IP:127.0.0.1,DNS:localhost' 'basicConstraints=CA:FALSE' \
    'keyUsage=critical,digitalSignature,keyEncipherment' 'extendedKeyUsage=serverAuth' >"$ext"
  {
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 825 -subj "/CN=DataLake local CA ($INSTANCE)" \
      -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' \
      -keyout "$tmp/ca.key" -out "$tmp/ca.pem" &&
      openssl req -newkey rsa:2048 -nodes -sha256 -subj '/CN=localhost' -keyout "$tmp/server.key" -out "$tmp/server.csr" &&
      openssl x509 -req -sha256 -days 825 -in "$tmp/server.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" \
        -CAcreateserial -extfile "$ext" -out "$tmp/server.crt"
  } >>"$LOG_DIR/tls.log" 2>&1 || {
    rm -rf "$tmp"
    show_log_tail "$LOG_DIR/tls.log"
    die "openssl could not make the local certificate (see $LOG_DIR/tls.log)"
  }
  # Kafka's PEM keystore: the PKCS#8 key followed by the certificate chain
  cat "$tmp/server.key" "$tmp/server.crt" "$tmp/ca.pem" >"$tmp/server-keystore.pem"
  rm -f "$tmp/server.csr" "$tmp/server.ext" "$tmp/ca.srl"
  chmod 600 "$tmp"/*.key "$tmp/server-keystore.pem"
  chmod 644 "$tmp/ca.pem" "$tmp/server.crt"
  chmod 755 "$tmp"
  rm -rf "$TLS_DIR"
  mv "$tmp" "$TLS_DIR"
}

# write_secure_info: where clients find the secure listeners (read by libs/testing)
write_secure_info() {
  local tmp="$SECURE_INFO.tmp.$$"
  cat >"$tmp" <<EOF
{
  "instance": "$INSTANCE",
  "caFile": "$TLS_CA",
  "kafka": {
    "brokers": ["$KAFKA_HOST:$KAFKA_SASL_PORT"],
    "mechanisms": ["scram-sha-256", "scram-sha-512"],
    "username": "$KAFKA_SASL_USER",
    "passwordFile": "$KAFKA_SASL_PASSWORD_FILE"
  },
  "mongo": {
    "uri": "mongodb://$MONGO_HOST:$MONGO_TLS_PORT/?tls=true&tlsCAFile=$TLS_CA"
  }
}
EOF
  mv "$tmp" "$SECURE_INFO"
}

# start_kafka: sets KAFKA_MODE to started (pid in KAFKA_PID), running (ours, already up) or external
start_kafka() {
  local pid p
  if pid="$(our_pid "$KAFKA_PID" "$KAFKA_PROPS")"; then
    say "kafka: already running (pid $pid)"
    grep -q '^listeners=.*SASL_SSL://' "$KAFKA_PROPS" ||
      warn "kafka: the running broker was started without the SASL_SSL listener; run 'down' then 'up' to add it"
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
  if port_open "$KAFKA_HOST" "$KAFKA_SASL_PORT"; then
    p="$(listener_pid "$KAFKA_SASL_PORT")"
    die "kafka: SASL_SSL port $KAFKA_HOST:$KAFKA_SASL_PORT is taken by another process${p:+ (pid $p)}; free it first"
  fi
  ensure_kafka_jars
  ensure_tls_files
  write_kafka_props
  format_kafka_storage
  say "kafka: starting Kafka $KAFKA_VERSION (KRaft broker+controller) on $KAFKA_HOST:$KAFKA_PORT (SASL_SSL on $KAFKA_SASL_PORT), log in ${LOG_DIR#"$REPO_ROOT"/}/kafka.log"
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

# ferret_bin: the cached binary, keyed by the wrapper's sources (tests excluded)
ferret_bin() {
  local f sources=("$FERRET_SRC/go.mod" "$FERRET_SRC/go.sum")
  for f in "$FERRET_SRC"/*.go; do
    [[ "$f" == *_test.go ]] || sources+=("$f")
  done
  printf '%s\n' "$CACHE_DIR/ferretdb-$(hash_files "${sources[@]}")/ferretdb-local"
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

# ---------------------------------------------------------------------------------------------
# PostgreSQL (FerretDB's backend): a private server per instance, TCP on 127.0.0.1 only.

# Where the postgres user may not reach (root's home, a repo it cannot traverse): data dirs and
# extracted packages go here instead.
PG_SHARED_BASE="${DATALAKE_PG_SHARED_DIR:-/var/tmp/datalake-postgres}"
PG_SU=""       # as root: the user PostgreSQL runs as (initdb and postgres refuse root)
PG_BIN=""      # directory with initdb, postgres, pg_isready, psql, createdb
PG_LDPATH=""   # LD_LIBRARY_PATH for packages extracted into the cache

has_pg_bins() { [[ -n "$1" && -x "$1/initdb" && -x "$1/postgres" && -x "$1/pg_isready" && -x "$1/psql" ]]; }

# pg_pkg_dir: where Debian packages are extracted when no PostgreSQL is installed
pg_pkg_dir() {
  if [[ $EUID -eq 0 ]]; then
    printf '%s\n' "$PG_SHARED_BASE/postgresql-$PG_VERSION"
  else
    printf '%s\n' "$CACHE_DIR/postgresql-$PG_VERSION"
  fi
}

# pg_run CMD...: runs a PostgreSQL program as PG_SU when root (exec, no extra process), else as is
pg_run() {
  if [[ -n "$PG_SU" ]]; then
    if command -v setpriv >/dev/null 2>&1; then
      LD_LIBRARY_PATH="$PG_LDPATH" exec setpriv --reuid="$PG_SU" --regid="$(id -g "$PG_SU")" --init-groups "$@"
    fi
    LD_LIBRARY_PATH="$PG_LDPATH" exec runuser -u "$PG_SU" -- "$@"
  fi
  LD_LIBRARY_PATH="$PG_LDPATH" exec "$@"
}

# pg_client CMD...: a client program (runs as the current user, over TCP)
pg_client() { LD_LIBRARY_PATH="$PG_LDPATH" "$@"; }

# ensure_pg_user [create]: as root, PostgreSQL runs as the existing `postgres` user (or
# DATALAKE_PG_USER), else as a system user datalake-postgres, created once by `up`
ensure_pg_user() {
  [[ $EUID -eq 0 ]] || return 0
  PG_SU="${DATALAKE_PG_USER:-postgres}"
  id -u "$PG_SU" >/dev/null 2>&1 && return 0
  PG_SU=datalake-postgres
  id -u "$PG_SU" >/dev/null 2>&1 && return 0
  [[ "${1:-}" == create ]] || return 0
  say "postgres: creating the system user $PG_SU (PostgreSQL refuses to run as root)"
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$PG_SU" ||
    die "could not create the system user $PG_SU for PostgreSQL (set DATALAKE_PG_USER to an existing user)"
}

# pg_dirs: sets PG_DIR (ours to create and delete) and PG_DATA. Default <state>/postgres/data; as
# root, when the postgres user cannot traverse the checkout, $PG_SHARED_BASE/<instance>-<hash of the repo path>.
pg_dirs() {
  PG_FALLBACK_DIR="$PG_SHARED_BASE/$INSTANCE-$(printf '%s' "$REPO_ROOT" | hash_files /dev/stdin | cut -c1-12)"
  if [[ -n "${DATALAKE_PG_DATA_DIR:-}" ]]; then
    PG_DIR="" PG_DATA="$DATALAKE_PG_DATA_DIR"
    return 0
  fi
  PG_DIR="$STATE_DIR/postgres"
  if [[ $EUID -eq 0 ]] && ! (pg_run test -x "$REPO_ROOT") 2>/dev/null; then
    PG_DIR="$PG_FALLBACK_DIR"
  fi
  PG_DATA="$PG_DIR/data"
}

# ensure_pg_bins: sets PG_BIN to an installed PostgreSQL (DATALAKE_PG_BINDIR, /usr/lib/postgresql/<15>/bin,
# the newest other /usr/lib/postgresql/*/bin, pg_config --bindir), else extracts Debian's packages.
ensure_pg_bins() {
  local d pkg
  if [[ -n "${DATALAKE_PG_BINDIR:-}" ]]; then
    has_pg_bins "$DATALAKE_PG_BINDIR" || die "DATALAKE_PG_BINDIR=$DATALAKE_PG_BINDIR lacks initdb, postgres, pg_isready or psql"
    PG_BIN="$DATALAKE_PG_BINDIR"
    return 0
  fi
  for d in "/usr/lib/postgresql/$PG_VERSION/bin" $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV) \
    "$(pg_config --bindir 2>/dev/null || true)"; do
    if has_pg_bins "$d"; then
      PG_BIN="$d"
      return 0
    fi
  done
  pkg="$(pg_pkg_dir)"
  if [[ -f "$pkg/.complete" ]] && has_pg_bins "$pkg/root/usr/lib/postgresql/$PG_VERSION/bin"; then
    PG_BIN="$pkg/root/usr/lib/postgresql/$PG_VERSION/bin"
    PG_LDPATH="$(pg_pkg_libpath "$pkg")"
    return 0
  fi
  install_pg_debs "$pkg"
}

pg_pkg_libpath() { printf '%s\n' "$(ls -d "$1"/root/usr/lib/*-linux-gnu 2>/dev/null | head -n1)"; }

# install_pg_debs DIR: apt-get download + dpkg -x of PostgreSQL's server and client packages into DIR
# (no root needed, nothing installed system-wide, no cluster auto-created)
install_pg_debs() {
  local dir="$1" tmp deb log="$LOG_DIR/postgres-fetch.log" missing
  local pkgs=("postgresql-$PG_VERSION" "postgresql-client-$PG_VERSION" libpq5)
  command -v apt-get >/dev/null 2>&1 && command -v dpkg >/dev/null 2>&1 || die "PostgreSQL not found (looked in /usr/lib/postgresql/*/bin and pg_config --bindir).
  Install it, e.g.: sudo apt-get install postgresql-$PG_VERSION   (macOS: brew install postgresql@$PG_VERSION, then set DATALAKE_PG_BINDIR)"
  say "postgres: PostgreSQL not found; fetching Debian packages ${pkgs[*]} into $dir (first time only)..."
  tmp="$dir.tmp.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp/debs"
  if ! (cd "$tmp/debs" && apt-get download "${pkgs[@]}") >"$log" 2>&1; then
    # no package lists yet (fresh container): root may fetch them
    if [[ $EUID -eq 0 ]] && apt-get update >>"$log" 2>&1 && (cd "$tmp/debs" && apt-get download "${pkgs[@]}") >>"$log" 2>&1; then
      :
    else
      rm -rf "$tmp"
      show_log_tail "$log"
      die "could not download PostgreSQL $PG_VERSION's packages (see $log). Install it, e.g.: sudo apt-get install postgresql-$PG_VERSION,
  or set DATALAKE_PG_VERSION to a version your distribution has (apt-cache search --names-only '^postgresql-[0-9]+$')"
    fi
  fi
  for deb in "$tmp"/debs/*.deb; do
    dpkg -x "$deb" "$tmp/root" || die "dpkg -x $deb failed"
  done
  rm -rf "$tmp/debs" "$dir"
  mv "$tmp" "$dir"
  PG_BIN="$dir/root/usr/lib/postgresql/$PG_VERSION/bin"
  PG_LDPATH="$(pg_pkg_libpath "$dir")"
  if ! pg_client "$PG_BIN/postgres" --version >>"$log" 2>&1; then
    missing="$(LD_LIBRARY_PATH="$PG_LDPATH" ldd "$PG_BIN/postgres" 2>/dev/null | grep 'not found' | awk '{print $1}' | tr '\n' ' ')"
    die "the extracted PostgreSQL does not run${missing:+ (missing libraries: $missing)}.
  Install it instead: sudo apt-get install postgresql-$PG_VERSION"
  fi
  chmod -R a+rX "$dir"
  touch "$dir/.complete"
  say "postgres: $(pg_client "$PG_BIN/postgres" --version) extracted into $dir"
}

# init_pg: creates the cluster once (superuser ferretdb, trust auth: it listens on 127.0.0.1 only)
init_pg() {
  [[ -f "$PG_DATA/PG_VERSION" ]] && return 0
  mkdir -p "$PG_DATA"
  [[ -n "$PG_DIR" ]] && chmod 700 "$PG_DIR"
  chmod 700 "$PG_DATA"
  if [[ -n "$PG_SU" ]]; then
    chown "$PG_SU:" "$PG_DATA"
    [[ -n "$PG_DIR" ]] && chown "$PG_SU:" "$PG_DIR"
  fi
  say "postgres: initdb in $PG_DATA"
  if ! (pg_run "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_ROLE" --auth=trust --encoding=UTF8 --locale=C --no-sync \
    --no-instructions) >>"$PG_LOG" 2>&1; then
    show_log_tail "$PG_LOG"
    find "$PG_DATA" -mindepth 1 -delete 2>/dev/null || true
    die "initdb failed (see $PG_LOG)"
  fi
}

# The server's settings. Local, throw-away data: durability is traded for speed (fsync,
# synchronous_commit, full_page_writes off; minimal WAL). force_custom_plan: FerretDB passes the
# field name of its `_jsonb->$1 @> $2` filter as a parameter, and only a plan made for the actual
# field name can use the expression (GIN) index on it. jit off: no compile pauses on big scans.
pg_flags() {
  PG_FLAGS=(-p "$PG_PORT" -c "listen_addresses=$PG_HOST" -c unix_socket_directories=
    -c "max_connections=$((FERRET_PG_POOL + 20))" -c "shared_buffers=${DATALAKE_PG_SHARED_BUFFERS:-128MB}" -c work_mem=16MB
    -c maintenance_work_mem=128MB -c fsync=off -c synchronous_commit=off -c full_page_writes=off
    -c wal_level=minimal -c max_wal_senders=0 -c max_wal_size=512MB -c checkpoint_timeout=15min
    -c plan_cache_mode=force_custom_plan -c jit=off -c log_checkpoints=off -c "log_line_prefix=%m [%p] "
    -c timezone=UTC)
  # shellcheck disable=SC2206 # DATALAKE_PG_OPTS holds several flags
  [[ -n "${DATALAKE_PG_OPTS:-}" ]] && PG_FLAGS+=(${DATALAKE_PG_OPTS})
  return 0
}

pg_ready() {
  pg_client "$PG_BIN/pg_isready" -q -h "$PG_HOST" -p "$PG_PORT" -U "$PG_ROLE" -d postgres >/dev/null 2>&1
}

# ensure_pg_db: FerretDB's database (UTF8, as it requires)
ensure_pg_db() {
  local have
  have="$(pg_client "$PG_BIN/psql" -h "$PG_HOST" -p "$PG_PORT" -U "$PG_ROLE" -d postgres -tAqc \
    "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'" 2>>"$PG_LOG")" || die "psql could not reach PostgreSQL on $PG_HOST:$PG_PORT (see $PG_LOG)"
  [[ "$have" == 1 ]] && return 0
  pg_client "$PG_BIN/psql" -h "$PG_HOST" -p "$PG_PORT" -U "$PG_ROLE" -d postgres -qc \
    "CREATE DATABASE $PG_DB TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'" >>"$PG_LOG" 2>&1 ||
    die "creating the database $PG_DB failed (see $PG_LOG)"
}

# start_pg: starts PostgreSQL if this checkout's is not running, waits until it accepts connections
start_pg() {
  local pid p deadline
  ensure_pg_user create
  pg_dirs
  if pid="$(our_pid "$PG_PID" "$PG_DATA")"; then
    say "postgres: already running (pid $pid)"
    return 0
  fi
  if port_open "$PG_HOST" "$PG_PORT"; then
    p="$(listener_pid "$PG_PORT")"
    die "postgres: $PG_HOST:$PG_PORT is taken by a process this checkout did not start${p:+ (pid $p)}; FerretDB would store this instance's data there. Free the port first"
  fi
  ensure_pg_bins
  init_pg
  pg_flags
  say "postgres: starting $(pg_client "$PG_BIN/postgres" --version | sed 's/^postgres (PostgreSQL) /PostgreSQL /') on $PG_HOST:$PG_PORT${PG_SU:+ as user $PG_SU}, data in ${PG_DATA#"$REPO_ROOT"/}, log in ${PG_LOG#"$REPO_ROOT"/}"
  printf '==== %s local-infra.sh: starting PostgreSQL ====\n' "$(date '+%F %T')" >>"$PG_LOG"
  local launcher=()
  command -v setsid >/dev/null 2>&1 && launcher=(setsid)
  (pg_run "${launcher[@]}" "$PG_BIN/postgres" -D "$PG_DATA" "${PG_FLAGS[@]}") >>"$PG_LOG" 2>&1 </dev/null 9>&- &
  pid=$!
  printf '%s\n' "$pid" >"$PG_PID"
  deadline=$((SECONDS + WAIT_TIMEOUT))
  until pg_ready; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PG_PID"
      show_log_tail "$PG_LOG"
      die "postgres exited during start-up (see $PG_LOG)"
    fi
    ((SECONDS < deadline)) || die "postgres did not accept connections within ${WAIT_TIMEOUT}s (see $PG_LOG)"
    sleep 0.1
  done
  ensure_pg_db
}

# ---------------------------------------------------------------------------------------------
# FerretDB (continued)

# start_ferret: sets FERRET_MODE to started (pid in FERRET_PID), running or external
start_ferret() {
  local pid p args
  if pid="$(our_pid "$FERRET_PID" "$FERRET_DATA")"; then
    say "ferretdb: already running (pid $pid)"
    [[ "$(cmdline "$pid")" == *"-listen-tls "* ]] ||
      warn "ferretdb: the running FerretDB was started without the TLS listener; run 'down' then 'up' to add it"
    if [[ "$(cmdline "$pid")" != *"-handler $FERRET_BACKEND "* ]]; then
      warn "ferretdb: the running FerretDB does not use the $FERRET_BACKEND backend; run 'down' then 'up' to switch"
    elif [[ "$FERRET_BACKEND" == postgresql ]]; then
      start_pg # PostgreSQL may have been stopped alone (stop postgres)
    fi
    FERRET_MODE=running
    return 0
  fi
  if port_open "$MONGO_HOST" "$MONGO_PORT"; then
    p="$(listener_pid "$MONGO_PORT")"
    say "ferretdb: $MONGO_HOST:$MONGO_PORT is already served by a process this checkout did not start${p:+ (pid $p)}; reusing it if it answers as MongoDB"
    FERRET_MODE=external
    return 0
  fi
  if port_open "$MONGO_HOST" "$MONGO_TLS_PORT"; then
    p="$(listener_pid "$MONGO_TLS_PORT")"
    die "ferretdb: TLS port $MONGO_HOST:$MONGO_TLS_PORT is taken by another process${p:+ (pid $p)}; free it first"
  fi
  ensure_ferret_bin
  ensure_tls_files
  # -data-dir is also the marker that ties the process to this checkout (our_pid), whatever the backend
  # No CA file for FerretDB: with one it would demand client certificates.
  args=(-listen "$MONGO_HOST:$MONGO_PORT" -data-dir "$FERRET_DATA" -handler "$FERRET_BACKEND"
    -listen-tls "$MONGO_HOST:$MONGO_TLS_PORT" -listen-tls-cert-file "$TLS_CERT" -listen-tls-key-file "$TLS_KEY")
  if [[ "$FERRET_BACKEND" == postgresql ]]; then
    start_pg
    args+=(-postgresql-url "$FERRET_PG_URL")
    say "ferretdb: starting FerretDB (PostgreSQL $PG_HOST:$PG_PORT/$PG_DB, pool $FERRET_PG_POOL, GOMEMLIMIT=$FERRET_MEMLIMIT) on $MONGO_HOST:$MONGO_PORT, log in ${LOG_DIR#"$REPO_ROOT"/}/ferretdb.log"
  else
    mkdir -p "$FERRET_DATA"
    say "ferretdb: starting FerretDB (SQLite in ${FERRET_DATA#"$REPO_ROOT"/}, GOMEMLIMIT=$FERRET_MEMLIMIT) on $MONGO_HOST:$MONGO_PORT, log in ${LOG_DIR#"$REPO_ROOT"/}/ferretdb.log"
  fi
  printf '==== %s local-infra.sh: starting FerretDB ====\n' "$(date '+%F %T')" >>"$LOG_DIR/ferretdb.log"
  local launcher=()
  command -v setsid >/dev/null 2>&1 && launcher=(setsid)
  GOMEMLIMIT="$FERRET_MEMLIMIT" nohup "${launcher[@]}" "$(ferret_bin)" "${args[@]}" \
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
    [[ "$FERRET_BACKEND" == postgresql ]] && show_log_tail "$PG_LOG"
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
  secure_listeners_up
  say "ready in $((SECONDS - t0))s:$summary"
}

# secure_listeners_up: SCRAM users present, the SASL_SSL and TLS ports open (servers of this
# checkout only), then secure-listeners.json written for tests and tools
secure_listeners_up() {
  local ours=0 i
  if [[ "$KAFKA_MODE" == started || "$KAFKA_MODE" == running ]] && grep -q '^listeners=.*SASL_SSL://' "$KAFKA_PROPS"; then
    ensure_scram_users
    for ((i = 0; i < 40; i++)); do port_open "$KAFKA_HOST" "$KAFKA_SASL_PORT" && break; sleep 0.25; done
    port_open "$KAFKA_HOST" "$KAFKA_SASL_PORT" || die "kafka: the SASL_SSL listener $KAFKA_HOST:$KAFKA_SASL_PORT did not open (see $LOG_DIR/kafka.log)"
    ours=1
  fi
  if [[ "$FERRET_MODE" == started || "$FERRET_MODE" == running ]]; then
    for ((i = 0; i < 40; i++)); do port_open "$MONGO_HOST" "$MONGO_TLS_PORT" && break; sleep 0.25; done
    port_open "$MONGO_HOST" "$MONGO_TLS_PORT" && ours=1
  fi
  if [[ "$ours" == 1 ]]; then
    write_secure_info
    say "secure listeners: Kafka SASL_SSL $KAFKA_HOST:$KAFKA_SASL_PORT (SCRAM user $KAFKA_SASL_USER), MongoDB TLS $MONGO_HOST:$MONGO_TLS_PORT; CA and password: ${SECURE_INFO#"$REPO_ROOT"/}"
  fi
}

# stop NAME PIDFILE MARKER [SIGNAL]: SIGNAL (default TERM), SIGKILL after STOP_TIMEOUT
stop_one() {
  local name="$1" file="$2" marker="$3" signal="${4:-TERM}" pid i
  if ! pid="$(our_pid "$file" "$marker")"; then
    say "$name: not running"
    return 0
  fi
  say "$name: stopping pid $pid..."
  kill "-$signal" "$pid" 2>/dev/null || true
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

# PostgreSQL's fast shutdown is SIGINT (SIGTERM would wait for every client to disconnect)
stop_pg() {
  ensure_pg_user
  pg_dirs
  stop_one postgres "$PG_PID" "$PG_DATA" INT
}

cmd_down() {
  stop_one kafka "$KAFKA_PID" "$KAFKA_PROPS"
  stop_one ferretdb "$FERRET_PID" "$FERRET_DATA"
  stop_pg
  port_open "$KAFKA_HOST" "$KAFKA_PORT" && say "note: $KAFKA_HOST:$KAFKA_PORT is still served by a process this checkout did not start (left alone)"
  port_open "$MONGO_HOST" "$MONGO_PORT" && say "note: $MONGO_HOST:$MONGO_PORT is still served by a process this checkout did not start (left alone)"
  return 0
}

# mem_kb PID: the process's resident memory in KiB: proportional (PSS, shared pages divided among
# their users, so that a sum over PostgreSQL's processes counts shared_buffers once) where
# readable, else RSS
mem_kb() {
  local kb=""
  [[ -r "/proc/$1/smaps_rollup" ]] && kb="$(awk '/^Pss:/ {print $2; exit}' "/proc/$1/smaps_rollup" 2>/dev/null)"
  [[ -z "$kb" ]] && kb="$(ps -o rss= -p "$1" 2>/dev/null | tr -dc '0-9')"
  printf '%s\n' "${kb:-0}"
}

# memory_of NAME PID: "memory N MB" for the process (PostgreSQL: summed over it and its children)
memory_of() {
  local name="$1" pid="$2" total kids n=1 k peak=""
  total="$(mem_kb "$pid")"
  if [[ "$name" == postgres ]]; then
    kids="$(pgrep -P "$pid" 2>/dev/null || ps -o pid= --ppid "$pid" 2>/dev/null || true)"
    for k in $kids; do
      total=$((total + $(mem_kb "$k")))
      n=$((n + 1))
    done
    printf 'memory %s MB (%s processes)' "$((total / 1024))" "$n"
    return 0
  fi
  [[ -r "/proc/$pid/status" ]] && peak="$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")"
  printf 'memory %s MB%s' "$((total / 1024))" "${peak:+ (peak RSS $((peak / 1024)) MB)}"
}

# status_one NAME WANTED(0/1) SKIPMSG PIDFILE MARKER HOST PORT: prints, returns 0 when available
status_one() {
  local name="$1" wanted="$2" skipmsg="$3" file="$4" marker="$5" host="$6" port="$7" pid p
  if pid="$(our_pid "$file" "$marker")"; then
    if port_open "$host" "$port"; then
      printf '%-9s running    pid %s, %s:%s, %s\n' "$name" "$pid" "$host" "$port" "$(memory_of "$name" "$pid")"
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
  # the secure listeners of this checkout's servers (npm test needs them: missing = not available)
  if our_pid "$KAFKA_PID" "$KAFKA_PROPS" >/dev/null; then
    if port_open "$KAFKA_HOST" "$KAFKA_SASL_PORT"; then
      printf '%-9s running    %s:%s SASL_SSL, SCRAM-SHA-256/512 user %s, password in %s\n' kafka-sasl \
        "$KAFKA_HOST" "$KAFKA_SASL_PORT" "$KAFKA_SASL_USER" "$KAFKA_SASL_PASSWORD_FILE"
    else
      printf '%-9s missing    %s:%s not open (broker started without it: down, then up)\n' kafka-sasl "$KAFKA_HOST" "$KAFKA_SASL_PORT"
      ok=3
    fi
  fi
  if our_pid "$FERRET_PID" "$FERRET_DATA" >/dev/null; then
    if port_open "$MONGO_HOST" "$MONGO_TLS_PORT"; then
      printf '%-9s running    %s:%s TLS, CA %s\n' mongo-tls "$MONGO_HOST" "$MONGO_TLS_PORT" "$TLS_CA"
    else
      printf '%-9s missing    %s:%s not open (FerretDB started without it: down, then up)\n' mongo-tls "$MONGO_HOST" "$MONGO_TLS_PORT"
      ok=3
    fi
  fi
  local pw=0 pid
  # PostgreSQL is needed when this checkout serves MongoDB itself, on the postgresql backend
  if [[ "$mw" == 1 && "$FERRET_BACKEND" == postgresql ]] &&
    { our_pid "$FERRET_PID" "$FERRET_DATA" >/dev/null || ! port_open "$MONGO_HOST" "$MONGO_PORT"; }; then
    pw=1
  fi
  ensure_pg_user
  pg_dirs
  if pid="$(our_pid "$PG_PID" "$PG_DATA")" || [[ "$pw" == 1 ]]; then
    status_one postgres 1 "" "$PG_PID" "$PG_DATA" "$PG_HOST" "$PG_PORT" || ok=3
  else
    printf '%-9s unused     %s\n' postgres "FerretDB is not this checkout's or uses SQLite (DATALAKE_FERRETDB_BACKEND=$FERRET_BACKEND)"
  fi
  printf 'instance: %s  state: %s  cache: %s  postgres data: %s\n' "$INSTANCE" "$STATE_DIR" "$CACHE_DIR" "$PG_DATA"
  return "$ok"
}

# Stops the instance's servers and deletes their data: every topic, offset and database.
cmd_reset() {
  cmd_down
  rm -rf "$KAFKA_DIR" "$FERRET_DIR" "$STATE_DIR/postgres" "$PG_FALLBACK_DIR" "$SECURE_INFO"
  [[ -n "${DATALAKE_PG_DATA_DIR:-}" ]] && rm -rf "$DATALAKE_PG_DATA_DIR"
  say "deleted the $INSTANCE instance's Kafka, FerretDB and PostgreSQL data"
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
    postgres) SERVER_ARGS=(postgres) ;;
    *) die "name the server: kafka, ferretdb or postgres" ;;
  esac
}

cmd_stop() {
  server_args "${1:-}"
  if [[ "${SERVER_ARGS[0]}" == postgres ]]; then
    stop_pg
  else
    stop_one "${SERVER_ARGS[@]}"
  fi
}

# signal_server SIGNAL NAME: SIGSTOP/SIGCONT our FerretDB (a paused Kafka would also stall its controller)
signal_server() {
  local signal="$1" pid
  [[ "${2:-}" == ferretdb ]] || die "only ferretdb can be paused, resumed or killed"
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
  kill) signal_server KILL "${2:-}" ;;
  down) with_lock cmd_down ;;
  reset) with_lock cmd_reset ;;
  status) cmd_status ;;
  -h | --help | help) usage ;;
  *)
    usage >&2
    exit 2
    ;;
esac
