/**
 * Command lines and environments are echoed in reports (the target of `bulwark run`, the hardened command
 * line): never with a secret in clear. Every `-e NAME=VALUE` value is replaced (an environment is where
 * secrets travel, whatever the name), and so is any other argument that has a credential's shape (token
 * formats, `user:password@` URLs, `--password=...`).
 */
import { strongSecretShape } from '../analyzers/build/rules/secret-shapes.js';
import type { ParsedRun } from './runargs.js';

export const REDACTED = '<redacted>';

const SECRET_ASSIGN = /^(-{0,2}[\w.-]*(?:pass(?:word|wd)?|pwd|secret|token|api[_-]?key|apikey|private[_-]?key|access[_-]?key|credentials?)[\w.-]*=)(.+)$/i;

/** One argument, redacted when it looks like a credential. */
export function redactArg(arg: string): string {
  const m = SECRET_ASSIGN.exec(arg);
  if (m) return m[1] + REDACTED;
  // the password of any scheme://user:password@ URL (passwords may hold '/' or ':')
  const a = arg.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:)[^\s@]+@/gi, `$1${REDACTED}@`);
  if (strongSecretShape(a)) return REDACTED;
  return a;
}

/** `NAME=VALUE` → `NAME=<redacted>` (a bare `NAME` stays). */
export function redactEnvAssignment(v: string): string {
  const eq = v.indexOf('=');
  return eq >= 0 ? `${v.slice(0, eq)}=${REDACTED}` : v;
}

/**
 * The argv of a `docker run` command line with every environment value and credential-shaped argument
 * replaced. Works on the raw argv (so it also covers lines that do not parse) and, when the parse is
 * available, on exactly the arguments that are `-e` values.
 */
export function redactRunArgv(argv: string[], parsed?: ParsedRun): string[] {
  const out = argv.map(redactArg);
  const off = parsed ? parsed.prefix.length : 0;
  if (parsed) {
    for (const f of parsed.flags) {
      if (f.name !== 'env') continue;
      const i = f.argIndex + off;
      const a = argv[i] ?? '';
      if (a === '-e' || a === '--env') out[i + 1] = redactEnvAssignment(argv[i + 1] ?? '');
      else if (a.startsWith('--env=')) out[i] = `--env=${redactEnvAssignment(a.slice(6))}`;
      else if (/^-[A-Za-z]*e/.test(a)) {
        // combined short flags ending in e: -e=K=V, -eK=V, -ite K=V
        const j = a.indexOf('e');
        const rest = a.slice(j + 1);
        if (rest === '') out[i + 1] = redactEnvAssignment(argv[i + 1] ?? '');
        else out[i] = a.slice(0, j + 1) + (rest.startsWith('=') ? '=' + redactEnvAssignment(rest.slice(1)) : redactEnvAssignment(rest));
      }
    }
  } else {
    // no parse: any argument following -e/--env, or in --env=, is an assignment
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      if ((a === '-e' || a === '--env') && i + 1 < argv.length) out[i + 1] = redactEnvAssignment(argv[i + 1]!);
      else if (a.startsWith('--env=')) out[i] = `--env=${redactEnvAssignment(a.slice(6))}`;
    }
  }
  return out;
}
