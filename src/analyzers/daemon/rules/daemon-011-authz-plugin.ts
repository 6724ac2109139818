import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { cisRefs, describe, setting, settingLocation } from '../check.js';

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-DAEMON-011',
    title: 'No authorization plugin guards the Docker API',
    severity: 'low',
    stage: 'daemon',
    rationale: 'Without an authorization plugin every client that can reach the socket may call every endpoint (privileged containers, host mounts); a plugin can restrict that per user or request.',
    remediation: 'Configure "authorization-plugins" (e.g. an OPA-based plugin) with a policy that denies privileged/host-mount requests to non-admins.',
    references: cisRefs('2.12'),
    cis: { section: '2', ids: ['2.12'] },
  },
  (ev) => {
    const s = setting(ev, 'authorization-plugins');
    const configured = Array.isArray(s.value) ? (s.value as string[]) : [];
    const live = ((ev.engine.info?.Plugins as { Authorization?: string[] } | undefined)?.Authorization ?? []).filter(Boolean);
    const all = [...new Set([...configured, ...live])];
    const loc = settingLocation(ev, s, 'authorization-plugins');
    if (all.length) return [{ status: 'pass', message: `authorization plugin(s): ${all.join(', ')}${configured.length ? ` (${describe(s)})` : ' (/info Plugins.Authorization)'}`, key: 'authorization-plugins', location: loc }];
    return [{ status: 'warn', message: 'no authorization plugin: every client of the socket may call every API endpoint', key: 'authorization-plugins', location: loc }];
  },
);
