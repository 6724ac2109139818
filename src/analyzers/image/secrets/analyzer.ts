/**
 * The layer analyzer that finds secrets in file contents. It runs on every layer (so a file deleted
 * later is still seen) and records only redacted hits, never values, so the on-disk cache holds no
 * secrets. It always runs the full built-in table: which kinds are disabled and which paths are
 * allowed is decided when findings are made, so the per-layer cache stays valid across config changes.
 * Users' own rules run in a second analyzer whose name carries a hash of those rules.
 */
import { createHash } from 'node:crypto';
import type { EntryMeta } from '../../../sources/types.js';
import type { AnalyzerOrigin, LayerAnalyzer } from '../../../image/types.js';
import { SecretMatcher, type SecretHit } from './engine.js';
import { BUILTIN_SECRET_RULES, type SecretRuleData } from './rules-table.js';

export const SECRETS_ANALYZER = 'secrets';
/** the engine's own revision; the cache version also hashes the rule table, so editing a rule invalidates cached hits */
const ENGINE_REVISION = 3;
export function rulesVersion(rules: SecretRuleData[]): number {
  const h = createHash('sha256').update(String(ENGINE_REVISION)).update(JSON.stringify(rules)).digest();
  return h.readUInt32BE(0);
}
export const SECRETS_ANALYZER_VERSION = rulesVersion(BUILTIN_SECRET_RULES);
/**
 * Files over 256 KiB are not scanned. Keys, .env files, credential stores and configs are far smaller (in the
 * Debian bookworm app test image 99.3% of the files are under 256 KiB), while the few big text files are logs,
 * data and bundles whose buffering would dominate the cost (the walker holds wanted contents per layer).
 * Files that a path-limited rule wants (.npmrc, histories, ...) are read up to 1 MiB.
 */
export const SECRETS_MAX_FILE_SIZE = 256 * 1024;
const MAX_PATH_RULE_SIZE = 1024 * 1024;

/** Extensions of formats that are binary or compressed: never scanned. */
const BINARY_EXT = new Set(
  (
    'so a o ko pyc pyo whl egg jar war ear class dex zip gz tgz bz2 xz zst lz4 lzma 7z rar tar deb rpm apk ' +
    'png jpg jpeg gif bmp ico icns webp tif tiff svgz psd mp3 mp4 ogg oga wav flac avi mov mkv webm ' +
    'woff woff2 ttf otf eot pdf node wasm db sqlite sqlite3 mo gmo cache pack idx bin dat pak pcap ' +
    'qm hwdb cdb pickle pkl npy npz parquet'
  ).split(' '),
);

const SKIP_PREFIXES = ['proc/', 'sys/', 'dev/'];
/** their first characters (ASCII): `wants` looks for the prefixes only after one of these */
const SKIP_FIRST = new Uint8Array(128);
for (const p of SKIP_PREFIXES) SKIP_FIRST[p.charCodeAt(0)] = 1;
/** versioned shared objects: libfoo.so.1.2.3 */
const SHARED_LIB = /\.so(?:\.\d+)+$/;

/** the extension of a path's last name, lower case ('' for none, or for a name that only starts with a dot) */
function extOf(path: string): string {
  const dot = path.lastIndexOf('.');
  // (one slice per path: this runs on every file of an image)
  return dot > path.lastIndexOf('/') + 1 ? path.slice(dot + 1).toLowerCase() : '';
}

/** Text-like: no NUL byte in the first 8 KiB. */
export function looksText(content: Buffer): boolean {
  // (most files are smaller: no view to make of them, one per scanned file otherwise)
  if (content.length <= 8192) return content.indexOf(0) === -1;
  return content.subarray(0, 8192).indexOf(0) === -1;
}

export function makeSecretsAnalyzer(
  rules: SecretRuleData[],
  name = SECRETS_ANALYZER,
  version = SECRETS_ANALYZER_VERSION,
  origin?: AnalyzerOrigin,
): LayerAnalyzer<SecretHit[]> {
  const matcher = new SecretMatcher(rules);
  return {
    name,
    version,
    ...(origin ? { origin } : {}),
    maxFileSize: MAX_PATH_RULE_SIZE,
    wants(meta: EntryMeta): boolean {
      if (meta.type !== 'file' && meta.type !== 'hardlink') return false;
      if (meta.size === 0 || meta.size > MAX_PATH_RULE_SIZE) return false;
      const path = meta.path;
      if (meta.size > SECRETS_MAX_FILE_SIZE) return matcher.wantsPath(path);
      // (every file of an image comes here: the skipped prefixes are looked for only after their first letter)
      const c = path.charCodeAt(0);
      if (c < 128 && SKIP_FIRST[c] === 1 && SKIP_PREFIXES.some((p) => path.startsWith(p))) return false;
      if (BINARY_EXT.has(extOf(path)) || (path.includes('.so.') && SHARED_LIB.test(path))) return matcher.wantsPath(path);
      if (path.includes('/.git/objects/')) return false;
      return true;
    },
    analyze(meta, content) {
      if (!looksText(content)) return undefined;
      const hits = matcher.scanBuffer(content, meta.path);
      return hits.length ? hits : undefined;
    },
  };
}

/** The analyzer for users' custom rules; undefined when there are none. */
export function makeCustomSecretsAnalyzer(custom: SecretRuleData[]): LayerAnalyzer<SecretHit[]> | undefined {
  if (custom.length === 0) return undefined;
  const h = createHash('sha256').update(JSON.stringify(custom)).digest('hex').slice(0, 12);
  // worker threads rebuild it from the same rule data
  return makeSecretsAnalyzer(custom, `${SECRETS_ANALYZER}-custom-${h}`, rulesVersion(custom), { module: import.meta.url, export: 'makeCustomSecretsAnalyzer', args: [custom] });
}

export const builtinSecretsAnalyzer = makeSecretsAnalyzer(BUILTIN_SECRET_RULES, SECRETS_ANALYZER, SECRETS_ANALYZER_VERSION, { module: import.meta.url, export: 'builtinSecretsAnalyzer' });
