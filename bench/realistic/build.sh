#!/usr/bin/env bash
# Builds the realistic bench image once (bench/image.ts calls it under a lock; safe to run by hand, as root):
#
#   layer 1  debootstrap --variant=minbase bookworm
#   layer 2  apt: openjdk-17-jre-headless, ca-certificates
#   layer 3  apt: python3 with Debian's python3-* packages (requests, yaml, numpy, cryptography, flask, django, ...)
#   layer 4  a venv (/opt/venv) with the wheels Debian ships, pip-installed offline (Python packages dpkg does not own)
#   layer 5  apt: golang-go (the Go 1.19 toolchain and its sources, testdata keys included)
#   layer 6  apt: nodejs
#   layer 7  /srv/app: a Node.js API, `npm ci` of bench/realistic/app/package-lock.json (828 packages, aws-sdk v2)
#   layer 8  /srv/web: a Node.js front end, `npm ci` of bench/realistic/web/package-lock.json (1,254 packages:
#            Next.js, MUI, Storybook, jest, Playwright)
#   layer 9  /usr/local/bin/orders-worker: a Go binary with a replaced module in its build info
#   layer 10 slimming and settings: removes docs, man pages and policy-rc.d (whiteouts), adds a user and a config
#
# Containers here cannot reach the Debian mirror reliably and the npm registry not at all, so every step runs on
# the host: apt-get in a chroot (private mount namespace), npm ci and go build on the host. Each layer is the
# difference between two snapshots of the root filesystem (new or changed entries by ctime/inode; removed ones
# become `.wh.` whiteouts). The layers are assembled into a `docker load` archive by hand (config, diff_ids,
# history), loaded into the engine, then written out by `docker save` (plain tar) and skopeo (gzip OCI layout).
#
#   bench/realistic/build.sh OUT_DIR IMAGE_NAME
# Leaves OUT_DIR/image.tar (docker save) and OUT_DIR/oci (OCI layout, gzip layers, ref "bench").
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUT_DIR IMAGE_NAME}
image=${2:?usage: build.sh OUT_DIR IMAGE_NAME}
mirror=${BULWARK_DEBIAN_MIRROR:-http://deb.debian.org/debian}
[ "$(id -u)" = 0 ] || { echo "building the realistic bench image needs root (debootstrap, chroot)" >&2; exit 1; }
for t in debootstrap docker skopeo npm go unshare; do command -v "$t" >/dev/null || { echo "missing tool: $t" >&2; exit 1; }; done

work=$out/work
root=$work/rootfs
layers=$work/layers
mkdir -p "$layers"
log() { printf '[realistic image] %s\n' "$*" >&2; }

# Snapshot: one line per entry (path, inode, ctime, type). Pseudo filesystems are never part of a layer.
snapshot() {
  (cd "$root" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev/pts \) -prune -o -printf '%P\t%i\t%C@\t%y\n') | grep -v '^\t' | LC_ALL=C sort >"$1"
}

# Write layer N: every new or changed entry since snapshot $2, plus a whiteout for each removed one.
diff_layer() {
  local n=$1 before=$2 after=$work/snap-after changed=$work/changed removed=$work/removed wh=$work/wh
  snapshot "$after"
  LC_ALL=C comm -13 "$before" "$after" | cut -f1 >"$changed"
  # removed: paths in before that are gone; only the topmost removed path needs a whiteout
  LC_ALL=C join -t $'\t' -v1 <(cut -f1 "$before") <(cut -f1 "$after") |
    awk '{ p = $0; skip = 0; while ((i = match(p, /\/[^\/]*$/)) > 0) { p = substr(p, 1, i - 1); if (p in gone) { skip = 1; break } } if (!skip) print; gone[$0] = 1 }' >"$removed"
  rm -rf "$wh"
  mkdir -p "$wh"
  while IFS= read -r p; do
    [ -n "$p" ] || continue
    local d b
    d=$(dirname "$p")
    b=$(basename "$p")
    mkdir -p "$wh/$d"
    : >"$wh/$d/.wh.$b"
  done <"$removed"
  {
    tar -C "$root" --numeric-owner --no-recursion --null -T <(tr '\n' '\0' <"$changed") -cf -
  } >"$layers/$n.tar.tmp"
  if [ -s "$removed" ]; then
    # append the whiteouts (their directories are in the layer already, or unchanged below)
    (cd "$wh" && find . -name '.wh.*' -printf '%P\0' | LC_ALL=C sort -z) | tar -C "$wh" --numeric-owner --owner=0 --group=0 --no-recursion --null -T - -rf "$layers/$n.tar.tmp"
  fi
  mv "$layers/$n.tar.tmp" "$layers/$n.tar"
  log "layer $n: $(wc -l <"$changed") entries, $(wc -l <"$removed") whiteouts, $(du -h "$layers/$n.tar" | cut -f1)"
}

