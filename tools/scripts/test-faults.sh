#!/usr/bin/env bash
# `npm run test:faults`: the fault suite alone. Builds the apps (from the Nx cache when unchanged),
# runs every *.faults-spec.ts scenario on the faults infra instance and ends with "N passed, N failed".
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/faults-stage.sh"

RESULTS=tmp/test-results/faults
rm -rf "$RESULTS" && mkdir -p "$RESULTS"
failures=()

ensure_node_modules || { echo "npm install failed"; echo "0 passed, 1 failed"; exit 1; }

echo "== build"
npx nx run-many -t build --projects='tag:type:app' --outputStyle=static || failures+=("build")

run_faults_stage "$RESULTS" || failures+=("faults tests")
cp "$RESULTS/faults-table.md" tmp/test-results/faults-table.md 2>/dev/null || true
node tools/scripts/summarize-tests.js "$RESULTS" "${failures[@]}"
