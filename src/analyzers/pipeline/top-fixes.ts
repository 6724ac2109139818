/**
 * Top fixes: the changes that remove the most risk, each with its exact change. Every finding belongs to one fix;
 * a fix's score is the sum of the priority scores (exposure.ts) of the findings it removes, plus, for a fix that
 * removes an exposure factor from a workload (privileged, a port on all interfaces, root...), the amplification that
 * factor adds to every vulnerability reaching that workload.
 *
 *   package upgrade   every vulnerability of one package version in one lock file or image -> "upgrade lodash 4.17.15 → 4.17.21"
 *   .dockerignore     every secret one Dockerfile would bake into its image -> "add keys/deploy.pem to .dockerignore"
 *   setting           one rule on one Dockerfile / service -> the rule's remediation
 */
import type { Finding, Severity } from '../../core/finding.js';
import { formatLocation, SEVERITIES } from '../../core/finding.js';
import type { PipelineModel } from './model.js';
import { maxVersion, priorityOf, workloadLinks } from './correlate.js';
import { SEVERITY_WEIGHT, type ExposureFactor } from './exposure.js';

export interface TopFix {
  /** what to do, in one line */
  title: string;
  /** where the change goes */
  where: string;
  removes: { findings: number; bySeverity: Partial<Record<Severity, number>> };
  /** a short "removes ..." text: "3 vulnerabilities (1 critical, 2 high)", "an escape path" */
  effect: string;
  score: number;
  ruleIds: string[];
}

/** runtime rules that remove an exposure factor when fixed */
const FACTOR_OF_RULE: Record<string, ExposureFactor['id']> = {
  'BW-RUNTIME-001': 'privileged',
  'BW-RUNTIME-002': 'escape-caps',
  'BW-RUNTIME-004': 'host-network',
  'BW-RUNTIME-005': 'host-pid',
  'BW-RUNTIME-010': 'runtime-socket',
  'BW-RUNTIME-020': 'root',
  'BW-RUNTIME-021': 'published',
  'BW-PIPELINE-011': 'root',
};

const EFFECT_OF_FACTOR: Record<ExposureFactor['id'], string> = {
  privileged: 'an escape path (privileged)',
  'escape-caps': 'an escape path (capabilities)',
  'host-network': 'host network exposure',
  'host-pid': "access to the host's processes",
  'runtime-socket': 'an escape path (engine socket)',
  root: 'root in the container',
  published: 'exposure on every interface',
  'k8s-service': 'exposure outside the cluster',
};

