/**
 * CIS Docker Benchmark v1.6.0 section 4 (container images and build file) as a view over the image rules,
 * run on what the engine says about each image (config and history: GET /images/{id}/json and /history),
 * without reading its layers. 4.5 (content trust) is a fact of the environment and lives with the host
 * rules (BW-HOST-030).
 *
 * One result per check, as Docker Bench; the offending images are in the evidence and each one is a
 * finding of its image rule. Checks whose evidence is in the layers (4.3 packages, 4.8 setuid files) or in
 * policy (4.2, 4.11, 4.12) are manual: `info` with what was seen and the command that looks further.
 */
import type { Finding, Severity } from '../../core/finding.js';
import type { BulwarkConfig } from '../../core/config.js';
import type { OpenedImage } from '../../sources/types.js';
import type { ImageScan } from '../../image/types.js';
import { ImageCheckContext, type ImageRule } from '../image/context.js';
import { imageRuleSet } from '../image/index.js';
import type { CheckResult } from '../daemon/check.js';
import type { RunResult } from '../daemon/run.js';

export interface Cis4Check {
  cis: string;
  title: string;
  /** the image rules that decide it (secret rules: every BW-SECRET-*); the first names the result */
  rules: string[];
  manual?: boolean;
  /** when no single rule's remediation fits (4.10: every secret rule) */
  remediation?: string;
}

export const CIS4: Cis4Check[] = [
  { cis: '4.1', title: 'A user for the container has been created', rules: ['BW-IMAGE-001'] },
  { cis: '4.2', title: 'Containers use only trusted base images', rules: [], manual: true },
  { cis: '4.3', title: 'Unnecessary packages are not installed in the container', rules: [], manual: true },
  { cis: '4.4', title: 'Images are scanned and rebuilt to include security patches', rules: ['BW-IMAGE-005'], manual: true },
  { cis: '4.6', title: 'HEALTHCHECK instructions have been added to container images', rules: ['BW-IMAGE-002'] },
  { cis: '4.7', title: 'Update instructions are not used alone in Dockerfiles', rules: [], manual: true },
  { cis: '4.8', title: 'setuid and setgid permissions are removed', rules: [], manual: true },
  { cis: '4.9', title: 'COPY is used instead of ADD in Dockerfiles', rules: [], manual: true },
  {
    cis: '4.10',
    title: 'Secrets are not stored in Dockerfiles',
    rules: ['BW-SECRET-*'],
    remediation: 'Rotate the secret, then rebuild without it: pass it at run time (docker secrets, an env file outside the image) or to the build with RUN --mount=type=secret, never as ENV, ARG or LABEL.',
  },
  { cis: '4.11', title: 'Only verified packages are installed', rules: [], manual: true },
  { cis: '4.12', title: 'All signed artifacts are validated', rules: [], manual: true },
];

/** One local image: its name for reports (first tag, else the short ID) and what the engine says about it. */
export interface LocalImage {
  name: string;
  id: string;
  image: OpenedImage;
  /** RepoDigests: set only for images pulled from (or pushed to) a registry */
  repoDigests?: string[];
  /** the image's files, when every layer is in the layer cache of an earlier `bulwark image` scan (4.8) */
  scan?: ImageScan;
}

export interface ImageSet {
  images: LocalImage[];
  /** "12 local image(s)", "3 image(s) of the checked containers" */
  what: string;
  /** images the engine listed but could not describe (removed meanwhile) */
  skipped?: string[];
}

const SEV_ORDER: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
const MAX_LISTED = 50;

const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);

function list(names: string[]): string {
  return names.length > 8 ? `${names.slice(0, 8).join(', ')} and ${names.length - 8} more` : names.join(', ');
}

function result(c: Cis4Check, r: CheckResult): RunResult {
  const meta = c.rules[0] && !c.rules[0].endsWith('*') ? imageRuleSet.find((x) => x.meta.id === c.rules[0])?.meta : undefined;
  return {
    ...r,
    cis: c.cis,
    ruleId: c.rules[0] && !c.rules[0].endsWith('*') ? c.rules[0] : `CIS-${c.cis}`,
    title: meta ? `${c.title} (${meta.title})` : c.title,
    section: '4',
    ...(r.status === 'fail' || r.status === 'warn' ? { remediation: r.remediation ?? c.remediation ?? meta?.remediation } : {}),
  };
}

/** Section 4 not evaluated (offline, or the engine not reachable): one result per check. */
export function imageSectionNotEvaluated(why: string): RunResult[] {
  return CIS4.map((c) => result(c, { status: 'not-evaluated', message: why, key: c.cis }));
}

/** The rules section 4 runs on config and history alone (no layer is read). */
function rulesFor(c: Cis4Check): ImageRule[] {
  return imageRuleSet.filter((r) => c.rules.some((id) => (id.endsWith('*') ? r.meta.id.startsWith(id.slice(0, -1)) : r.meta.id === id)));
}

