import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { Finding } from '../../../core/finding.js';
import { DEFAULT_CAPS, type ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

/** Capabilities that give a path to the host or to other containers, with why. */
export const DANGEROUS_CAPS: Record<string, string> = {
  ALL: 'every capability',
  SYS_ADMIN: 'mount, namespaces, BPF, cgroup release_agent: the classic escape capability',
  SYS_PTRACE: 'trace and inject code into other processes (host processes with --pid=host)',
  SYS_MODULE: 'load kernel modules: kernel code execution',
  SYS_RAWIO: 'raw I/O ports and /dev/mem access',
  DAC_READ_SEARCH: 'open_by_handle_at: read any host file (the "shocker" escape)',
  DAC_OVERRIDE: 'bypass file permission checks',
  NET_ADMIN: 'reconfigure interfaces, routes and firewall rules',
  SYS_BOOT: 'reboot the host',
  SYS_TIME: 'change the host clock',
  MAC_ADMIN: 'change the MAC (AppArmor/SELinux) policy',
  MAC_OVERRIDE: 'bypass the MAC policy',
  BPF: 'load BPF programs',
  PERFMON: 'perf events: kernel memory observation',
  SYSLOG: 'read kernel addresses from the kernel log',
  SYS_RESOURCE: 'override resource limits',
  LINUX_IMMUTABLE: 'change immutable file flags',
  SYS_NICE: 'starve other workloads of CPU',
  NET_BROADCAST: 'network broadcast and multicast',
  IPC_LOCK: 'lock memory',
  WAKE_ALARM: 'wake the host',
  BLOCK_SUSPEND: 'block host suspend',
  AUDIT_CONTROL: 'change the kernel audit rules',
  AUDIT_READ: 'read the audit log',
  CHECKPOINT_RESTORE: 'checkpoint/restore of other processes',
};

const meta: RuleMeta = {
  id: 'BW-RUNTIME-002',
  title: 'Dangerous capability added',
  severity: 'high',
  stage: 'runtime',
  rationale:
    "Capabilities beyond Docker's default set widen the kernel attack surface; several (SYS_ADMIN, SYS_PTRACE, SYS_MODULE, DAC_READ_SEARCH, SYS_RAWIO) are known container escape routes.",
  remediation: 'Remove the capability from --cap-add / cap_add, or justify it and drop everything else (cap_drop: [ALL]).',
  references: ['CIS-5.4', 'KSV005', 'KSV022', 'AVD-KSV-0022'],
  tags: ['privilege', 'capabilities'],
};

const HIGH = new Set(['ALL', 'SYS_ADMIN', 'SYS_PTRACE', 'SYS_MODULE', 'SYS_RAWIO', 'DAC_READ_SEARCH', 'BPF', 'MAC_ADMIN', 'MAC_OVERRIDE']);

export default defineRule<ContainerSpec>(meta, (spec) => {
  if (spec.privileged) return [];
  const out: Finding[] = [];
  spec.capAdd.forEach((cap, i) => {
    if (DEFAULT_CAPS.includes(cap)) return;
    const why = DANGEROUS_CAPS[cap] ?? 'not in Docker\'s default set';
    out.push(
      hit(meta, spec, {
        fields: [`capAdd.${i}`, 'capAdd'],
        key: cap,
        severity: HIGH.has(cap) ? 'high' : 'medium',
        message: `${who(spec)} adds capability ${cap} (${why})`,
        evidence: { capability: cap },
      }),
    );
  });
  return out;
});
