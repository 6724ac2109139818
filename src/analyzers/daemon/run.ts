/**
 * Run the daemon/host checks over HostEvidence: results with a status for every check (the CIS table),
 * findings for fail and warn, and a docker-bench-like score.
 */
import { makeFinding } from '../../core/rule.js';
import type { Finding } from '../../core/finding.js';
import type { ReportError } from '../../core/report.js';
import type { HostEvidence } from '../../host/types.js';
import { hostRules } from './index.js';
import type { CheckResult, CheckStatus, HostRule, Section } from './check.js';
import { cisPlacement, STATUSES } from './check.js';

export interface RunResult extends CheckResult {
  ruleId: string;
  title: string;
  cis: string;
  section: Section;
}

export interface CisSummary {
  /**
   * Docker Bench's score: "Checks" counts every result, "Score" = pass − (fail + warn). Only scored checks ever
   * pass, fail or warn: manual (unscored) ones answer info, so the sum is Docker Bench's "+1 per scored PASS,
   * −1 per scored WARN". The same per section.
   */
  checks: number;
  score: number;
  counts: Record<CheckStatus, number>;
  sections: Array<{ section: Section; title: string; checks: number; score: number; counts: Record<CheckStatus, number> }>;
}

export const SECTION_TITLES: Record<Section, string> = {
  '1': '1 Host configuration',
  '2': '2 Docker daemon configuration',
  '3': '3 Docker daemon configuration files',
  '4': '4 Container images and build file',
  '5': '5 Container runtime',
  '6': '6 Docker security operations',
  '7': '7 Docker Swarm configuration',
  K: 'Kernel and runtime escapes (Bulwark)',
};

export function runChecks(ev: HostEvidence, scope: 'daemon' | 'host' | 'all', rules: HostRule[] = hostRules): { results: RunResult[]; findings: Finding[]; errors: ReportError[] } {
  const results: RunResult[] = [];
  const findings: Finding[] = [];
  const errors: ReportError[] = [];
  for (const c of rules) {
    if (scope !== 'all' && c.meta.stage !== scope) continue;
    const { section, ids: cisIds } = cisPlacement(c);
    // section 4 (images, with the client's content trust) belongs to the whole-benchmark run only
    if (section === '4' && scope !== 'all') continue;
    let rs: CheckResult[];
    try {
      // section 2 reads the daemon's configuration: without it (and without /info) a default is not a pass
      rs =
        section === '2' && !ev.settingsKnown && !ev.engine.info
          ? (cisIds.length ? cisIds : ['']).map((cis) => ({ status: 'not-evaluated' as const, message: `daemon configuration unknown: ${ev.daemonArgsSource}`, key: 'unknown', ...(cis ? { cis } : {}) }))
          : c.check(ev);
    } catch (e) {
      // a check that throws is an error of the report (and fails --exit-code), never a quiet "not evaluated"
      const message = `check failed: ${(e as Error)?.message ?? String(e)}`;
      errors.push({ kind: 'check', ruleId: c.meta.id, message });
      rs = (cisIds.length ? cisIds : ['']).map((cis) => ({ status: 'error' as const, message, key: 'error', ...(cis ? { cis } : {}) }));
    }
    for (const r of rs) {
      const cis = r.cis ?? cisIds[0] ?? '';
      results.push({
        ...r,
        ruleId: c.meta.id,
        title: c.meta.title,
        cis,
        section,
        ...(r.status === 'fail' || r.status === 'warn' ? { remediation: r.remediation ?? c.meta.remediation } : {}),
      });
      if (r.status === 'fail' || r.status === 'warn') {
        const f = makeFinding(c.meta, {
            message: r.message,
            location: r.location ?? { kind: 'host', setting: r.key },
            key: r.key,
            ...(r.severity ? { severity: r.severity } : {}),
            ...(r.remediation ? { remediation: { text: r.remediation } } : {}),
            evidence: { status: r.status, ...(cis ? { cis } : {}), ...(r.evidence ?? {}) },
          extraReferences: [...(cis && !c.meta.references.includes(`CIS-${cis}`) ? [`CIS-${cis}`] : []), ...(r.extraReferences ?? [])],
        });
        // a rule covering several CIS numbers: the finding cites only the one this result answers
        if (cisIds.length > 1 && cis) f.references = f.references.filter((ref) => !ref.startsWith('CIS-') || ref === `CIS-${cis}`);
        findings.push(f);
      }
    }
  }
  return { results, findings, errors };
}

