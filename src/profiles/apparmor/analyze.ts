/**
 * Checks on an AppArmor profile meant for a container: `capability sys_admin`, mount rules, the kernel
 * interfaces docker-default denies (/proc/sysrq-trigger, /proc/kcore, /sys/firmware) left reachable, and
 * profiles in complain or unconfined mode. A missing deny only matters when an allow rule reaches the path:
 * AppArmor refuses every file no rule names.
 */
import { parseAppArmor, ruleCovers, type AaDocument, type AaProfile, type AaRule } from './parse.js';

export type AppArmorIssueKind = 'cap-sys-admin' | 'mount-allowed' | 'missing-deny' | 'not-enforced';

export interface AppArmorIssue {
  kind: AppArmorIssueKind;
  profile: string;
  message: string;
  line: number;
  /** the sensitive path (missing-deny) */
  path?: string;
}

/** Paths docker-default denies outright (rwklx), each with a representative path to test rules against. */
export const SENSITIVE_PATHS: Array<{ path: string; probe: string; why: string }> = [
  { path: '/proc/sysrq-trigger', probe: '/proc/sysrq-trigger', why: 'writing to it reboots, crashes or freezes the host' },
  { path: '/proc/kcore', probe: '/proc/kcore', why: "it is the host's physical memory" },
  { path: '/sys/firmware', probe: '/sys/firmware/efi/efivars/dummy', why: 'firmware tables and EFI variables of the host (a bad EFI variable write can brick it)' },
];

const WRITE_OR_READ = /[rwak]/;

function walk(profiles: AaProfile[], fn: (p: AaProfile) => void): void {
  for (const p of profiles) {
    fn(p);
    walk(p.children, fn);
  }
}

export function analyzeAppArmorDoc(doc: AaDocument): AppArmorIssue[] {
  const out: AppArmorIssue[] = [];
  walk(doc.profiles, (p) => {
    const mode = p.flags.find((f) => f === 'complain' || f === 'unconfined' || f === 'kill' || f === 'prompt');
    if (mode === 'complain' || mode === 'unconfined') {
      out.push({
        kind: 'not-enforced',
        profile: p.name,
        line: p.line,
        message:
          mode === 'complain'
            ? `profile '${p.name}' is in complain mode: violations are logged, nothing is refused`
            : `profile '${p.name}' has flags=(unconfined): it confines nothing`,
      });
    }
    for (const r of p.rules) {
      if (r.deny) continue;
      if (r.kind === 'capability' && r.caps?.includes('sys_admin')) {
        out.push({ kind: 'cap-sys-admin', profile: p.name, line: r.line, message: `profile '${p.name}' grants capability sys_admin: mount, namespaces, BPF, and most known container escapes` });
      }
      if (r.kind === 'mount' || r.kind === 'remount' || r.kind === 'pivot_root') {
        out.push({ kind: 'mount-allowed', profile: p.name, line: r.line, message: `profile '${p.name}' allows ${r.kind === 'pivot_root' ? 'pivot_root' : 'mounting'}: '${r.text}'` });
      }
    }
    for (const s of SENSITIVE_PATHS) {
      const allowing = p.rules.find((r) => !r.deny && r.kind === 'file' && WRITE_OR_READ.test(r.perms ?? '') && ruleCovers(r, s.probe, doc.variables));
      if (!allowing) continue;
      const denying = p.rules.find((r) => r.deny && r.kind === 'file' && ruleCovers(r, s.probe, doc.variables) && denies(r, allowing));
      if (denying) continue;
      out.push({
        kind: 'missing-deny',
        profile: p.name,
        line: allowing.line,
        path: s.path,
        message: `profile '${p.name}' lets '${allowing.text}' reach ${s.path} and has no deny rule for it (${s.why}); docker-default has 'deny ${s.path === '/sys/firmware' ? '/sys/firmware/**' : `@{PROC}${s.path.slice(5)}`} rwklx,'`,
      });
    }
  });
  return out;
}

/** Does the deny rule take away every permission the allow rule gives that matters (read and write)? */
function denies(deny: AaRule, allow: AaRule): boolean {
  const a = allow.perms ?? '';
  const d = deny.perms ?? '';
  for (const p of ['r', 'w', 'a']) if (a.includes(p) && !d.includes(p) && !(p === 'a' && d.includes('w'))) return false;
  return true;
}

export function analyzeAppArmor(text: string): { doc: AaDocument; issues: AppArmorIssue[] } {
  const doc = parseAppArmor(text);
  return { doc, issues: analyzeAppArmorDoc(doc) };
}
