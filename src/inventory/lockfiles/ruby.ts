/**
 * Ruby: Gemfile.lock (and gems.locked). Gems of the GEM (RubyGems) and GIT sections at their locked version (a git
 * gem carries its gemspec version, which advisories' ranges apply to); PATH gems are the project's own code and
 * are skipped. A platform suffix
 * ("nokogiri (1.13.6-x86_64-linux)") is not part of the gem version.
 */
import type { DetectedPackage } from '../types.js';
import type { LockfileReader } from './types.js';

export function parseGemfileLock(text: string): DetectedPackage[] {
  const out: DetectedPackage[] = [];
  let section = '';
  let inSpecs = false;
  const seen = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
    if (!line.startsWith(' ')) {
      section = line.trim();
      inSpecs = false;
      continue;
    }
    if (/^ {2}specs:\s*$/.test(line)) {
      inSpecs = true;
      continue;
    }
    if (/^ {2}\S/.test(line)) {
      inSpecs = false;
      continue;
    }
    if (!inSpecs || (section !== 'GEM' && section !== 'GIT')) continue;
    const m = /^ {4}([^\s(]+) \(([^)]+)\)\s*$/.exec(line);
    if (!m) continue; // 6-space lines are a gem's own dependencies (ranges)
    const version = m[2]!.replace(/-(?:x86|x64|arm|aarch64|universal|java|mswin|mingw|darwin|linux|ruby)[^\s]*$/, '');
    const key = `${m[1]}@${version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ name: m[1]!, version, ecosystem: 'gem', fromLockfile: true });
  }
  if (!out.length && !/^(GEM|GIT|PATH|PLATFORMS|DEPENDENCIES|BUNDLED WITH)\s*$/m.test(text)) throw new Error('no Bundler sections');
  return out;
}

export const gemfileLock: LockfileReader = {
  name: 'Gemfile.lock',
  ecosystem: 'gem',
  matches: (base) => base === 'Gemfile.lock' || base === 'gems.locked',
  read: (text) => parseGemfileLock(text),
};
