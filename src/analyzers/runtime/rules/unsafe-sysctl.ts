import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-027',
  title: 'Unsafe sysctl set',
  severity: 'medium',
  stage: 'runtime',
  rationale:
    'Only a few namespaced sysctls are safe to set per container (Kubernetes\' safe set). Others change kernel-wide or host-network behaviour (with the host network every net.* sysctl applies to the host), or weaken isolation.',
  remediation: 'Remove the sysctl or set it on the host deliberately; keep to the safe set (net.ipv4.ip_unprivileged_port_start, net.ipv4.ip_local_port_range, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, kernel.shm_rmid_forced, ...).',
  references: ['KSV026', 'AVD-KSV-0026'],
  tags: ['kernel'],
};

export const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
]);

export default defineRule<ContainerSpec>(meta, (spec) => {
  const out = [];
  for (const [name, value] of Object.entries(spec.sysctls)) {
    const hostNet = spec.networkMode === 'host' && name.startsWith('net.');
    if (SAFE_SYSCTLS.has(name) && !hostNet) continue;
    out.push(
      hit(meta, spec, {
        fields: [`sysctls.${name}`, 'sysctls'],
        key: name,
        severity: hostNet || name.startsWith('kernel.') ? 'high' : 'medium',
        message: `${who(spec)} sets sysctl ${name}=${value}${hostNet ? ' on the host network namespace' : ''}`,
      }),
    );
  }
  return out;
});
