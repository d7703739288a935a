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
# A fresh log per run: a fixed name in /tmp left by another user (say root) could not be written.
log=$(mktemp "${TMPDIR:-/tmp}/zpanel-npm-ci.XXXXXX")
ci() { npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>"$log"; }
have_build_tools() { command -v python3 && command -v make && command -v g++; } >/dev/null
how="with npm ci"
if ! ci; then
  # A native module without a prebuilt binary that loads on this Node (or this CPU) is compiled by
  # node-gyp, which needs python3, make and g++: none of them is on a fresh machine.
  if grep -q 'gyp ERR!' "$log" && ! have_build_tools; then
    bash "$(dirname "${BASH_SOURCE[0]}")/ensure-build-tools.sh" || exit 1
    ci || zp_die "npm ci failed (see $log)"
    how="with npm ci, compiling native modules"
  else
    zp_die "npm ci failed (see $log)"
  fi
fi
rm -f "$log"
echo "$want" >"$stamp"
zp_done "installed dependencies $how (node $current)"
