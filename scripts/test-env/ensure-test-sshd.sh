#!/usr/bin/env bash
# Starts the test "server": a second sshd on 127.0.0.1:2222 that logs in as root with a
# generated key, so the tests reach the local Docker Engine over SSH exactly as Zpanel reaches
# a managed server. It has its own config, keys and pid file under /var/lib/zpanel-test/ssh and
# never touches the system's own sshd (port 22).
# Needs the engine from ensure-docker.sh for the final check.
set -euo pipefail

ZP_COMPONENT=sshd
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
zp_require_root "$@"

SSH_DIR=$ZP_STATE_DIR/ssh
HOST_KEY=$SSH_DIR/ssh_host_ed25519_key
CLIENT_KEY=$SSH_DIR/id_ed25519
AUTHORIZED_KEYS=$SSH_DIR/authorized_keys
SSHD_CONFIG=$SSH_DIR/sshd_config
PID_FILE=$SSH_DIR/sshd.pid
SSHD_LOG=$SSH_DIR/sshd.log
ENV_FILE=$ZP_STATE_DIR/env
SSHD=/usr/sbin/sshd
HOST=127.0.0.1
PORT=2222
# Tests log in as root: the harness runs as root, and Zpanel talks to the engine as root on a
# real server too.
LOGIN_USER=root

did=()

# Client side (ssh, ssh-keygen) and server side are separate packages; install only what is
# missing. Installing openssh-server may start the system sshd on port 22 on machines with an
# init system: that one is left alone, ours is separate.
missing=()
[ -x "$SSHD" ] || missing+=(openssh-server)
{ command -v ssh && command -v ssh-keygen; } >/dev/null 2>&1 || missing+=(openssh-client)
if [ "${#missing[@]}" -gt 0 ]; then
  zp_apt_install "${missing[@]}"
  did+=("installed ${missing[*]}")
fi

# sshd refuses to start without its privilege-separation directory, which only the package's
# init script would create (and /run is empty after a reboot).
mkdir -p /run/sshd
chmod 0755 /run/sshd
# 0755 so that a non-root caller (who ran us through sudo) can reach its copy of the client key.
mkdir -p "$SSH_DIR"
chmod 0755 "$ZP_STATE_DIR" "$SSH_DIR"

if [ ! -s "$HOST_KEY" ]; then
  rm -f "$HOST_KEY" "$HOST_KEY.pub"
  ssh-keygen -q -t ed25519 -N '' -C zpanel-test-host -f "$HOST_KEY"
  did+=("generated host key")
fi
if [ ! -s "$CLIENT_KEY" ] || [ ! -s "$CLIENT_KEY.pub" ]; then
  # Regenerate the pair together so the public half always matches the private one.
  rm -f "$CLIENT_KEY" "$CLIENT_KEY.pub"
  ssh-keygen -q -t ed25519 -N '' -C zpanel-test-client -f "$CLIENT_KEY"
  did+=("generated client key")
fi
# Under sudo, give the invoking user its key (ssh refuses a key it cannot read or that others can).
if [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ]; then
  chown "$SUDO_USER" "$CLIENT_KEY" "$CLIENT_KEY.pub"
fi

zp_write_if_changed "$AUTHORIZED_KEYS" 0600 <"$CLIENT_KEY.pub" || true

config_changed=0
# Absolute paths everywhere: sshd resolves relative ones against / once daemonized.
if zp_write_if_changed "$SSHD_CONFIG" 0644 <<CONFIG; then
# Written by scripts/test-env/ensure-test-sshd.sh; edits are overwritten.
# The Zpanel test "server": loopback only, key login only.
ListenAddress $HOST
Port $PORT
HostKey $HOST_KEY
AuthorizedKeysFile $AUTHORIZED_KEYS
PidFile $PID_FILE
# No PAM and no ownership checks: this is a throwaway test server whose files may live under /tmp.
UsePAM no
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
# Zpanel reaches the Docker socket through SSH forwarding (TCP and unix socket).
AllowTcpForwarding yes
AllowStreamLocalForwarding yes
# Tests open many connections at once; the defaults (10:30:100, 10 sessions) drop them.
MaxStartups 100:30:200
MaxSessions 100
ClientAliveInterval 30
PrintMotd no
LogLevel ERROR
Subsystem sftp internal-sftp
CONFIG
  config_changed=1
