import { defineRule } from '../../../core/rule.js';
import type { HostEvidence } from '../../../host/types.js';
import type { CheckResult } from '../check.js';
import { cisRefs, notEvaluated } from '../check.js';

/** Docker Bench changes its wording above this many stopped containers; here it is the warning threshold. */
export const STOPPED_LIMIT = 25;

export default defineRule<HostEvidence, CheckResult>(
  {
    id: 'BW-DAEMON-041',
    title: 'Container sprawl: many stopped containers',
    severity: 'low',
    stage: 'daemon',
    rationale: 'Stopped containers keep their writable layers (data, secrets, logs) and configuration on the host and can be restarted with their old settings.',
    remediation: 'Remove stopped containers that are not needed (docker container prune) and run short-lived ones with --rm.',
    references: cisRefs('6.2'),
    cis: { section: '6', ids: ['6.2'] },
  },
  (ev) => {
    if (!ev.engine.containers) return [notEvaluated('containers', `container inventory needs the Engine API (${ev.engine.error ?? 'not queried'})`)];
    const all = ev.engine.containers;
    const running = all.filter((c) => c.State === 'running').length;
    const stopped = all.filter((c) => c.State !== 'running' && c.State !== 'paused' && c.State !== 'restarting');
    const evidence = { total: all.length, running, stopped: stopped.length };
    const loc = { kind: 'host' as const, setting: 'containers', source: 'GET /containers/json?all=1' };
    const text = `${all.length} containers: ${running} running, ${stopped.length} stopped`;
    if (stopped.length > STOPPED_LIMIT) return [{ status: 'warn', message: `${text} (more than ${STOPPED_LIMIT} stopped)`, key: 'containers', location: loc, evidence }];
    return [{ status: 'info', message: text, key: 'containers', location: loc, evidence }];
  },
);
