# shellcheck shell=bash
# Helpers shared by the setup scripts (scripts/setup, scripts/test-env). Sourced, never run on its own.
# Each script sets ZP_COMPONENT (the word its one output line starts with) before sourcing this.

: "${ZP_COMPONENT:=test-env}"
ZP_STATE_DIR=/var/lib/zpanel-test
# apt output goes to a log so that each script prints exactly one line.
ZP_APT_LOG=/var/log/zpanel-test-apt.log
# Marks the last `apt-get update` made by these scripts, so a run of all.sh updates at most once.
ZP_APT_STAMP=$ZP_STATE_DIR/apt-updated
# Start time in microseconds (bash 5 EPOCHREALTIME; strip the decimal separator whatever the locale).
ZP_STARTED_US=${EPOCHREALTIME//[^0-9]/}

zp_die() {
  printf '%s: %s\n' "$ZP_COMPONENT" "$*" >&2
  exit 1
}

# A command that fails outside our explicit checks still ends with one clear line instead of
# a silent exit. errtrace lets functions inherit the trap; inside a subshell or command
# substitution only the status is passed on, and the script's own check or this trap in the
# main shell reports it, so there is still one line.
zp_on_error() {
  if [ "$BASH_SUBSHELL" -gt 0 ]; then
    exit "$1"
  fi
  zp_die "unexpected failure (exit $1) at ${BASH_SOURCE[1]##*/} line $2: $3"
}
set -o errtrace
trap 'zp_on_error "$?" "$LINENO" "$BASH_COMMAND"' ERR

# The one line a successful script prints, with how long it took.
zp_done() {
  local now_us elapsed_ms
  now_us=${EPOCHREALTIME//[^0-9]/}
  elapsed_ms=$(((now_us - ZP_STARTED_US) / 1000))
  printf '%s: %s (%d.%01d s)\n' "$ZP_COMPONENT" "$*" $((elapsed_ms / 1000)) $((elapsed_ms % 1000 / 100))
}

# Installing packages, starting daemons and talking to dockerd need root: re-run the calling
# script through sudo when we are not root (sudo may ask for a password once).
zp_require_root() {
  if [ "$(id -u)" -eq 0 ]; then
    return 0
  fi
  command -v sudo >/dev/null 2>&1 || zp_die "must run as root, and sudo is not installed"
  # Keep the caller's PATH (node from nvm or /opt) and add the sbin directories sudo would have.
  exec sudo -- env PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin" bash "$0" "$@"
}

# apt-get install with the flags CI needs (no prompts, no recommends), running `apt-get update`
# first only if no script of this run did it in the last hour: a fresh machine has empty lists,
# and updating again for each package would cost tens of seconds.
zp_apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  mkdir -p "$ZP_STATE_DIR"
  # Wait for a dpkg lock held by someone else instead of failing at once.
  local apt_opts=(-o DPkg::Lock::Timeout=300 -q)
  if [ -z "$(find "$ZP_APT_STAMP" -mmin -60 2>/dev/null)" ]; then
    apt-get "${apt_opts[@]}" update >>"$ZP_APT_LOG" 2>&1 ||
      zp_die "apt-get update failed (see $ZP_APT_LOG)"
    touch "$ZP_APT_STAMP"
  fi
  apt-get "${apt_opts[@]}" install -y --no-install-recommends "$@" >>"$ZP_APT_LOG" 2>&1 ||
    zp_die "apt-get install $* failed (see $ZP_APT_LOG)"
}

# PIDs of processes whose executable is exactly $1. Reads /proc/*/exe instead of matching
# command lines, so it never picks up an unrelated process whose arguments merely mention it.
zp_pids_of_exe() {
  local exe=$1 dir
  for dir in /proc/[0-9]*; do
    if [ "$(readlink "$dir/exe" 2>/dev/null)" = "$exe" ]; then
      printf '%s\n' "${dir#/proc/}"
    fi
  done
  return 0
}

# Writes stdin to $1 only when the content differs, so a second run changes no file, mtime or
# directory. Returns 0 when it wrote, 1 when the file was already right.
zp_write_if_changed() {
  local path=$1 mode=$2 content tmp
  # The trailing "x" keeps the final newlines that $(...) would strip.
  content=$(cat && echo x)
  content=${content%x}
  if [ -f "$path" ] && printf '%s' "$content" | cmp -s - "$path"; then
    return 1
  fi
  # Write next to the target and rename, so a reader never sees a half-written file.
  tmp=$(mktemp "$path.XXXXXX")
  printf '%s' "$content" >"$tmp"
  chmod "$mode" "$tmp"
  mv -f "$tmp" "$path"
  return 0
}
