#!/usr/bin/env bash
# npm test: prepares what the tests need on this machine (Node dependencies, PostgreSQL, Redis,
# the Docker Engine, the test sshd, local base images, Chromium), reusing whatever already runs,
# then runs every level: typecheck, lint, build, web unit, unit, integration, API e2e, browser e2e.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup/all.sh
bash scripts/test-env/all.sh

# Tests create and drop their own databases with the zpanel role (CREATEDB), and use Redis keys
# under a per-run prefix; they never touch the zpanel database itself.
TEST_DATABASE_ADMIN_URL=$(node scripts/setup/env-file.mjs get DATABASE_URL)
REDIS_URL=$(node scripts/setup/env-file.mjs get REDIS_URL)
export TEST_DATABASE_ADMIN_URL REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
exec node scripts/run-tests.mjs "$@"
