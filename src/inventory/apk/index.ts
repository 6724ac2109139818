/**
 * apk: lib/apk/db/installed. Stanzas of single-letter fields separated by blank lines:
 * P name, V version, A arch, o origin (source package), L licence, F directory, R file in the last F.
 */
import type { LayerAnalyzer } from '../../image/types.js';
import type { DetectedPackage, DetectorOutput } from '../types.js';

export const APK_DB = 'lib/apk/db/installed';

export function parseApkInstalled(text: string): DetectedPackage[] {
  const pkgs: DetectedPackage[] = [];
  let cur: DetectedPackage | undefined;
  let files: string[] = [];
  let dir = '';
  let name: string | undefined;
  let version: string | undefined;
  const flush = () => {
    if (name && version) {
      cur = { ...(cur ?? {}), name, version, ecosystem: 'apk' } as DetectedPackage;
      if (!cur.sourceName) cur.sourceName = name;
      cur.sourceVersion = version;
      if (files.length) cur.files = files;
      pkgs.push(cur);
    }
    cur = undefined;
    files = [];
    dir = '';
    name = version = undefined;
  };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line === '') {
      flush();
      continue;
    }
    if (line.length < 2 || line[1] !== ':') continue;
    const k = line[0];
    const v = line.slice(2);
    cur ??= { name: '', version: '', ecosystem: 'apk' };
    switch (k) {
      case 'P': name = v; break;
      case 'V': version = v; break;
      case 'A': cur.arch = v; break;
      case 'o': cur.sourceName = v; break;
      case 'L': if (v) cur.licenses = [v]; break;
      case 'F': dir = v.replace(/^\/+|\/+$/g, ''); if (dir) files.push(dir); break;
      case 'R': files.push(dir ? `${dir}/${v}` : v); break;
    }
  }
  flush();
  return pkgs;
}

export const apkAnalyzer: LayerAnalyzer<DetectorOutput> = {
  origin: { module: import.meta.url, export: 'apkAnalyzer' },
  name: 'inventory-apk',
  version: 1,
  maxFileSize: 64 * 1024 * 1024,
  wants: (meta) => meta.path === APK_DB,
  analyze(meta, content, ctx) {
    const packages = parseApkInstalled(content.toString('utf8'));
    return { packages, warnings: ctx.truncated ? [`${meta.path}: larger than ${apkAnalyzer.maxFileSize} bytes, read only in part`] : undefined };
  },
};
