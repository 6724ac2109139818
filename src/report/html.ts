/**
 * The HTML format: one self-contained page (no network at view time) for people who decide what to fix first.
 *
 * Safety: every string that comes from what was scanned (file names, package names, messages, evidence, labels)
 * goes through `esc` before it reaches the page; links are written only for http(s) URLs; the page carries a
 * Content-Security-Policy that allows its own script and style by hash and nothing else (no inline handlers, no
 * style attributes, no remote loads). Charts are SVG written here. The content is complete with JavaScript off;
 * the script only adds filtering and search.
 */
import { createHash } from 'node:crypto';
import type { Finding, Severity } from '../core/finding.js';
import { SEVERITIES, STAGES, formatLocation } from '../core/finding.js';
import type { CheckOutcome, Report } from '../core/report.js';
import type { RenderOptions } from './index.js';

const SEV_COLOR: Record<Severity, string> = {
  critical: '#7f1d1d',
  high: '#b91c1c',
  medium: '#9a4a00',
  low: '#1d4ed8',
  unknown: '#4b5563',
  info: '#374151',
};
/** weights of the "fixes that remove the most risk" ranking */
const SEV_WEIGHT: Record<Severity, number> = { critical: 100, high: 30, medium: 8, low: 2, unknown: 1, info: 0 };

/** Escape text for HTML element content and double- or single-quoted attribute values. */
export function esc(v: unknown): string {
  const s = typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
  // also neutralise characters that could end a comment or confuse a parser reading the raw file
  return s.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd');
}

