#!/usr/bin/env bash
# Installs the Node dependencies when node_modules is missing or older than package-lock.json.
set -euo pipefail
ZP_COMPONENT=node
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

required=20.19.0
current=$(node -p 'process.versions.node' 2>/dev/null) || zp_die "Node.js is not installed: install Node.js $required or newer (e.g. apt-get install nodejs from NodeSource, or nvm)"
if [ "$(printf '%s\n%s\n' "$required" "$current" | sort -V | head -n1)" != "$required" ]; then
  zp_die "Node.js $current is too old: Zpanel needs $required or newer"
fi

# npm records the installed tree in node_modules/.package-lock.json; compare it with the lockfile.
stamp=node_modules/.zpanel-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -d node_modules ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  zp_done "dependencies up to date (node $current)"
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>"${TMPDIR:-/tmp}/zpanel-npm-ci.log" ||
  zp_die "npm ci failed (see ${TMPDIR:-/tmp}/zpanel-npm-ci.log)"
echo "$want" >"$stamp"
zp_done "installed dependencies with npm ci (node $current)"
