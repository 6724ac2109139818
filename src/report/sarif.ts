/**
 * SARIF 2.1.0 for GitHub code scanning: one run, the rule table from the rule metadata the report carries
 * (`report.rules`; rules met only in findings, e.g. vulnerability IDs, are described from the finding),
 * results with physical locations for files and logical ones otherwise.
 *
 * URIs (what `sarif-multitool validate` and code scanning need):
 *   - a file of the project: relative to the repository root, `uriBaseId: %SRCROOT%`, the root's absolute
 *     file: URI in `originalUriBaseIds` (a file outside the repository: its absolute file: URI);
 *   - a file of an offline host snapshot (`--root DIR`): relative to `HOSTROOT` (= DIR); of the live host: its
 *     absolute file: URI;
 *   - a file inside an image: relative to `IMAGEROOT`, the image's root filesystem (described, not a local URI).
 * Regions carry the line (and column) where one is known.
 * Benchmark checks (`report.checks`) that did not fail are results too: kind `pass`, `informational` or `open`
 * (not evaluated, or the check failed to run, which is also a tool execution notification).
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, Location, Severity } from '../core/finding.js';
import type { CheckOutcome, Report } from '../core/report.js';
import type { RuleMeta } from '../core/rule.js';
import type { RenderOptions } from './index.js';
import { wellFormed } from '../core/unicode.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  unknown: 'note',
  info: 'note',
};
/** GitHub's security-severity; none for `unknown` (no feed rated it: no number is honest) */
const SECURITY_SEVERITY: Record<Severity, string | undefined> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', unknown: undefined, info: '0.0' };

export function renderSarif(report: Report, opts?: RenderOptions): string {
  return JSON.stringify(toSarif(report, opts), null, 2) + '\n';
}

interface RuleLike {
  ruleId: string;
  title: string;
  message: string;
  severity: Severity;
  stage?: string;
  references?: string[];
  remediation?: string;
}

