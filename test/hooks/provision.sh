#!/usr/bin/env bash
# Provisions what the pre-commit framework suite (test/hooks/*.hooks.ts) needs, idempotently: Debian's `pre-commit`
# package, installed with apt-get only when no `pre-commit` is on the PATH (as test/e2e/provision.sh does for the
# real-editor suite). `npm test` does not need it: it needs Node, npm, git and Debian's essential util-linux
# (`script`, `setpriv`), and root for the test that runs the server as another user.
set -euo pipefail

log() { printf '[provision] %s\n' "$*" >&2; }

if command -v pre-commit >/dev/null; then
  log "pre-commit present: $(pre-commit --version)"
  exit 0
fi
log "installing Debian's pre-commit"
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -q >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends pre-commit >&2
command -v pre-commit >/dev/null || { log "no pre-commit on the PATH after the install"; exit 1; }
log "pre-commit installed: $(pre-commit --version)"
