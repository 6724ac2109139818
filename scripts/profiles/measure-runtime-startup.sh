#!/usr/bin/env bash
# Measures the runtime's start-up set (src/profiles/data/startup-syscalls.json, "runtime.syscalls"): the
# syscalls runc's init makes after installing the seccomp filter, up to the workload's execve.
# Needs root, runc, strace, busybox-static, jq. Usage: sudo scripts/profiles/measure-runtime-startup.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/bulwark-runc-startup.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/b/rootfs/bin"
cp /bin/busybox "$work/b/rootfs/bin/busybox"
ln -s busybox "$work/b/rootfs/bin/true"
cd "$work/b"
runc spec
# allow every unconditional name of Docker's default profile so the workload itself runs
jq --slurpfile d "$here/../../src/profiles/data/docker-default-seccomp.json" '
  .process.terminal=false | .process.args=["/bin/true"] | .root.readonly=true |
  .linux.seccomp={defaultAction:"SCMP_ACT_ERRNO", architectures:["SCMP_ARCH_X86_64","SCMP_ARCH_X86","SCMP_ARCH_X32"],
    syscalls:[{names: ([$d[0].syscalls[] | select(.action=="SCMP_ACT_ALLOW" and ((.args // [])|length)==0 and (.includes.caps|not)) | .names[]] + ["clone","arch_prctl"]), action:"SCMP_ACT_ALLOW"}]}' \
  config.json >config.tmp && mv config.tmp config.json
runc --version | head -1
for nnp in false true; do
  jq ".process.noNewPrivileges=$nnp" config.json >config.tmp && mv config.tmp config.json
  id="bulwark-startup-$$-$nnp"
  timeout 60 strace -f -qq -e signal=none -o "$work/trace-$nnp" runc run -b "$work/b" "$id" || true
  runc delete -f "$id" 2>/dev/null || true
  node -e '
    const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n");
    const on = new Set(); const seen = new Set(); let init = null;
    for (const l of lines) {
      const m = /^(\d+) +(?:<\.\.\. )?([a-z0-9_]+)[( ]/.exec(l);
      if (!m) continue;
      const [, pid, sc] = m;
      if (!init && /prctl\(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, \{|seccomp\(SECCOMP_SET_MODE_FILTER, [^,]*, 0x/.test(l)) { init = pid; on.add(pid); continue; }
      if (!on.has(pid) || l.includes("resumed>")) continue;
      seen.add(sc);
      if (sc === "execve") on.delete(pid);
      const r = /^(?:clone|clone3)\(.*= (\d+)$/.exec(l.slice(pid.length).trim());
      if (r) on.add(r[1]);
    }
    console.log(`noNewPrivileges=${process.argv[2]}: ${[...seen].sort().join(" ")}`);
  ' "$work/trace-$nnp" "$nnp"
done
