#!/usr/bin/env bash
# Builds the local base images the tests run, without any registry (none is reachable here):
#   zpanel-test/busybox:latest  - Debian's static busybox in an otherwise empty rootfs, `docker import`ed
#   zpanel-test/caddy:VERSION   - Debian's caddy binary with its libraries, built FROM scratch
#                                 (also tagged zpanel-test/caddy:latest)
# Both carry the label zpanel.test=base. An image is rebuilt only when it is missing or was made
# from a different busybox/caddy version. Needs the engine from ensure-docker.sh.
set -euo pipefail

ZP_COMPONENT=images
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
zp_require_root "$@"

BUSYBOX_IMAGE=zpanel-test/busybox:latest
CADDY_REPO=zpanel-test/caddy
BASE_LABEL=zpanel.test
BUILD_LOG=/var/log/zpanel-test-images.log
CADDY=/usr/bin/caddy
BUSYBOX=/bin/busybox
VERIFY_TIMEOUT=10

docker info >/dev/null 2>&1 || zp_die "the Docker Engine does not answer (run ensure-docker.sh first)"

work_dir=""
verify_container=""
cleanup() {
  if [ -n "$verify_container" ]; then
    docker rm -f "$verify_container" >/dev/null 2>&1 || true
  fi
  if [ -n "$work_dir" ]; then
    rm -rf "$work_dir"
  fi
}
trap cleanup EXIT
# Build folders live in /var/tmp: large enough, and not on a small /tmp tmpfs.
work_dir=$(mktemp -d /var/tmp/zpanel-test-images.XXXXXX)

# Prints the value of label $2 on image $1, or nothing when the image does not exist.
image_label() {
  docker image inspect --format "{{index .Config.Labels \"$2\"}}" "$1" 2>/dev/null || true
}

# After a rebuild, drops the image the tag pointed to before, so that rebuilds do not pile up
# untagged images. The engine refuses while a container or another tag still uses it: then it stays.
remove_replaced() {
  if [ -n "$1" ]; then
    docker image rm "$1" >/dev/null 2>&1 || true
  fi
}

# Packages: install only what is missing. The Debian caddy package may start a caddy service
# (on :80 and :2019) on machines with an init system; stop only the caddy processes that
# appeared during our install, found by executable path, so that nothing of ours keeps those ports.
missing=()
[ -x "$BUSYBOX" ] || missing+=(busybox-static)
[ -x "$CADDY" ] || missing+=(caddy)
[ -s /etc/ssl/certs/ca-certificates.crt ] || missing+=(ca-certificates)
installed_note=""
if [ "${#missing[@]}" -gt 0 ]; then
  caddy_before=" $(zp_pids_of_exe "$CADDY" | tr '\n' ' ') "
  zp_apt_install "${missing[@]}"
  # Under systemd the package enables caddy.service, which would come back after a kill.
  if [[ " ${missing[*]} " == *" caddy "* ]] && [ -d /run/systemd/system ]; then
    systemctl disable --now caddy.service >/dev/null 2>&1 || true
  fi
  for pid in $(zp_pids_of_exe "$CADDY"); do
    if [[ "$caddy_before" != *" $pid "* ]]; then
      kill "$pid" 2>/dev/null || true
    fi
  done
  installed_note="installed ${missing[*]}; "
fi

# --- busybox ---------------------------------------------------------------------------------
# The first line of `busybox --help` names the exact Debian build, e.g.
# "BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary."
# Read the whole output before cutting it: `| head -n 1` would close the pipe early and, under
# pipefail, fail the script with SIGPIPE whenever busybox is still writing.
busybox_help=$("$BUSYBOX" --help 2>&1 || true)
busybox_version=${busybox_help%%$'\n'*}
busybox_version=${busybox_version#BusyBox }
busybox_version=${busybox_version% multi-call binary.}
[ -n "$busybox_version" ] || zp_die "could not read the version of $BUSYBOX"

build_busybox() {
  local rootfs=$work_dir/busybox-rootfs
  mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp,proc,sys,dev}
  cp "$BUSYBOX" "$rootfs/bin/busybox"
  # Inside a chroot, --install puts each applet's symlink where it belongs (/bin/sh,
  # /usr/bin/wget, ...) pointing at /bin/busybox; run from outside it would link to the host path.
  chroot "$rootfs" /bin/busybox --install -s
  chmod 1777 "$rootfs/tmp"
  chmod 0700 "$rootfs/root"
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' \
    >"$rootfs/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nobody:x:65534:' >"$rootfs/etc/group"
  tar --numeric-owner -C "$rootfs" -c . |
    docker import \
      -c 'CMD ["/bin/sh"]' \
      -c "LABEL $BASE_LABEL=base" \
      -c "LABEL $BASE_LABEL.busybox=\"$busybox_version\"" \
      - "$BUSYBOX_IMAGE" >>"$BUILD_LOG" 2>&1
}

if [ "$(image_label "$BUSYBOX_IMAGE" "$BASE_LABEL")" = base ] &&
  [ "$(image_label "$BUSYBOX_IMAGE" "$BASE_LABEL.busybox")" = "$busybox_version" ]; then
  busybox_note="reused $BUSYBOX_IMAGE"
