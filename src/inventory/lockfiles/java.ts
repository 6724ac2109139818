/**
 * Java: pom.xml declared dependency versions (with ${property} and ${project.version} interpolation from the same
 * file; a range or an unresolvable property is skipped, as a version is not known without resolving the build) and
 * Gradle lock files (`group:artifact:version=configurations`). Names are "groupId:artifactId", as OSV's Maven names.
 */
import type { DetectedPackage } from '../types.js';
import type { LockfileReader } from './types.js';

const MAX_BLOCKS = 100_000;

function tag(block: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>\\s*([^<]*?)\\s*</${name}>`).exec(block);
  return m ? m[1] : undefined;
}

/** Remove comments and CDATA wrappers; elements nested in <dependency> (exclusions) are cut out. */
function clean(xml: string): string {
  return xml.replace(/<!--[\s\S]*?-->/g, '').replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1');
}

export function parsePomXml(text: string): DetectedPackage[] {
  const xml = clean(text);
  if (!/<project[\s>]/.test(xml)) throw new Error('no <project> element');
  const props = new Map<string, string>();
  const propsBlock = /<properties>([\s\S]*?)<\/properties>/.exec(xml)?.[1] ?? '';
  for (const m of propsBlock.matchAll(/<([A-Za-z0-9_.-]+)>\s*([^<]*?)\s*<\/\1>/g)) props.set(m[1]!, m[2]!);
  // the project's own coordinates: elements outside parent/dependencies/build/profiles
  const top = xml.replace(/<(parent|dependencies|dependencyManagement|build|profiles|properties|reporting)>[\s\S]*?<\/\1>/g, '');
  const parent = /<parent>([\s\S]*?)<\/parent>/.exec(xml)?.[1] ?? '';
  const projVersion = tag(top, 'version') ?? tag(parent, 'version');
  if (projVersion) props.set('project.version', projVersion);
  const groupId = tag(top, 'groupId') ?? tag(parent, 'groupId');
  if (groupId) props.set('project.groupId', groupId);
  const interp = (v: string | undefined): string | undefined => {
    if (v === undefined) return undefined;
    let s = v;
    for (let i = 0; i < 10 && s.includes('${'); i++) {
      s = s.replace(/\$\{([^}]+)\}/g, (all, k: string) => props.get(k) ?? all);
    }
    return s.includes('${') ? undefined : s;
  };
  const managed = new Map<string, string>();
  const dm = /<dependencyManagement>([\s\S]*?)<\/dependencyManagement>/.exec(xml)?.[1] ?? '';
  let n = 0;
  for (const m of dm.matchAll(/<dependency>([\s\S]*?)<\/dependency>/g)) {
    if (++n > MAX_BLOCKS) break;
    const g = interp(tag(m[1]!, 'groupId'));
    const a = interp(tag(m[1]!, 'artifactId'));
    const v = interp(tag(m[1]!, 'version'));
    if (g && a && v) managed.set(`${g}:${a}`, v);
  }
  const body = xml.replace(/<dependencyManagement>[\s\S]*?<\/dependencyManagement>/g, '').replace(/<plugins?>[\s\S]*?<\/plugins?>/g, '');
  const out: DetectedPackage[] = [];
  const seen = new Set<string>();
  for (const m of body.matchAll(/<dependency>([\s\S]*?)<\/dependency>/g)) {
    if (++n > MAX_BLOCKS) break;
    const b = m[1]!.replace(/<exclusions>[\s\S]*?<\/exclusions>/g, '');
    const g = interp(tag(b, 'groupId'));
    const a = interp(tag(b, 'artifactId'));
    if (!g || !a) continue;
    const declared = tag(b, 'version');
    const v = declared !== undefined ? interp(declared) : managed.get(`${g}:${a}`);
    if (!v || /^[[(]/.test(v) || v.includes(',')) continue; // unresolved property or a version range
    const key = `${g}:${a}@${v}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const p: DetectedPackage = { name: `${g}:${a}`, version: v, ecosystem: 'maven', fromLockfile: true, main: true };
    if (tag(b, 'scope') === 'test') p.dev = true;
    out.push(p);
  }
  return out;
}

export function parseGradleLockfile(text: string): DetectedPackage[] {
  const out: DetectedPackage[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('empty=')) continue;
    const [coords, configs = ''] = line.split('=', 2) as [string, string?];
    const parts = coords.split(':');
    if (parts.length !== 3 || parts.some((p) => !p)) continue;
    const p: DetectedPackage = { name: `${parts[0]}:${parts[1]}`, version: parts[2]!, ecosystem: 'maven', fromLockfile: true };
    const cs = configs.split(',').filter(Boolean);
    if (cs.length && cs.every((c) => /^test|Test/.test(c) || /^(annotationProcessor|developmentOnly)$/.test(c))) p.dev = true;
    out.push(p);
  }
  return out;
}

export const pomXml: LockfileReader = {
  name: 'pom.xml',
  ecosystem: 'maven',
  matches: (base) => base === 'pom.xml',
  read: (text) => parsePomXml(text),
};

export const gradleLockfile: LockfileReader = {
  name: 'gradle.lockfile',
  ecosystem: 'maven',
  matches: (base, rel) => base.endsWith('gradle.lockfile') || /(?:^|\/)gradle\/dependency-locks\/[^/]+\.lockfile$/.test(rel),
  read: (text) => parseGradleLockfile(text),
};
