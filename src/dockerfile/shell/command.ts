/** Helpers over one simple command: the real program behind sudo/env wrappers, flags and positionals. */
import type { SimpleCommand, Word } from './tokenize.js';

export interface Effective {
  /** the program (basename) actually run, e.g. "apt-get" for `sudo -E DEBIAN_FRONTEND=x apt-get` */
  name: string;
  /** argv starting at the program */
  argv: string[];
  words: Word[];
  /** index of the program in the command's words */
  offset: number;
  sudo: boolean;
}

const SUDO_VALUE_FLAGS = new Set(['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-U']);
const ASSIGN = /^[A-Za-z_][A-Za-z0-9_]*=/;

export function basename(p: string): string {
  const i = p.lastIndexOf('/');
  return i >= 0 ? p.slice(i + 1) : p;
}

const memo = new WeakMap<SimpleCommand, Effective>();

/** Strips variable assignments and wrappers (sudo, env, command, exec, nohup, xargs, su -c is left alone). */
export function effective(cmd: SimpleCommand): Effective {
  let e = memo.get(cmd);
  if (!e) {
    e = computeEffective(cmd);
    memo.set(cmd, e);
  }
  return e;
}

function computeEffective(cmd: SimpleCommand): Effective {
  const w = cmd.words;
  let k = 0;
  let sudo = false;
  for (;;) {
    while (k < w.length && ASSIGN.test(w[k]!.text) && !w[k]!.quoted) k++;
    const name = basename(w[k]?.text ?? '');
    if (name === 'sudo' || name === 'doas') {
      sudo = true;
      k++;
      while (k < w.length && w[k]!.text.startsWith('-')) {
        if (SUDO_VALUE_FLAGS.has(w[k]!.text)) k++;
        k++;
      }
      continue;
    }
    if (name === 'env') {
      k++;
      while (k < w.length && (w[k]!.text.startsWith('-') || ASSIGN.test(w[k]!.text))) k++;
      continue;
    }
    if (name === 'command' || name === 'exec' || name === 'nohup' || name === 'builtin' || name === 'nice') {
      k++;
      while (k < w.length && w[k]!.text.startsWith('-')) k++;
      continue;
    }
    break;
  }
  const words = w.slice(k);
  return { name: basename(words[0]?.text ?? ''), argv: words.map((x) => x.text), words, offset: k, sudo };
}

/**
 * True when argv (after the program) carries one of the flags: long names without dashes
 * ("yes" matches --yes and --yes=...), short letters ("y" matches -y and clusters like -qy).
 */
export function hasFlag(args: string[], long: string[], short: string[] = []): boolean {
  for (const a of args) {
    if (a === '--') break;
    if (a.startsWith('--')) {
      const name = a.slice(2).split('=')[0]!;
      if (long.includes(name)) return true;
    } else if (a.startsWith('-') && a.length > 1 && short.length) {
      const body = a.slice(1);
      if (short.includes(body)) return true;
      const letters = /^[A-Za-z]+/.exec(body)?.[0] ?? '';
      if ([...letters].some((ch) => short.includes(ch))) return true;
    }
  }
  return false;
}

/** Value of a flag: `--name=v`, `--name v`, `-n v`, `-nv`. */
export function flagValue(args: string[], long: string[], short: string[] = []): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--')) {
      const [name, ...rest] = a.slice(2).split('=');
      if (long.includes(name!)) return rest.length ? rest.join('=') : args[i + 1];
    } else if (a.startsWith('-') && a.length > 1) {
      const ch = a[1]!;
      if (short.includes(ch)) return a.length > 2 ? a.slice(2).replace(/^=/, '') : args[i + 1];
    }
  }
  return undefined;
}

/**
 * Positional arguments, skipping flags; `valueFlags` lists flags that take a separate value
 * (e.g. "-o", "--option", "-t").
 */
export function positionals(args: string[], valueFlags: Set<string> = new Set()): string[] {
  const out: string[] = [];
  let dashdash = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (dashdash) {
      out.push(a);
      continue;
    }
    if (a === '--') {
      dashdash = true;
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      if (!a.includes('=') && valueFlags.has(a)) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}
