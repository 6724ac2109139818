/**
 * Kernel / runc / containerd versions against the dated escapes table (data/escapes.json).
 * Upstream versions compare numerically with pre-releases before releases (1.0.0-rc7 < 1.0.0-rc93 <
 * 1.0.0; 1.4.0-rc.1 < 1.4.0). Distribution builds carry backported fixes under old version numbers:
 * when the distro's own fixed version is known (Debian, from the table) it decides; otherwise the
 * verdict is "uncertain" and says so.
 */
import { createRequire } from 'node:module';
import { compareDeb } from '../../vulndb/version/dpkg.js';
import type { Severity } from '../../core/finding.js';

const require = createRequire(import.meta.url);

export interface EscapeEntry {
  id: string;
  aliases?: string[];
  name: string;
  component: 'kernel' | 'runc' | 'containerd';
  severity: Severity;
  published: string;
  advisory: string;
  references?: string[];
  summary: string;
  affected: Array<{ introduced: string; fixed?: string }>;
  debian?: Record<string, string>;
}

export interface EscapeTable {
  updated: string;
  entries: EscapeEntry[];
}

let table: EscapeTable | undefined;
export function escapeTable(): EscapeTable {
  table ??= require('./data/escapes.json') as EscapeTable;
  return table;
}

interface Parsed {
  nums: number[];
  pre: Array<string | number>;
}

function parseUpstream(v: string): Parsed | undefined {
  const m = /^v?(\d+(?:\.\d+)*)(?:-([0-9A-Za-z.-]+))?/.exec(v.trim());
  if (!m) return undefined;
  const nums = m[1]!.split('.').map(Number);
  const pre: Array<string | number> = [];
  // a pre-release only when it starts with letters (rc, beta); "-1" style suffixes are not pre-releases
  if (m[2] && /^[A-Za-z]/.test(m[2])) {
    for (const tok of m[2].split(/[.-]/).flatMap((t) => t.match(/\d+|[A-Za-z]+/g) ?? [])) pre.push(/^\d+$/.test(tok) ? Number(tok) : tok.toLowerCase());
  }
  return { nums, pre };
}

