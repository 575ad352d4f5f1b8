#!/usr/bin/env bash
# Installs every tool the tests and the demo use into the git-ignored .tools/ folder.
# Idempotent: a tool whose pinned inputs have not changed is not installed again.
#
#   scripts/install-tools.sh            # all tools
#   scripts/install-tools.sh anvil      # only some: anvil solc ssv-keys ethstaker cargo-deny promtool
#   scripts/install-tools.sh prometheus # not in "all": the Prometheus server, for the dashboard picture
#
# Afterwards `source <(scripts/tool-env.sh)` exports the paths tests read (ANVIL_BIN, ...).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
mkdir -p "$tools"

log() { printf '[install-tools] %s\n' "$*" >&2; }

# Re-run an install only when the files it is pinned by change.
stamp_ok() { # dir, files...
  local dir="$1"; shift
  [[ -f "$dir/.stamp" ]] && [[ "$(cat "$@" | sha256sum)" == "$(cat "$dir/.stamp")" ]]
}
stamp_write() { local dir="$1"; shift; cat "$@" | sha256sum >"$dir/.stamp"; }

npm_pkg() { # name of a folder under tools/ holding package.json + package-lock.json
  local name="$1" src="$root/tools/$1" dst="$tools/$1"
  if stamp_ok "$dst" "$src/package.json" "$src/package-lock.json"; then
    log "$name: up to date"; return
  fi
  log "$name: npm ci (pinned by tools/$name/package-lock.json)"
  rm -rf "$dst"; mkdir -p "$dst"
  cp "$src/package.json" "$src/package-lock.json" "$dst/"
  (cd "$dst" && npm ci --no-audit --no-fund --loglevel=error >&2)
  stamp_write "$dst" "$src/package.json" "$src/package-lock.json"
}

install_ethstaker() {
  local dst="$tools/python" req="$root/tools/python/requirements.txt"
  if stamp_ok "$dst" "$req" && [[ -x "$dst/bin/python" ]]; then
    log "ethstaker-deposit: up to date"; return
  fi
  log "ethstaker-deposit: python venv (pinned by tools/python/requirements.txt)"
  rm -rf "$dst"
  python3 -m venv "$dst"
  "$dst/bin/pip" install --quiet --disable-pip-version-check -r "$req" >&2
  stamp_write "$dst" "$req"
}

CARGO_DENY_VERSION=0.20.2
install_cargo_deny() {
  local dst="$tools/cargo"
  if [[ -x "$dst/bin/cargo-deny" ]] && "$dst/bin/cargo-deny" --version | grep -q "$CARGO_DENY_VERSION"; then
    log "cargo-deny: up to date"; return
  fi
  log "cargo-deny $CARGO_DENY_VERSION: cargo install (about 3 minutes on 2 cores)"
  cargo install --quiet --locked --root "$dst" cargo-deny --version "$CARGO_DENY_VERSION" >&2
}

# promtool (alert rules) from Debian's `prometheus` package, unpacked into .tools/ (nothing is
# installed system-wide and no Prometheus service is started). The `prometheus` tool keeps the
# package's server binary too; only scripts/dashboard-picture.sh runs it, never the tests.
PROMETHEUS_DEB=prometheus
install_prometheus_deb() { # the binary that must be there afterwards: promtool or prometheus
  local dst="$tools/prometheus" want="$1"
  if [[ -x "$dst/usr/bin/$want" ]]; then
    log "$want: up to date ($("$dst/usr/bin/$want" --version 2>&1 | head -1))"; return
  fi
  log "$want: Debian's $PROMETHEUS_DEB package, unpacked into .tools/prometheus"
  local tmp; tmp="$(mktemp -d)"
  if ! (cd "$tmp" && apt-get download "$PROMETHEUS_DEB" >/dev/null 2>&1); then
    log "$want: refreshing the package lists (apt-get update)"
    apt-get update -qq >&2
    (cd "$tmp" && apt-get download "$PROMETHEUS_DEB" >/dev/null 2>&1)
  fi
  rm -rf "$dst"; mkdir -p "$dst"
  dpkg-deb -x "$tmp"/"$PROMETHEUS_DEB"_*.deb "$dst"
  rm -rf "$tmp"
  [[ "$want" == prometheus ]] || rm -f "$dst/usr/bin/prometheus"
}

want=("$@")
[[ ${#want[@]} -eq 0 ]] && want=(anvil solc ssv-keys ethstaker cargo-deny promtool)
done_npm=0
for t in "${want[@]}"; do
  case "$t" in
    anvil|solc) [[ $done_npm == 1 ]] || { npm_pkg npm; done_npm=1; } ;;
    ssv-keys) npm_pkg ssv-keys ;;
    ethstaker) install_ethstaker ;;
    cargo-deny) install_cargo_deny ;;
    promtool) install_prometheus_deb promtool ;;
    prometheus) install_prometheus_deb prometheus ;;
    *) echo "unknown tool: $t (known: anvil solc ssv-keys ethstaker cargo-deny promtool prometheus)" >&2; exit 2 ;;
  esac
done
log "done"
