#!/usr/bin/env bash
# Makes sure Redis answers at REDIS_URL (environment or .env), or at 127.0.0.1:6379, installing
# redis-server from apt and starting it when absent.
set -euo pipefail
ZP_COMPONENT=redis
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

url=$(node "$root/scripts/setup/env-file.mjs" get REDIS_URL)
if [ -n "$url" ]; then
  reason=$(node "$root/scripts/setup/check-services.mjs" redis "$url" REDIS_URL 2>&1) || zp_die "$reason"
  zp_done "using REDIS_URL"
  exit 0
fi
local_url=redis://127.0.0.1:6379
if node "$root/scripts/setup/check-services.mjs" redis "$local_url" 2>/dev/null; then
  zp_done "reused local server"
  exit 0
fi
zp_require_root "$@"
action="started local server"
if ! command -v redis-server >/dev/null 2>&1; then
  zp_apt_install redis-server
  action="installed and started redis-server"
fi
mkdir -p /var/lib/redis /var/log/redis
# Queued work lives here between API and worker: keep an append-only file so a restart keeps it.
redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --dir /var/lib/redis \
  --appendonly yes --logfile /var/log/redis/zpanel-redis.log >/dev/null
for _ in $(seq 1 40); do
  node "$root/scripts/setup/check-services.mjs" redis "$local_url" 2>/dev/null && break
  sleep 0.25
done
reason=$(node "$root/scripts/setup/check-services.mjs" redis "$local_url" 2>&1) ||
  zp_die "redis-server did not start ($reason; see /var/log/redis/zpanel-redis.log)"
zp_done "$action"
