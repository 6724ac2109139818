import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { cisRefs, notEvaluated, swarm, swarmActive } from '../check.js';

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-DAEMON-053',
    title: 'Swarm managers are not auto-locked',
    severity: 'medium',
    stage: 'daemon',
    rationale: 'Without auto-lock the Raft keys (and so every swarm secret) sit unencrypted on each manager\'s disk; a stolen disk or backup gives them away.',
    remediation: '`docker swarm update --autolock=true` and keep the unlock key offline.',
    references: cisRefs('7.5'),
    cis: { section: '7', ids: ['7.5'] },
  },
  (ev) => {
    const s = swarm(ev);
    if (!s) return [notEvaluated('autolock', 'swarm state needs the Engine API')];
    const loc = { kind: 'host' as const, setting: 'EncryptionConfig.AutoLockManagers', source: '/info Swarm.Cluster.Spec' };
    if (!swarmActive(s) || !s.ControlAvailable) return [{ status: 'pass', message: swarmActive(s) ? 'worker node (auto-lock applies to managers)' : 'swarm mode is not active', key: 'autolock', location: loc }];
    if (s.Cluster?.Spec?.EncryptionConfig?.AutoLockManagers === true) return [{ status: 'pass', message: 'swarm managers are auto-locked', key: 'autolock', location: loc }];
    return [{ status: 'fail', message: 'swarm managers are not auto-locked', key: 'autolock', location: loc }];
  },
);
