#!/usr/bin/env bash
# Makes sure a Docker Engine answers on this machine for the integration and e2e tests.
# Reuses a running engine; otherwise installs docker.io if needed and starts dockerd by hand,
# because CI machines have no systemd (and often no init system at all).
set -euo pipefail

ZP_COMPONENT=docker
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
zp_require_root "$@"

DOCKERD_LOG=/var/log/zpanel-dockerd.log
DOCKERD_PIDFILE=/var/run/docker.pid
WAIT_SECONDS=60

engine_version() {
  docker version --format '{{.Server.Version}}' 2>/dev/null || echo unknown
}

# PID from dockerd's pid file when that process is still a dockerd.
running_dockerd_pid() {
  local pid
  pid=$(cat "$DOCKERD_PIDFILE" 2>/dev/null || true)
  if [ -n "$pid" ] && [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$(command -v dockerd)" ]; then
    echo "$pid"
  fi
}

if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  zp_done "reused running engine $(engine_version)"
  exit 0
fi

action=""
if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
  # iptables is what dockerd uses to set up bridge networking; name it in case the engine
  # package ever stops pulling it in.
  zp_apt_install docker.io iptables
  action="installed docker.io and "
fi

if [ -n "$(running_dockerd_pid)" ]; then
  # A dockerd is already starting (or the package's init script started one): wait for it
  # rather than start a second engine on the same socket.
  action="${action}waited for the running dockerd"
else
  # setsid detaches dockerd from our session and terminal, nohup from hang-ups, so it keeps
  # running after this script and its caller exit.
  setsid nohup dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null &
  action="${action}started dockerd"
fi

deadline=$((SECONDS + WAIT_SECONDS))
until docker info >/dev/null 2>&1; do
  # Fail fast when dockerd died instead of waiting the whole minute; allow a few seconds for
  # it to write its pid file first.
  if [ $((SECONDS + WAIT_SECONDS - deadline)) -ge 5 ] && [ -z "$(running_dockerd_pid)" ]; then
    zp_die "dockerd exited: $(tail -n 1 "$DOCKERD_LOG" 2>/dev/null) (see $DOCKERD_LOG)"
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    zp_die "dockerd did not answer within ${WAIT_SECONDS} s (see $DOCKERD_LOG)"
  fi
  sleep 0.5
done

zp_done "$action: engine $(engine_version), log in $DOCKERD_LOG"
