#!/usr/bin/env bash
# Installs what node-gyp needs to compile a native Node module (python3, make, g++). Run by
# ensure-node-deps.sh only when npm ci failed for want of them.
set -euo pipefail
ZP_COMPONENT=build-tools
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

command -v apt-get >/dev/null 2>&1 ||
  zp_die "a native module must be compiled: install python3, make and a C++ compiler (g++), then run again"
zp_require_root "$@"
zp_apt_install python3 make g++
zp_done "installed python3, make and g++ (node-gyp compiles a native module that has no usable prebuilt binary)"
