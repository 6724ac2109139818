import assert from 'node:assert/strict';
import { analyzeDockerfile } from '../../src/analyzers/build/analyze.js';
import { DEFAULT_SETTINGS, type BuildSettings } from '../../src/analyzers/build/rule.js';
import type { Finding } from '../../src/core/finding.js';
import { main } from '../../src/cli/main.js';

export interface RuleCase {
  id: string;
  /** each must produce at least one finding of the rule */
  bad: string[];
  /** none may produce a finding of the rule */
  good: string[];
  settings?: Partial<BuildSettings>;
}

export function lint(text: string, settings: Partial<BuildSettings> = {}): Finding[] {
  return analyzeDockerfile(text, 'Dockerfile', { ...DEFAULT_SETTINGS, ...settings }).findings;
}

export function ids(text: string, settings: Partial<BuildSettings> = {}): string[] {
  return lint(text, settings).filter((f) => !f.suppressed).map((f) => f.ruleId);
}

export function assertFires(id: string, text: string, settings: Partial<BuildSettings> = {}): Finding[] {
  const got = lint(text, settings).filter((f) => f.ruleId === id && !f.suppressed);
  assert.ok(got.length > 0, `${id} should fire on:\n${text}\n(got ${ids(text, settings).join(', ') || 'nothing'})`);
  return got;
}

export function assertQuiet(id: string, text: string, settings: Partial<BuildSettings> = {}): void {
  const got = lint(text, settings).filter((f) => f.ruleId === id && !f.suppressed);
  assert.equal(got.length, 0, `${id} should not fire on:\n${text}\n(${got.map((f) => f.message).join('; ')})`);
}

/** Run the CLI in-process, capturing stdout/stderr. */
export async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((c: string | Uint8Array) => (out.push(String(c)), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array) => (err.push(String(c)), true)) as typeof process.stderr.write;
  try {
    const code = await main(['node', 'bulwark', ...args]);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
}
