/**
 * Conformance with the upstream linters' own test suites: hadolint's rule specs and trivy-checks'
 * Dockerfile tests, extracted as data under test/fixtures/conformance/ (see SOURCES.md there). Each case
 * is a Dockerfile and the verdict the upstream asserts for one of its rule IDs; Bulwark "fires" for that ID
 * when an unsuppressed finding cites it in its references. Shared by test/build/conformance.test.ts and
 * scripts/gen-conformance-doc.ts (which writes docs/rules/conformance.md).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { analyzeDockerfile } from '../../src/analyzers/build/analyze.js';
import { DEFAULT_SETTINGS, type BuildSettings, type LabelType } from '../../src/analyzers/build/context.js';
import { allBuildRules } from '../../src/analyzers/build/rules/index.js';

export type Upstream = 'hadolint' | 'trivy';

export interface UpstreamCase {
  id: string;
  file: string;
  line: number;
  name: string;
  expect: 'fail' | 'pass';
  count?: number;
  onbuild?: boolean;
  dockerfile: string;
  config?: { allowedRegistries?: string[]; labelSchema?: Record<string, string>; strictLabels?: boolean; [k: string]: unknown };
}

export interface CaseResult {
  upstream: Upstream;
  c: UpstreamCase;
  /** stable key of the case: upstream, ID and a digest of its inputs (survives re-extraction and line shifts) */
  key: string;
  /** Bulwark rules that cite this upstream ID (empty: the ID is not mapped) */
  rules: string[];
  fired: number;
  agrees: boolean;
}

export interface Difference {
  key: string;
  upstream: Upstream;
  id: string;
  /** the case's name, for readers of the list */
  case: string;
  reason: string;
}

const FIXTURES = new URL('../fixtures/conformance/', import.meta.url);

export function loadCases(upstream: Upstream): { source: Record<string, string>; cases: UpstreamCase[] } {
  return JSON.parse(readFileSync(new URL(`${upstream}.json`, FIXTURES), 'utf8')) as { source: Record<string, string>; cases: UpstreamCase[] };
}

export function loadDifferences(): Difference[] {
  const doc = parseYaml(readFileSync(new URL('differences.yaml', FIXTURES), 'utf8')) as { differences?: Difference[] } | null;
  return doc?.differences ?? [];
}

export function caseKey(upstream: Upstream, c: UpstreamCase): string {
  const h = createHash('sha256')
    .update([upstream, c.id, c.expect, c.onbuild ? 'onbuild' : '', JSON.stringify(c.config ?? {}), c.dockerfile].join('\u0000'))
    .digest('hex');
  return `${upstream}:${c.id}:${h.slice(0, 12)}`;
}

const LABEL_TYPES: Record<string, LabelType> = { RawText: 'text', Url: 'url', Rfc3339: 'rfc3339', Spdx: 'spdx', GitHash: 'hash', SemVer: 'semver', Email: 'email' };

/** The Bulwark settings an upstream configuration corresponds to. */
export function settingsFor(c: UpstreamCase): BuildSettings {
  const s: BuildSettings = { ...DEFAULT_SETTINGS };
  if (c.config?.allowedRegistries) s.allowedRegistries = c.config.allowedRegistries;
  if (c.config?.labelSchema) {
    s.labelSchema = Object.fromEntries(Object.entries(c.config.labelSchema).map(([k, v]) => [k, LABEL_TYPES[v] ?? 'text']));
  }
  if (c.config?.strictLabels) s.strictLabels = true;
  return s;
}

/** upstream ID -> the Bulwark build rules citing it */
export function upstreamMap(): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const r of allBuildRules) {
    for (const ref of r.meta.references) {
      if (!/^(DL|DS)\d+$/.test(ref)) continue;
      m.set(ref, [...(m.get(ref) ?? []), r.meta.id]);
    }
  }
  return m;
}

export function runCase(upstream: Upstream, c: UpstreamCase, map = upstreamMap()): CaseResult {
  const rules = map.get(c.id) ?? [];
  const findings = analyzeDockerfile(c.dockerfile, 'Dockerfile', settingsFor(c)).findings;
  const fired = findings.filter((f) => !f.suppressed && f.references.includes(c.id)).length;
  return { upstream, c, key: caseKey(upstream, c), rules, fired, agrees: rules.length > 0 && (fired > 0) === (c.expect === 'fail') };
}

export function runAll(): CaseResult[] {
  const map = upstreamMap();
  const out: CaseResult[] = [];
  for (const u of ['hadolint', 'trivy'] as const) for (const c of loadCases(u).cases) out.push(runCase(u, c, map));
  return out;
}

export interface IdSummary {
  upstream: Upstream;
  id: string;
  rules: string[];
  cases: number;
  agree: number;
  differences: Array<{ r: CaseResult; reason?: string }>;
}

