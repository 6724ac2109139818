import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { cisRefs } from '../check.js';

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-HOST-002',
    title: 'User in the docker group (root-equivalent)',
    severity: 'medium',
    stage: 'host',
    rationale:
      'Members of the group that owns the Docker socket can run `docker run --privileged -v /:/host` and are root on this host without a password or an audit trail of sudo. Every member must be trusted like root.',
    remediation: 'Remove users who do not need root from the group (gpasswd -d USER docker); give others rootless Docker or a sudo rule that is logged.',
    references: cisRefs('1.1.2'),
    cis: { section: '1', ids: ['1.1.2'] },
  },
  (ev) => {
    const g = ev.groups.dockerGroup;
    const group = String(ev.settings.settings.get('group')?.value || 'docker');
    const loc = { kind: 'host' as const, path: '/etc/group', setting: group };
    if (!g) return [{ status: 'pass', message: `no '${group}' group in /etc/group`, key: 'group', location: loc }];
    const users = [...new Set([...g.members, ...g.primaryMembers])].sort();
    if (!users.length) return [{ status: 'pass', message: `group '${group}' (gid ${g.gid}) has no members`, key: 'group', location: loc }];
    return users.map(
      (u): CheckResult => ({
        status: 'warn',
        message: `user '${u}' is in group '${group}' (gid ${g.gid}${g.primaryMembers.includes(u) ? ', primary group' : ''}) and is therefore root-equivalent on this host`,
        key: `group|${u}`,
        location: loc,
        evidence: { user: u, group, gid: g.gid },
      }),
    );
  },
);
