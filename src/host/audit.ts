/**
 * Linux audit rules: the configured ones (/etc/audit/rules.d/*.rules, /etc/audit/audit.rules) and the
 * loaded ones (`auditctl -l`). A path is covered by a watch on it (`-w PATH`), a syscall rule with
 * `-F path=PATH`, or a directory watch/`-F dir=` on one of its parents (those are recursive).
 */
import { spawnSync } from 'node:child_process';
import type { HostFs } from './fsroot.js';
import type { AuditRuleSet } from './types.js';

export function collectAuditRules(fs: HostFs, live: boolean): AuditRuleSet {
  const rules: AuditRuleSet['rules'] = [];
  for (const n of fs.list('/etc/audit/rules.d')) {
    if (!n.endsWith('.rules')) continue;
    const p = `/etc/audit/rules.d/${n}`;
    for (const line of (fs.readText(p) ?? '').split('\n')) addRule(rules, line, p);
  }
  for (const line of (fs.readText('/etc/audit/audit.rules') ?? '').split('\n')) addRule(rules, line, '/etc/audit/audit.rules');
  const set: AuditRuleSet = { rules, loadedKnown: false, loaded: [] };
  if (live) {
    const r = spawnSync('auditctl', ['-l'], { encoding: 'utf8', timeout: 10_000 });
    if (r.error) set.note = `auditctl not run: ${(r.error as NodeJS.ErrnoException).code ?? r.error.message}`;
    else if (r.status !== 0) set.note = `auditctl -l failed: ${(r.stderr || '').trim()}`;
    else {
      set.loadedKnown = true;
      set.loaded = r.stdout
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && l !== 'No rules');
    }
  }
  return set;
}

function addRule(rules: AuditRuleSet['rules'], line: string, source: string): void {
  const t = line.trim();
  if (!t || t.startsWith('#')) return;
  if (!/(^|\s)(-w|-a|-A)\s/.test(t) && !/(^|\s)-w\S/.test(t)) return;
  rules.push({ text: t, source });
}

/** Paths a rule line names: watches (-w) and -F path=/dir= fields, with whether they cover subpaths. */
export function rulePaths(text: string): Array<{ path: string; recursive: boolean }> {
  const out: Array<{ path: string; recursive: boolean }> = [];
  const words = text.split(/\s+/);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '-w' && words[i + 1]) out.push({ path: clean(words[++i]!), recursive: true });
    else if (w.startsWith('-w') && w.length > 2) out.push({ path: clean(w.slice(2)), recursive: true });
    else if (w === '-F' && words[i + 1]) {
      const f = words[++i]!;
      if (f.startsWith('path=')) out.push({ path: clean(f.slice(5)), recursive: false });
      else if (f.startsWith('dir=')) out.push({ path: clean(f.slice(4)), recursive: true });
    }
  }
  return out;
}

function clean(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

export function covers(ruleText: string, path: string): boolean {
  for (const r of rulePaths(ruleText)) {
    if (r.path === path) return true;
    if (r.recursive && (path.startsWith(r.path + '/') || r.path === '/')) return true;
  }
  return false;
}

export interface Coverage {
  /** rules in files mentioning the path */
  configured: Array<{ text: string; source: string }>;
  /** loaded kernel rules covering it (only when auditctl ran) */
  loaded: string[];
}

export function coverage(set: AuditRuleSet, paths: string[]): Coverage {
  const configured = set.rules.filter((r) => paths.some((p) => covers(r.text, p)));
  const loaded = set.loaded.filter((l) => paths.some((p) => covers(l, p)));
  return { configured, loaded };
}
