/** Turn normalised containers into a Report: the shared step of `bulwark run`, `compose` and `containers`. */
import type { Finding } from '../core/finding.js';
import type { Report, Target } from '../core/report.js';
import { TOOL_VERSION } from '../core/version.js';
import { checkContainer } from '../analyzers/runtime/index.js';
import { checkContainerImage } from '../analyzers/registry/index.js';
import type { AllowedRegistry } from '../registry/allowed.js';
import type { ContainerSpec } from './model.js';

/** What the audits of containers take besides the containers: the registry policy in force. */
export interface ContainerPolicy {
  /** allowedRegistries (src/registry/allowed.ts); undefined: any registry */
  allowedRegistries?: readonly AllowedRegistry[];
}

export function auditSpecs(specs: ContainerSpec[], policy: ContainerPolicy = {}): Finding[] {
  const out: Finding[] = [];
  for (const s of specs) for (const f of [...checkContainer(s), ...checkContainerImage(s, policy.allowedRegistries)]) out.push(f);
  return out;
}

export function runtimeReport(targets: Target[], specs: ContainerSpec[], warnings: string[] = [], policy: ContainerPolicy = {}): Report {
  // one pass: findings per container counted as they are made (no per-container scan of every finding)
  const findings: Finding[] = [];
  const containers = specs.map((s) => {
    // the runtime rules, then the registry stage's view of the container's image (pinning, content trust, allowed registries)
    const own = [...checkContainer(s), ...checkContainerImage(s, policy.allowedRegistries)];
    for (const f of own) findings.push(f);
    return {
      name: s.service ?? s.container ?? s.name,
      frontEnd: s.frontEnd,
      image: s.image,
      ...(s.workload ? { workload: { kind: s.workload.kind, name: s.workload.name, ...(s.workload.namespace ? { namespace: s.workload.namespace } : {}), container: s.workload.container } } : {}),
      ...(s.state ? { state: s.state } : {}),
      findings: own.length,
    };
  });
  const report: Report = {
    tool: { name: 'bulwark', version: TOOL_VERSION },
    targets,
    findings,
    summary: { containers },
  };
  if (warnings.length) report.warnings = warnings;
  return report;
}
