/**
 * SARIF 2.1.0 for GitHub code scanning: one run, the rule table from the rule metadata the report carries
 * (`report.rules`; rules met only in findings, e.g. vulnerability IDs, are described from the finding),
 * results with physical locations for files and logical ones otherwise.
 */
import type { Finding, Severity } from '../core/finding.js';
import type { Report } from '../core/report.js';
import type { RuleMeta } from '../core/rule.js';

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

export function renderSarif(report: Report): string {
  return JSON.stringify(toSarif(report), null, 2) + '\n';
}

export function toSarif(report: Report): Record<string, unknown> {
  const catalogue = new Map<string, RuleMeta>((report.rules ?? []).map((r) => [r.id, r]));
  const ruleIndex = new Map<string, number>();
  const rules: Record<string, unknown>[] = [];
  const ensureRule = (f: Finding): number => {
    const known = ruleIndex.get(f.ruleId);
    if (known !== undefined) return known;
    const meta = catalogue.get(f.ruleId);
    const rule: Record<string, unknown> = {
      id: f.ruleId,
      name: (meta?.title ?? f.title).replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')),
      shortDescription: { text: meta?.title ?? f.title },
      fullDescription: { text: meta?.rationale ?? f.message },
      help: {
        text: `${meta?.rationale ?? f.message}\n\nRemediation: ${meta?.remediation ?? f.remediation.text}`,
        markdown: `${meta?.rationale ?? f.message}\n\n**Remediation:** ${meta?.remediation ?? f.remediation.text}${
          (meta?.references ?? f.references).length ? `\n\nReferences: ${(meta?.references ?? f.references).join(', ')}` : ''
        }`,
      },
      defaultConfiguration: { level: LEVEL[meta?.severity ?? f.severity] },
      properties: {
        tags: ['security', meta?.stage ?? f.stage, ...(meta?.tags ?? [])],
        'security-severity': SECURITY_SEVERITY[meta?.severity ?? f.severity],
        precision: 'high',
        references: meta?.references ?? f.references,
      },
    };
    if (meta?.helpUri) rule.helpUri = meta.helpUri;
    ruleIndex.set(f.ruleId, rules.length);
    rules.push(rule);
    return rules.length - 1;
  };

  const results = report.findings.map((f) => {
    const idx = ensureRule(f);
    const result: Record<string, unknown> = {
      ruleId: f.ruleId,
      ruleIndex: idx,
      level: LEVEL[f.severity],
      message: { text: `${f.message}${f.remediation.text ? `\nRemediation: ${f.remediation.text}` : ''}` },
      locations: [sarifLocation(f)],
      partialFingerprints: { 'bulwark/v1': f.fingerprint },
      properties: {
        severity: f.severity,
        stage: f.stage,
        references: f.references,
        ...(f.vulnerability ? { vulnerability: f.vulnerability } : {}),
        ...(f.origin ? { origin: f.origin } : {}),
        'security-severity': f.vulnerability?.cvss ? String(f.vulnerability.cvss.score) : SECURITY_SEVERITY[f.severity],
      },
    };
    if (f.suppressed) {
      result.suppressions = [
        { kind: f.suppressed.kind === 'pragma' ? 'inSource' : 'external', justification: f.suppressed.reason ?? f.suppressed.kind },
      ];
    }
    return result;
  });

  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Bulwark',
            semanticVersion: report.tool.version,
            version: report.tool.version,
            informationUri: 'https://github.com/bulwark-scanner/bulwark',
            rules,
          },
        },
        results,
        columnKind: 'unicodeCodePoints',
      },
    ],
  };
}

function sarifLocation(f: Finding): Record<string, unknown> {
  const l = f.location;
  if (l.kind === 'file' || (l.kind === 'runtime' && l.file)) {
    const file = l.kind === 'file' ? l.file : l.file!;
    const line = Math.max(1, l.line ?? 1);
    const column = Math.max(1, l.column ?? 1);
    const region: Record<string, number> = { startLine: line, startColumn: column };
    if (l.kind === 'file' && l.endLine && l.endLine >= line) region.endLine = l.endLine;
    const loc: Record<string, unknown> = {
      physicalLocation: { artifactLocation: { uri: toUri(file) }, region },
    };
    if (l.kind === 'runtime') loc.logicalLocations = [{ name: l.service ?? l.container ?? 'container', fullyQualifiedName: `${l.service ?? l.container}.${l.field}`, kind: 'member' }];
    return loc;
  }
  if (l.kind === 'image') {
    const loc: Record<string, unknown> = {
      logicalLocations: [{ name: l.path ?? l.field ?? l.image, fullyQualifiedName: [l.image, l.layerDigest, l.path ?? l.field].filter(Boolean).join('/'), kind: 'object' }],
    };
    if (l.path) loc.physicalLocation = { artifactLocation: { uri: toUri(l.path) }, ...(l.line ? { region: { startLine: l.line } } : {}) };
    return loc;
  }
  if (l.kind === 'runtime') {
    return { logicalLocations: [{ name: l.field, fullyQualifiedName: `${l.service ?? l.container ?? 'container'}.${l.field}`, kind: 'member' }] };
  }
  const loc: Record<string, unknown> = {
    logicalLocations: [{ name: l.setting ?? l.path ?? f.stage, fullyQualifiedName: [f.stage, l.path, l.setting].filter(Boolean).join(':'), kind: 'object' }],
  };
  if (l.path) loc.physicalLocation = { artifactLocation: { uri: toUri(l.path) }, ...(l.line ? { region: { startLine: l.line } } : {}) };
  return loc;
}

function toUri(p: string): string {
  const rel = p.replace(/\\/g, '/');
  return rel
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/')
    .replace(/^%2F/, '/');
}
