#!/usr/bin/env bash
# Makes sure the `zstd` command is installed: the worker compresses and decompresses backups with it
# (Node 20 has no zstd of its own; libs/server/core/src/backups/zstd-process.ts).
set -euo pipefail
ZP_COMPONENT=zstd
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

if command -v zstd >/dev/null 2>&1; then
  zp_done "zstd present"
  exit 0
fi
command -v apt-get >/dev/null 2>&1 || zp_die "the worker needs the zstd command for backups: install zstd, then run again"
zp_require_root "$@"
zp_apt_install zstd
zp_done "installed zstd"
