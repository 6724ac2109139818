import { defineRule, type RuleMeta } from '../../../core/rule.js';
import type { ContainerSpec } from '../../../runtime/model.js';
import { hit, who } from '../types.js';

const meta: RuleMeta = {
  id: 'BW-RUNTIME-006',
  title: 'Host IPC namespace shared',
  severity: 'medium',
  stage: 'runtime',
  rationale: "The container shares the host's System V IPC and POSIX message queues and /dev/shm, so it can read or corrupt other processes' shared memory.",
  remediation: "Remove --ipc host / ipc: host; use 'shareable' between specific containers when needed.",
  references: ['CIS-5.17', 'KSV008', 'AVD-KSV-0008'],
  tags: ['namespaces'],
};

export default defineRule<ContainerSpec>(meta, (spec) => {
  if (spec.ipcMode !== 'host') return [];
  return [hit(meta, spec, { fields: ['ipcMode'], key: 'ipcMode', message: `${who(spec)} uses the host IPC mode` })];
});
