#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the browser e2e tests (playwright-core drives
# /usr/bin/chromium; `npx playwright install` cannot download browsers here).
set -euo pipefail

ZP_COMPONENT=chromium
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
zp_require_root "$@"

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  action=reused
else
  zp_apt_install chromium
  action=installed
fi

# Running --version proves the binary and its libraries load. Debian's wrapper script prints
# shell noise on stderr on some machines: keep stdout's "Chromium x.y.z built on ..." only.
version_output=$("$CHROMIUM" --version 2>/dev/null || true)
version=$(printf '%s\n' "$version_output" | sed -n 's/^\(Chromium [0-9.]*\).*/\1/p')
[ -n "$version" ] || zp_die "$CHROMIUM does not run (try: $CHROMIUM --version)"
zp_done "$action $version at $CHROMIUM"