export function summarize(results: CaseResult[], differences: Difference[]): { ids: IdSummary[]; mapped: { cases: number; agree: number }; unmapped: IdSummary[] } {
  const reasons = new Map(differences.map((d) => [d.key, d.reason]));
  const by = new Map<string, IdSummary>();
  for (const r of results) {
    const k = `${r.upstream}:${r.c.id}`;
    let s = by.get(k);
    if (!s) by.set(k, (s = { upstream: r.upstream, id: r.c.id, rules: r.rules, cases: 0, agree: 0, differences: [] }));
    s.cases++;
    if (r.agrees) s.agree++;
    else if (r.rules.length) s.differences.push({ r, ...(reasons.has(r.key) ? { reason: reasons.get(r.key)! } : {}) });
  }
  const all = [...by.values()].sort((a, b) => a.upstream.localeCompare(b.upstream) || a.id.localeCompare(b.id, 'en', { numeric: true }));
  const ids = all.filter((s) => s.rules.length);
  const mapped = { cases: ids.reduce((n, s) => n + s.cases, 0), agree: ids.reduce((n, s) => n + s.agree, 0) };
  return { ids, mapped, unmapped: all.filter((s) => !s.rules.length) };
}

const pct = (a: number, n: number) => (n ? `${((100 * a) / n).toFixed(1)}%` : '—');
const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** docs/rules/conformance.md */
export function renderConformanceDoc(results: CaseResult[], differences: Difference[]): string {
  const { ids, mapped, unmapped } = summarize(results, differences);
  const src = (u: Upstream) => loadCases(u).source;
  const h = src('hadolint');
  const t = src('trivy');
  const count = (u: Upstream) => results.filter((r) => r.upstream === u).length;
  const lines = [
    '# Conformance with hadolint and Trivy',
    '',
    '<!-- generated by scripts/gen-conformance-doc.ts (npm run conformance:doc) from test/fixtures/conformance; do not edit by hand -->',
    '',
    'Bulwark runs the upstream linters\' own rule tests: every assertion of hadolint\'s rule specs and every query of',
    'trivy-checks\' Dockerfile tests, ported as data (Dockerfile, upstream rule ID, expected verdict, configuration) with',
    'their provenance in `test/fixtures/conformance/`. A case agrees when Bulwark reports a finding that cites the',
    'upstream ID exactly when the upstream test expects one. `test/build/conformance.test.ts` fails when any case of a',
    'mapped ID stops agreeing without a documented reason below.',
    '',
    `- hadolint: ${h['repository']} at \`${h['commit']}\`, \`${h['paths']}\`: ${count('hadolint')} cases`,
    `- trivy-checks: ${t['repository']} at \`${t['commit']}\`, \`${t['paths']}\`: ${count('trivy')} cases`,
    '',
    `**Agreement on mapped IDs: ${mapped.agree} of ${mapped.cases} cases (${pct(mapped.agree, mapped.cases)}).** Every remaining difference is listed`,
    'below with the reason Bulwark decides otherwise.',
    '',
    '## Per upstream ID',
    '',
    '| upstream | ID | Bulwark rule(s) | cases | agree | agreement | differences |',
    '|---|---|---|---|---|---|---|',
    ...ids.map((s) => `| ${s.upstream} | ${s.id} | ${s.rules.join(', ')} | ${s.cases} | ${s.agree} | ${pct(s.agree, s.cases)} | ${s.differences.length || ''} |`),
    '',
    '## Deliberate differences',
    '',
  ];
  for (const s of ids) {
    for (const d of s.differences) {
      const c = d.r.c;
      lines.push(
        `### ${s.upstream} ${s.id}: ${esc(c.name)}${c.onbuild ? ' (ONBUILD variant)' : ''}`,
        '',
        `Upstream expects ${c.expect === 'fail' ? 'a finding' : 'no finding'}; Bulwark reports ${d.r.fired ? `${d.r.fired} finding(s)` : 'none'}. Source: \`${c.file}:${c.line}\`, case \`${d.r.key}\`.`,
        '',
        '```dockerfile',
        c.dockerfile.replace(/\n$/, ''),
        '```',
        '',
        `Why: ${d.reason ?? '(no reason recorded: the conformance test fails until one is added)'}`,
        '',
      );
    }
  }
  lines.push(
    '## Upstream IDs Bulwark does not map',
    '',
    'Their cases are not counted above; no Bulwark rule cites these IDs.',
    '',
    '| upstream | ID | cases |',
    '|---|---|---|',
    ...unmapped.map((s) => `| ${s.upstream} | ${s.id} | ${s.cases} |`),
    '',
  );
  return lines.join('\n');
}
