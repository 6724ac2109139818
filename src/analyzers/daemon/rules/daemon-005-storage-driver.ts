import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { cisRefs, notEvaluated, setting, settingLocation } from '../check.js';

/** Removed or deprecated storage drivers (aufs: removed in 24.0; devicemapper and overlay: removed in 25.0). */
const DEPRECATED: Record<string, string> = {
  aufs: 'deprecated in Engine 20.10 and removed in 24.0',
  devicemapper: 'deprecated in Engine 18.09 and removed in 25.0',
  overlay: 'the legacy overlay (v1) driver was deprecated in 18.09 and removed in 24.0',
};

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-DAEMON-005',
    title: 'A deprecated storage driver is in use',
    severity: 'medium',
    stage: 'daemon',
    rationale: 'aufs, devicemapper and the legacy overlay driver are unmaintained, have known stability and security issues and are removed from current engines.',
    remediation: 'Move to overlay2 (or a supported snapshotter): set "storage-driver": "overlay2" after exporting the images and volumes you need.',
    references: cisRefs('2.6'),
    cis: { section: '2', ids: ['2.6'] },
  },
  (ev) => {
    const live = ev.engine.info?.Driver as string | undefined;
    const s = setting(ev, 'storage-driver');
    const configured = typeof s.value === 'string' && s.value ? s.value : undefined;
    const driver = live ?? configured;
    if (!driver) return [notEvaluated('storage-driver', 'the storage driver is chosen by the engine at start and the Engine API is not available')];
    const loc = live ? { kind: 'host' as const, setting: 'storage-driver', source: '/info Driver' } : settingLocation(ev, s, 'storage-driver');
    const why = DEPRECATED[driver];
    if (why) return [{ status: 'fail', message: `storage driver '${driver}' is ${why}`, key: 'storage-driver', location: loc, evidence: { driver } }];
    return [{ status: 'pass', message: `storage driver is '${driver}'`, key: 'storage-driver', location: loc }];
  },
);