export function countText(fs: Finding[], one: string, many: string): string {
  const by = SEVERITIES.map((s) => [s, fs.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
  return `${fs.length} ${fs.length === 1 ? one : many}${by.length ? ` (${by.map(([s, n]) => `${n} ${s}`).join(', ')})` : ''}`;
}

export function bySeverity(fs: Finding[]): Partial<Record<Severity, number>> {
  const o: Partial<Record<Severity, number>> = {};
  for (const f of fs) o[f.severity] = (o[f.severity] ?? 0) + 1;
  return o;
}

/** The exact change for the runtime settings whose finding says which value to change; undefined otherwise. */
function exactChange(f: Finding, all: Finding[]): string | undefined {
  const svc = f.location.kind === 'runtime' ? (f.location.service ? `service ${f.location.service}` : f.location.container ? `container ${f.location.container}` : undefined) : undefined;
  if (!svc) return undefined;
  const ev = f.evidence ?? {};
  switch (f.ruleId) {
    case 'BW-RUNTIME-021': {
      const ports = all.map((x) => x.evidence ?? {}).filter((e) => e.containerPort !== undefined);
      if (!ports.length) return undefined;
      return `bind ${svc}'s published ports to 127.0.0.1: ${ports.map((e) => `"127.0.0.1:${e.hostPort ?? ''}:${e.containerPort}${e.protocol && e.protocol !== 'tcp' ? `/${e.protocol}` : ''}"`).join(', ')}`;
    }
    case 'BW-RUNTIME-002':
      return typeof ev.capability === 'string' ? `drop ${all.map((x) => x.evidence?.capability).filter(Boolean).join(', ')} from ${svc} (cap_add)` : undefined;
    case 'BW-RUNTIME-001':
      return `remove privileged: true from ${svc}`;
    case 'BW-RUNTIME-004':
      return `take ${svc} off the host network (network_mode: host)`;
    default:
      return undefined;
  }
}

/** `extra`: fixes computed elsewhere that compete in the same ranking (base image advice, src/app/base-image.ts). */
export function topFixes(findings: Finding[], model: PipelineModel, limit = 5, extra: TopFix[] = []): TopFix[] {
  const groups = new Map<string, { kind: 'pkg' | 'ignore' | 'setting'; fs: Finding[] }>();
  const add = (k: string, kind: 'pkg' | 'ignore' | 'setting', f: Finding) => {
    const g = groups.get(k);
    if (g) g.fs.push(f);
    else groups.set(k, { kind, fs: [f] });
  };
  for (const f of findings) {
    if (f.suppressed || f.severity === 'info') continue;
    if (f.ruleId === 'BW-PIPELINE-010') continue; // the chain: fixed by the package upgrade and the exposure fixes
    if (f.vulnerability) {
      const p = f.vulnerability.package;
      const where = f.location.kind === 'file' ? f.location.file : f.location.kind === 'image' ? f.location.image : '';
      add(`pkg\u0000${where}\u0000${p.ecosystem}\u0000${p.sourceName ?? p.name}\u0000${p.version}`, 'pkg', f);
    } else if (f.ruleId === 'BW-PIPELINE-002' && f.location.kind === 'file') add(`ignore\u0000${f.location.file}`, 'ignore', f);
    else {
      const where = f.location.kind === 'runtime' ? `${f.location.file ?? ''}|${f.location.service ?? f.location.container ?? ''}` : formatLocation(f.location).replace(/:\d+:\d+$/, '');
      add(`set\u0000${f.ruleId}\u0000${where}`, 'setting', f);
    }
  }
  const links = workloadLinks(model);
  const out: TopFix[] = [];
  for (const { kind, fs } of groups.values()) {
    let score = fs.reduce((a, f) => a + priorityOf(f, model).score, 0);
    const f0 = fs[0]!;
    if (kind === 'pkg') {
      const p = f0.vulnerability!.package;
      const fixed = fs.filter((f) => f.vulnerability!.fixedVersion);
      const target = maxVersion(p.ecosystem, fixed.map((f) => f.vulnerability!.fixedVersion!));
      const where = f0.location.kind === 'file' ? `${f0.location.file}:${f0.location.line}` : formatLocation(f0.location);
      if (!target) continue; // nothing to upgrade to yet
      score = fixed.reduce((a, f) => a + priorityOf(f, model).score, 0);
      const label = p.sourceName && p.sourceName !== p.name ? `${p.sourceName} (${p.name})` : p.name;
      out.push({
        title: `upgrade ${label} ${p.version} → ${target}`,
        where,
        removes: { findings: fixed.length, bySeverity: bySeverity(fixed) },
        effect: `removes ${countText(fixed, 'vulnerability', 'vulnerabilities')}`,
        score,
        ruleIds: [...new Set(fixed.map((f) => f.ruleId))],
      });
    } else if (kind === 'ignore') {
      const files = [...new Set(fs.map((f) => String(f.evidence?.file ?? '')))].filter(Boolean);
      const loc = f0.location.kind === 'file' ? f0.location.file : '';
      out.push({
        title: `exclude ${files.join(', ')} from the build context of ${loc} (.dockerignore)`,
        where: loc,
        removes: { findings: fs.length, bySeverity: bySeverity(fs) },
        effect: `keeps ${fs.length} secret${fs.length === 1 ? '' : 's'} out of the image`,
        score,
        ruleIds: ['BW-PIPELINE-002'],
      });
    } else {
      const factor = FACTOR_OF_RULE[f0.ruleId];
      let effect = `removes ${countText(fs, 'finding', 'findings')}`;
      if (factor) {
        // the amplification this factor adds to what reaches the workload
        const svc = f0.location.kind === 'runtime' ? f0.location.service : undefined;
        const wl = typeof f0.evidence?.workload === 'string' ? f0.evidence.workload : undefined;
        for (const l of links) {
          const match = wl ? l.workload.label === wl : svc !== undefined && (l.workload.spec.service ?? l.workload.spec.name) === svc;
          if (!match) continue;
          const fw = l.factors.find((x) => x.id === factor);
          if (!fw) continue;
          score += l.vulns.reduce((a, v) => a + SEVERITY_WEIGHT[v.finding.severity] * fw.weight, 0);
          effect = `removes ${EFFECT_OF_FACTOR[factor]}${l.vulns.length ? ` for ${l.vulns.length} vulnerabilit${l.vulns.length === 1 ? 'y' : 'ies'} it runs` : ''}`;
        }
      }
      const where = formatLocation(f0.location);
      out.push({
        title: exactChange(f0, fs) ?? f0.remediation.text.split(/(?<=\.)\s/)[0]!.slice(0, 200),
        where,
        removes: { findings: fs.length, bySeverity: bySeverity(fs) },
        effect,
        score,
        ruleIds: [f0.ruleId],
      });
    }
  }
  out.push(...extra);
  out.sort((a, b) => b.score - a.score || b.removes.findings - a.removes.findings || (a.title < b.title ? -1 : 1));
  return out.slice(0, limit);
}

/** The pipeline view's text: the correlated chains, then the top fixes. */
export function pipelineText(findings: Finding[], fixes: TopFix[]): string {
  const lines: string[] = [];
  const chains = findings.filter((f) => f.ruleId === 'BW-PIPELINE-010' && !f.suppressed);
  chains.sort((a, b) => Number(b.evidence?.score ?? 0) - Number(a.evidence?.score ?? 0));
  if (chains.length) {
    lines.push('Exposed vulnerabilities (package → build → workload):');
    for (const c of chains.slice(0, 10)) lines.push(`  [${c.severity.toUpperCase()}] ${c.message}`);
    if (chains.length > 10) lines.push(`  ... and ${chains.length - 10} more (BW-PIPELINE-010)`);
  }
  if (fixes.length) {
    lines.push('Top fixes (by risk removed):');
    fixes.forEach((x, i) => lines.push(`  ${i + 1}. ${x.title} (${x.where}): ${x.effect} [score ${Math.round(x.score * 10) / 10}]`));
  }
  return lines.join('\n');
}
