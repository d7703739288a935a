#!/usr/bin/env bash
# Makes sure Zpanel has a PostgreSQL database and DATABASE_URL points to it.
# DATABASE_URL given (environment or .env): only checked. Otherwise the local server is used,
# installed from apt and started when absent, with a `zpanel` role and database whose generated
# password is kept in /var/lib/zpanel/postgres.env so every checkout on this machine shares it,
# together with the instance key the database's secrets are sealed with (instance-key.env).
set -euo pipefail
ZP_COMPONENT=postgres
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
env_file() { node "$root/scripts/setup/env-file.mjs" "$@"; }

check() { node "$root/scripts/setup/check-services.mjs" postgres "$@"; }
# The URL this script writes for the local server (see the end of this file).
local_url_re='^postgres://zpanel:[0-9a-f]+@127\.0\.0\.1:5432/zpanel$'

url=$(env_file get DATABASE_URL)
if [ -n "$url" ]; then
  if reason=$(check "$url" DATABASE_URL 2>&1); then
    if [[ $url =~ $local_url_re ]]; then
      zp_done "reused local server; database zpanel ready"
    else
      zp_done "using DATABASE_URL"
    fi
    exit 0
  fi
  # Without systemd nothing restarts the local server after a reboot: when DATABASE_URL is the
  # one written below for it, start it again instead of giving up.
  [[ $url =~ $local_url_re ]] || zp_die "$reason"
fi

CREDENTIALS=/var/lib/zpanel/postgres.env
if [ -r "$CREDENTIALS" ] && [ "$(id -u)" -ne 0 ]; then
  url=$(sed -n 's/^DATABASE_URL=//p' "$CREDENTIALS")
  if check "$url" 2>/dev/null; then
    env_file set DATABASE_URL "$url"
    zp_done "using the local zpanel database"
    exit 0
  fi
fi
zp_require_root "$@"

accepting() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
action="reused local server"
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  zp_apt_install postgresql
  action="installed postgresql"
fi
if ! accepting; then
  version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n1)
  [ -n "$version" ] || zp_die "no PostgreSQL server binaries found under /usr/lib/postgresql"
  if [ ! -d "/etc/postgresql/$version/main" ]; then
    pg_createcluster "$version" main >>"$ZP_APT_LOG" 2>&1 || zp_die "could not create the PostgreSQL $version cluster"
  fi
  # No systemd on containers and CI: start the cluster directly.
  pg_ctlcluster --skip-systemctl-redirect "$version" main start >>"$ZP_APT_LOG" 2>&1 || true
  for _ in $(seq 1 60); do accepting && break; sleep 0.5; done
  accepting || zp_die "PostgreSQL $version did not start (see /var/log/postgresql/)"
  [ "$action" = "reused local server" ] && action="started local server"
fi

# From /: the postgres user cannot enter the checkout (e.g. under /root), and psql says so.
psql_admin() { (cd / && runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -tA "$@"); }
mkdir -p "$(dirname "$CREDENTIALS")"
password=$(sed -n 's/^ZPANEL_DB_PASSWORD=//p' "$CREDENTIALS" 2>/dev/null || true)
if [ -z "$password" ]; then
  password=$(node -e 'process.stdout.write(require("crypto").randomBytes(24).toString("hex"))')
fi
# The password is hex and the names fixed, so these statements carry no untrusted text.
if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = 'zpanel'")" != "1" ]; then
  psql_admin -c "CREATE ROLE zpanel LOGIN CREATEDB PASSWORD '$password'"
else
  psql_admin -c "ALTER ROLE zpanel LOGIN CREATEDB PASSWORD '$password'"
fi
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = 'zpanel'")" != "1" ]; then
  psql_admin -c "CREATE DATABASE zpanel OWNER zpanel"
fi
url="postgres://zpanel:$password@127.0.0.1:5432/zpanel"
umask 077
printf 'ZPANEL_DB_PASSWORD=%s\nDATABASE_URL=%s\n' "$password" "$url" >"$CREDENTIALS"
chmod 600 "$CREDENTIALS"
reason=$(check "$url" 2>&1) ||
  zp_die "the zpanel role cannot log in over TCP ($reason): check pg_hba.conf allows password (scram) logins from 127.0.0.1"
env_file set DATABASE_URL "$url"
# The instance key belongs with the database whose secrets it sealed: every checkout that uses this
# local database gets the same key, so a fresh clone (an upgrade) cannot make the stored secrets
# unreadable by generating a new one. The first checkout's key is recorded here.
KEYFILE=/var/lib/zpanel/instance-key.env
saved=$(sed -n 's/^ZPANEL_SECRET_KEY=//p' "$KEYFILE" 2>/dev/null || true)
if [ -n "$saved" ]; then
  env_file set ZPANEL_SECRET_KEY "$saved"
else
  printf 'ZPANEL_SECRET_KEY=%s\n' "$(env_file get ZPANEL_SECRET_KEY)" >"$KEYFILE"
  chmod 600 "$KEYFILE"
fi
zp_done "$action; database zpanel ready"
