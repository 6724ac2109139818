/** Shared body of the kernel/runc/containerd escape checks. */
import type { CheckResult } from '../check.js';
import { lower } from '../check.js';
import { escapeTable, evaluateEscape, type ComponentVersion, type EscapeEntry } from '../escapes.js';
import type { HostLocation } from '../../../core/finding.js';

export function escapeResults(component: EscapeEntry['component'], cv: ComponentVersion, location: HostLocation, label: string): CheckResult[] {
  const out: CheckResult[] = [];
  for (const e of escapeTable().entries.filter((x) => x.component === component)) {
    const v = evaluateEscape(e, cv);
    const refs = [e.id, ...(e.aliases ?? [])];
    const evidence = { cve: e.id, name: e.name, verdict: v.verdict, version: v.version, advisory: e.advisory, published: e.published, range: v.range, tableUpdated: escapeTable().updated };
    const head = `${label} ${v.version}: ${e.id} (${e.name})`;
    switch (v.verdict) {
      case 'affected':
        out.push({ status: 'fail', key: e.id, location, evidence, extraReferences: refs, severity: e.severity, message: `${head} is AFFECTED: ${v.explanation}. ${e.summary} Advisory: ${e.advisory} (${e.published})` });
        break;
      case 'uncertain':
        out.push({
          status: 'warn',
          key: e.id,
          location,
          evidence,
          extraReferences: refs,
          severity: lower(e.severity, 2),
          message: `${head}: uncertain: ${v.explanation}. Severity lowered from ${e.severity} because the fix may be backported. ${e.summary} Advisory: ${e.advisory} (${e.published})`,
        });
        break;
      default:
        out.push({ status: 'pass', key: e.id, location, evidence, message: `${head}: ${v.verdict === 'fixed' ? 'fixed' : 'not affected'} (${v.explanation})` });
    }
  }
  return out;
}
