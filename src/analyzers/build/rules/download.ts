import type { SimpleCommand } from '../../../dockerfile/shell/tokenize.js';
import { effective, flagValue, hasFlag } from '../../../dockerfile/shell/command.js';

/** curl/wget fetching from the network; `toStdout` restricts to downloads written to stdout. */
export function isDownload(c: SimpleCommand, toStdout = false): boolean {
  const e = effective(c);
  const a = e.argv.slice(1);
  if (e.name === 'curl') {
    const out = flagValue(a, ['output'], ['o']);
    const remoteName = hasFlag(a, ['remote-name', 'remote-name-all'], ['O']);
    return toStdout ? (out === undefined || out === '-') && !remoteName : true;
  }
  if (e.name === 'wget') {
    const out = flagValue(a, ['output-document'], ['O']);
    return toStdout ? out === '-' || a.some((x) => /^-[a-zA-Z]*O-$/.test(x)) : true;
  }
  return false;
}

/** File a curl/wget command writes to, when named. */
export function downloadTarget(c: SimpleCommand): string | undefined {
  const e = effective(c);
  const a = e.argv.slice(1);
  if (e.name === 'curl') {
    const out = flagValue(a, ['output'], ['o']);
    if (out && out !== '-') return out;
    if (hasFlag(a, ['remote-name'], ['O'])) {
      const url = a.find((x) => /^https?:\/\//.test(x));
      return url?.split('?')[0]!.split('/').pop();
    }
    return undefined;
  }
  if (e.name === 'wget') {
    const out = flagValue(a, ['output-document'], ['O']);
    if (out && out !== '-') return out;
    if (out === '-') return undefined;
    const url = a.find((x) => /^(https?|ftp):\/\//.test(x));
    return url?.split('?')[0]!.split('/').pop();
  }
  return undefined;
}
