/**
 * Java archives (jar, war, ear, and the same nested inside them: Spring Boot BOOT-INF/lib, WEB-INF/lib, shaded jars).
 * Per archive: every META-INF/maven/<g>/<a>/pom.properties is a package; with none, MANIFEST.MF
 * (Implementation-Title/Version, Bundle-SymbolicName/Version); with neither, the file name `artifact-1.2.3.jar`.
 * Zip reading is done from the buffer the walker hands over (yauzl.fromBuffer), nested archives recursively,
 * bounded in depth, entry count and inflated size.
 */
import { createRequire } from 'node:module';
import type yauzl from 'yauzl';
import type { LayerAnalyzer } from '../../image/types.js';
import type { DetectedPackage, DetectorOutput } from '../types.js';

const ARCHIVE = /\.(jar|war|ear|par|sar|jpi|hpi)$/i;
const MAX_DEPTH = 4;
const MAX_ENTRIES = 200_000;
const MAX_INFLATED = 512 * 1024 * 1024;
const MAX_NESTED = 128 * 1024 * 1024;

export function isJavaArchive(path: string): boolean {
  return ARCHIVE.test(path);
}

const require = createRequire(import.meta.url);

interface Budget { entries: number; inflated: number }

function openZip(buf: Buffer): Promise<yauzl.ZipFile> {
  // yauzl loads with the first archive, not with the detectors
  const { fromBuffer } = require('yauzl') as typeof import('yauzl');
  return new Promise((res, rej) => fromBuffer(buf, { lazyEntries: true, decodeStrings: true, validateEntrySizes: true, strictFileNames: false }, (e, z) => (e || !z ? rej(e ?? new Error('zip open failed')) : res(z))));
}

function readEntry(z: yauzl.ZipFile, e: yauzl.Entry, limit: number): Promise<Buffer> {
  return new Promise((res, rej) => {
    if (e.uncompressedSize > limit) return rej(new Error(`entry ${e.fileName} too large (${e.uncompressedSize} bytes)`));
    z.openReadStream(e, (err, s) => {
      if (err || !s) return rej(err ?? new Error('no stream'));
      const parts: Buffer[] = [];
      let n = 0;
      s.on('data', (c: Buffer) => {
        n += c.length;
        if (n > limit) {
          s.destroy(new Error(`entry ${e.fileName} inflates past ${limit} bytes`));
          return;
        }
        parts.push(c);
      });
      s.on('error', rej);
      s.on('end', () => res(Buffer.concat(parts)));
    });
  });
}

export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    const m = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

export function parseManifest(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let last: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line === '') {
      if (Object.keys(out).length) break; // main section only
      continue;
    }
    if (line.startsWith(' ') && last) {
      out[last] += line.slice(1);
      continue;
    }
    const i = line.indexOf(':');
    if (i <= 0) continue;
    last = line.slice(0, i).trim();
    out[last] = line.slice(i + 1).trim();
  }
  return out;
}

/** "commons-lang3-3.12.0.jar" -> {artifactId: commons-lang3, version: 3.12.0} */
export function parseJarFileName(path: string): { artifactId: string; version: string } | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1).replace(ARCHIVE, '');
  const m = /^(.+?)-(\d[\w.\-+]*)$/.exec(base);
  return m ? { artifactId: m[1]!, version: m[2]! } : undefined;
}

