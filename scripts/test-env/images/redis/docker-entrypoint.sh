#!/bin/sh
# The official redis image's entrypoint contract, in POSIX sh: `redis-server` with the container's
# arguments (options alone, or a .conf file first, get redis-server put in front), run as redis,
# in /data.
set -eu

if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
  set -- redis-server "$@"
fi

if [ "$1" = redis-server ]; then
  if [ "$(id -u)" = 0 ]; then
    find . \! -user redis -exec chown redis '{}' +
    exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
  fi
  # The official build turns protected mode off by default (the port is only reachable through
  # Docker's networks); Debian's keeps it on. Pass it first, so that later arguments still win.
  shift
  if [ "${1:-}" != "" ] && [ "${1#-}" = "$1" ]; then
    conf=$1
    shift
    set -- redis-server "$conf" --protected-mode no "$@"
  else
    set -- redis-server --protected-mode no "$@"
  fi
  if [ "$(umask)" = 0022 ]; then
    umask 0077
  fi
fi

exec "$@"