/** A package-index update with nothing installed in the same RUN: later builds reuse a stale cached index. */
export function updateAlone(createdBy: string): boolean {
  const cmd = createdBy.replace(/^\/bin\/sh -c\s+(#\(nop\)\s*)?/, '').replace(/^RUN\s+/, '');
  if (/#\(nop\)/.test(createdBy)) return false;
  const update = /\b(apt-get|apt|aptitude)\s+(-\S+\s+)*update\b|\bapk\s+(-\S+\s+)*update\b|\b(yum|dnf|microdnf)\s+(-\S+\s+)*makecache\b|\bzypper\s+(-\S+\s+)*(refresh|ref)\b/;
  if (!update.test(cmd)) return false;
  return !/\b(apt-get|apt|aptitude|yum|dnf|microdnf|zypper)\s+(-\S+\s+)*(install|upgrade|dist-upgrade|full-upgrade|update\s+-y\s+\S)|\bapk\s+(-\S+\s+)*(add|upgrade)\b/.test(cmd);
}

/** ADD instructions in the history, except the first layer of a base image built FROM scratch (`ADD file:… in /`). */
export function addEntries(image: OpenedImage): Array<{ index: number; createdBy: string }> {
  const hist = image.config.history ?? [];
  const out: Array<{ index: number; createdBy: string }> = [];
  hist.forEach((h, i) => {
    const by = (h.created_by ?? '').trim();
    const m = /^(?:\/bin\/sh -c #\(nop\)\s*)?ADD\s+(.*)$/.exec(by);
    if (!m) return;
    if (i === 0 && /^(?:file|dir):[0-9a-f]+ in \/\s*$/.test(m[1]!.trim())) return;
    out.push({ index: i, createdBy: by.slice(0, 200) });
  });
  return out;
}

/** Run section 4 over `set`: one result per CIS 4.x image check, and the findings of the deciding rules. */
export function imageSection(set: ImageSet, cfg: BulwarkConfig = {}, now = new Date()): { results: RunResult[]; findings: Finding[] } {
  const settings = ImageCheckContext.settingsFrom(cfg);
  const contexts = set.images.map((img) => {
    const scan: ImageScan = { image: img.image, layers: [], final: new Map(), hidden: [] };
    // no layer is read: attribution by history alone is not attempted, every finding is the image's own
    return { img, ctx: new ImageCheckContext(scan, undefined, cfg, settings, { method: 'none', baseLayerCount: 0, baseHistoryCount: 0 }, now) };
  });
  const results: RunResult[] = [];
  const findings: Finding[] = [];
  const n = set.images.length;
  for (const c of CIS4) {
    if (n === 0) {
      results.push(result(c, { status: 'info', message: `no images to check (${set.what})`, key: c.cis, evidence: { images: 0 } }));
      continue;
    }
    const rules = rulesFor(c);
    if (rules.length) {
      const hits: Array<{ image: string; f: Finding }> = [];
      for (const { img, ctx } of contexts) for (const r of rules) for (const f of r.check(ctx)) hits.push({ image: img.name, f });
      findings.push(...hits.map((h) => h.f));
      const offenders = [...new Set(hits.map((h) => h.image))];
      const evidence = { images: n, rules: c.rules, offenders: hits.slice(0, MAX_LISTED).map((h) => ({ image: h.image, ruleId: h.f.ruleId, message: h.f.message })) };
      const manual = c.manual ? 'manual: ' : '';
      if (!hits.length) {
        results.push(result(c, { status: c.manual ? 'info' : 'pass', message: `${manual}none of ${n} image(s)${c.cis === '4.10' ? ' (Env, Labels and history; files in the layers: bulwark image docker:NAME)' : ''}`, key: c.cis, evidence }));
        continue;
      }
      const severity = SEV_ORDER.find((s) => hits.some((h) => h.f.severity === s));
      results.push(result(c, { status: c.manual ? 'info' : 'fail', message: `${manual}${offenders.length} of ${n} image(s): ${list(offenders)}`, key: c.cis, evidence, ...(severity && !c.manual ? { severity } : {}) }));
      continue;
    }
    if (c.cis === '4.8') {
      const r = setuidCheck(set, cfg, settings, now);
      findings.push(...r.findings);
      results.push(result(c, r.result));
      continue;
    }
    results.push(result(c, manualCheck(c, set)));
  }
  return { results, findings };
}

/**
 * 4.8 from the images whose layers are in Bulwark's layer cache (an earlier `bulwark image` scan): the setuid
 * rule (BW-IMAGE-011) on their real files. The others need their layers read: the command is named.
 */
function setuidCheck(set: ImageSet, cfg: BulwarkConfig, settings: ReturnType<typeof ImageCheckContext.settingsFrom>, now: Date): { result: CheckResult; findings: Finding[] } {
  const rule = imageRuleSet.find((r) => r.meta.id === 'BW-IMAGE-011')!;
  const n = set.images.length;
  const scanned = set.images.filter((i) => i.scan);
  const unscanned = set.images.filter((i) => !i.scan).map((i) => i.name);
  const hits: Array<{ image: string; f: Finding }> = [];
  for (const i of scanned) {
    const ctx = new ImageCheckContext(i.scan!, undefined, cfg, settings, { method: 'none', baseLayerCount: 0, baseHistoryCount: 0 }, now);
    for (const f of rule.check(ctx)) hits.push({ image: i.name, f });
  }
  const names = [...new Set(hits.map((h) => h.image))];
  const parts = [
    scanned.length ? `${names.length ? `setuid/setgid files in ${names.length} of ${scanned.length} image(s) read from the layer cache: ${list(names)}` : `no setuid/setgid file in the ${scanned.length} image(s) read from the layer cache`}` : '',
    unscanned.length ? `${unscanned.length} of ${n} image(s) not read (their layers are not in the cache: \`bulwark image docker:NAME\` reads them and lists setuid files, BW-IMAGE-011): ${list(unscanned)}` : '',
  ].filter(Boolean);
  return {
    result: {
      status: 'info',
      message: `manual: ${parts.join('; ')}`,
      key: '4.8',
      evidence: { images: n, read: scanned.length, notRead: unscanned.slice(0, MAX_LISTED), offenders: hits.slice(0, MAX_LISTED).map((h) => ({ image: h.image, ruleId: h.f.ruleId, message: h.f.message, severity: h.f.severity })), command: 'bulwark image docker:NAME' },
    },
    findings: hits.map((h) => h.f),
  };
}

function manualCheck(c: Cis4Check, set: ImageSet): CheckResult {
  const n = set.images.length;
  const key = c.cis;
  switch (c.cis) {
    case '4.2': {
      // a registry digest exists only for images pulled from or pushed to a registry; the others were built or imported here
      const registries = new Map<string, number>();
      for (const i of set.images) {
        const d = i.repoDigests?.find((x) => x.includes('@'));
        const repo = d?.split('@')[0];
        const reg = !repo ? 'built or imported locally (no registry digest)' : /^[^/]+[.:][^/]*\//.test(repo) || repo.startsWith('localhost/') ? repo.split('/')[0]! : 'docker.io';
        registries.set(reg, (registries.get(reg) ?? 0) + 1);
      }
      const byReg = [...registries].map(([r, k]) => `${r}: ${k}`);
      return { status: 'info', message: `manual: review where the ${n} image(s) come from: ${list(byReg)}`, key, evidence: { sources: Object.fromEntries(registries) } };
    }
    case '4.3':
      return { status: 'info', message: `manual: the package inventory of an image is in \`bulwark image docker:NAME\` (or \`bulwark sbom\`); ${n} image(s)`, key, evidence: { images: n } };
    case '4.7': {
      const hits = set.images.flatMap((i) => (i.image.config.history ?? []).filter((h) => updateAlone(h.created_by ?? '')).map((h) => ({ image: i.name, createdBy: (h.created_by ?? '').slice(0, 200) })));
      const names = [...new Set(hits.map((h) => h.image))];
      return {
        status: 'info',
        message: names.length ? `manual: a package-index update alone in a RUN in ${names.length} of ${n} image(s): ${list(names)}` : `manual: no update-alone RUN in the history of ${n} image(s)`,
        key,
        evidence: { images: n, offenders: hits.slice(0, MAX_LISTED) },
      };
    }
    case '4.9': {
      const hits = set.images.flatMap((i) => addEntries(i.image).map((e) => ({ image: i.name, ...e })));
      const names = [...new Set(hits.map((h) => h.image))];
      return {
        status: 'info',
        message: names.length ? `manual: ADD in the history of ${names.length} of ${n} image(s): ${list(names)}` : `manual: no ADD in the history of ${n} image(s) (a FROM-scratch base's root filesystem excepted)`,
        key,
        evidence: { images: n, offenders: hits.slice(0, MAX_LISTED) },
      };
    }
    case '4.11':
      return { status: 'info', message: 'manual: check that packages come from signed sources and downloads are verified; `bulwark dockerfile` flags `curl | sh` and unverified remote ADD in Dockerfiles', key };
    case '4.12':
      return { status: 'info', message: 'manual: verify image signatures before use; `bulwark image REGISTRY/NAME --key cosign.pub --require-signature` checks a cosign signature', key };
    default:
      return { status: 'info', message: 'manual', key };
  }
}

export { short as shortImageId };