/** Upstream order: 1.0.0-rc7 < 1.0.0-rc93 < 1.0.0 < 1.1.5; 2.6.22 < 3.2.83; "0" is the lowest. */
export function compareUpstream(a: string, b: string): number {
  const pa = parseUpstream(a);
  const pb = parseUpstream(b);
  if (!pa || !pb) throw new Error(`not a version: ${!pa ? a : b}`);
  for (let i = 0; i < Math.max(pa.nums.length, pb.nums.length); i++) {
    const d = (pa.nums[i] ?? 0) - (pb.nums[i] ?? 0);
    if (d) return d < 0 ? -1 : 1;
  }
  if (!pa.pre.length && !pb.pre.length) return 0;
  if (!pa.pre.length) return 1;
  if (!pb.pre.length) return -1;
  for (let i = 0; i < Math.max(pa.pre.length, pb.pre.length); i++) {
    const x = pa.pre[i];
    const y = pb.pre[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (typeof x === 'number' && typeof y === 'number') {
      if (x !== y) return x < y ? -1 : 1;
    } else if (typeof x === 'number') return -1;
    else if (typeof y === 'number') return 1;
    else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Which [introduced, fixed) range holds `v`, if any. */
export function affectedRange(entry: EscapeEntry, v: string): { introduced: string; fixed?: string } | undefined {
  for (const r of entry.affected) {
    if (compareUpstream(v, r.introduced) < 0) continue;
    if (r.fixed && compareUpstream(v, r.fixed) >= 0) continue;
    return r;
  }
  return undefined;
}

export type Verdict = 'affected' | 'fixed' | 'not-affected' | 'uncertain';

export interface EscapeVerdict {
  entry: EscapeEntry;
  verdict: Verdict;
  /** the version compared */
  version: string;
  explanation: string;
  range?: { introduced: string; fixed?: string };
}

export interface ComponentVersion {
  /** upstream version ("1.1.5", "6.1.76") */
  version: string;
  /** distribution package version, when known ("1.1.5+ds1-1+deb12u1", "6.1.76-1") */
  distroVersion?: string;
  /** the distribution (os-release ID) and release codename */
  distro?: string;
  codename?: string;
  /** the version string is a distribution build whose fixes cannot be read from the number */
  distroBuild?: boolean;
  /** a note on how the version was derived */
  note?: string;
}

export function evaluateEscape(entry: EscapeEntry, cv: ComponentVersion): EscapeVerdict {
  const base = { entry, version: cv.distroVersion ?? cv.version };
  // 1. the distribution's own fixed version decides when we have it
  if (cv.distroVersion && cv.distro === 'debian' && cv.codename && entry.debian?.[cv.codename]) {
    const fixed = entry.debian[cv.codename]!;
    try {
      const c = compareDeb(cv.distroVersion, fixed);
      return c >= 0
        ? { ...base, verdict: 'fixed', explanation: `Debian ${cv.codename} fixed ${entry.id} in ${fixed}; installed ${cv.distroVersion}` }
        : { ...base, verdict: 'affected', explanation: `Debian ${cv.codename} fixed ${entry.id} in ${fixed}; installed ${cv.distroVersion} is older` };
    } catch {
      /* unparsable: fall through to upstream */
    }
  }
  let range: EscapeVerdict['range'];
  try {
    range = affectedRange(entry, cv.version);
  } catch {
    return { ...base, verdict: 'uncertain', explanation: `version '${cv.version}' cannot be compared` };
  }
  if (!range) {
    const fixedInBranch = entry.affected.some((r) => r.fixed && compareUpstream(cv.version, r.fixed) >= 0 && compareUpstream(cv.version, r.introduced) >= 0);
    return {
      ...base,
      version: cv.version,
      verdict: fixedInBranch ? 'fixed' : 'not-affected',
      explanation: `upstream ${cv.version} is outside the affected ranges (${rangesText(entry)})${cv.note ? `; ${cv.note}` : ''}`,
    };
  }
  const rtext = `${range.introduced === '0' ? 'all versions' : `>= ${range.introduced}`}${range.fixed ? `, fixed in ${range.fixed}` : ', no fix released in this branch'}`;
  if (cv.distroBuild || cv.distroVersion) {
    const who = cv.distro ? `${cv.distro}${cv.codename ? ` ${cv.codename}` : ''}` : 'the distribution';
    const known = cv.distro === 'debian' && !entry.debian?.[cv.codename ?? ''] ? ` (no Debian ${cv.codename ?? ''} fix is recorded in the table of ${escapeTable().updated})`.replace('Debian  fix', 'Debian fix') : '';
    return {
      ...base,
      verdict: 'uncertain',
      range,
      explanation: `${cv.distroVersion ?? cv.version} is a ${who} build of upstream ${cv.version}, in the affected range (${rtext}); distributions backport fixes without changing the upstream number${known}, so check ${who}'s advisory for ${entry.id}`,
    };
  }
  return { ...base, version: cv.version, verdict: 'affected', range, explanation: `upstream ${cv.version} is affected (${rtext})${cv.note ? `; ${cv.note}` : ''}` };
}

function rangesText(e: EscapeEntry): string {
  return e.affected.map((r) => `[${r.introduced}, ${r.fixed ?? '∞'})`).join(' ');
}

/**
 * Interpret a kernel release (uname -r) and /proc/version.
 * - "6.18.44" or with a local suffix "6.18.44-fc-v657": upstream.
 * - Debian "6.1.0-18-amd64" + /proc/version "Debian 6.1.76-1": Debian package 6.1.76-1 (upstream 6.1.76).
 * - Ubuntu "5.15.0-91-generic", RHEL "4.18.0-513.el8.x86_64", SUSE "5.14.21-150500.55.39-default": distro builds.
 */
export function kernelVersion(release: string, procVersion?: string, os?: { id?: string; codename?: string }): ComponentVersion | undefined {
  const m = /^(\d+\.\d+(?:\.\d+)?)(.*)$/.exec(release.trim());
  if (!m) return undefined;
  const upstream = m[1]!;
  const suffix = m[2] ?? '';
  // the last "Debian X-Y" in /proc/version is the kernel package (earlier ones name the compiler's)
  // (only after the build number "#1 SMP ...", so a custom kernel built with Debian's gcc is not taken for one)
  const hash = procVersion ? procVersion.search(/#\d+/) : -1;
  const debs = hash >= 0 ? [...procVersion!.slice(hash).matchAll(/\bDebian (\d+\.\d+(?:\.\d+)?)-([^\s)]+)/g)] : [];
  const deb = debs.length ? debs[debs.length - 1] : undefined;
  if (deb) {
    return {
      version: deb[1]!,
      distroVersion: `${deb[1]}-${deb[2]}`,
      distro: 'debian',
      codename: os?.id === 'debian' ? os.codename : undefined,
      note: `kernel release ${release} is Debian package ${deb[1]}-${deb[2]} (from /proc/version), which tracks upstream stable ${deb[1]}`,
    };
  }
  const distroPattern = /^-\d+(\.\d+)*[-.]|\.el\d|\.fc\d+|\.amzn|-generic|-aws|-azure|-gcp|-lowlatency|-default$|-amd64$|-arm64$|-cloud-|\+deb|ubuntu|-azure|\.x86_64$/;
  if (suffix && distroPattern.test(suffix)) {
    const distro = /\.el\d/.test(suffix) ? 'rhel' : /ubuntu|-generic|-aws|-azure|-gcp|-lowlatency/.test(suffix + (procVersion ?? '')) ? 'ubuntu' : /-amd64|-arm64|-cloud-|\+deb/.test(suffix) ? 'debian' : os?.id;
    return { version: upstream, distroVersion: release, distro, distroBuild: true, note: `kernel ${release} is a distribution build` };
  }
  return { version: upstream, note: suffix ? `local version suffix '${suffix}' treated as an upstream build` : undefined };
}

/** Upstream part of a distro package version: "1:1.1.5+ds1-1+deb12u1" → "1.1.5", "1.6.20~ds1" → "1.6.20". */
export function upstreamOf(v: string): string {
  return v
    .replace(/^\d+:/, '')
    .replace(/-[^-]*$/, (s) => (/^-(rc|beta|alpha)/i.test(s) ? s : ''))
    .replace(/[~+](ds|dfsg)\d*.*$/, '')
    .replace(/\+dev$/, '');
}
