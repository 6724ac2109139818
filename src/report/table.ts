/** The human format: findings grouped by target, worst first; colour only when asked (TTY, no NO_COLOR). */
import type { Finding, Severity } from '../core/finding.js';
import { SEVERITIES, formatLocation } from '../core/finding.js';
import type { Report } from '../core/report.js';
import type { RenderOptions } from './index.js';

const COLORS: Record<Severity, string> = {
  critical: '\x1b[1;31m',
  high: '\x1b[31m',
  medium: '\x1b[33m',
  low: '\x1b[36m',
  unknown: '\x1b[35m',
  info: '\x1b[2m',
};
const RESET = '\x1b[0m';

export function paint(text: string, sev: Severity, color: boolean): string {
  return color ? `${COLORS[sev]}${text}${RESET}` : text;
}

export function renderTable(report: Report, opts: RenderOptions): string {
  const out: string[] = [];
  const visible = report.findings.filter((f) => opts.showSuppressed || !f.suppressed);
  const suppressed = report.findings.length - report.findings.filter((f) => !f.suppressed).length;
  const byTarget = new Map<string, Finding[]>();
  for (const f of visible) {
    const key = targetKey(f);
    const list = byTarget.get(key) ?? [];
    list.push(f);
    byTarget.set(key, list);
  }
  if (report.summary && typeof report.summary.text === 'string') out.push(report.summary.text, '');
  for (const [target, list] of byTarget) {
    out.push(opts.color ? `\x1b[1m${target}\x1b[0m` : target);
    for (const f of list) {
      const sev = paint(f.severity.toUpperCase().padEnd(8), f.severity, opts.color);
      const loc = shortLocation(f);
      out.push(`  ${sev} ${f.ruleId.padEnd(14)} ${loc}`);
      out.push(`           ${f.message}${f.suppressed ? ` [suppressed: ${f.suppressed.kind}${f.suppressed.reason ? `, ${f.suppressed.reason}` : ''}]` : ''}`);
      const refs = f.references.filter((r) => r !== f.ruleId);
      if (refs.length) out.push(`           refs: ${refs.join(', ')}`);
      if (f.remediation.text) out.push(`           fix: ${f.remediation.text}${f.autoFixable ? ' (auto-fixable)' : ''}`);
      for (const step of f.vulnerability?.explanation ?? []) out.push(`           why: ${step}`);
    }
    out.push('');
  }
  const counts = SEVERITIES.map((s) => `${s}: ${visible.filter((f) => f.severity === s && !f.suppressed).length}`).join(', ');
  const targets = report.targets.length;
  out.push(
    `${targets} target${targets === 1 ? '' : 's'}, ${visible.filter((f) => !f.suppressed).length} finding(s) (${counts})` +
      (suppressed ? `, ${suppressed} suppressed` : ''),
  );
  for (const w of report.warnings ?? []) out.push(`warning: ${w}`);
  for (const e of report.errors ?? []) out.push(`error: ${e.target ? `${e.target}: ` : ''}${e.ruleId ? `${e.ruleId}: ` : ''}${e.message}`);
  return out.join('\n') + '\n';
}

function targetKey(f: Finding): string {
  const l = f.location;
  switch (l.kind) {
    case 'file':
      return l.file;
    case 'image':
      return l.image;
    case 'runtime':
      return l.file ?? (l.container ? `container ${l.container}` : l.service ? `service ${l.service}` : 'runtime');
    case 'host':
      return f.stage;
  }
}

function shortLocation(f: Finding): string {
  const l = f.location;
  if (l.kind === 'file') return `line ${l.line}`;
  return formatLocation(l);
}
