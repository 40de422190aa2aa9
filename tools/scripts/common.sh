# Shared by start.sh and test.sh: repo root, Nx settings, dependency install.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
cd "$REPO_ROOT"
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false NX_INTERACTIVE=false NX_SKIP_NX_CACHE="${NX_SKIP_NX_CACHE:-false}"
export KAFKAJS_NO_PARTITIONER_WARNING=1

# Installs node_modules when missing or older than the lockfile.
ensure_node_modules() {
  local marker=node_modules/.package-lock.json
  if [ ! -f "$marker" ] || [ package-lock.json -nt "$marker" ]; then
    echo "== installing npm dependencies (npm ci)"
    # better-sqlite3 would otherwise try a prebuilt download from outside the registry first.
    npm_config_build_from_source=better-sqlite3 npm ci --no-audit --no-fund
  fi
}
