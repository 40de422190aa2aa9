# The fault suite's stage, sourced by test.sh (last stage of `npm test`) and test-faults.sh
# (`npm run test:faults`). Needs common.sh sourced and the apps built.
#
# run_faults_stage RESULTS_DIR: starts the "faults" infra instance (Kafka 127.0.0.1:29092, FerretDB
# 127.0.0.1:27019, state .datalake/faults/) from empty, runs the `faults` Jest tier against it
# --runInBand, stops it, and prints the fault table (also written to RESULTS_DIR/faults-table.md).
# The scenarios stop, pause and kill these servers, never the dev or test instance. Returns 1 when
# the instance did not start or a scenario failed.
run_faults_stage() {
  local results="$1" rc=0
  mkdir -p "$results"
  rm -f "$results/faults-rows.ndjson" "$results/faults-table.md"
  echo "== fault suite (faults instance: Kafka 127.0.0.1:29092, MongoDB 127.0.0.1:27019)"
  local started=$SECONDS
  if ! (export DATALAKE_INFRA_INSTANCE=faults && unset KAFKA_BOOTSTRAP_SERVERS MONGO_URI &&
    bash tools/infra/local-infra.sh reset >/dev/null && bash tools/infra/local-infra.sh up); then
    echo "The faults instance did not start (see .datalake/faults/logs/)."
    return 1
  fi
  DATALAKE_INFRA_INSTANCE=faults KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:29092 MONGO_URI=mongodb://127.0.0.1:27019 \
    FAULTS_RESULTS_DIR="$REPO_ROOT/$results" TEST_TIER=faults \
    npx jest --ci --runInBand --forceExit --selectProjects datalake-e2e --json --outputFile="$results/faults.json" || rc=1
  (export DATALAKE_INFRA_INSTANCE=faults && unset KAFKA_BOOTSTRAP_SERVERS MONGO_URI &&
    bash tools/infra/local-infra.sh down >/dev/null 2>&1)
  node tools/scripts/faults-table.js "$results/faults-rows.ndjson" "$results/faults-table.md" || rc=1
  echo "fault suite took $((SECONDS - started)) s"
  return "$rc"
}
