#!/usr/bin/env bash
# Prepares everything the integration and e2e tests need on this machine, in dependency order:
# the Docker Engine, the test sshd that reaches it, the local base and database engine images,
# Chromium.
# Stops at the first step that fails (its own message says why).
set -euo pipefail

ZP_COMPONENT=test-env
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# Become root once here, so that sudo asks at most once for all the steps.
zp_require_root "$@"

dir=$(dirname "${BASH_SOURCE[0]}")
for step in ensure-docker ensure-test-sshd ensure-base-images ensure-engine-images ensure-chromium; do
  bash "$dir/$step.sh" || zp_die "stopped: $step.sh failed"
done
zp_done "ready (env in $ZP_STATE_DIR/env)"
