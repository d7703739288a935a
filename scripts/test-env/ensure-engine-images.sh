#!/usr/bin/env bash
# Builds the database engine images the tests run, without any registry (none is reachable here,
# so postgres:17, mariadb:11 or redis:7 cannot be pulled):
#   zpanel-test/debian:bookworm  - a minbase debootstrap of Debian bookworm, `docker import`ed
#   zpanel-test/postgres:15      - Debian's postgresql-15  } FROM zpanel-test/debian:bookworm, with
#   zpanel-test/mariadb:10.11    - Debian's mariadb-server } the official images' env vars, paths,
#   zpanel-test/redis:7          - Debian's redis-server   } ports and tools (images/<engine>/)
# Each image carries the label zpanel.test.recipe, a hash of what it was made from (the Debian
# mirrors and the rootfs steps below; the files in images/<engine>/ and the base's hash); an image
# is rebuilt only when it is missing or its recipe changed. The rootfs tarball is kept in
# $ZP_STATE_DIR/images, so that a lost base image is re-imported without a new debootstrap.
# Needs the engine from ensure-docker.sh, and apt's Debian mirror from inside containers.
set -euo pipefail

ZP_COMPONENT="engine-images"
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
zp_require_root "$@"

SUITE=bookworm
BASE_IMAGE=zpanel-test/debian:$SUITE
ENGINES=(postgres:15 mariadb:10.11 redis:7)
CONTEXTS=$(cd "$(dirname "${BASH_SOURCE[0]}")/images" && pwd)
LABEL=zpanel.test
ROOTFS_CACHE=$ZP_STATE_DIR/images
BUILD_LOG=/var/log/zpanel-test-images.log

docker info >/dev/null 2>&1 || zp_die "the Docker Engine does not answer (run ensure-docker.sh first)"

work_dir=""
cleanup() {
  if [ -n "$work_dir" ]; then
    rm -rf "$work_dir"
  fi
}
trap cleanup EXIT

image_label() {
  docker image inspect --format "{{index .Config.Labels \"$2\"}}" "$1" 2>/dev/null || true
}

# Drops the image a tag pointed to before a rebuild (see ensure-base-images.sh).
remove_replaced() {
  if [ -n "$1" ]; then
    docker image rm "$1" >/dev/null 2>&1 || true
  fi
}

