/**
 * Python: installed distributions in site-packages / dist-packages:
 * `*.dist-info/METADATA`, `*.egg-info/PKG-INFO` and `*.egg-info` files. Core metadata is RFC 822 headers
 * (https://packaging.python.org/specifications/core-metadata/). Names are PEP 503 normalised.
 */
import type { LayerAnalyzer } from '../../image/types.js';
import type { DetectedPackage, DetectorOutput } from '../types.js';
import { pep503 } from '../purl.js';

const WANT = /(?:^|\/)(?:site|dist)-packages\/[^/]+\.(?:dist-info\/METADATA|egg-info\/PKG-INFO|egg-info)$/;

export function isPythonMetadata(path: string): boolean {
  return WANT.test(path);
}

/** Headers up to the first blank line (the body is the long description). Repeated headers accumulate. */
export function parseCoreMetadata(text: string): Map<string, string[]> {
  const h = new Map<string, string[]>();
  let last: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break;
    if ((line[0] === ' ' || line[0] === '\t') && last) {
      const arr = h.get(last)!;
      arr[arr.length - 1] += '\n' + line.trim();
      continue;
    }
    const i = line.indexOf(':');
    if (i <= 0) continue;
    last = line.slice(0, i).toLowerCase();
    const v = line.slice(i + 1).trim();
    const arr = h.get(last);
    if (arr) arr.push(v);
    else h.set(last, [v]);
  }
  return h;
}

export function pythonPackage(text: string): DetectedPackage | undefined {
  const h = parseCoreMetadata(text);
  const name = h.get('name')?.[0];
  const version = h.get('version')?.[0];
  if (!name || !version) return undefined;
  const p: DetectedPackage = { name: pep503(name), version, ecosystem: 'pypi' };
  const expr = h.get('license-expression')?.[0];
  const lic = h.get('license')?.[0];
  const licenses: string[] = [];
  if (expr) licenses.push(expr);
  else if (lic && lic !== 'UNKNOWN' && !lic.includes('\n') && lic.length <= 100) licenses.push(lic);
  else {
    for (const c of h.get('classifier') ?? []) {
      const m = /^License :: (?:OSI Approved :: )?(.+)$/.exec(c);
      if (m && m[1] !== 'OSI Approved') licenses.push(m[1]!.trim());
    }
  }
  if (licenses.length) p.licenses = licenses;
  return p;
}

export const pythonAnalyzer: LayerAnalyzer<DetectorOutput> = {
  origin: { module: import.meta.url, export: 'pythonAnalyzer' },
  name: 'inventory-python',
  version: 1,
  maxFileSize: 4 * 1024 * 1024,
  wants: (meta) => isPythonMetadata(meta.path),
  analyze(meta, content) {
    const p = pythonPackage(content.toString('utf8'));
    if (!p) return { warnings: [`${meta.path}: no Name/Version in Python metadata`] };
    return { packages: [p] };
  },
};
