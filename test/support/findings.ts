/** Small real findings for report/policy tests, built through the same makeFinding every rule uses. */
import type { RuleMeta } from '../../src/core/rule.js';
import { makeFinding } from '../../src/core/rule.js';
import type { Finding } from '../../src/core/finding.js';
import type { Report } from '../../src/core/report.js';
import { TOOL } from '../../src/core/version.js';

export const META_FILE: RuleMeta = {
  id: 'BW-TEST-001',
  title: 'Test rule on a file',
  severity: 'high',
  stage: 'build',
  rationale: 'Used by report tests.',
  remediation: 'Change the line.',
  references: ['DL3008', 'CIS-4.7'],
};

export const META_RUNTIME: RuleMeta = {
  id: 'BW-TEST-002',
  title: 'Test rule on a container',
  severity: 'medium',
  stage: 'runtime',
  rationale: 'Used by report tests.',
  remediation: 'Drop it.',
  references: ['CIS-5.5'],
};

export function sampleFindings(): Finding[] {
  return [
    makeFinding(META_FILE, {
      location: { kind: 'file', file: 'app/Dockerfile', line: 3, column: 1, endLine: 4 },
      key: 'RUN apt-get install curl',
      message: 'Pin versions in apt-get install',
    }),
    makeFinding(META_RUNTIME, {
      location: { kind: 'runtime', service: 'web', field: 'privileged', file: 'compose.yaml', line: 7, column: 5 },
      key: 'privileged',
    }),
    makeFinding(META_RUNTIME, {
      location: { kind: 'runtime', container: 'c1', field: 'HostConfig.Privileged' },
      key: 'privileged',
      severity: 'low',
    }),
    makeFinding(META_FILE, {
      location: { kind: 'image', image: 'alpine:3.20', layerDigest: 'sha256:' + 'a'.repeat(64), layerIndex: 0, path: 'etc/shadow' },
      key: 'etc/shadow',
      severity: 'critical',
    }),
    makeFinding(META_FILE, {
      location: { kind: 'host', path: '/etc/docker/daemon.json', setting: 'icc', source: 'daemon.json' },
      key: 'icc',
      severity: 'info',
    }),
  ];
}

export function sampleReport(): Report {
  return { tool: TOOL, targets: [{ type: 'dockerfile', name: 'app/Dockerfile' }], findings: sampleFindings() };
}
