#!/usr/bin/env bash
# `npm test`: install what is missing, start the local Kafka and MongoDB if needed, lint, build,
# then unit, integration and end-to-end tests. Ends with one line "N passed, N failed".
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

RESULTS=tmp/test-results
rm -rf "$RESULTS" && mkdir -p "$RESULTS"
failures=()

ensure_node_modules || { echo "npm install failed"; echo "0 passed, 1 failed"; exit 1; }

started_infra=false
if ! bash tools/infra/local-infra.sh status >/dev/null 2>&1; then started_infra=true; fi
if ! bash tools/infra/local-infra.sh up; then
  echo "Local Kafka/MongoDB did not start (see .datalake/logs/)."
  echo "0 passed, 1 failed"
  exit 1
fi
stop_infra() { if $started_infra && [ -z "${KEEP_INFRA:-}" ]; then bash tools/infra/local-infra.sh down >/dev/null 2>&1; fi; }
trap stop_infra EXIT

echo "== lint"
npx nx run-many -t lint --outputStyle=static || failures+=("lint")

echo "== build"
npx nx run-many -t build --projects='tag:type:app' --outputStyle=static || failures+=("build")

run_tier() {
  local tier=$1; shift
  echo "== $tier tests"
  TEST_TIER=$tier npx jest --ci --json --outputFile="$RESULTS/$tier.json" "$@" || failures+=("$tier tests")
}
run_tier unit
run_tier integration --runInBand
run_tier e2e --runInBand --selectProjects datalake-e2e

node tools/scripts/summarize-tests.js "$RESULTS" "${failures[@]}"
