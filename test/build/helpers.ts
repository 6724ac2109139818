import assert from 'node:assert/strict';
import { analyzeDockerfile } from '../../src/analyzers/build/analyze.js';
import { DEFAULT_SETTINGS, type BuildSettings } from '../../src/analyzers/build/context.js';
import type { Finding } from '../../src/core/finding.js';

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

export { runCli } from '../support/cli.js';
