/**
 * Links between the stages of a PipelineModel: which workload runs what was built from which Dockerfile, and
 * which findings travel along that chain.
 *
 *   lock file --(COPY of a shipped stage)--> Dockerfile --(compose build:)--> service --(runtime settings)--> exposure
 *   image findings (location.image)  --(compose image: / --image)-------------> service
 *
 * A vulnerability found in a lock file reaches a workload when a shipped COPY of the Dockerfile that builds the
 * workload's image copies that lock file; an image's vulnerabilities reach every workload that runs that image.
 */
import type { Finding } from '../../core/finding.js';
import { severityRank } from '../../core/finding.js';
import { findComparator } from '../../vulndb/version/index.js';
import type { PipelineModel, Workload } from './model.js';
import { exposureMultiplier, exposureOf, SEVERITY_WEIGHT, type ExposureFactor } from './exposure.js';

export interface WorkloadLink {
  workload: Workload;
  factors: ExposureFactor[];
  /** vulnerability findings that reach this workload, with how ("copied by Dockerfile:4", "in image app:1") */
  vulns: Array<{ finding: Finding; via: string }>;
  /** the root-user findings of its stages (Dockerfile, image, runtime) */
  root: Finding[];
  /** what the Dockerfile building its image (or its image config) says about root; undefined when unknown */
  imageRunsAsRoot?: boolean;
}

/** rule ids that say "runs as root", per stage */
export const ROOT_RULES = { build: 'BW-BUILD-004', image: 'BW-IMAGE-001', runtime: 'BW-RUNTIME-020' } as const;

const memo = new WeakMap<PipelineModel, WorkloadLink[]>();

function findingFile(f: Finding): string | undefined {
  return f.location.kind === 'file' ? f.location.file : f.location.kind === 'runtime' ? f.location.file : undefined;
}

function runtimeService(f: Finding): string | undefined {
  return f.location.kind === 'runtime' ? f.location.service : undefined;
}

export function workloadLinks(model: PipelineModel): WorkloadLink[] {
  const hit = memo.get(model);
  if (hit) return hit;
  const vulnsByFile = new Map<string, Finding[]>();
  const vulnsByImage = new Map<string, Finding[]>();
  const buildRoot = new Map<string, Finding[]>();
  const imageRoot = new Map<string, Finding[]>();
  for (const f of model.findings) {
    if (f.suppressed) continue;
    if (f.vulnerability) {
      if (f.location.kind === 'file') (vulnsByFile.get(f.location.file) ?? vulnsByFile.set(f.location.file, []).get(f.location.file)!).push(f);
      else if (f.location.kind === 'image') (vulnsByImage.get(f.location.image) ?? vulnsByImage.set(f.location.image, []).get(f.location.image)!).push(f);
    } else if (f.ruleId === ROOT_RULES.build && f.location.kind === 'file') {
      (buildRoot.get(f.location.file) ?? buildRoot.set(f.location.file, []).get(f.location.file)!).push(f);
    } else if (f.ruleId === ROOT_RULES.image && f.location.kind === 'image') {
      (imageRoot.get(f.location.image) ?? imageRoot.set(f.location.image, []).get(f.location.image)!).push(f);
    }
  }
  const out: WorkloadLink[] = [];
  for (const w of model.workloads) {
    const vulns: WorkloadLink['vulns'] = [];
    const root: Finding[] = [];
    let imageRunsAsRoot: boolean | undefined;
    // a live container's user is known from its inspect data (exposure.ts); the stage root findings belong to the
    // service or workload it was matched to, which reports them once (BW-PIPELINE-011)
    const addRoot = (fs: Finding[]) => {
      if (!w.live) root.push(...fs);
    };
    if (w.dockerfile) {
      const df = w.dockerfile;
      const rootHere = buildRoot.get(df) ?? [];
      addRoot(rootHere);
      // a Dockerfile of the project that builds this image: its final USER decides when the service sets none
      if (model.dockerfiles?.includes(df)) imageRunsAsRoot = rootHere.length > 0;
      for (const c of model.copies) {
        if (c.dockerfile !== df || !c.shipped) continue;
        if (w.context !== undefined && c.context !== w.context) continue;
        for (const lf of c.lockfiles) for (const f of vulnsByFile.get(lf) ?? []) vulns.push({ finding: f, via: `copied into the image by ${c.instruction} at ${df}:${c.line}` });
      }
    }
    const img = w.imageName ?? w.image;
    if (img) {
      for (const f of vulnsByImage.get(img) ?? []) {
        const l = f.location.kind === 'image' ? f.location : undefined;
        vulns.push({ finding: f, via: `in image ${img}${l?.layerIndex !== undefined ? `, layer ${l.layerIndex}` : ''}` });
      }
      const ir = imageRoot.get(img) ?? [];
      addRoot(ir);
      if (ir.length && imageRunsAsRoot === undefined) imageRunsAsRoot = true;
    }
    const svcFile = w.spec.file;
    for (const f of model.findings) {
      if (!w.live && f.ruleId === ROOT_RULES.runtime && runtimeService(f) === (w.spec.service ?? w.spec.name) && (!svcFile || !findingFile(f) || svcFile.endsWith(findingFile(f)!))) root.push(f);
    }
    out.push({ workload: w, factors: exposureOf(w.spec, imageRunsAsRoot, w.exposedBy), vulns, root, imageRunsAsRoot });
  }
  memo.set(model, out);
  return out;
}

const bestMemo = new WeakMap<PipelineModel, Map<Finding, { mult: number; link: WorkloadLink }>>();

/** The priority score of a finding (see exposure.ts) and the most exposed workload it reaches. */
export function priorityOf(f: Finding, model: PipelineModel): { score: number; link?: WorkloadLink } {
  let best = bestMemo.get(model);
  if (!best) {
    best = new Map();
    for (const l of workloadLinks(model)) {
      const m = exposureMultiplier(l.factors);
      for (const x of [...l.vulns.map((v) => v.finding), ...l.root]) {
        const cur = best.get(x);
        if (!cur || m > cur.mult) best.set(x, { mult: m, link: l });
      }
    }
    bestMemo.set(model, best);
  }
  const b = best.get(f);
  return { score: SEVERITY_WEIGHT[f.severity] * (b?.mult ?? 1), link: b?.link };
}

export function worst(fs: Finding[]): Finding['severity'] {
  return fs.reduce<Finding['severity']>((a, f) => (severityRank(f.severity) > severityRank(a) ? f.severity : a), 'info');
}

/** The highest of some versions of one ecosystem (its own order; string order when it has none). */
export function maxVersion(ecosystem: string, vs: string[]): string | undefined {
  const cmp = findComparator(ecosystem);
  let best: string | undefined;
  for (const v of vs) {
    if (best === undefined) best = v;
    else {
      try {
        if (cmp ? cmp.compare(v.replace(/^v(?=\d)/, ecosystem === 'golang' ? '' : 'v'), best.replace(/^v(?=\d)/, ecosystem === 'golang' ? '' : 'v')) > 0 : v > best) best = v;
      } catch {
        if (v > best) best = v;
      }
    }
  }
  return best;
}
