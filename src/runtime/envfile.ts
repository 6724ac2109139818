/** Docker env files (`--env-file`, compose `env_file`): `K=V`, `K` (value from the environment), `#` comments. */
import { readFileSync, statSync } from 'node:fs';
import { InputError } from '../core/errors.js';

export const MAX_ENV_FILE_BYTES = 10 * 1024 * 1024;

export function readEnvFile(path: string, env: Record<string, string | undefined> = process.env): Array<{ name: string; value?: string }> {
  let text: string;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new InputError(`env file ${path} is not a regular file`);
    if (st.size > MAX_ENV_FILE_BYTES) throw new InputError(`env file ${path} is larger than 10 MiB`);
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot read env file ${path}: ${(e as Error).message}`);
  }
  const out: Array<{ name: string; value?: string }> = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const name = eq >= 0 ? line.slice(0, eq) : line.trim();
    if (!name || /\s/.test(name)) throw new InputError(`env file ${path}: variable '${name.slice(0, 64)}' contains whitespaces`);
    if (eq >= 0) out.push({ name, value: line.slice(eq + 1) });
    else if (env[name] !== undefined) out.push({ name, value: env[name] });
  }
  return out;
}
