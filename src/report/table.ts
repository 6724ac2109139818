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
  for (const [target, all] of byTarget) {
    // vulnerabilities as a package table (Trivy's shape) unless --verbose; other findings as text
    // (a finding that carries its evidence chain, asked for with --explain, is printed in full)
    const vulns = opts.verbose ? [] : all.filter((f) => f.vulnerability && !f.vulnerability.explanation?.length);
    const inTable = new Set(vulns);
    const list = vulns.length ? all.filter((f) => !inTable.has(f)) : all;
    if (vulns.length) out.push(...vulnerabilityTables(target, vulns, opts.color));
    if (!list.length) continue;
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
  // warnings and errors come before the closing summary line, where they are seen
  for (const w of report.warnings ?? []) out.push(`warning: ${w}`);
  for (const e of report.errors ?? []) out.push(`error: ${e.target ? `${e.target}: ` : ''}${e.ruleId ? `${e.ruleId}: ` : ''}${e.message}`);
  const counts = SEVERITIES.map((s) => `${s}: ${visible.filter((f) => f.severity === s && !f.suppressed).length}`).join(', ');
  const targets = report.targets.length;
  out.push(
    `${targets} target${targets === 1 ? '' : 's'}, ${visible.filter((f) => !f.suppressed).length} finding(s) (${counts})` +
      (suppressed ? `, ${suppressed} suppressed` : ''),
  );
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

const ECOSYSTEM_LABELS: Record<string, string> = {
  deb: 'OS packages (dpkg)',
  apk: 'OS packages (apk)',
  rpm: 'OS packages (rpm)',
  npm: 'Node.js (npm)',
  pypi: 'Python (pip)',
  golang: 'Go (binaries and modules)',
  maven: 'Java (Maven)',
  gem: 'Ruby (gems)',
  cargo: 'Rust (cargo)',
  composer: 'PHP (composer)',
  nuget: '.NET (NuGet)',
};

/** The advisory's one-line title: the message's text after "is affected by ID (aliases): ". */
function vulnTitle(f: Finding): string {
  const m = /\): (.*)$|^[^:]*affected by [^ :]+: (.*)$/.exec(f.message);
  return (m?.[1] ?? m?.[2] ?? '').trim();
}

function clip(s: string, n: number): string {
  const chars = [...s];
  return chars.length <= n ? s : chars.slice(0, n - 1).join('') + '…';
}

/**
 * Trivy-style tables, one per package type of a target: package | installed | fixed | vulnerability |
 * severity | title, one row per package and vulnerability, the package named once per group of rows.
 */
export function vulnerabilityTables(target: string, findings: Finding[], color: boolean): string[] {
  const out: string[] = [];
  const byEco = new Map<string, Finding[]>();
  for (const f of findings) {
    const eco = f.vulnerability!.package.ecosystem;
    const l = byEco.get(eco) ?? [];
    l.push(f);
    byEco.set(eco, l);
  }
  for (const [eco, list] of byEco) {
    // rows grouped by package (name, version), worst package first, its vulnerabilities worst first
    const byPkg = new Map<string, Finding[]>();
    for (const f of list) {
      const p = f.vulnerability!.package;
      const k = `${p.name}\u0000${p.version}`;
      const l = byPkg.get(k) ?? [];
      l.push(f);
      byPkg.set(k, l);
    }
    const groups = [...byPkg.values()];
    const rank = (f: Finding) => SEVERITIES.indexOf(f.severity);
    for (const g of groups) g.sort((a, b) => rank(a) - rank(b) || (a.vulnerability!.id < b.vulnerability!.id ? -1 : a.vulnerability!.id > b.vulnerability!.id ? 1 : 0));
    groups.sort((a, b) => rank(a[0]!) - rank(b[0]!) || (a[0]!.vulnerability!.package.name < b[0]!.vulnerability!.package.name ? -1 : 1));
    const header = ['Package', 'Installed', 'Fixed', 'Vulnerability', 'Severity', 'Title'];
    const rows: Array<{ cells: string[]; sev: Severity; first: boolean }> = [];
    for (const g of groups) {
      g.forEach((f, i) => {
        const v = f.vulnerability!;
        const id = v.id + (v.kev ? ' (KEV)' : '');
        rows.push({
          cells: [i === 0 ? clip(v.package.name, 32) : '', i === 0 ? clip(v.package.version, 24) : '', clip(v.fixedVersion ?? (v.status === 'affected' ? '' : v.status.replace(/_/g, ' ')), 24), id, f.severity.toUpperCase(), clip(vulnTitle(f), 60)],
          sev: f.severity,
          first: i === 0,
        });
      });
    }
    const widths = header.map((h, c) => Math.max([...h].length, ...rows.map((r) => [...r.cells[c]!].length)));
    const pad = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - [...s].length));
    const line = (l: string, m: string, r: string) => l + widths.map((w) => '─'.repeat(w + 2)).join(m) + r;
    const c = SEVERITIES.map((s) => [s, list.filter((f) => f.severity === s).length] as const).filter(([, n]) => n);
    const title = `${target} (${ECOSYSTEM_LABELS[eco] ?? eco})`;
    out.push(color ? `\x1b[1m${title}\x1b[0m` : title);
    out.push(`Total: ${list.length} (${c.map(([s, n]) => `${s.toUpperCase()}: ${n}`).join(', ')})`, '');
    out.push(line('┌', '┬', '┐'));
    out.push('│ ' + header.map((h, i) => pad(h, widths[i]!)).join(' │ ') + ' │');
    rows.forEach((r, i) => {
      // a new package: a full rule; the next vulnerability of the same package: a rule right of the package cells
      out.push(r.first || i === 0 ? line('├', '┼', '┤') : `│ ${' '.repeat(widths[0]!)} │ ${' '.repeat(widths[1]!)} ├${widths.slice(2).map((w) => '─'.repeat(w + 2)).join('┼')}┤`);
      out.push('│ ' + r.cells.map((cell, k) => (k === 4 ? paint(pad(cell, widths[k]!), r.sev, color) : pad(cell, widths[k]!))).join(' │ ') + ' │');
    });
    out.push(line('└', '┴', '┘'), '');
  }
  return out;
}