export function toSarif(report: Report, opts: Pick<RenderOptions, 'cwd' | 'srcRoot'> = {}): Record<string, unknown> {
  const catalogue = new Map<string, RuleMeta>((report.rules ?? []).map((r) => [r.id, r]));
  const ruleIndex = new Map<string, number>();
  const rules: Record<string, unknown>[] = [];
  const ensureRule = (f: RuleLike): number => {
    const known = ruleIndex.get(f.ruleId);
    if (known !== undefined) return known;
    const meta = catalogue.get(f.ruleId);
    const references = meta?.references ?? f.references ?? [];
    const remediation = meta?.remediation ?? f.remediation ?? '';
    const rule: Record<string, unknown> = {
      id: f.ruleId,
      name: (meta?.title ?? f.title).replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')),
      shortDescription: { text: meta?.title ?? f.title },
      fullDescription: { text: meta?.rationale ?? f.message },
      help: {
        text: `${meta?.rationale ?? f.message}\n\nRemediation: ${remediation}`,
        markdown: `${meta?.rationale ?? f.message}\n\n**Remediation:** ${remediation}${references.length ? `\n\nReferences: ${references.join(', ')}` : ''}`,
      },
      defaultConfiguration: { level: LEVEL[meta?.severity ?? f.severity] },
      properties: {
        tags: ['security', meta?.stage ?? f.stage ?? 'check', ...(meta?.tags ?? [])],
        'security-severity': SECURITY_SEVERITY[meta?.severity ?? f.severity],
        precision: 'high',
        references,
      },
    };
    if (meta?.helpUri) rule.helpUri = meta.helpUri;
    ruleIndex.set(f.ruleId, rules.length);
    rules.push(rule);
    return rules.length - 1;
  };

  const uris = new UriMaker(report, opts);
  const results: Record<string, unknown>[] = report.findings.map((f) => {
    const idx = ensureRule({ ...f, remediation: f.remediation.text });
    const result: Record<string, unknown> = {
      ruleId: f.ruleId,
      ruleIndex: idx,
      kind: 'fail',
      level: LEVEL[f.severity],
      message: { text: `${f.message}${f.remediation.text ? `\nRemediation: ${f.remediation.text}` : ''}` },
      locations: [uris.location(f.location, f.stage)],
      partialFingerprints: { 'bulwark/v1': f.fingerprint },
      properties: {
        severity: f.severity,
        stage: f.stage,
        references: f.references,
        ...(f.vulnerability ? { vulnerability: f.vulnerability } : {}),
        ...(f.origin ? { origin: f.origin } : {}),
        // the score of the rating that set the severity (a vendor word has none: its level's number)
        ...(f.vulnerability?.rating?.score !== undefined || SECURITY_SEVERITY[f.severity] !== undefined
          ? { 'security-severity': f.vulnerability?.rating?.score !== undefined ? String(f.vulnerability.rating.score) : SECURITY_SEVERITY[f.severity] }
          : {}),
      },
    };
    if (f.suppressed) {
      result.suppressions = [
        { kind: f.suppressed.kind === 'pragma' ? 'inSource' : 'external', justification: f.suppressed.reason ?? f.suppressed.kind },
      ];
    }
    return result;
  });

  // every check of a benchmark audit: fail and warn are the findings above; the others are results of their kind
  for (const c of report.checks ?? []) {
    if (c.status === 'fail' || c.status === 'warn') continue;
    const meta = catalogue.get(c.ruleId);
    const idx = ensureRule({ ruleId: c.ruleId, title: c.title, message: c.message, severity: c.severity ?? meta?.severity ?? 'info', stage: meta?.stage, ...(c.remediation ? { remediation: c.remediation } : {}) });
    results.push({
      ruleId: c.ruleId,
      ruleIndex: idx,
      kind: CHECK_KIND[c.status],
      level: 'none',
      message: { text: `${c.status === 'not-evaluated' ? 'Not evaluated: ' : c.status === 'error' ? 'Check failed to run: ' : ''}${c.message}` },
      locations: [uris.location(c.location ?? { kind: 'host', setting: c.cis ? `CIS ${c.cis}` : c.ruleId }, meta?.stage ?? 'host')],
      properties: {
        status: c.status,
        ...(c.cis ? { cis: c.cis } : {}),
        ...(c.section ? { section: c.section } : {}),
        ...(c.target ? { target: c.target } : {}),
        ...(c.evidence ? { evidence: c.evidence } : {}),
      },
    });
  }

  const errors = report.errors ?? [];
  const run: Record<string, unknown> = {
    tool: {
      driver: {
        name: 'Bulwark',
        semanticVersion: report.tool.version,
        version: report.tool.version,
        informationUri: 'https://github.com/bulwark-scanner/bulwark',
        rules,
      },
    },
    invocations: [
      {
        executionSuccessful: errors.length === 0,
        ...(errors.length
          ? {
              toolExecutionNotifications: errors.map((e) => ({
                level: 'error',
                message: { text: `${e.target ? `${e.target}: ` : ''}${e.message}` },
                ...(e.ruleId ? { associatedRule: { id: e.ruleId } } : {}),
                properties: { kind: e.kind },
              })),
            }
          : {}),
      },
    ],
    results,
    columnKind: 'unicodeCodePoints',
  };
  const bases = uris.originalUriBaseIds();
  if (bases) run.originalUriBaseIds = bases;
  // benchmark audits: Docker Bench's score, in total and per section (pass +1, fail/warn -1; manual checks are info)
  const cis = report.summary?.cis as { checks?: number; score?: number; sections?: Array<{ section: string; title: string; checks: number; score: number }> } | undefined;
  if (cis && typeof cis.score === 'number') {
    run.properties = {
      cisScore: { checks: cis.checks, score: cis.score, sections: (cis.sections ?? []).map((x) => ({ section: x.section, title: x.title, checks: x.checks, score: x.score })) },
    };
  }
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [run],
  };
}

const CHECK_KIND: Record<CheckOutcome['status'], string> = {
  pass: 'pass',
  fail: 'fail',
  warn: 'fail',
  info: 'informational',
  'not-evaluated': 'open',
  error: 'open',
};

const SRCROOT = '%SRCROOT%';

/** Turns the paths of findings into SARIF artifact locations, and collects the base URIs they use. */
class UriMaker {
  private used = new Set<string>();
  private readonly hostRoot: string | undefined;
  private readonly image: string | undefined;

  constructor(
    private readonly report: Report,
    private readonly opts: Pick<RenderOptions, 'cwd' | 'srcRoot'>,
  ) {
    const host = report.targets.find((t) => typeof t.root === 'string' && t.root);
    this.hostRoot = host ? String(host.root) : undefined;
    this.image = report.targets.find((t) => t.type === 'image')?.name;
  }

