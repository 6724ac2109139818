import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { cisRefs, setting, settingLocation } from '../check.js';

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-DAEMON-010',
    title: 'The devicemapper base device size is changed',
    severity: 'low',
    stage: 'daemon',
    rationale: 'Raising dm.basesize lets every container grow its filesystem to that size, which can fill the thin pool and stop every container (devicemapper only).',
    remediation: 'Remove dm.basesize from --storage-opt / "storage-opts" (and move off devicemapper, which current engines no longer ship).',
    references: cisRefs('2.11'),
    cis: { section: '2', ids: ['2.11'] },
  },
  (ev) => {
    const s = setting(ev, 'storage-opts');
    const opts = Array.isArray(s.value) ? (s.value as string[]) : [];
    const hit = opts.find((o) => /^dm\.basesize=/i.test(o));
    const loc = settingLocation(ev, s, 'storage-opts');
    if (hit) return [{ status: 'warn', message: `storage option ${hit} is set`, key: 'dm.basesize', location: loc }];
    return [{ status: 'pass', message: 'dm.basesize is not set', key: 'dm.basesize', location: loc }];
  },
);
