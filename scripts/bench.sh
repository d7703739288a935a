#!/usr/bin/env bash
# npm run bench: measured figures beside a baseline measured in the same run (never pass/fail on
# speed). Needs the test server: the same setup as npm test.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup/ensure-node-deps.sh
bash scripts/test-env/ensure-docker.sh
bash scripts/test-env/ensure-test-sshd.sh
npx nx run worker:build --output-style=static >/dev/null
for bench in bench/*.bench.mjs; do
  echo
  echo "=== $bench"
  node "$bench"
done