function emptyCounts(): Record<CheckStatus, number> {
  return Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<CheckStatus, number>;
}

export function summarize(results: RunResult[]): CisSummary {
  const counts = emptyCounts();
  const bySection = new Map<Section, Record<CheckStatus, number>>();
  for (const r of results) {
    counts[r.status]++;
    const s = bySection.get(r.section) ?? emptyCounts();
    s[r.status]++;
    bySection.set(r.section, s);
  }
  const order: Section[] = ['1', '2', '3', '4', '5', '6', '7', 'K'];
  const total = (c: Record<CheckStatus, number>) => STATUSES.reduce((n, st) => n + c[st], 0);
  return {
    checks: results.length,
    score: counts.pass - counts.fail - counts.warn,
    counts,
    sections: order
      .filter((s) => bySection.has(s))
      .map((s) => {
        const c = bySection.get(s)!;
        return { section: s, title: SECTION_TITLES[s], checks: total(c), score: c.pass - c.fail - c.warn, counts: c };
      }),
  };
}

const LABEL: Record<CheckStatus, string> = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', info: 'INFO', 'not-evaluated': 'N/E', error: 'ERR' };

function cisOrder(a: RunResult, b: RunResult): number {
  const ka = a.cis || '99';
  const kb = b.cis || '99';
  return ka.localeCompare(kb, 'en', { numeric: true }) || a.ruleId.localeCompare(b.ruleId, 'en', { numeric: true });
}

/** The docker-bench-like text table: grouped by section, one line per result, then the score. */
export function renderCisText(results: RunResult[], ev: HostEvidence, notes: string[] = []): string {
  const lines: string[] = [];
  lines.push(`Bulwark CIS Docker Benchmark v1.6.0 audit (${ev.mode}${ev.mode === 'offline' ? ` --root ${ev.root}` : ''})`);
  lines.push(`endpoint: ${ev.endpoint}${ev.daemon ? `  dockerd PID ${ev.daemon.pid} (${ev.daemon.identifiedBy})` : ''}`);
  lines.push(`daemon flags from: ${ev.daemonArgsSource}; daemon.json: ${ev.configFile.path} (${ev.configFile.facts.exists ? 'present' : 'absent'})`);
  lines.push(...notes);
  const sum = summarize(results);
  for (const sec of sum.sections) {
    const c = sec.counts;
    lines.push('', `[${sec.title}]  score ${sec.score}: pass ${c.pass}, fail ${c.fail}, warn ${c.warn}, info ${c.info}, not evaluated ${c['not-evaluated']}${c.error ? `, ERROR ${c.error}` : ''}`);
    for (const r of results.filter((x) => x.section === sec.section).sort(cisOrder)) {
      lines.push(`[${LABEL[r.status].padEnd(4)}] ${(r.cis || '-').padEnd(7)} ${r.ruleId.padEnd(13)} ${r.message}`);
    }
  }
  lines.push('', `Checks: ${sum.checks}, Score: ${sum.score}  (pass ${sum.counts.pass}, fail ${sum.counts.fail}, warn ${sum.counts.warn}, info ${sum.counts.info}, not evaluated ${sum.counts['not-evaluated']}${sum.counts.error ? `, ERROR ${sum.counts.error}` : ''})`);
  return lines.join('\n');
}
