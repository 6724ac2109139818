#!/usr/bin/env bash
# bulwark-test/redis:7 — Redis from Debian bookworm's packages on the shared bookworm base image.
# Containers may not reach the Debian mirror, so the packages are fetched on the host (apt-get download)
# and unpacked there (dpkg-deb -x); the image only copies the files in. Built once, reused (flock'd by
# test/support/workloads.ts, like build-images.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
image=bulwark-test/redis:7
docker image inspect "$image" >/dev/null 2>&1 && exit 0
bash "$here/build-images.sh" bookworm
work=$(mktemp -d /var/tmp/bulwark-redis.XXXXXX)
trap 'rm -rf "$work"' EXIT
# redis-tools ships the server binary; the rest are the libraries the base image lacks
pkgs="redis-server redis-tools libjemalloc2 liblzf1 libssl3 libatomic1"
cd "$work"
if ! apt-get download $pkgs >download.log 2>&1; then
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get download $pkgs >download.log 2>&1 || { cat download.log >&2; exit 1; }
fi
mkdir -p ctx/root
for d in ./*.deb; do dpkg-deb -x "$d" ctx/root; done
# bookworm merges /bin, /sbin and /lib into /usr: a real /lib in the build context would replace the
# image's /lib symlink (systemd unit files land there), so move such trees under usr/
for top in bin sbin lib lib64; do
  if [ -d "ctx/root/$top" ]; then
    mkdir -p "ctx/root/usr/$top"
    cp -a "ctx/root/$top/." "ctx/root/usr/$top/"
    rm -rf "ctx/root/$top"
  fi
done
# no maintainer scripts run: the redis user and the data directory are created here
mkdir -p ctx/root/var/lib/redis
cat >ctx/Dockerfile <<'DOCKERFILE'
FROM bulwark-test/bookworm-base:12
COPY root/ /
RUN echo 'redis:x:999:999::/var/lib/redis:/usr/sbin/nologin' >>/etc/passwd \
 && echo 'redis:x:999:' >>/etc/group \
 && chown 999:999 /var/lib/redis
USER 999:999
WORKDIR /var/lib/redis
EXPOSE 6379
CMD ["redis-server", "--bind", "0.0.0.0", "--protected-mode", "no", "--save", "", "--appendonly", "no"]
DOCKERFILE
docker build -q -t "$image" ctx >/dev/null
