#!/usr/bin/env bash
# What `npm test` needs besides node_modules, provided before it runs (the `pretest` script), idempotently: each
# step checks what is there and says what it does. On a fresh clone this is the one-time setup (about 6 minutes on
# 2 cores, most of it code-server's npm install); afterwards a few seconds.
#   - code-server 4.100.3 + Debian's chromium, for the real-VS-Code suites (test/ui, test/exthost):
#     scripts/setup-code-server.sh (its apt step needs root or sudo);
#   - Neovim 0.10 and 0.12 from Debian, for the LSP suite with a real non-VS Code client (test/neovim):
#     scripts/setup-neovim.sh (no root needed).
# Env: SKIP_PROVISION=1 skips it all (tools provided some other way: CODE_SERVER_DIR/CODE_SERVER_BIN, NEOVIM_DIR).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
log() { printf '[provision] %s\n' "$*" >&2; }
if [ "${SKIP_PROVISION:-0}" = "1" ]; then log "SKIP_PROVISION=1: not checking code-server, chromium or Neovim"; exit 0; fi
start=$(date +%s)
log "checking what the test suites need: code-server and chromium (real VS Code), Neovim 0.10 and 0.12 (LSP)"
bash scripts/setup-code-server.sh >/dev/null
bash scripts/setup-neovim.sh trixie sid >/dev/null
log "ready in $(( $(date +%s) - start )) s"