in_chroot() {
  # a private mount namespace: /proc, /sys and the step script are mounted for the step and vanish with the namespace
  printf 'set -e\n%s\n' "$1" >"$work/step.sh"
  unshare --mount --fork sh -c 'mount -t proc proc "$1/proc" && mount -t sysfs sys "$1/sys" && mount --bind "$2" "$1/mnt" &&
    exec chroot "$1" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 HOME=/root /bin/sh /mnt/step.sh' sh "$root" "$work"
}

apt_layer() {
  local n=$1
  shift
  [ -f "$layers/$n.tar" ] && return 0
  log "layer $n: apt-get install $*"
  snapshot "$work/snap-before"
  in_chroot "apt-get update -qq && apt-get install -y -qq --no-install-recommends $* >/dev/null && apt-get clean && rm -rf /var/lib/apt/lists/*"
  diff_layer "$n" "$work/snap-before"
}

step_layer() {
  local n=$1 fn=$2
  [ -f "$layers/$n.tar" ] && return 0
  log "layer $n: $fn"
  snapshot "$work/snap-before"
  "$fn"
  diff_layer "$n" "$work/snap-before"
}

# --- layer 1: the base system
if [ ! -f "$layers/1.tar" ]; then
  log "layer 1: debootstrap bookworm (minbase)"
  rm -rf "$root"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 || { tail -30 "$work/debootstrap.log" >&2; exit 1; }
  rm -f "$root"/var/cache/apt/archives/*.deb
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 755 "$root/usr/sbin/policy-rc.d"
  : >"$work/snap-empty"
  diff_layer 1 "$work/snap-empty"
fi

apt_layer 2 openjdk-17-jre-headless ca-certificates
apt_layer 3 python3 python3-pip python3-venv python3-requests python3-yaml python3-numpy python3-cryptography python3-flask python3-django python3-jinja2 python3-lxml python3-wheel-whl

venv() {
  # Debian's ensurepip installs pip and setuptools from /usr/share/python-wheels; wheel comes from python3-wheel-whl
  in_chroot "python3 -m venv /opt/venv && /opt/venv/bin/pip install -q --no-index --no-deps --disable-pip-version-check /usr/share/python-wheels/wheel-*.whl"
}
step_layer 4 venv

apt_layer 5 golang-go
apt_layer 6 nodejs

npm_app() {
  local from=$1 to=$2 t=$work/npmapp
  rm -rf "$t"
  mkdir -p "$t"
  cp -r "$from/." "$t/"
  (cd "$t" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)
  mkdir -p "$(dirname "$root$to")"
  rm -rf "$root$to"
  cp -a "$t" "$root$to"
  chown -R 1000:1000 "$root$to"
  rm -rf "$t"
}
node_app() { npm_app "$here/app" /srv/app; }
web_app() { npm_app "$here/web" /srv/web; }
step_layer 7 node_app
step_layer 8 web_app

go_binary() {
  local t=$work/gobuild
  rm -rf "$t"
  cp -r "$here/gobin" "$t"
  (cd "$t" && GOFLAGS=-mod=mod GOPROXY=off GOCACHE=$work/gocache CGO_ENABLED=0 go build -trimpath -o "$root/usr/local/bin/orders-worker" .)
  rm -rf "$t"
}
step_layer 9 go_binary

slim() {
  rm -rf "$root/usr/share/doc" "$root/usr/share/man" "$root/usr/share/info" "$root/usr/sbin/policy-rc.d"
  mkdir -p "$root/etc/orders"
  printf 'listen: 0.0.0.0:8080\nqueue: orders\nlog_level: info\n' >"$root/etc/orders/config.yaml"
  in_chroot "groupadd -g 1000 app && useradd -u 1000 -g 1000 -d /srv/app -s /usr/sbin/nologin app"
}
step_layer 10 slim

# --- assemble a `docker load` archive: config with diff_ids and history, manifest.json
log "assembling the image"
asm=$work/asm
rm -rf "$asm"
mkdir -p "$asm"
diff_ids=()
names=()
for n in 1 2 3 4 5 6 7 8 9 10; do
  h=$(sha256sum "$layers/$n.tar" | cut -d' ' -f1)
  diff_ids+=("sha256:$h")
  mkdir -p "$asm/$h"
  ln "$layers/$n.tar" "$asm/$h/layer.tar" 2>/dev/null || cp "$layers/$n.tar" "$asm/$h/layer.tar"
  names+=("$h/layer.tar")
done
created_by=(
  "debootstrap --variant=minbase bookworm"
  "RUN apt-get install -y --no-install-recommends openjdk-17-jre-headless ca-certificates"
  "RUN apt-get install -y --no-install-recommends python3 python3-pip python3-venv python3-requests python3-yaml python3-numpy python3-cryptography python3-flask python3-django python3-jinja2 python3-lxml python3-wheel-whl"
  "RUN python3 -m venv /opt/venv && /opt/venv/bin/pip install --no-index /usr/share/python-wheels/*.whl"
  "RUN apt-get install -y --no-install-recommends golang-go"
  "RUN apt-get install -y --no-install-recommends nodejs"
  "COPY app/ /srv/app/   # npm ci"
  "COPY web/ /srv/web/   # npm ci"
  "COPY orders-worker /usr/local/bin/orders-worker"
  "RUN rm -rf /usr/share/doc /usr/share/man /usr/share/info /usr/sbin/policy-rc.d && useradd -u 1000 app"
)
node -e '
const [diffIds, createdBy] = [JSON.parse(process.argv[1]), JSON.parse(process.argv[2])];
const created = "2024-06-01T12:00:00Z";
const cfg = {
  architecture: "amd64", os: "linux", created,
  config: {
    User: "1000", WorkingDir: "/srv/app", Cmd: ["node", "src/index.js"], ExposedPorts: { "8080/tcp": {} },
    Env: ["PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "NODE_ENV=production", "JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64"],
    Labels: { "org.opencontainers.image.title": "orders-service", "bulwark.bench": "realistic" },
  },
  rootfs: { type: "layers", diff_ids: diffIds },
  history: createdBy.map((c) => ({ created, created_by: c })),
};
process.stdout.write(JSON.stringify(cfg));
' "$(printf '%s\n' "${diff_ids[@]}" | jq -R . | jq -sc .)" "$(printf '%s\n' "${created_by[@]}" | jq -R . | jq -sc .)" >"$asm/config.json"
cfg_hex=$(sha256sum "$asm/config.json" | cut -d' ' -f1)
mv "$asm/config.json" "$asm/$cfg_hex.json"
printf '%s\n' "${names[@]}" | jq -R . | jq -sc --arg cfg "$cfg_hex.json" --arg tag "$image" '[{Config: $cfg, RepoTags: [$tag], Layers: .}]' >"$asm/manifest.json"
(cd "$asm" && tar --numeric-owner -cf - .) | docker load -q >&2
rm -rf "$asm"

log "docker save"
rm -f "$out/image.tar.tmp"
docker save -o "$out/image.tar.tmp" "$image"
mv "$out/image.tar.tmp" "$out/image.tar"
log "skopeo copy to an OCI layout with gzip layers"
rm -rf "$out/oci"
skopeo copy -q --dest-compress --dest-compress-format gzip "docker-archive:$out/image.tar" "oci:$out/oci:bench"
rm -rf "$work"
log "done: $out/image.tar, $out/oci"
