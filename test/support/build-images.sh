#!/usr/bin/env bash
# Builds the shared test images on the local Docker engine, once (an existing image is reused).
#   bulwark-test/alpine:3.20.3     docker import of the real Alpine minirootfs
#   bulwark-test/alpine:3.11.13    likewise, an older release
#   bulwark-test/bookworm-base:12  debootstrap (minbase) of Debian bookworm, docker import
#   bulwark-test/bookworm-app:12   FROM the base: Python packages (Debian's and pip-installed ones),
#                                  Node.js + npm (Debian's) and an app with its own node_modules
#                                  (old lodash, minimist, express, jsonwebtoken), runc (a Go binary)
# Called under flock by test/support/images.ts; safe to run by hand.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shared=${BULWARK_SHARED:-$here/../../../shared}
mirror=${BULWARK_DEBIAN_MIRROR:-http://deb.debian.org/debian}
want=${1:-all}

have() { docker image inspect "$1" >/dev/null 2>&1; }

if [ "$want" = all ] || [ "$want" = alpine ]; then
  for v in 3.20.3 3.11.13; do
    if ! have "bulwark-test/alpine:$v"; then
      docker import "$shared/data/rootfs/alpine-minirootfs-$v-x86_64.tar.gz" "bulwark-test/alpine:$v" >/dev/null
    fi
  done
fi

if [ "$want" = all ] || [ "$want" = bookworm ]; then
  if ! have bulwark-test/bookworm-base:12; then
    work=$(mktemp -d /var/tmp/bulwark-debootstrap.XXXXXX)
    trap 'rm -rf "$work"' EXIT
    debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 || {
      tail -30 "$work/debootstrap.log" >&2
      exit 1
    }
    rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb
    tar -C "$work/rootfs" --numeric-owner -c . | docker import \
      -c 'CMD ["/bin/bash"]' -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      - bulwark-test/bookworm-base:12 >/dev/null
    rm -rf "$work"
    trap - EXIT
  fi
  if ! have bulwark-test/bookworm-app:12; then
    ctx=$(mktemp -d /var/tmp/bulwark-appctx.XXXXXX)
    trap 'rm -rf "$ctx"' EXIT
    mkdir -p "$ctx/app"
    cp "$here/app/package.json" "$here/app/index.js" "$ctx/app/"
    # The container cannot reach the npm registry over HTTPS: install on the host, copy in.
    (cd "$ctx/app" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)
    cp "$here/app/Dockerfile" "$ctx/Dockerfile"
    docker build -q -t bulwark-test/bookworm-app:12 "$ctx" >/dev/null
    rm -rf "$ctx"
    trap - EXIT
  fi
fi
