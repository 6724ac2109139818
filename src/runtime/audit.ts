/** Turn normalised containers into a Report: the shared step of `bulwark run`, `compose` and `containers`. */
import type { Finding } from '../core/finding.js';
import type { Report, Target } from '../core/report.js';
import { TOOL_VERSION } from '../core/version.js';
import { checkContainer } from '../analyzers/runtime/index.js';
import type { ContainerSpec } from './model.js';

export function auditSpecs(specs: ContainerSpec[]): Finding[] {
  return specs.flatMap((s) => checkContainer(s));
}

export function runtimeReport(targets: Target[], specs: ContainerSpec[], warnings: string[] = []): Report {
  const findings = auditSpecs(specs);
  const report: Report = {
    tool: { name: 'bulwark', version: TOOL_VERSION },
    targets,
    findings,
    summary: {
      containers: specs.map((s) => ({
        name: s.service ?? s.container ?? s.name,
        frontEnd: s.frontEnd,
        image: s.image,
        ...(s.state ? { state: s.state } : {}),
        findings: findings.filter((f) => f.location.kind === 'runtime' && (f.location.service ?? f.location.container) === (s.service ?? s.container ?? s.name)).length,
      })),
    },
  };
  if (warnings.length) report.warnings = warnings;
  return report;
}