async function scanArchive(buf: Buffer, path: string, depth: number, budget: Budget, out: DetectedPackage[], warnings: string[]): Promise<void> {
  let z: yauzl.ZipFile;
  try {
    z = await openZip(buf);
  } catch (e) {
    warnings.push(`${path}: not a readable zip archive (${(e as Error).message})`);
    return;
  }
  const poms: Array<Record<string, string>> = [];
  let manifest: Record<string, string> | undefined;
  const nested: Array<{ name: string; data: Buffer }> = [];
  try {
    await new Promise<void>((resolve, reject) => {
      z.on('error', reject);
      z.on('end', () => resolve());
      z.on('entry', (e: yauzl.Entry) => {
        if (++budget.entries > MAX_ENTRIES) return reject(new Error(`more than ${MAX_ENTRIES} zip entries`));
        const name = e.fileName;
        const isPom = /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/.test(name);
        const isManifest = name === 'META-INF/MANIFEST.MF';
        const isNested = depth < MAX_DEPTH && ARCHIVE.test(name) && !name.endsWith('/');
        if (!isPom && !isManifest && !isNested) return z.readEntry();
        const limit = isNested ? MAX_NESTED : 1024 * 1024;
        if (budget.inflated + e.uncompressedSize > MAX_INFLATED) return reject(new Error(`nested archives inflate past ${MAX_INFLATED} bytes`));
        readEntry(z, e, limit)
          .then((data) => {
            budget.inflated += data.length;
            if (isPom) poms.push(parseProperties(data.toString('utf8')));
            else if (isManifest) manifest = parseManifest(data.toString('utf8'));
            else nested.push({ name, data });
            z.readEntry();
          })
          .catch((err: Error) => {
            warnings.push(`${path}!${name}: ${err.message}`);
            z.readEntry();
          });
      });
      z.readEntry();
    });
  } catch (e) {
    warnings.push(`${path}: ${(e as Error).message}`);
  } finally {
    z.close();
  }
  const here = (g: string | undefined, a: string, v: string, lic?: string): DetectedPackage => {
    const p: DetectedPackage = { name: g ? `${g}:${a}` : a, version: v, ecosystem: 'maven', path };
    if (lic) p.licenses = [lic];
    return p;
  };
  const good = poms.filter((p) => p.artifactId && p.version);
  if (good.length) {
    for (const p of good) out.push(here(p.groupId, p.artifactId!, p.version!));
  } else {
    const m = manifest ?? {};
    const fromName = parseJarFileName(path);
    const title = m['Implementation-Title'] ?? m['Bundle-Name'];
    const version = m['Implementation-Version'] ?? m['Bundle-Version'] ?? m['Specification-Version'];
    const group = m['Implementation-Vendor-Id'];
    const sym = m['Bundle-SymbolicName']?.split(';')[0]?.trim();
    const lic = m['Bundle-License']?.split(',')[0]?.trim();
    if (fromName && (!version || version === fromName.version)) {
      out.push(here(group, fromName.artifactId, fromName.version, lic));
    } else if (version && (title || sym)) {
      const artifact = fromName?.artifactId ?? (sym && sym.includes('.') ? sym.slice(sym.lastIndexOf('.') + 1) : (title ?? sym)!);
      out.push(here(group, artifact, version, lic));
    } else if (fromName) {
      out.push(here(group, fromName.artifactId, fromName.version, lic));
    }
  }
  for (const n of nested) await scanArchive(n.data, `${path}!/${n.name}`, depth + 1, budget, out, warnings);
}

export async function javaPackages(buf: Buffer, path: string): Promise<{ packages: DetectedPackage[]; warnings: string[] }> {
  const packages: DetectedPackage[] = [];
  const warnings: string[] = [];
  await scanArchive(buf, path, 0, { entries: 0, inflated: 0 }, packages, warnings);
  // the same artifact can be shaded into several jars: keep one per (name, version, path)
  const seen = new Set<string>();
  return { packages: packages.filter((p) => { const k = `${p.name}@${p.version}@${p.path}`; if (seen.has(k)) return false; seen.add(k); return true; }), warnings };
}

export const javaAnalyzer: LayerAnalyzer<DetectorOutput> = {
  origin: { module: import.meta.url, export: 'javaAnalyzer' },
  name: 'inventory-java',
  version: 1,
  maxFileSize: 256 * 1024 * 1024,
  wants: (meta) => meta.type === 'file' && isJavaArchive(meta.path),
  async analyze(meta, content, ctx) {
    if (ctx.truncated) return { warnings: [`${meta.path}: archive larger than ${javaAnalyzer.maxFileSize} bytes, skipped`] };
    const r = await javaPackages(content, meta.path);
    return { packages: r.packages, warnings: r.warnings.length ? r.warnings : undefined };
  },
};