  /** A file of the project (Dockerfile, compose file): relative to the repository root where possible. */
  projectFile(p: string): Record<string, unknown> {
    const { cwd, srcRoot } = this.opts;
    const base = this.report.baseDir ?? cwd;
    if (!isAbsolute(p) && !base) {
      this.used.add(SRCROOT);
      return { uri: encodePath(p.replace(/\\/g, '/').replace(/^\.\//, '')), uriBaseId: SRCROOT };
    }
    const abs = isAbsolute(p) ? p : resolve(base!, p);
    if (srcRoot) {
      const rel = relative(srcRoot, abs);
      if (rel && !rel.startsWith('..') && !isAbsolute(rel)) {
        this.used.add(SRCROOT);
        return { uri: encodePath(rel.split(sep).join('/')), uriBaseId: SRCROOT };
      }
    }
    return { uri: pathToFileURL(abs).href };
  }

  /** A path on the audited host: under HOSTROOT for an offline snapshot, else the host's own file. */
  hostFile(p: string): Record<string, unknown> {
    if (this.hostRoot) {
      this.used.add('HOSTROOT');
      return { uri: encodePath(p.replace(/^\/+/, '')), uriBaseId: 'HOSTROOT' };
    }
    return isAbsolute(p) ? { uri: pathToFileURL(p).href } : this.projectFile(p);
  }

  /** A path inside an image's filesystem. */
  imageFile(p: string): Record<string, unknown> {
    this.used.add('IMAGEROOT');
    return { uri: encodePath(p.replace(/^\/+/, '')), uriBaseId: 'IMAGEROOT' };
  }

  location(l: Location, stage: string): Record<string, unknown> {
    if (l.kind === 'file' || (l.kind === 'runtime' && l.file)) {
      const file = l.kind === 'file' ? l.file : l.file!;
      const line = Math.max(1, l.line ?? 1);
      const column = Math.max(1, l.column ?? 1);
      const region: Record<string, number> = { startLine: line, startColumn: column };
      if (l.kind === 'file' && l.endLine && l.endLine >= line) {
        region.endLine = l.endLine;
        if (l.endColumn && (l.endLine > line || l.endColumn > column)) region.endColumn = l.endColumn;
      }
      const loc: Record<string, unknown> = { physicalLocation: { artifactLocation: this.projectFile(file), region } };
      if (l.kind === 'runtime') loc.logicalLocations = [{ name: l.service ?? l.container ?? 'container', fullyQualifiedName: `${l.service ?? l.container}.${l.field}`, kind: 'member' }];
      return loc;
    }
    if (l.kind === 'image') {
      const loc: Record<string, unknown> = {
        logicalLocations: [{ name: l.path ?? l.field ?? l.image, fullyQualifiedName: [l.image, l.layerDigest, l.path ?? l.field].filter(Boolean).join('/'), kind: 'object' }],
      };
      if (l.path) loc.physicalLocation = { artifactLocation: this.imageFile(l.path), ...(l.line ? { region: { startLine: l.line } } : {}) };
      return loc;
    }
    if (l.kind === 'runtime') {
      return { logicalLocations: [{ name: l.field, fullyQualifiedName: `${l.service ?? l.container ?? 'container'}.${l.field}`, kind: 'member' }] };
    }
    const loc: Record<string, unknown> = {
      logicalLocations: [{ name: l.setting ?? l.path ?? stage, fullyQualifiedName: [stage, l.path, l.setting].filter(Boolean).join(':'), kind: 'object' }],
    };
    if (l.path) loc.physicalLocation = { artifactLocation: this.hostFile(l.path), ...(l.line ? { region: { startLine: l.line } } : {}) };
    return loc;
  }

  originalUriBaseIds(): Record<string, unknown> | undefined {
    const out: Record<string, unknown> = {};
    if (this.used.has(SRCROOT) && this.opts.srcRoot) out[SRCROOT] = { uri: dirUri(this.opts.srcRoot), description: { text: 'The repository (or working directory) the scan ran in.' } };
    if (this.used.has('HOSTROOT') && this.hostRoot) out.HOSTROOT = { uri: dirUri(this.hostRoot), description: { text: 'The root of the audited host filesystem snapshot (--root).' } };
    if (this.used.has('IMAGEROOT')) out.IMAGEROOT = { description: { text: `The root filesystem of the image${this.image ? ` ${this.image}` : ''}.` } };
    return Object.keys(out).length ? out : undefined;
  }
}

/** An absolute directory as a file: URI ending in a slash (SARIF's rule for base URIs). */
function dirUri(dir: string): string {
  const href = pathToFileURL(resolve(dir)).href;
  return href.endsWith('/') ? href : `${href}/`;
}

/** A relative path as a URI reference: each segment percent-encoded, no leading slash. */
function encodePath(p: string): string {
  return p
    .split('/')
    .filter((seg, i) => seg !== '' || i > 0)
    .map((seg) => encodeURIComponent(wellFormed(seg)))
    .join('/');
}
