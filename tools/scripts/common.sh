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

# The console's browser tests drive Debian's Chromium (playwright-core downloads no browser):
# installs the `chromium` package when /usr/bin/chromium is missing (as root, or with sudo).
ensure_chromium() {
  [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] && return 0
  echo "== installing Debian's chromium (browser tests of the console)"
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo -n"; else sudo=none; fi
  fi
  if [ "$sudo" != none ] && command -v apt-get >/dev/null 2>&1; then
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
  fi
  if [ ! -x /usr/bin/chromium ]; then
    echo "Chromium is missing: install it with \`sudo apt-get install -y chromium\` (Debian/Ubuntu) or set CHROMIUM_PATH." >&2
    return 1
  fi
}
