#!/bin/sh
# The official mariadb image's entrypoint contract, in POSIX sh, on the first start (no
# /var/lib/mysql/mysql yet) only: MARIADB_ROOT_PASSWORD (or MARIADB_ALLOW_EMPTY_ROOT_PASSWORD,
# MARIADB_RANDOM_ROOT_PASSWORD) for root@localhost and root@'%', MARIADB_DATABASE, MARIADB_USER
# and MARIADB_PASSWORD (all with GRANT ALL on that database), each also as MYSQL_*, then
# /docker-entrypoint-initdb.d/*.sql|*.sh.
set -eu

if [ "${1#-}" != "$1" ]; then
  set -- mariadbd "$@"
fi
if [ "$1" != mariadbd ] && [ "$1" != mysqld ]; then
  exec "$@"
fi

datadir=/var/lib/mysql
if [ "$(id -u)" = 0 ]; then
  chown mysql:mysql "$datadir"
  exec setpriv --reuid=mysql --regid=mysql --init-groups "$0" "$@"
fi

# $1 as the inside of a '...' SQL string literal.
sql_string() {
  printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/\\\\'/g"
}

if [ ! -d "$datadir/mysql" ]; then
  root_password=${MARIADB_ROOT_PASSWORD:-${MYSQL_ROOT_PASSWORD:-}}
  database=${MARIADB_DATABASE:-${MYSQL_DATABASE:-}}
  user=${MARIADB_USER:-${MYSQL_USER:-}}
  password=${MARIADB_PASSWORD:-${MYSQL_PASSWORD:-}}
  if [ -n "${MARIADB_RANDOM_ROOT_PASSWORD:-${MYSQL_RANDOM_ROOT_PASSWORD:-}}" ]; then
    root_password=$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 32)
    echo "GENERATED ROOT PASSWORD: $root_password"
  elif [ -z "$root_password" ] && [ -z "${MARIADB_ALLOW_EMPTY_ROOT_PASSWORD:-${MYSQL_ALLOW_EMPTY_PASSWORD:-}}" ]; then
    echo 'error: database is uninitialized and password option is not specified: set MARIADB_ROOT_PASSWORD, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD or MARIADB_RANDOM_ROOT_PASSWORD' >&2
    exit 1
  fi
  if [ -n "$user" ] && { [ -z "$password" ] || [ "$user" = root ]; }; then
    echo 'error: MARIADB_USER needs MARIADB_PASSWORD, and cannot be root' >&2
    exit 1
  fi

  mariadb-install-db --datadir="$datadir" --auth-root-authentication-method=normal --skip-test-db \
    --skip-name-resolve --cross-bootstrap --old-mode=UTF8_IS_UTF8MB3 >/dev/null
  # Without networking while initialising, as in the official image: clients over TCP wait.
  "$@" --skip-networking --skip-log-bin &
  pid=$!
  i=0
  until mariadb-admin --user=root --protocol=socket ping >/dev/null 2>&1; do
    i=$((i + 1))
    if [ "$i" -ge 60 ] || ! kill -0 "$pid" 2>/dev/null; then
      echo 'error: the server did not start for initialisation' >&2
      exit 1
    fi
    sleep 0.5
  done

  pw=$(sql_string "$root_password")
  {
    echo "DROP USER IF EXISTS root@'127.0.0.1', root@'::1';"
    echo "SET PASSWORD FOR 'root'@'localhost' = PASSWORD('$pw');"
    echo "CREATE USER 'root'@'%' IDENTIFIED BY '$pw';"
    echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
    echo "GRANT PROXY ON ''@'%' TO 'root'@'%' WITH GRANT OPTION;"
    if [ -n "$database" ]; then
      # shellcheck disable=SC2016 # backquotes doubled, not a command substitution
      db=$(printf '%s' "$database" | sed 's/`/``/g')
      echo "CREATE DATABASE IF NOT EXISTS \`$db\`;"
    fi
    if [ -n "$user" ]; then
      echo "CREATE USER '$(sql_string "$user")'@'%' IDENTIFIED BY '$(sql_string "$password")';"
      if [ -n "$database" ]; then
        echo "GRANT ALL ON \`$db\`.* TO '$(sql_string "$user")'@'%';"
      fi
    fi
  } | mariadb --user=root --protocol=socket --binary-mode --database=mysql

  export MYSQL_PWD="$root_password"
  for f in /docker-entrypoint-initdb.d/*; do
    # shellcheck source=/dev/null # the image's user provides them
    case $f in
      *.sh) echo "$0: running $f" && . "$f" ;;
      *.sql) echo "$0: running $f" && mariadb --user=root --protocol=socket ${database:+"--database=$database"} <"$f" ;;
    esac
  done
  unset MYSQL_PWD
  kill "$pid"
  wait "$pid"
  echo 'MariaDB init process done. Ready for start up.'
fi

exec "$@"
