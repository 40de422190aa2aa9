#!/usr/bin/env bash
# Called by `npm start` once the services are up: drops a small sample set (20 rows of each topic
# as CSV, NDJSON, JSON and SQLite, timestamped over the minutes before now) into the ingest inbox, so
# data shows in the API and on the console's overview (the last hour) within seconds.
# Set SEED_SAMPLES=false to start with an empty lake.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if [ "${SEED_SAMPLES:-true}" = "false" ]; then exit 0; fi
inbox=${INGEST_DIR:-.datalake/inbox}
echo "== dropping sample files into $inbox/<topic>/ (SEED_SAMPLES=false to skip)"
node tools/sample-data/generate.js --demo --out "$inbox" | sed 's/^/   /'
