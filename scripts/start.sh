#!/usr/bin/env bash
# npm start: brings Zpanel up on this machine and serves the UI and API on one port.
# Installs Node dependencies, makes sure PostgreSQL and Redis answer (installing and starting the
# local ones when DATABASE_URL / REDIS_URL are not given), generates the instance key on first
# run, builds, migrates, then runs the API and the worker until Ctrl-C.
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

pids=()
stop() {
  # Ignore npm's own follow-up signal and a closed output pipe: dying here would orphan the children.
  trap '' INT TERM PIPE
  echo "zpanel: stopping (waiting for running jobs to finish)" 2>/dev/null || true
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  exit 0
}
trap stop INT TERM

# Each process gets its own session, so Ctrl-C reaches only this script, which then asks each
# process once to stop gracefully (a second signal would make them exit at once).
setsid node --enable-source-maps --env-file=.env dist/apps/api/apps/api/src/main.js &
pids+=($!)
setsid node --enable-source-maps --env-file=.env dist/apps/worker/apps/worker/src/main.js &
pids+=($!)

for _ in $(seq 1 100); do
  healthy && break
  kill -0 "${pids[0]}" 2>/dev/null || break
  sleep 0.2
done
if healthy; then
  echo "zpanel: ready at $url  (API docs: $url/api/docs; Ctrl-C stops)"
fi

# If either process dies, stop the other and report: a half-running Zpanel would look healthy.
set +e
wait -n "${pids[@]}"
status=$?
trap '' INT TERM PIPE
echo "zpanel: a process exited (status $status); stopping the rest" >&2 || true
kill -TERM "${pids[@]}" 2>/dev/null
wait "${pids[@]}" 2>/dev/null
exit "$status"