# The first URI of an enabled `deb` source for suite $1 in this machine's apt configuration
# (one-line .list and deb822 .sources files), so that images use the mirror apt uses here.
apt_mirror_for() {
  local suite=$1 file found=""
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] || continue
    case $file in
      *.sources)
        found+=$(awk -v s="$suite" '
          function flush() {
            if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " s " ") && enabled != "no" && uris != "") {
              split(uris, u, " "); print u[1]; done = 1
            }
            types = suites = uris = enabled = ""
          }
          /^[ \t]*$/ { flush(); if (done) exit; next }
          /^#/ { next }
          { key = tolower($1); $1 = "" }
          key == "types:" { types = $0 } key == "suites:" { suites = $0 }
          key == "uris:" { uris = $0 } key == "enabled:" { enabled = tolower($2) }
          END { if (!done) flush() }' "$file")$'\n'
        ;;
      *)
        found+=$(awk -v s="$suite" '
          $1 == "deb" {
            i = 2
            if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
            if ($(i + 1) == s) { print $i; exit }
          }' "$file")$'\n'
        ;;
    esac
  done
  found=${found#"${found%%[![:space:]]*}"}
  printf '%s\n' "${found%%[[:space:]]*}"
}

MIRROR=$(apt_mirror_for "$SUITE")
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=$(apt_mirror_for "$SUITE-security")
SECURITY_MIRROR=${SECURITY_MIRROR:-http://deb.debian.org/debian-security}

# debootstrap into $1, then trim the rootfs the way Debian's own -slim images are: no docs, man
# pages or translations (now or from later installs), apt caches dropped after each install, and
# no service started by a package's postinst inside a build.
make_rootfs() {
  local rootfs=$1
  debootstrap --variant=minbase "$SUITE" "$rootfs" "$MIRROR" >>"$BUILD_LOG" 2>&1
  printf '%s\n' \
    "deb $MIRROR $SUITE main" \
    "deb $MIRROR $SUITE-updates main" \
    "deb $SECURITY_MIRROR $SUITE-security main" >"$rootfs/etc/apt/sources.list"
  printf '%s\n' \
    'path-exclude /usr/share/doc/*' \
    'path-include /usr/share/doc/*/copyright' \
    'path-exclude /usr/share/man/*' \
    'path-exclude /usr/share/info/*' \
    'path-exclude /usr/share/groff/*' \
    'path-exclude /usr/share/lintian/*' \
    'path-exclude /usr/share/locale/*' \
    'path-include /usr/share/locale/locale.alias' >"$rootfs/etc/dpkg/dpkg.cfg.d/docker-slim"
  find "$rootfs/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
  find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
  rm -rf "$rootfs"/usr/share/{man,info,groff,lintian}/*
  printf '%s\n' \
    'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };' \
    'APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };' \
    'Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";' >"$rootfs/etc/apt/apt.conf.d/docker-clean"
  echo 'Acquire::Languages "none";' >"$rootfs/etc/apt/apt.conf.d/docker-no-languages"
  printf '%s\n' '#!/bin/sh' 'exit 101' >"$rootfs/usr/sbin/policy-rc.d"
  chmod 755 "$rootfs/usr/sbin/policy-rc.d"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/*
  rm -rf "$rootfs"/var/log/* "$rootfs"/tmp/* "$rootfs"/var/tmp/*
}

# The base's recipe: the mirrors and the code of make_rootfs (declare -f leaves out comments).
BASE_RECIPE=$({
  echo "suite=$SUITE variant=minbase mirror=$MIRROR security=$SECURITY_MIRROR"
  declare -f make_rootfs
} | sha256sum)
BASE_RECIPE=${BASE_RECIPE:0:16}
ROOTFS_TAR=$ROOTFS_CACHE/debian-$SUITE-$BASE_RECIPE.tar

# Prints the recipe of the engine image built from folder $1: the base's recipe and every file.
engine_recipe() {
  local ctx=$1 file sum
  sum=$({
    echo "base=$BASE_RECIPE"
    while IFS= read -r file; do
      echo "${file#"$ctx"/}"
      sha256sum <"$file"
    done < <(find "$ctx" -type f | LC_ALL=C sort)
  } | sha256sum)
  echo "${sum:0:16}"
}

notes=()
old_base_id=""

# --- base ------------------------------------------------------------------------------------
if [ "$(image_label "$BASE_IMAGE" "$LABEL.recipe")" = "$BASE_RECIPE" ]; then
  notes+=("reused $BASE_IMAGE")
else
  if [ ! -s "$ROOTFS_TAR" ]; then
    command -v debootstrap >/dev/null 2>&1 || zp_apt_install debootstrap
    # Build folders live in /var/tmp: large enough, and not on a small /tmp tmpfs.
    work_dir=$(mktemp -d /var/tmp/zpanel-test-engine-images.XXXXXX)
    make_rootfs "$work_dir/rootfs" || zp_die "debootstrap of $SUITE from $MIRROR failed (see $BUILD_LOG)"
    mkdir -p "$ROOTFS_CACHE"
    # Older tarballs are of recipes no longer used.
    rm -f "$ROOTFS_CACHE"/debian-"$SUITE"-*.tar
    tar --numeric-owner -C "$work_dir/rootfs" -cf "$ROOTFS_TAR.part" .
    mv -f "$ROOTFS_TAR.part" "$ROOTFS_TAR"
    rm -rf "$work_dir/rootfs"
    notes+=("debootstrapped $SUITE from $MIRROR")
  fi
  old_base_id=$(docker image inspect --format '{{.Id}}' "$BASE_IMAGE" 2>/dev/null || true)
  docker import \
    -c 'CMD ["bash"]' \
    -c "LABEL $LABEL=base $LABEL.recipe=$BASE_RECIPE" \
    "$ROOTFS_TAR" "$BASE_IMAGE" >>"$BUILD_LOG" 2>&1 || zp_die "could not import $ROOTFS_TAR (see $BUILD_LOG)"
  notes+=("imported $BASE_IMAGE")
fi

# --- engines ---------------------------------------------------------------------------------
# The tools the official image has on PATH, which Zpanel and the tests call through docker exec.
tools_of() {
  case $1 in
    postgres) echo 'postgres initdb pg_isready psql pg_dump pg_dumpall pg_restore' ;;
    mariadb) echo 'mariadbd mariadb mariadb-admin mariadb-dump mysqldump mysql mysqladmin' ;;
    redis) echo 'redis-server redis-cli' ;;
  esac
}

for image in "${ENGINES[@]}"; do
  engine=${image%%:*}
  repo=zpanel-test/$engine
  tag=$repo:${image#*:}
  ctx=$CONTEXTS/$engine
  recipe=$(engine_recipe "$ctx")
  if [ "$(image_label "$tag" "$LABEL.recipe")" = "$recipe" ]; then
    notes+=("reused $tag")
    continue
  fi
  old_id=$(docker image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)
  # The classic builder: this engine may have no buildx, and FROM a local image needs no pull.
  DOCKER_BUILDKIT=0 docker build --label "$LABEL=engine" --label "$LABEL.recipe=$recipe" \
    -t "$tag" "$ctx" >>"$BUILD_LOG" 2>&1 || zp_die "could not build $tag (see $BUILD_LOG)"
  # shellcheck disable=SC2016,SC2046 # $@ is expanded by the container's sh; tools are single words
  if ! out=$(docker run --rm --label "$LABEL=verify" --entrypoint sh "$tag" -c \
    'for t in "$@"; do command -v "$t" >/dev/null || { echo "$t is not on PATH"; exit 1; }; done' \
    _ $(tools_of "$engine") 2>&1); then
    # A labelled image must be a checked one: drop it, so that the next run builds it again.
    docker image rm -f "$tag" >/dev/null 2>&1 || true
    zp_die "$tag: ${out//$'\n'/ }"
  fi
  remove_replaced "$old_id"
  notes+=("built $tag")
done

# The old base goes last: the engine images built from it kept it until they were replaced.
remove_replaced "$old_base_id"
summary=$(printf '%s, ' "${notes[@]}")
zp_done "${summary%, }"
