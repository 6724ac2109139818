import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-020',
  title: 'Container runs as root',
  severity: 'medium',
  stage: 'runtime',
  rationale: 'Root in the container is root on the host for the kernel (without user namespaces): every kernel bug or mis-mount becomes a host compromise.',
  remediation: 'Run as an unprivileged user: --user 10001:10001 (user: "10001:10001"), or set USER in the image.',
  references: ['CIS-4.1', 'KSV012', 'AVD-KSV-0012', 'KSV105', 'AVD-KSV-0105', 'CIS-DI-0001'],
  tags: ['user'],
};

export function isRootUser(u: string | undefined): boolean {
  if (u === undefined) return true;
  const name = u.split(':')[0]!.trim();
  return name === '' || name === 'root' || name === '0';
}

/** The effective user: the run-time one, else the image's; `undefined` when only the default (root) applies. */
export function effectiveUser(spec: ContainerSpec): { user: string | undefined; from: 'runtime' | 'image' | 'default' } {
  if (spec.user !== undefined && spec.user !== '') return { user: spec.user, from: 'runtime' };
  if (spec.imageUser) return { user: spec.imageUser, from: 'image' };
  return { user: undefined, from: 'default' };
}

export default defineRule<ContainerSpec>(meta, (spec) => {
  if (spec.frontEnd === 'k8s') {
    // the kubelet refuses UID 0 when runAsNonRoot is true; a numeric non-zero runAsUser is not root either
    if (spec.user === '0') {
      return [hit(meta, spec, { fields: ['user'], key: 'user', message: `${who(spec)} runs as root: runAsUser is 0`, evidence: { user: '0', from: 'runtime' } })];
    }
    if (spec.runAsNonRoot === true || (spec.user !== undefined && !isRootUser(spec.user))) return [];
    return [
      hit(meta, spec, {
        fields: ['runAsNonRoot', 'user', ''],
        key: 'user',
        message: `${who(spec)} may run as root: neither runAsNonRoot: true nor a non-zero runAsUser is set (the image's USER decides)`,
        evidence: { user: spec.user ?? '', from: 'default' },
        // KSV105 is an explicit UID 0; this one is KSV012 (runAsNonRoot not required)
        references: meta.references.filter((r) => !/KSV-?0?105$/.test(r)),
      }),
    ];
  }
  const eff = effectiveUser(spec);
  if (!isRootUser(eff.user)) return [];
  const how =
    eff.from === 'runtime'
      ? `user '${eff.user}' is set at run time`
      : eff.from === 'image'
        ? `the image's USER is '${eff.user}'`
        : spec.imageUserKnown
          ? 'neither the run-time config nor the image sets a user'
          : 'no user is set at run time (the image is not inspected here; it runs as root unless the image sets USER)';
  return [hit(meta, spec, { fields: ['user'], key: 'user', message: `${who(spec)} runs as root: ${how}`, evidence: { user: eff.user ?? '', from: eff.from } })];
});
