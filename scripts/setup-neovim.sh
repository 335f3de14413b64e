#!/usr/bin/env bash
# Provides the Neovim builds the LSP suite in test/neovim drives (a real editor that is not VS Code), idempotently:
# Debian's own packages of another suite, unpacked with the libraries they need into a folder of their own. The
# system's apt state is not touched (a private apt state dir; no root needed), and only the Debian mirror the
# machine already uses is contacted.
#   trixie  -> Neovim 0.10.x (Debian stable)          sid -> Neovim 0.12.x (the newest Debian has)
# Debian bookworm's own neovim package is 0.7.2, older than the oldest version the README supports (0.8).
# Usage: scripts/setup-neovim.sh [SUITE...]          (default: trixie sid)
# Env:   NEOVIM_DIR   where the builds go (default <repo>/.neovim, gitignored): NEOVIM_DIR/<suite>/nvim
# Prints one line per suite: <suite> <path of the nvim wrapper> <version>
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NEOVIM_DIR="${NEOVIM_DIR:-$repo_root/.neovim}"
suites=("$@")
[ "${#suites[@]}" -gt 0 ] || suites=(trixie sid)

log() { printf '[setup-neovim] %s\n' "$*" >&2; }

mirror() {
  # The first Debian archive in the machine's apt sources (deb822 `URIs:` or one-line `deb URL suite`).
  local files=(/etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list)
  local url
  url="$(grep -h -E '^[[:space:]]*(URIs:|deb[[:space:]])' "${files[@]}" 2>/dev/null | grep -v -- '-security' | head -1 |
    sed -E 's/^[[:space:]]*URIs:[[:space:]]*//; s/^[[:space:]]*deb[[:space:]]+(\[[^]]*\][[:space:]]+)?//' | awk '{print $1}')" || true
  [ -n "$url" ] || { log "error: no Debian mirror in the apt sources"; exit 1; }
  echo "$url"
}

install_suite() {
  local suite=$1 dir="$NEOVIM_DIR/$1"
  local wrapper="$dir/nvim"
  if [ -x "$wrapper" ] && "$wrapper" --version >/dev/null 2>&1; then
    log "Neovim from Debian $suite already in $dir"
    echo "$suite $wrapper $("$wrapper" --version | head -1)"
    return
  fi
  local start; start=$(date +%s)
  log "installing Neovim from Debian $suite into $dir (about 10 s)"
  rm -rf "$dir"
  mkdir -p "$dir/apt/lists/partial" "$dir/apt/archives/partial" "$dir/root"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(mirror) $suite main" >"$dir/apt/sources.list"
  : >"$dir/apt/status"
  local apt=(-o "Dir::Etc::sourcelist=$dir/apt/sources.list" -o Dir::Etc::sourceparts=/nonexistent
    -o "Dir::State=$dir/apt" -o "Dir::State::status=$dir/apt/status" -o "Dir::Cache=$dir/apt"
    -o Debug::NoLocking=1 -o "APT::Architecture=$(dpkg --print-architecture)")
  apt-get "${apt[@]}" update -qq
  # Neovim, its runtime and every library it links, resolved by apt against an empty "installed" list; the suite's
  # libc (and its loader) comes along, so the binary runs with the libraries it was built against.
  local pkgs
  pkgs="$(apt-cache "${apt[@]}" depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
    --no-replaces --no-enhances neovim | grep -E '^[a-z0-9]' | grep -v -E '^(debconf|perl|dpkg|tar|gcc-.*-base|libgcc-s1-compat)' | sort -u)"
  (cd "$dir/apt/archives" && apt-get "${apt[@]}" download $pkgs >/dev/null 2>&1 || apt-get "${apt[@]}" download $pkgs >&2)
  for deb in "$dir"/apt/archives/*.deb; do dpkg-deb -x "$deb" "$dir/root"; done
  local arch_triplet; arch_triplet="$(uname -m)-linux-gnu"
  local loader; loader="$(cd "$dir/root" && ls usr/lib/"$arch_triplet"/ld-linux*.so.* lib/"$arch_triplet"/ld-linux*.so.* 2>/dev/null | head -1 || true)"
  [ -n "$loader" ] || { log "error: no dynamic loader unpacked for $suite"; exit 1; }
  cat >"$wrapper" <<EOF
#!/bin/sh
# Neovim from Debian $suite, run with its own libraries (written by scripts/setup-neovim.sh).
R='$dir/root'
export VIMRUNTIME="\$R/usr/share/nvim/runtime"
export LUA_CPATH="\$R/usr/lib/$arch_triplet/lua/5.1/?.so;;"
exec "\$R/$loader" --library-path "\$R/usr/lib/$arch_triplet:\$R/lib/$arch_triplet" "\$R/usr/bin/nvim" --cmd "set rtp+=\$R/usr/lib/nvim" "\$@"
EOF
  chmod +x "$wrapper"
  rm -rf "$dir/apt/archives" "$dir/apt/lists"
  "$wrapper" --version >/dev/null || { log "error: the unpacked Neovim from $suite does not start"; exit 1; }
  log "  $("$wrapper" --version | head -1) in $(($(date +%s) - start)) s"
  echo "$suite $wrapper $("$wrapper" --version | head -1)"
}

for s in "${suites[@]}"; do install_suite "$s"; done
