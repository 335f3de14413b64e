#!/usr/bin/env bash
# Installs what the real-VS-Code tests (test/ui, test/exthost) need, idempotently:
#   1. Debian packages: chromium (driven by playwright-core), ripgrep, and the toolchain code-server's native
#      modules build with (libkrb5-dev build-essential python3 pkg-config). `apt-get update` runs at most once,
#      and only when something is missing.
#   2. A fake "cached download" of ripgrep for @vscode/ripgrep's postinstall (it would otherwise fetch from GitHub,
#      which is unreachable here): Debian's rg packed as the tarball the postinstall looks for in os.tmpdir().
#   3. code-server@4.100.3 (exact: the newest whose engines.node admits Node 20) installed with npm into a folder
#      of its own, $CODE_SERVER_DIR (default <repo>/.code-server, gitignored), skipped when already there.
# Usage: scripts/setup-code-server.sh            (as root, or as a user with sudo for the apt step)
# Env:   CODE_SERVER_DIR     where code-server goes (default <repo>/.code-server)
#        CODE_SERVER_VERSION override the pinned version (default 4.100.3; do not raise it on Node 20)
#        SKIP_APT=1          do not touch apt (packages provided some other way)
# Prints the binary path on the last line: <dir>/node_modules/.bin/code-server
set -euo pipefail

script_start=$(date +%s)
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.100.3}"
CODE_SERVER_DIR="${CODE_SERVER_DIR:-$repo_root/.code-server}"
# @vscode/ripgrep as pinned by code-server 4.100.3's VS Code (1.100.3): its postinstall wants this file.
RG_PKG_VERSION="1.15.11"
RG_RELEASE="v13.0.0-10"

log() { printf '[setup-code-server] %s\n' "$*" >&2; }
step_start=0
step() { step_start=$(date +%s); log "$*"; }
step_done() { log "  done in $(( $(date +%s) - step_start )) s"; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
fi

# ---------------------------------------------------------------------------------------------------------- apt
# fonts-dejavu-core: without any font, screenshots show no text (chromium only recommends fonts).
apt_packages=(chromium fonts-dejavu-core libkrb5-dev build-essential python3 pkg-config ripgrep)
if [ "${SKIP_APT:-0}" != "1" ]; then
  step "checking Debian packages: ${apt_packages[*]}"
  missing=()
  for p in "${apt_packages[@]}"; do
    status="$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)"
    [ "$status" = "installed" ] || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    log "  installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # `apt-get update` once, and only when the package lists cannot find what we need.
    if ! $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
      log "  apt-get update"
      $SUDO apt-get update -q >/dev/null
      $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
    fi
  else
    log "  all present"
  fi
  step_done
fi
for cmd in rg chromium node npm; do
  command -v "$cmd" >/dev/null 2>&1 || { log "error: '$cmd' not found on PATH"; exit 1; }
done
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then log "error: Node >= 20 needed, found $(node -v)"; exit 1; fi

# ------------------------------------------------------------------------------------------------ ripgrep cache
case "$(uname -m)" in
  x86_64) rg_target="x86_64-unknown-linux-musl" ;;
  aarch64 | arm64) rg_target="aarch64-unknown-linux-musl" ;;
  *) log "error: unsupported architecture $(uname -m)"; exit 1 ;;
esac
rg_cache_dir="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-$RG_PKG_VERSION"
rg_tarball="$rg_cache_dir/ripgrep-$RG_RELEASE-$rg_target.tar.gz"

# ---------------------------------------------------------------------------------------------- code-server
bin="$CODE_SERVER_DIR/node_modules/.bin/code-server"
pkg_json="$CODE_SERVER_DIR/node_modules/code-server/package.json"
marker="$CODE_SERVER_DIR/.installed-$CODE_SERVER_VERSION"
installed_version=""
if [ -f "$pkg_json" ]; then installed_version="$(node -p "require('$pkg_json').version" 2>/dev/null || true)"; fi

if [ "$installed_version" = "$CODE_SERVER_VERSION" ] && [ -f "$marker" ] && [ -x "$bin" ]; then
  log "code-server $CODE_SERVER_VERSION already installed in $CODE_SERVER_DIR"
else
  step "packing Debian's rg as $rg_tarball"
  if [ ! -s "$rg_tarball" ]; then
    mkdir -p "$rg_cache_dir"
    tmp="$(mktemp -d)"
    cp "$(command -v rg)" "$tmp/rg"
    tar -czf "$rg_tarball.tmp" -C "$tmp" rg
    mv "$rg_tarball.tmp" "$rg_tarball"
    rm -rf "$tmp"
  fi
  step_done

  step "installing code-server@$CODE_SERVER_VERSION into $CODE_SERVER_DIR (about a minute on 2 cores)"
  mkdir -p "$CODE_SERVER_DIR"
  rm -f "$CODE_SERVER_DIR"/.installed-*
  if [ ! -f "$CODE_SERVER_DIR/package.json" ]; then
    printf '{\n  "name": "kraken-import-code-server",\n  "private": true,\n  "description": "code-server for the real-VS-Code tests; installed by scripts/setup-code-server.sh"\n}\n' \
      >"$CODE_SERVER_DIR/package.json"
  fi
  (
    cd "$CODE_SERVER_DIR"
    # unsafe_perm: code-server's postinstall refuses to run as root otherwise.
    # yes: node-pty's postinstall runs `npx node-gyp`, and this machine's npmrc says yes=false.
    # nodedir: Node's headers are in /usr/include/node; node-gyp must not try to download them.
    export npm_config_unsafe_perm=true npm_config_yes=true npm_config_nodedir=/usr
    export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
    npm install --save-exact --loglevel=error "code-server@$CODE_SERVER_VERSION" >&2
  )
  installed_version="$(node -p "require('$pkg_json').version")"
  if [ "$installed_version" != "$CODE_SERVER_VERSION" ]; then
    log "error: installed code-server is $installed_version, wanted $CODE_SERVER_VERSION"; exit 1
  fi
  [ -x "$bin" ] || { log "error: $bin missing after install"; exit 1; }
  step_done
  step "checking the install"
  # Scratch HOME/XDG dirs: otherwise code-server writes ~/.config/code-server/config.yaml even for --version.
  scratch="$(mktemp -d)"
  HOME="$scratch" XDG_CONFIG_HOME="$scratch/config" XDG_DATA_HOME="$scratch/data" "$bin" --version >&2
  rm -rf "$scratch"
  # @vscode/ripgrep must have unpacked our rg, or search in the workbench will fail.
  if ! find "$CODE_SERVER_DIR/node_modules/code-server/lib/vscode" -path '*@vscode/ripgrep/bin/rg' -type f | grep -q .; then
    log "error: @vscode/ripgrep/bin/rg not found: the ripgrep postinstall did not use the cache"; exit 1
  fi
  touch "$marker"
  step_done
fi

log "ready in $(( $(date +%s) - script_start )) s"
echo "$bin"
