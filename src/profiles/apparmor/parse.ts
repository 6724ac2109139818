/**
 * Reads AppArmor profile text (the policy language apparmor_parser compiles; apparmor.d(5)) into profiles
 * and rules, enough to judge a container profile: capability, mount, file and network rules with their
 * qualifiers, profile flags, variables and includes. Unknown rule kinds are kept as `other`. Linear in the
 * input; input size is bounded by the caller.
 */

export type RuleKind =
  | 'capability'
  | 'mount'
  | 'remount'
  | 'umount'
  | 'pivot_root'
  | 'file'
  | 'network'
  | 'signal'
  | 'ptrace'
  | 'unix'
  | 'dbus'
  | 'change_profile'
  | 'rlimit'
  | 'include'
  | 'abi'
  | 'other';

export interface AaRule {
  kind: RuleKind;
  text: string;
  line: number;
  deny: boolean;
  audit: boolean;
  owner: boolean;
  /** capability rules: names (lower case); empty = every capability */
  caps?: string[];
  /** file rules: the path glob ('' for the bare `file,` rule = every file) */
  path?: string;
  /** file rules: permission letters */
  perms?: string;
}

export interface AaProfile {
  name: string;
  attachment?: string;
  flags: string[];
  line: number;
  rules: AaRule[];
  children: AaProfile[];
}

export interface AaDocument {
  profiles: AaProfile[];
  /** @{VAR} definitions in the file (name without @{}) */
  variables: Map<string, string[]>;
  /** include / #include targets at the top level */
  includes: string[];
  warnings: string[];
}

export class AppArmorSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`${message} (line ${line})`);
  }
}

interface Statement {
  text: string;
  line: number;
  /** the statement opens a block (`... {`) */
  opens?: boolean;
  closes?: boolean;
}

