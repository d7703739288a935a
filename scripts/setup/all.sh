#!/usr/bin/env bash
# What both `npm start` and `npm test` need first: Node dependencies, the local .env with an
# instance key, a reachable PostgreSQL with DATABASE_URL set, a reachable Redis, and the zstd
# command (backups).
set -euo pipefail
dir=$(dirname "${BASH_SOURCE[0]}")
bash "$dir/ensure-node-deps.sh"
node "$dir/env-file.mjs" ensure-secret
bash "$dir/ensure-postgres.sh"
bash "$dir/ensure-redis.sh"
bash "$dir/ensure-zstd.sh"