else
  old_id=$(docker image inspect --format '{{.Id}}' "$BUSYBOX_IMAGE" 2>/dev/null || true)
  build_busybox || zp_die "could not build $BUSYBOX_IMAGE (see $BUILD_LOG)"
  remove_replaced "$old_id"
  busybox_note="built $BUSYBOX_IMAGE"
fi

# --- caddy -----------------------------------------------------------------------------------
# `caddy version` prints "2.6.2" on Debian and "v2.x.y h1:..." on upstream builds.
caddy_version=$("$CADDY" version 2>/dev/null || true)
caddy_version=${caddy_version%%[[:space:]]*}
caddy_version=${caddy_version#v}
[ -n "$caddy_version" ] || zp_die "could not read the version of $CADDY"
CADDY_IMAGE=$CADDY_REPO:$caddy_version

build_caddy() {
  local ctx=$work_dir/caddy-context rootfs lib
  rootfs=$ctx/rootfs
  mkdir -p "$rootfs"/{usr/bin,etc/caddy,etc/ssl/certs,tmp,config,data}
  cp "$CADDY" "$rootfs/usr/bin/caddy"
  # Debian's caddy is dynamically linked (libc, libzstd): copy every library ldd resolves, at
  # its path, plus the dynamic loader (the line without "=>"); cp -L follows the symlinks.
  for lib in $(ldd "$CADDY" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
  done
  cp -L /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
  printf '%s\n' 'root:x:0:0:root:/root:/usr/bin/caddy' 'nobody:x:65534:65534:nobody:/nonexistent:/usr/bin/caddy' \
    >"$rootfs/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nobody:x:65534:' >"$rootfs/etc/group"
  # Lets Go's resolver (cgo build) read /etc/hosts before DNS, as in any Debian image.
  echo 'hosts: files dns' >"$rootfs/etc/nsswitch.conf"
  # An empty config whose admin API listens on all interfaces, so that Zpanel (and the check
  # below) can load routes into the container through its IP.
  echo '{"admin":{"listen":"0.0.0.0:2019"}}' >"$rootfs/etc/caddy/caddy.json"
  chmod 1777 "$rootfs/tmp"
  cat >"$ctx/Dockerfile" <<DOCKERFILE
FROM scratch
COPY rootfs/ /
# Caddy keeps certificates in XDG_DATA_HOME and its autosaved config in XDG_CONFIG_HOME.
ENV XDG_CONFIG_HOME=/config XDG_DATA_HOME=/data
LABEL $BASE_LABEL=base $BASE_LABEL.caddy-version=$caddy_version
EXPOSE 80 443 2019
ENTRYPOINT ["/usr/bin/caddy"]
CMD ["run", "--config", "/etc/caddy/caddy.json"]
DOCKERFILE
  # The classic builder: this engine may have no buildx, and FROM scratch needs no pull.
  DOCKER_BUILDKIT=0 docker build -t "$CADDY_IMAGE" "$ctx" >>"$BUILD_LOG" 2>&1
}

if [ "$(image_label "$CADDY_IMAGE" "$BASE_LABEL")" = base ] &&
  [ "$(image_label "$CADDY_IMAGE" "$BASE_LABEL.caddy-version")" = "$caddy_version" ]; then
  caddy_note="reused $CADDY_IMAGE"
else
  old_id=$(docker image inspect --format '{{.Id}}' "$CADDY_IMAGE" 2>/dev/null || true)
  build_caddy || zp_die "could not build $CADDY_IMAGE (see $BUILD_LOG)"
  remove_replaced "$old_id"
  caddy_note="built $CADDY_IMAGE"
fi
# Tagging an image with the tag it already has changes nothing.
docker tag "$CADDY_IMAGE" "$CADDY_REPO:latest"

# --- checks ----------------------------------------------------------------------------------
out=$(docker run --rm --label "$BASE_LABEL=verify" "$BUSYBOX_IMAGE" sh -c 'echo ok' 2>&1) || true
[ "$out" = ok ] || zp_die "$BUSYBOX_IMAGE does not run sh: ${out//$'\n'/ }"

verify_container=$(docker run -d --label "$BASE_LABEL=verify" "$CADDY_IMAGE" 2>&1) ||
  zp_die "could not start $CADDY_IMAGE: ${verify_container//$'\n'/ }"
ip=$(docker inspect --format '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$verify_container")
[ -n "$ip" ] || zp_die "the $CADDY_IMAGE check container has no IP address"
# Plain HTTP through bash's /dev/tcp: a fresh machine may have no curl.
admin_status() {
  # shellcheck disable=SC2016 # $1 is expanded by the inner bash, on purpose
  timeout 2 bash -c '
    exec 3<>"/dev/tcp/$1/2019" || exit 1
    printf "GET /config/ HTTP/1.0\r\nHost: %s:2019\r\n\r\n" "$1" >&3
    IFS=" " read -r _ status _ <&3 && echo "$status"' _ "$1" 2>/dev/null || true
}
deadline=$((SECONDS + VERIFY_TIMEOUT))
until [ "$(admin_status "$ip")" = 200 ]; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    zp_die "$CADDY_IMAGE: admin API on $ip:2019 did not answer GET /config/ within ${VERIFY_TIMEOUT} s ($(docker logs --tail 1 "$verify_container" 2>&1))"
  fi
  sleep 0.2
done

zp_done "$installed_note$busybox_note ($busybox_version), $caddy_note; both run"