/** Split the text into statements: rules end with ',', headers with '{', blocks with '}'. */
function statements(text: string): Statement[] {
  const out: Statement[] = [];
  let cur = '';
  let curLine = 0;
  let line = 1;
  let glob = 0;
  let paren = 0;
  let quote = false;
  const flush = (extra: Partial<Statement> = {}) => {
    const t = cur.trim();
    if (t || extra.closes) out.push({ text: t, line: curLine || line, ...extra });
    cur = '';
    curLine = 0;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      // #include / include lines and variable assignments end at the newline (they have no trailing comma)
      if ((/^\s*#?include\s/.test(cur) || /^\s*@\{[A-Za-z0-9_]+\}\s*\+?=/.test(cur)) && !quote) flush();
      else if (cur.trim()) cur += ' ';
      continue;
    }
    if (quote) {
      cur += c;
      if (c === '"') quote = false;
      continue;
    }
    if (c === '#') {
      // `#include` is a directive, any other # starts a comment
      if (/^#include\s*[<"]/.test(text.slice(i, i + 10)) && cur.trim() === '') {
        curLine = line;
        cur += c;
        continue;
      }
      while (i < text.length && text[i] !== '\n') i++;
      i--;
      continue;
    }
    if (!cur.trim() && c.trim()) curLine = line;
    if (c === '"') {
      quote = true;
      cur += c;
      continue;
    }
    if (c === '{') {
      const prev = i > 0 ? text[i - 1]! : ' ';
      if (glob === 0 && paren === 0 && /\s/.test(prev)) {
        flush({ opens: true });
        continue;
      }
      glob++;
      cur += c;
      continue;
    }
    if (c === '}') {
      if (glob > 0) {
        glob--;
        cur += c;
        continue;
      }
      flush();
      out.push({ text: '', line, closes: true });
      continue;
    }
    if (c === '(') paren++;
    if (c === ')') paren = Math.max(0, paren - 1);
    if (c === ',' && glob === 0 && paren === 0) {
      flush();
      continue;
    }
    cur += c;
  }
  if (cur.trim()) flush();
  return out;
}

const QUALIFIERS = new Set(['deny', 'audit', 'allow', 'owner', 'other', 'priority']);

function parseRule(s: Statement): AaRule {
  const words = s.text.split(/\s+/);
  const r: AaRule = { kind: 'other', text: s.text, line: s.line, deny: false, audit: false, owner: false };
  let i = 0;
  while (i < words.length && (QUALIFIERS.has(words[i]!) || /^priority=/.test(words[i]!))) {
    const q = words[i]!;
    if (q === 'deny') r.deny = true;
    else if (q === 'audit') r.audit = true;
    else if (q === 'owner') r.owner = true;
    i++;
  }
  const head = words[i] ?? '';
  const rest = words.slice(i + 1);
  if (/^#?include$/.test(head) || /^#include</.test(head)) {
    r.kind = 'include';
    return r;
  }
  switch (head) {
    case 'capability':
      r.kind = 'capability';
      r.caps = rest.map((w) => w.toLowerCase()).filter(Boolean);
      return r;
    case 'mount':
    case 'remount':
    case 'umount':
    case 'unmount':
    case 'pivot_root':
      r.kind = head === 'unmount' ? 'umount' : (head as RuleKind);
      return r;
    case 'network':
    case 'signal':
    case 'ptrace':
    case 'unix':
    case 'dbus':
    case 'change_profile':
    case 'abi':
      r.kind = head as RuleKind;
      return r;
    case 'set':
      if (rest[0] === 'rlimit') r.kind = 'rlimit';
      return r;
    case 'file':
      r.kind = 'file';
      if (rest.length === 0) {
        r.path = '';
        r.perms = 'rwlkmix';
        return r;
      }
      return fileRule(r, rest);
    default:
      break;
  }
  if (head.startsWith('/') || head.startsWith('@{') || head.startsWith('"/') || head.startsWith('"@')) return fileRule(r, [head, ...rest]);
  // permissions first: `r /path,`
  if (/^[rwaxmlkdiupcPUCIi]+$/.test(head) && rest[0] && (rest[0].startsWith('/') || rest[0].startsWith('@{'))) return fileRule(r, [rest[0], head, ...rest.slice(1)]);
  return r;
}

function fileRule(r: AaRule, words: string[]): AaRule {
  r.kind = 'file';
  let p = words[0] ?? '';
  if (p.startsWith('"') && p.endsWith('"')) p = p.slice(1, -1);
  r.path = p;
  r.perms = words[1] ?? '';
  return r;
}

const HEADER = /^(?:(profile|hat)\s+)?(\^?"[^"]*"|\^?\S+)(?:\s+("?[/@][^\s]*"?))?(?:\s+flags\s*=\s*\(([^)]*)\))?\s*$/;

/** Parse profile text. Throws AppArmorSyntaxError on unbalanced blocks or a header it cannot read. */
export function parseAppArmor(text: string): AaDocument {
  const doc: AaDocument = { profiles: [], variables: new Map(), includes: [], warnings: [] };
  const stack: AaProfile[] = [];
  for (const s of statements(text)) {
    if (s.closes) {
      if (!stack.length) throw new AppArmorSyntaxError("'}' without an open profile", s.line);
      stack.pop();
      continue;
    }
    if (s.opens) {
      const m = HEADER.exec(s.text);
      if (!m) throw new AppArmorSyntaxError(`cannot read the profile header '${s.text}'`, s.line);
      let name = m[2]!.replace(/^\^/, '');
      if (name.startsWith('"')) name = name.slice(1, -1);
      const p: AaProfile = {
        name,
        flags: (m[4] ?? '')
          .split(/[\s,]+/)
          .map((f) => f.trim())
          .filter(Boolean),
        line: s.line,
        rules: [],
        children: [],
      };
      if (m[3]) p.attachment = m[3].replace(/^"|"$/g, '');
      if (stack.length) stack[stack.length - 1]!.children.push(p);
      else doc.profiles.push(p);
      stack.push(p);
      continue;
    }
    const v = /^@\{([A-Za-z0-9_]+)\}\s*(\+?=)\s*(.*)$/.exec(s.text);
    if (v) {
      const vals = v[3]!.split(/\s+/).filter(Boolean);
      doc.variables.set(v[1]!, v[2] === '+=' ? [...(doc.variables.get(v[1]!) ?? []), ...vals] : vals);
      continue;
    }
    const rule = parseRule(s);
    if (!stack.length) {
      if (rule.kind === 'include') doc.includes.push(s.text.replace(/^#?include\s*/, ''));
      else if (rule.kind !== 'abi' && !/^alias\s/.test(s.text)) doc.warnings.push(`line ${s.line}: rule outside any profile: ${s.text}`);
      continue;
    }
    stack[stack.length - 1]!.rules.push(rule);
  }
  if (stack.length) throw new AppArmorSyntaxError(`profile '${stack[stack.length - 1]!.name}' is not closed`, stack[stack.length - 1]!.line);
  return doc;
}

/** Defaults of the variables container profiles use (tunables/global, kernelvars). */
const DEFAULT_VARS: Record<string, string[]> = {
  PROC: ['/proc/'],
  sys: ['/sys/'],
  run: ['/run/', '/var/run/'],
  HOME: ['/home/*/', '/root/'],
  HOMEDIRS: ['/home/'],
  pid: ['{[1-9],[1-9][0-9],[1-9][0-9][0-9],[1-9][0-9][0-9][0-9]*}'],
  pids: ['{[1-9],[1-9][0-9],[1-9][0-9][0-9],[1-9][0-9][0-9][0-9]*}'],
  tid: ['{[1-9],[1-9][0-9],[1-9][0-9][0-9],[1-9][0-9][0-9][0-9]*}'],
  multiarch: ['*-linux-gnu*'],
};

/** Expand @{VAR} references (file definitions first, then the usual tunables); each value gives one alternative. */
export function expandVariables(glob: string, vars: Map<string, string[]>, depth = 0): string[] {
  const m = /@\{([A-Za-z0-9_]+)\}/.exec(glob);
  if (!m || depth > 8) return [glob];
  const values = vars.get(m[1]!) ?? DEFAULT_VARS[m[1]!] ?? ['**'];
  const out: string[] = [];
  for (const v of values) for (const e of expandVariables(glob.slice(0, m.index) + v + glob.slice(m.index + m[0].length), vars, depth + 1)) out.push(e);
  return out.slice(0, 64);
}

/** AppArmor glob → RegExp: `**` any path, `*` within one component, `?`, `{a,b}`, `[...]`, `[^...]`. */
export function globToRegExp(glob: string): RegExp {
  const g = glob.replace(/\/+/g, '/');
  let re = '';
  let i = 0;
  let brace = 0;
  while (i < g.length) {
    const c = g[i]!;
    if (c === '*') {
      if (g[i + 1] === '*') {
        re += '.*';
        i += 2;
      } else {
        re += '[^/]*';
        i++;
      }
      continue;
    }
    if (c === '?') re += '[^/]';
    else if (c === '{') {
      brace++;
      re += '(?:';
    } else if (c === '}' && brace > 0) {
      brace--;
      re += ')';
    } else if (c === ',' && brace > 0) re += '|';
    else if (c === '[') {
      const end = g.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        const body = g.slice(i + 1, end).replace(/\\/g, '\\\\');
        re += body.startsWith('^') ? `[^/${body.slice(1)}]` : `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^$()|\\]/g, '\\$&');
    i++;
  }
  return new RegExp(`^${re}$`);
}

/** Does a file rule's path glob cover this path? */
export function ruleCovers(rule: AaRule, path: string, vars: Map<string, string[]>): boolean {
  if (rule.kind !== 'file' || rule.path === undefined) return false;
  if (rule.path === '') return true;
  return expandVariables(rule.path, vars).some((g) => globToRegExp(g).test(path));
}
