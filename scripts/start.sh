#!/usr/bin/env bash
# npm start: brings Zpanel up on this machine and serves the UI and API on one port.
# Installs Node dependencies, makes sure PostgreSQL and Redis answer (installing and starting the
# local ones when DATABASE_URL / REDIS_URL are not given), generates the instance key on first
# run, builds, migrates, then runs the API and the worker under scripts/supervise.mjs until Ctrl-C.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup/all.sh

port=$(node scripts/setup/env-file.mjs get PORT); port=${port:-3000}
url="http://localhost:$port"
# curl is not on every fresh machine; node is.
healthy() { node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(1500) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$url/api/health"; }
if healthy; then
  echo "zpanel: already running at $url"
  exit 0
fi

# A fresh log per run: a fixed name in /tmp left by another user (say root) could not be written.
build_log=$(mktemp "${TMPDIR:-/tmp}/zpanel-build.XXXXXX")
npx nx run-many -t build --output-style=static >"$build_log" 2>&1 || { cat "$build_log" >&2; echo "zpanel: build failed (log: $build_log)" >&2; exit 1; }
rm -f "$build_log"
echo "build: api, worker and web built"
node --env-file=.env scripts/migrate.mjs

# The supervisor runs the API and the worker, starts a crashed one again alone, and stops both on
# SIGINT/SIGTERM. exec: npm forwards its signals to this process, which must be the supervisor.
exec node scripts/supervise.mjs
