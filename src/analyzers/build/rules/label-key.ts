import { defineRule } from '../../../core/rule.js';
import type { BuildContext, Hit } from '../context.js';
import { HADOLINT } from './util.js';

const RESERVED = ['com.docker.', 'io.docker.', 'org.dockerproject.'];

export function labelKeyProblem(key: string): string | undefined {
  if (RESERVED.some((r) => key.startsWith(r))) return `uses the reserved namespace ${RESERVED.find((r) => key.startsWith(r))}`;
  if (!/^[a-z]([a-z0-9.-]*[a-z0-9])?$/.test(key)) return 'must be lower-case alphanumerics, dots and hyphens, starting with a letter and ending with a letter or digit';
  if (/\.\.|--/.test(key)) return 'must not contain consecutive dots or hyphens';
  return undefined;
}

export default defineRule<BuildContext, Hit>(
  {
    id: 'BW-BUILD-055',
    title: 'Invalid label key',
    severity: 'info',
    rationale: 'Label keys follow a convention (reverse-DNS, lower case) so tools can read them; reserved Docker namespaces must not be used.',
    remediation: 'Use keys like `org.opencontainers.image.source`.',
    references: ['DL3048'],
    helpUri: HADOLINT('DL3048'),
    stage: 'build',
  },
  (ctx) => {
    const hits: Hit[] = [];
    for (const inst of ctx.all('LABEL')) {
      for (const p of inst.properties) {
        if (p.name.includes('$')) continue;
        const why = labelKeyProblem(p.name);
        if (why) hits.push({ inst, message: `label key '${p.name}' ${why}`, key: p.name });
      }
    }
    return hits;
  },
);