fi

zp_write_if_changed "$ENV_FILE" 0644 <<ENV || true
TEST_SSH_HOST=$HOST
TEST_SSH_PORT=$PORT
TEST_SSH_USER=$LOGIN_USER
TEST_SSH_KEY_PATH=$CLIENT_KEY
ENV

ssh_test() {
  # -F /dev/null: ignore the caller's ~/.ssh/config; LogLevel ERROR hides "Permanently added".
  ssh -F /dev/null -i "$CLIENT_KEY" -p "$PORT" -o BatchMode=yes -o IdentitiesOnly=yes \
    -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
    -o ConnectTimeout=5 "$LOGIN_USER@$HOST" "$@"
}

# PID from our pid file, only while that process is still an sshd started with our config:
# pids get reused, and a stale pid must never lead us to the system's own sshd.
our_sshd_pid() {
  local pid
  pid=$(cat "$PID_FILE" 2>/dev/null || true)
  if [ -n "$pid" ] && [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$SSHD" ] &&
    [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" == *" -f $SSHD_CONFIG"* ]]; then
    echo "$pid"
  fi
}

pid=$(our_sshd_pid)
if [ -n "$pid" ] && [ "$config_changed" -eq 0 ] && ssh_test true >/dev/null 2>&1; then
  did+=("reused test sshd on $HOST:$PORT (pid $pid)")
else
  if [ -n "$pid" ]; then
    # Ours (found through its own pid file) but stale config or not answering: replace it.
    kill "$pid" 2>/dev/null || true
    # Wait until it is gone or a zombie (no exe link): either way it has closed its port.
    for _ in $(seq 50); do
      [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$SSHD" ] || break
      sleep 0.1
    done
    [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" != "$SSHD" ] || zp_die "test sshd (pid $pid) did not stop"
    verb=restarted
  else
    verb=started
  fi
  rm -f "$PID_FILE"
  # -t checks the config first so a mistake shows as one clear line.
  err=$("$SSHD" -t -f "$SSHD_CONFIG" 2>&1) || zp_die "invalid $SSHD_CONFIG: ${err//$'\n'/ }"
  # sshd forks into the background before it binds its port, so a busy port does not show in
  # its exit code: -E keeps its errors in a log we can quote, and the wait below checks that
  # the daemon is still there.
  err=$("$SSHD" -f "$SSHD_CONFIG" -E "$SSHD_LOG" 2>&1) ||
    zp_die "could not start $SSHD -f $SSHD_CONFIG: ${err//$'\n'/ }"
  ok=0
  for attempt in $(seq 50); do
    if [ -z "$(our_sshd_pid)" ] && [ "$attempt" -gt 10 ]; then
      zp_die "test sshd exited: $(tail -n 1 "$SSHD_LOG" 2>/dev/null) (port $PORT taken? ss -ltnp 'sport = :$PORT')"
    fi
    if [ -n "$(our_sshd_pid)" ] && ssh_test true >/dev/null 2>&1; then
      ok=1
      break
    fi
    sleep 0.2
  done
  [ "$ok" -eq 1 ] || zp_die "test sshd runs but key login as $LOGIN_USER@$HOST:$PORT fails (see $SSHD_LOG)"
  did+=("$verb test sshd on $HOST:$PORT (pid $(our_sshd_pid))")
fi

# The point of this server: the Docker Engine must answer through it.
remote_version=$(ssh_test "docker version --format '{{.Server.Version}}'" 2>&1) ||
  zp_die "docker does not answer over ssh ($LOGIN_USER@$HOST:$PORT): ${remote_version//$'\n'/ } (run ensure-docker.sh first)"

summary=$(printf '%s, ' "${did[@]}")
zp_done "${summary%, }; docker $remote_version over ssh; env in $ENV_FILE"