/** A link only for absolute http(s) URLs; anything else (javascript:, data:, relative) is text. */
function link(ref: string): string {
  let ok = false;
  try {
    const u = new URL(ref);
    ok = (u.protocol === 'https:' || u.protocol === 'http:') && !/[\s<>"'`]/.test(ref);
  } catch {
    ok = false;
  }
  return ok ? `<a href="${esc(ref)}" rel="noreferrer noopener">${esc(ref)}</a>` : `<span class="ref">${esc(ref)}</span>`;
}

function sevBadge(s: Severity): string {
  return `<span class="sev sev-${s}">${s.toUpperCase()}</span>`;
}

function rec(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function bytes(n: number | undefined): string {
  if (n === undefined) return '';
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < u.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${u[i]}`;
}

function isFixable(f: Finding): boolean {
  return Boolean(f.vulnerability?.fixedVersion || f.remediation.fix || f.autoFixable);
}
function isSecret(f: Finding): boolean {
  return f.ruleId.startsWith('BW-SECRET-');
}
function layerOf(f: Finding): number | undefined {
  return f.location.kind === 'image' ? f.location.layerIndex : undefined;
}

interface Fix {
  key: string;
  title: string;
  detail: string;
  findings: Finding[];
  score: number;
}

/**
 * The fixes that remove the most risk: vulnerabilities grouped by the installed package (one upgrade removes
 * them all), other findings by rule (one remediation); ranked by a severity-weighted count.
 */
export function topFixes(findings: Finding[], limit = 10): Fix[] {
  const groups = new Map<string, Fix>();
  for (const f of findings) {
    if (f.severity === 'info') continue;
    const v = f.vulnerability;
    let key: string;
    let title: string;
    let detail: string;
    if (v) {
      if (!v.fixedVersion) continue;
      key = `pkg\u0000${v.package.ecosystem}\u0000${v.package.name}\u0000${v.package.version}`;
      title = `Upgrade ${v.package.name} ${v.package.version} (${v.package.ecosystem})`;
      detail = '';
    } else {
      key = `rule\u0000${f.ruleId}`;
      title = `${f.ruleId}: ${f.title}`;
      detail = f.remediation.text;
    }
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, title, detail, findings: [], score: 0 }));
    g.findings.push(f);
    g.score += SEV_WEIGHT[f.severity] + (v?.kev ? 50 : 0);
  }
  for (const g of groups.values()) {
    if (g.key.startsWith('pkg')) {
      const fixed = [...new Set(g.findings.map((f) => f.vulnerability!.fixedVersion!))];
      g.detail = `fixed in ${fixed.join(', ')}`;
    }
  }
  return [...groups.values()].sort((a, b) => b.score - a.score || b.findings.length - a.findings.length || (a.key < b.key ? -1 : 1)).slice(0, limit);
}

function countBy(findings: Finding[]): Record<Severity, number> {
  const c = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) c[f.severity]++;
  return c;
}

/** A horizontal stacked bar per row, SVG (no script, no style attribute). */
function stackedBars(rows: Array<{ label: string; counts: Record<Severity, number> }>, title: string): string {
  const max = Math.max(1, ...rows.map((r) => SEVERITIES.reduce((a, s) => a + r.counts[s], 0)));
  const W = 520;
  const LABEL = 90;
  const H = 26;
  const height = rows.length * H + 24;
  let body = '';
  rows.forEach((r, i) => {
    const y = i * H + 4;
    body += `<text x="0" y="${y + 15}" class="lbl">${esc(r.label)}</text>`;
    let x = LABEL;
    let total = 0;
    for (const s of SEVERITIES) {
      const n = r.counts[s];
      if (!n) continue;
      total += n;
      const w = Math.max(1, ((W - LABEL - 60) * n) / max);
      body += `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="18" fill="${SEV_COLOR[s]}"><title>${esc(`${r.label}: ${n} ${s}`)}</title></rect>`;
      x += w;
    }
    body += `<text x="${(x + 6).toFixed(1)}" y="${y + 15}" class="lbl">${total}</text>`;
  });
  let legend = '';
  let lx = LABEL;
  for (const s of SEVERITIES) {
    legend += `<rect x="${lx}" y="${height - 14}" width="10" height="10" fill="${SEV_COLOR[s]}"></rect><text x="${lx + 14}" y="${height - 5}" class="lbl">${s}</text>`;
    lx += 72;
  }
  return `<svg class="chart" role="img" aria-label="${esc(title)}" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" xmlns="http://www.w3.org/2000/svg">${body}${legend}</svg>`;
}

function summarySection(report: Report, findings: Finding[]): string {
  const total = countBy(findings);
  const stages = STAGES.filter((st) => findings.some((f) => f.stage === st));
  const kev = findings.filter((f) => f.vulnerability?.kev).length;
  const fixable = findings.filter(isFixable).length;
  let h = `<section id="summary" aria-labelledby="h-summary"><h2 id="h-summary">Summary</h2>`;
  h += `<p><strong data-total="${findings.length}">${findings.length}</strong> finding(s) in ${report.targets.length} target(s); ${fixable} with a known fix${kev ? `; <strong data-kev="${kev}">${kev}</strong> known exploited (CISA KEV)` : ''}.</p>`;
  h += `<table class="counts"><caption>Findings by stage and severity</caption><thead><tr><th scope="col">Stage</th>${SEVERITIES.map((s) => `<th scope="col">${sevBadge(s)}</th>`).join('')}<th scope="col">Total</th></tr></thead><tbody>`;
  for (const st of stages) {
    const c = countBy(findings.filter((f) => f.stage === st));
    h += `<tr><th scope="row">${st}</th>${SEVERITIES.map((s) => `<td data-stage="${st}" data-count="${s}">${c[s]}</td>`).join('')}<td>${SEVERITIES.reduce((a, s) => a + c[s], 0)}</td></tr>`;
  }
  h += `</tbody><tfoot><tr><th scope="row">all</th>${SEVERITIES.map((s) => `<td data-count-total="${s}">${total[s]}</td>`).join('')}<td>${findings.length}</td></tr></tfoot></table>`;
  if (stages.length) h += stackedBars(stages.map((st) => ({ label: st, counts: countBy(findings.filter((f) => f.stage === st)) })), 'findings by stage and severity');
  h += `</section>`;
  return h;
}

/** The pipeline view's top fixes (`scan`), when the report carries them: {title, where, effect}. */
function pipelineFixes(report: Report): string {
  const list = Array.isArray(report.summary?.topFixes) ? (report.summary!.topFixes as unknown[]).map(rec).filter((x): x is Record<string, unknown> => Boolean(x)) : [];
  if (!list.length) return '';
  let h = `<section id="fixes" aria-labelledby="h-fixes"><h2 id="h-fixes">Top fixes</h2><p>The changes that remove the most risk across the pipeline, each with where it goes.</p><ol class="fixes">`;
  for (const fx of list) h += `<li><strong>${esc(fx.title)}</strong>${str(fx.where) ? ` <span class="muted">in ${esc(fx.where)}</span>` : ''}${str(fx.effect) ? `: removes ${esc(fx.effect)}` : ''}</li>`;
  return h + `</ol></section>`;
}

function fixesSection(report: Report, findings: Finding[]): string {
  const pipeline = pipelineFixes(report);
  if (pipeline) return pipeline;
  const fixes = topFixes(findings);
  if (!fixes.length) return '';
  let h = `<section id="fixes" aria-labelledby="h-fixes"><h2 id="h-fixes">Top fixes</h2><p>The changes that remove the most findings, weighted by severity (known-exploited first).</p><ol class="fixes">`;
  for (const fx of fixes) {
    const c = countBy(fx.findings);
    const parts = SEVERITIES.filter((s) => c[s]).map((s) => `${c[s]} ${s}`);
    h += `<li><strong>${esc(fx.title)}</strong>: removes ${fx.findings.length} finding(s) (${parts.join(', ')})${fx.detail ? `<br><span class="muted">${esc(fx.detail)}</span>` : ''} <a href="#f-${esc(fx.findings[0]!.fingerprint)}">first finding</a></li>`;
  }
  return h + `</ol></section>`;
}

function imageSection(report: Report, findings: Finding[]): string {
  const s = report.summary;
  const layers = Array.isArray(s?.layers) ? (s!.layers as unknown[]).map(rec).filter((l): l is Record<string, unknown> => Boolean(l)) : [];
  if (!layers.length) return '';
  const pkgs = (report.packages ?? []).map(rec).filter((p): p is Record<string, unknown> => Boolean(p));
  let h = `<section id="image" aria-labelledby="h-image"><h2 id="h-image">Image</h2>`;
  const meta: Array<[string, unknown]> = [
    ['Image', s?.name],
    ['Platform', s?.platform],
    ['OS', s?.os],
    ['Created', s?.created],
    ['Source', s?.source ?? s?.kind],
  ];
  h += `<dl class="meta">${meta.filter(([, v]) => typeof v === 'string' && v).map(([k, v]) => `<dt>${k}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
  const origin = rec(s?.origin);
  if (origin) {
    const base = rec(origin.base);
    const app = rec(origin.app);
    h += `<h3>Base image vs your layers</h3>`;
    if (typeof origin.text === 'string') h += `<p>${esc(origin.text)}</p>`;
    const row = (label: string, r: Record<string, unknown> | undefined) =>
      `<tr><th scope="row">${label}</th>${SEVERITIES.map((sv) => `<td>${num(r?.[sv]) ?? 0}</td>`).join('')}<td>${num(r?.total) ?? 0}</td></tr>`;
    h += `<table class="counts"><caption>Findings by origin</caption><thead><tr><th scope="col">Origin</th>${SEVERITIES.map((sv) => `<th scope="col">${sevBadge(sv)}</th>`).join('')}<th scope="col">Total</th></tr></thead><tbody>${row('base image', base)}${row('your layers', app)}</tbody></table>`;
  }
  h += `<h3>Layers</h3><p>Layer numbers count from 0, the bottom layer, as in every location of this report.</p>`;
  h += `<div class="scroll"><table class="layers"><caption>What each layer brought</caption><thead><tr><th scope="col">Layer</th><th scope="col">Size</th><th scope="col">Packages</th><th scope="col">Vulnerabilities</th><th scope="col">Secrets</th><th scope="col">Other findings</th><th scope="col">Created by</th></tr></thead><tbody>`;
  const maxSize = Math.max(1, ...layers.map((l) => num(l.size) ?? 0));
  for (const l of layers) {
    const i = num(l.index);
    const digest = str(l.diffId) ?? str(l.digest) ?? '';
    const inLayer = findings.filter((f) => layerOf(f) === i || (layerOf(f) === undefined && f.vulnerability?.package.layerDigest && (f.vulnerability.package.layerDigest === digest || f.vulnerability.package.layerDigest === l.digest)));
    const vulns = inLayer.filter((f) => f.vulnerability);
    const secrets = inLayer.filter(isSecret);
    const other = inLayer.length - vulns.length - secrets.length;
    const npk = pkgs.filter((p) => num(p.layerIndex) === i || (p.layerIndex === undefined && (p.layerDigest === digest || p.layerDigest === l.digest))).length;
    const vc = countBy(vulns);
    const vtext = SEVERITIES.filter((sv) => vc[sv]).map((sv) => `${vc[sv]} ${sv}`).join(', ');
    const size = num(l.size);
    const w = Math.round((120 * (size ?? 0)) / maxSize);
    h += `<tr id="layer-${i ?? ''}"><th scope="row">${i ?? ''}<br><code class="muted">${esc(digest.slice(7, 19))}</code></th><td>${esc(bytes(size))}<br><svg width="120" height="6" aria-hidden="true"><rect width="${w}" height="6" fill="#2563eb"></rect></svg></td><td data-layer-packages="${i ?? ''}">${npk}</td><td>${vulns.length}${vtext ? ` <span class="muted">(${esc(vtext)})</span>` : ''}</td><td>${secrets.length}</td><td>${other}</td><td><code class="cmd">${esc(str(l.createdBy) ?? '')}</code></td></tr>`;
  }
  h += `</tbody></table></div></section>`;
  return h;
}

const SECTION_NAMES: Record<string, string> = {
  '1': 'Host configuration',
  '2': 'Docker daemon configuration',
  '3': 'Docker daemon configuration files',
  '4': 'Container images and build files',
  '5': 'Container runtime',
  '6': 'Docker security operations',
  '7': 'Docker Swarm configuration',
  K: 'Kernel and runtime escapes',
};

function checksSection(checks: CheckOutcome[]): string {
  if (!checks.length) return '';
  const statuses = ['pass', 'fail', 'warn', 'info', 'not-evaluated', 'error'] as const;
  const bySection = new Map<string, CheckOutcome[]>();
  for (const c of checks) {
    const k = c.section ?? (c.cis ? c.cis.split('.')[0]! : '-');
    const l = bySection.get(k) ?? [];
    l.push(c);
    bySection.set(k, l);
  }
  const keys = [...bySection.keys()].sort((a, b) => (a === b ? 0 : /^\d+$/.test(a) && /^\d+$/.test(b) ? Number(a) - Number(b) : a < b ? -1 : 1));
  let h = `<section id="checks" aria-labelledby="h-checks"><h2 id="h-checks">Benchmark scorecard</h2><table class="counts"><caption>Checks per section</caption><thead><tr><th scope="col">Section</th>${statuses.map((s) => `<th scope="col">${s}</th>`).join('')}<th scope="col" title="Docker Bench's score: +1 per passed check, -1 per failed or warned one (manual checks are info)">Score</th><th scope="col">Passed</th></tr></thead><tbody>`;
  for (const k of keys) {
    const l = bySection.get(k)!;
    const n = (s: string) => l.filter((c) => c.status === s).length;
    const scored = n('pass') + n('fail') + n('warn');
    h += `<tr><th scope="row">${esc(k)} ${esc(SECTION_NAMES[k] ?? '')}</th>${statuses.map((s) => `<td data-section="${esc(k)}" data-status="${s}">${n(s)}</td>`).join('')}<td data-section="${esc(k)}" data-score="${n('pass') - n('fail') - n('warn')}">${n('pass') - n('fail') - n('warn')}</td><td>${scored ? `${Math.round((100 * n('pass')) / scored)}%` : '-'}</td></tr>`;
  }
  h += `</tbody></table><details><summary>Every check (${checks.length})</summary><div class="scroll"><table><thead><tr><th scope="col">Check</th><th scope="col">Status</th><th scope="col">Title</th><th scope="col">Result</th></tr></thead><tbody>`;
  for (const c of checks) {
    h += `<tr class="st-${c.status}"><td>${esc(c.cis ?? c.ruleId)}</td><td>${esc(c.status)}</td><td>${esc(c.title)}</td><td>${esc(c.message)}${c.remediation && c.status !== 'pass' ? `<br><span class="muted">fix: ${esc(c.remediation)}</span>` : ''}</td></tr>`;
  }
  return h + `</tbody></table></div></details></section>`;
}

function evidenceText(e: Record<string, unknown>): string {
  let s: string;
  try {
    s = JSON.stringify(e, null, 2);
  } catch {
    s = '(evidence not serialisable)';
  }
  return s.length > 8000 ? `${s.slice(0, 8000)}\n…` : s;
}

function findingItem(f: Finding, cwd: string | undefined): string {
  void cwd;
  const v = f.vulnerability;
  const fix = isFixable(f);
  let h = `<details class="finding" id="f-${esc(f.fingerprint)}" data-sev="${esc(f.severity)}" data-stage="${esc(f.stage)}" data-fix="${fix ? 1 : 0}"${v?.kev ? ' data-kev="1"' : ''}${f.suppressed ? ' data-suppressed="1"' : ''}>`;
  h += `<summary>${sevBadge(f.severity)} <code>${esc(f.ruleId)}</code> ${esc(f.title)}${v?.kev ? ' <span class="kev">KEV</span>' : ''}${f.suppressed ? ' <span class="muted">[suppressed]</span>' : ''}<span class="loc">${esc(formatLocation(f.location))}</span></summary><div class="body">`;
  h += `<p>${esc(f.message)}</p><dl class="meta"><dt>Stage</dt><dd>${f.stage}</dd><dt>Location</dt><dd><code>${esc(formatLocation(f.location))}</code></dd>`;
  if (f.origin) h += `<dt>Origin</dt><dd>${f.origin === 'base' ? 'base image' : 'your layers'}</dd>`;
  if (v) {
    h += `<dt>Package</dt><dd><code>${esc(v.package.name)}</code> ${esc(v.package.version)} (${esc(v.package.ecosystem)})${v.package.purl ? ` <code class="muted">${esc(v.package.purl)}</code>` : ''}</dd>`;
    h += `<dt>Status</dt><dd>${esc(v.status)}${v.statusDetail ? ` (${esc(v.statusDetail)})` : ''}${v.fixedVersion ? `, fixed in <strong>${esc(v.fixedVersion)}</strong>` : ''}</dd>`;
    if (v.severitySource) h += `<dt>Severity from</dt><dd>${esc(v.severitySource)}</dd>`;
    if (v.cvss) h += `<dt>CVSS</dt><dd>${esc(v.cvss.score)} <code>${esc(v.cvss.vector)}</code></dd>`;
    if (v.kev) h += `<dt>Known exploited</dt><dd>added to CISA KEV ${esc(v.kev.dateAdded)}${v.kev.dueDate ? `, due ${esc(v.kev.dueDate)}` : ''}${v.kev.knownRansomware ? `, ransomware: ${esc(v.kev.knownRansomware)}` : ''}</dd>`;
    h += `<dt>Feed</dt><dd>${esc(v.feed)}</dd>`;
  }
  if (f.suppressed) h += `<dt>Suppressed</dt><dd>${esc(f.suppressed.kind)}${f.suppressed.reason ? `: ${esc(f.suppressed.reason)}` : ''}</dd>`;
  h += `</dl>`;
  if (v?.explanation?.length) h += `<h4>Why it matches</h4><ol class="why">${v.explanation.map((x) => `<li>${esc(x)}</li>`).join('')}</ol>`;
  if (f.evidence && Object.keys(f.evidence).length) h += `<h4>Evidence</h4><pre>${esc(evidenceText(f.evidence))}</pre>`;
  if (f.remediation.text || f.remediation.fix) {
    h += `<h4>Fix</h4><p>${esc(f.remediation.text)}${f.autoFixable ? ' <span class="muted">(auto-fixable)</span>' : ''}</p>`;
    for (const e of f.remediation.fix?.edits ?? []) h += `<pre class="edit">${esc(`${e.file}:${e.startLine}-${e.endLine}\n${e.replacement}`)}</pre>`;
  }
  const refs = f.references.filter((r) => r !== f.ruleId);
  if (refs.length) h += `<h4>References</h4><ul class="refs">${refs.map((r) => `<li>${link(r)}</li>`).join('')}</ul>`;
  return h + `</div></details>`;
}

function findingsSection(findings: Finding[], cwd: string | undefined): string {
  const stages = STAGES.filter((st) => findings.some((f) => f.stage === st));
  let h = `<section id="findings" aria-labelledby="h-findings"><h2 id="h-findings">Findings</h2>`;
  h += `<form id="filters" class="filters" hidden role="search" aria-label="Filter findings">`;
  h += `<label>Severity <select id="f-sev"><option value="">all</option>${SEVERITIES.map((s) => `<option value="${s}">${s} and worse</option>`).join('')}</select></label>`;
  h += `<label>Stage <select id="f-stage"><option value="">all</option>${stages.map((s) => `<option value="${s}">${s}</option>`).join('')}</select></label>`;
  h += `<label><input type="checkbox" id="f-fix"> fixable only</label>`;
  h += `<label>Search <input type="search" id="f-q" placeholder="package, rule, path, text"></label>`;
  h += `<output id="f-count" aria-live="polite">${findings.length} of ${findings.length} shown</output></form>`;
  h += `<div id="finding-list">${findings.map((f) => findingItem(f, cwd)).join('')}</div>`;
  if (!findings.length) h += `<p>No findings.</p>`;
  return h + `</section>`;
}

function packagesSection(report: Report): string {
  const pkgs = (report.packages ?? []).map(rec).filter((p): p is Record<string, unknown> => Boolean(p));
  if (!pkgs.length) return '';
  const vulnCount = new Map<string, number>();
  for (const f of report.findings) {
    const p = f.vulnerability?.package;
    if (p) vulnCount.set(`${p.ecosystem}\u0000${p.name}\u0000${p.version}`, (vulnCount.get(`${p.ecosystem}\u0000${p.name}\u0000${p.version}`) ?? 0) + 1);
  }
  let h = `<section id="packages" aria-labelledby="h-packages"><h2 id="h-packages">Packages</h2><details><summary>${pkgs.length} package(s)</summary><div class="scroll"><table class="pkgs"><thead><tr><th scope="col">Name</th><th scope="col">Version</th><th scope="col">Type</th><th scope="col">Layer</th><th scope="col">Vulnerabilities</th><th scope="col">Found in</th></tr></thead><tbody>`;
  for (const p of pkgs) {
    const key = `${str(p.ecosystem) ?? ''}\u0000${str(p.name) ?? ''}\u0000${str(p.version) ?? ''}`;
    h += `<tr><td>${esc(p.name)}</td><td>${esc(p.version)}</td><td>${esc(p.ecosystem)}</td><td>${esc(p.layerIndex)}</td><td>${vulnCount.get(key) ?? 0}</td><td><code>${esc(p.path)}</code></td></tr>`;
  }
  return h + `</tbody></table></div></details></section>`;
}

const STYLE = `
:root{color-scheme:light;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111827;background:#fff}
body{margin:0 auto;max-width:1200px;padding:1rem 1.5rem;line-height:1.45}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.25rem;border-bottom:1px solid #d1d5db;padding-bottom:.2rem;margin-top:2rem}
h3{font-size:1.05rem}h4{font-size:.95rem;margin:.8rem 0 .2rem}
a{color:#1d4ed8}a:focus,summary:focus,input:focus,select:focus{outline:3px solid #f59e0b;outline-offset:1px}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem}pre{background:#f3f4f6;padding:.5rem;overflow:auto;white-space:pre-wrap;word-break:break-all}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #d1d5db;padding:.25rem .5rem;text-align:left;vertical-align:top}
caption{text-align:left;font-weight:600;padding:.2rem 0}thead th{background:#f3f4f6}
.counts td{text-align:right}.scroll{overflow:auto;max-width:100%}
.sev{display:inline-block;min-width:5.2em;text-align:center;font-size:.75rem;font-weight:700;color:#fff;border-radius:3px;padding:1px 4px}
.sev-critical{background:${SEV_COLOR.critical}}.sev-high{background:${SEV_COLOR.high}}.sev-medium{background:${SEV_COLOR.medium}}
.sev-low{background:${SEV_COLOR.low}}.sev-unknown{background:${SEV_COLOR.unknown}}.sev-info{background:${SEV_COLOR.info}}
.kev{background:#000;color:#fff;font-size:.7rem;font-weight:700;padding:1px 4px;border-radius:3px}
.muted{color:#4b5563}.loc{display:block;color:#374151;font-size:.8rem;margin-left:5.8em;word-break:break-all}
.finding{border:1px solid #e5e7eb;border-radius:4px;margin:.3rem 0;padding:.3rem .5rem}.finding summary{cursor:pointer}
.finding .body{padding:.3rem 0 .3rem 1rem}.meta{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.3rem 0}
.meta dt{font-weight:600}.meta dd{margin:0;word-break:break-all}
.filters{display:flex;flex-wrap:wrap;gap:.8rem;align-items:center;background:#f9fafb;border:1px solid #e5e7eb;padding:.5rem;position:sticky;top:0}
.filters[hidden]{display:none}
.chart .lbl{font-size:12px;fill:#111827}.cmd{word-break:break-all}.fixes li{margin:.3rem 0}
nav ul{display:flex;flex-wrap:wrap;gap:1rem;list-style:none;padding:0}
.st-fail td,.st-error td{background:#fef2f2}.st-warn td{background:#fffbeb}
`;

const SCRIPT = `
(function(){
var form=document.getElementById('filters');if(!form)return;form.hidden=false;
var order=${JSON.stringify([...SEVERITIES])};
var items=Array.prototype.slice.call(document.querySelectorAll('#finding-list .finding'));
var texts=items.map(function(el){return el.textContent.toLowerCase();});
var sev=document.getElementById('f-sev'),stage=document.getElementById('f-stage'),fix=document.getElementById('f-fix'),q=document.getElementById('f-q'),count=document.getElementById('f-count');
function apply(){
  var max=sev.value?order.indexOf(sev.value):order.length,st=stage.value,fx=fix.checked,needle=q.value.trim().toLowerCase(),shown=0;
  for(var i=0;i<items.length;i++){var el=items[i];
    var ok=order.indexOf(el.getAttribute('data-sev'))<=max&&(!st||el.getAttribute('data-stage')===st)&&(!fx||el.getAttribute('data-fix')==='1')&&(!needle||texts[i].indexOf(needle)>=0);
    el.hidden=!ok;if(ok)shown++;}
  count.textContent=shown+' of '+items.length+' shown';
}
form.addEventListener('input',apply);form.addEventListener('change',apply);form.addEventListener('submit',function(e){e.preventDefault();});
if(location.hash){var t=document.getElementById(location.hash.slice(1));if(t&&t.tagName==='DETAILS')t.open=true;}
window.addEventListener('hashchange',function(){var t=document.getElementById(location.hash.slice(1));if(t&&t.tagName==='DETAILS')t.open=true;});
})();
`;

function sha256(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('base64');
}

/** The Content-Security-Policy of a page whose only script and style are the given inline texts. */
export function contentSecurityPolicy(script: string, style: string): string {
  return `default-src 'none'; script-src 'sha256-${sha256(script)}'; style-src 'sha256-${sha256(style)}'; img-src data:; base-uri 'none'; form-action 'none'`;
}

/** The page shell shared by the report and the service dashboard: CSP by hash, one style, one script. */
export function htmlPage(title: string, body: string, opts: { script?: string; style?: string; formAction?: boolean } = {}): string {
  const style = opts.style ?? STYLE;
  const script = opts.script ?? SCRIPT;
  let csp = contentSecurityPolicy(script, style);
  // a page with a form that posts to its own origin (the dashboard's login)
  if (opts.formAction) csp = csp.replace("form-action 'none'", "form-action 'self'");
  return (
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="${csp}">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer">` +
    `<title>${esc(title)}</title><style>${style}</style></head><body>${body}<script>${script}</script></body></html>\n`
  );
}

export const REPORT_STYLE = STYLE;
export const REPORT_SCRIPT = SCRIPT;

/** The body of the report (also the dashboard's image page). */
export function reportBody(report: Report, opts: Pick<RenderOptions, 'showSuppressed' | 'cwd'> = {}): string {
  const findings = report.findings.filter((f) => opts.showSuppressed || !f.suppressed);
  const suppressed = report.findings.length - report.findings.filter((f) => !f.suppressed).length;
  const names = report.targets.map((t) => t.name);
  const checks = report.checks ?? [];
  let h = `<header><h1>Bulwark report: ${esc(names.slice(0, 3).join(', '))}${names.length > 3 ? ` and ${names.length - 3} more` : ''}</h1>`;
  h += `<p class="muted">${esc(report.tool.name)} ${esc(report.tool.version)}; targets: ${report.targets.map((t) => `${esc(t.type)} <code>${esc(t.name)}</code>`).join(', ') || 'none'}${suppressed ? `; ${suppressed} suppressed finding(s) not shown` : ''}</p>`;
  const sections: Array<[string, string]> = [];
  if (report.warnings?.length || report.errors?.length) sections.push(['problems', 'Warnings and errors']);
  sections.push(['summary', 'Summary']);
  if (topFixes(findings).length || (Array.isArray(report.summary?.topFixes) && (report.summary!.topFixes as unknown[]).length)) sections.push(['fixes', 'Top fixes']);
  if (Array.isArray(report.summary?.layers) && (report.summary!.layers as unknown[]).length) sections.push(['image', 'Image']);
  if (checks.length) sections.push(['checks', 'Scorecard']);
  sections.push(['findings', 'Findings']);
  if (report.packages?.length) sections.push(['packages', 'Packages']);
  h += `<nav aria-label="Sections"><ul>${sections.map(([id, t]) => `<li><a href="#${id}">${t}</a></li>`).join('')}</ul></nav></header><main>`;
  if (report.errors?.length || report.warnings?.length) {
    h += `<section id="problems" aria-labelledby="h-problems"><h2 id="h-problems">Warnings and errors</h2><ul>`;
    for (const e of report.errors ?? []) h += `<li><strong>error</strong>: ${esc(`${e.target ? `${e.target}: ` : ''}${e.ruleId ? `${e.ruleId}: ` : ''}${e.message}`)}</li>`;
    for (const w of report.warnings ?? []) h += `<li>warning: ${esc(w)}</li>`;
    h += `</ul></section>`;
  }
  h += summarySection(report, findings);
  h += fixesSection(report, findings);
  h += imageSection(report, findings);
  h += checksSection(checks);
  h += findingsSection(findings, opts.cwd);
  h += packagesSection(report);
  return h + `</main>`;
}

export function renderHtml(report: Report, opts: RenderOptions): string {
  const names = report.targets.map((t) => t.name);
  return htmlPage(`Bulwark: ${names.slice(0, 2).join(', ') || 'report'}`, reportBody(report, opts));
}
