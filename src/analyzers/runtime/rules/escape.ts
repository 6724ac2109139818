/**
 * Escape paths: combinations of settings that hand the host to whoever controls the container.
 * Each finding explains the attack step by step (in the message and in evidence.steps).
 */
import type { RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { bindSource, isSocket, systemDir } from '../hostpaths.js';
import { hit, who, type RuntimeRule } from '../types.js';

function steps(list: string[]): string {
  return list.map((s, i) => `${i + 1}) ${s}`).join(' ');
}

export const privilegedMeta: RuleMeta = {
  id: 'BW-ESCAPE-001',
  title: 'Escape path: privileged container',
  severity: 'critical',
  stage: 'runtime',
  rationale:
    'A privileged container has all capabilities, all devices and no LSM/seccomp confinement: mounting the host disk or abusing cgroup release_agent gives root on the host in a few commands.',
  remediation: 'Remove privileged; grant the specific capability/device needed.',
  references: ['CIS-5.5', 'KSV017'],
  tags: ['escape'],
};

export const sysAdminMountMeta: RuleMeta = {
  id: 'BW-ESCAPE-002',
  title: 'Escape path: CAP_SYS_ADMIN with a host mount',
  severity: 'critical',
  stage: 'runtime',
  rationale:
    'SYS_ADMIN allows mount(2) and cgroup manipulation; together with a bind mount of a host directory, the container can rewrite host files (the course demo rewrote host files exactly this way) or plant a cgroup release_agent.',
  remediation: 'Drop SYS_ADMIN; if a host directory must be shared, mount it read-only and only the needed sub-directory.',
  references: ['CIS-5.4', 'CIS-5.6', 'KSV005'],
  tags: ['escape'],
};

export const socketMeta: RuleMeta = {
  id: 'BW-ESCAPE-003',
  title: 'Escape path: container runtime socket mounted',
  severity: 'critical',
  stage: 'runtime',
  rationale: 'Whoever can talk to the Docker API can run `docker run --privileged -v /:/host` and chroot into the host. Read-only mounting does not help: the socket is still writable.',
  remediation: 'Remove the socket mount; use an API proxy that allows only the calls needed.',
  references: ['CIS-5.32', 'KSV006'],
  tags: ['escape'],
};

export const pidPtraceMeta: RuleMeta = {
  id: 'BW-ESCAPE-004',
  title: 'Escape path: host PID namespace with SYS_PTRACE',
  severity: 'critical',
  stage: 'runtime',
  rationale: 'With the host PID namespace and SYS_PTRACE, a container process can attach to any host process running as the same (root) user and inject code into it, or read /proc/<pid>/root.',
  remediation: 'Remove pid: host or SYS_PTRACE (ideally both).',
  references: ['CIS-5.16', 'CIS-5.4', 'KSV010'],
  tags: ['escape'],
};

export const writableSystemMeta: RuleMeta = {
  id: 'BW-ESCAPE-005',
  title: 'Escape path: writable mount of a host system path',
  severity: 'critical',
  stage: 'runtime',
  rationale:
    'A read-write bind mount of /, /etc, /usr, /boot, /root, /var/lib/docker, /proc, /sys, /dev (or anything under them) lets root in the container change what the host runs: add a cron job or an SSH key, replace a binary, edit sudoers.',
  remediation: 'Mount read-only, mount only the specific sub-directory needed, or use a named volume.',
  references: ['CIS-5.6', 'KSV023'],
  tags: ['escape'],
};

function hasCap(spec: ContainerSpec, cap: string): boolean {
  return spec.capAdd.includes(cap) || spec.capAdd.includes('ALL');
}

function capIndex(spec: ContainerSpec, cap: string): string {
  const i = spec.capAdd.indexOf(cap);
  return `capAdd.${i >= 0 ? i : spec.capAdd.indexOf('ALL')}`;
}

export const escapeRules: RuntimeRule[] = [
  {
    meta: privilegedMeta,
    check(spec) {
      if (!spec.privileged) return [];
      const s = [
        `${who(spec)} is privileged: it holds every capability and sees every host device under /dev`,
        'as root inside, `mount /dev/sda1 /mnt` (or the host root device) mounts the host filesystem',
        'write /mnt/etc/cron.d/x or /mnt/root/.ssh/authorized_keys, or `chroot /mnt`',
        'the host runs attacker code as root (cgroup release_agent is a second route)',
      ];
      return [hit(privilegedMeta, spec, { fields: ['privileged'], key: 'privileged', message: `Host takeover: ${steps(s)}`, evidence: { steps: s } })];
    },
  },
  {
    meta: sysAdminMountMeta,
    check(spec) {
      if (spec.privileged || !hasCap(spec, 'SYS_ADMIN')) return [];
      const out = [];
      for (const [i, m] of spec.mounts.entries()) {
        const src = bindSource(m);
        if (!src) continue;
        const s = [
          `${who(spec)} has CAP_SYS_ADMIN and the host directory ${src} mounted at ${m.target}${m.readOnly ? ' (read-only)' : ''}`,
          m.readOnly ? `SYS_ADMIN allows \`mount -o remount,rw ${m.target}\`, turning the read-only bind writable` : `files under ${m.target} are host files, writable`,
          'SYS_ADMIN also allows mounting a cgroup filesystem and setting notify_on_release/release_agent',
          `write a script into ${m.target} and point release_agent (or a host cron/systemd file under ${src}) at it`,
          'the host kernel executes it as root outside the container',
        ];
        out.push(
          hit(sysAdminMountMeta, spec, {
            fields: [capIndex(spec, 'SYS_ADMIN'), `mounts.${i}`],
            key: src,
            message: `Host takeover: ${steps(s)}`,
            evidence: { steps: s, source: src, target: m.target },
          }),
        );
      }
      return out;
    },
  },
  {
    meta: socketMeta,
    check(spec) {
      const out = [];
      for (const [i, m] of spec.mounts.entries()) {
        const src = bindSource(m);
        if (!src || !isSocket(src)) continue;
        const s = [
          `${who(spec)} can reach the runtime API through ${src} mounted at ${m.target}${m.readOnly ? ' (read-only does not stop API calls)' : ''}`,
          `\`docker -H unix://${m.target} run --privileged -v /:/host alpine chroot /host\` (or the raw HTTP API) starts a new container`,
          'that container has the host root filesystem and full privileges',
          'the attacker is root on the host',
        ];
        out.push(hit(socketMeta, spec, { fields: [`mounts.${i}`, 'mounts'], key: src, message: `Host takeover: ${steps(s)}`, evidence: { steps: s, source: src } }));
      }
      return out;
    },
  },
  {
    meta: pidPtraceMeta,
    check(spec) {
      if (spec.privileged || spec.pidMode !== 'host' || !hasCap(spec, 'SYS_PTRACE')) return [];
      const s = [
        `${who(spec)} shares the host PID namespace: every host process is visible`,
        'with CAP_SYS_PTRACE (and root, the default) it can ptrace host root processes (seccomp allows ptrace once SYS_PTRACE is granted)',
        'inject shellcode into a host daemon, or read /proc/1/root to walk the host filesystem',
        'the injected code runs on the host as root',
      ];
      return [hit(pidPtraceMeta, spec, { fields: ['pidMode', capIndex(spec, 'SYS_PTRACE')], key: 'pid+ptrace', message: `Host takeover: ${steps(s)}`, evidence: { steps: s } })];
    },
  },
  {
    meta: writableSystemMeta,
    check(spec) {
      const out = [];
      for (const [i, m] of spec.mounts.entries()) {
        const src = bindSource(m);
        if (!src || m.readOnly || isSocket(src)) continue;
        const dir = systemDir(src);
        if (!dir) continue;
        const s = [
          `${who(spec)} mounts host ${src} read-write at ${m.target}`,
          `root in the container can modify host files under ${src} (e.g. ${dir === '/' || dir === '/etc' ? '/etc/cron.d, /etc/passwd, /etc/sudoers' : dir === '/root' ? '/root/.ssh/authorized_keys' : 'binaries or configuration the host trusts'})`,
          'the host executes or trusts the changed file',
          'code runs on the host as root',
        ];
        out.push(
          hit(writableSystemMeta, spec, { fields: [`mounts.${i}`, 'mounts'], key: `${src}>${m.target}`, message: `Host takeover: ${steps(s)}`, evidence: { steps: s, source: src, target: m.target } }),
        );
      }
      return out;
    },
  },
];
