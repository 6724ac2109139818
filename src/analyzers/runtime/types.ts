/** Runtime rules: metadata plus one pure check over the normalised container model, and their finding helpers. */
import { fingerprint, type Finding, type Severity } from '../../core/finding.js';
import { makeFinding, type Rule, type RuleMeta } from '../../core/rule.js';
import { locate, type ContainerSpec } from '../../runtime/model.js';

/** A runtime rule: `export default defineRule<ContainerSpec>(meta, check)` */
export type RuntimeRule = Rule<ContainerSpec>;

export interface HitInit {
  /** model fields to locate, best first (e.g. `mounts.2`, `mounts`) */
  fields: string[];
  /** content key for the fingerprint */
  key: string;
  message: string;
  severity?: Severity;
  evidence?: Record<string, unknown>;
  remediation?: string;
  /** this finding's upstream references, when narrower than the rule's (a rule covering two Trivy checks) */
  references?: string[];
}

export function hit(meta: RuleMeta, spec: ContainerSpec, init: HitInit): Finding {
  const f = makeFinding(meta, {
    location: locate(spec, ...init.fields),
    key: `${spec.frontEnd}|${spec.name}|${init.key}`,
    message: init.message,
    severity: init.severity,
    evidence: init.evidence,
    remediation: init.remediation ? { text: init.remediation } : undefined,
  });
  if (init.references) f.references = init.references;
  // content keys only: the file, the service/container and what the finding is about; never the line or
  // the argument index, so reordering `docker run` flags or editing other lines keeps the fingerprint
  f.fingerprint = fingerprint(meta.id, spec.frontEnd, spec.file ?? '', identity(spec), init.key);
  return f;
}

/** What a finding is about, for fingerprints: the service, the workload's container, or the container. */
export function identity(spec: ContainerSpec): string {
  if (spec.workload) {
    const w = spec.workload;
    return `${w.namespace ?? ''}/${w.kind}/${w.name}/${w.containerType}/${w.container}`;
  }
  return spec.service ?? spec.container ?? spec.name;
}

export function who(spec: ContainerSpec): string {
  if (spec.service) return `service '${spec.service}'`;
  if (spec.workload) {
    const w = spec.workload;
    const kind = w.containerType === 'container' ? 'container' : w.containerType === 'initContainer' ? 'init container' : 'ephemeral container';
    return `${kind} '${w.container}' of ${w.kind} '${w.namespace ? `${w.namespace}/` : ''}${w.name}'`;
  }
  return `container '${spec.container ?? spec.name}'`;
}
