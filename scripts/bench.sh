#!/usr/bin/env bash
# npm run bench: measured figures beside a baseline measured in the same run (never pass/fail on
# speed). Needs the test server: the same setup as npm test.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup/all.sh
bash scripts/test-env/ensure-docker.sh
bash scripts/test-env/ensure-test-sshd.sh
bash scripts/test-env/ensure-base-images.sh
bash scripts/test-env/ensure-engine-images.sh
# The deployment bench runs a whole stack (API, worker, the web build it serves) and uses the test
# helpers (@zpanel/testing), compiled here since they are not part of an app's build.
npx nx run-many -t build -p api worker web --output-style=static >/dev/null
npx swc libs/server/testing/src libs/shared/contracts/src libs/server/core/src libs/server/database/src -d dist/bench --config-file .swcrc --quiet
TEST_DATABASE_ADMIN_URL=$(node scripts/setup/env-file.mjs get DATABASE_URL)
REDIS_URL=$(node scripts/setup/env-file.mjs get REDIS_URL)
export TEST_DATABASE_ADMIN_URL REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
for bench in bench/*.bench.mjs; do
  echo
  echo "=== $bench"
  node "$bench"
done
