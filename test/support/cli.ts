/** Run the CLI in-process and capture what it writes (stdout, stderr) and its exit code. */
import { main } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

let queue: Promise<unknown> = Promise.resolve();

/** Calls are serialised: stdout/stderr capture is process-wide. */
export function runCli(args: string[], opts: { cwd?: string } = {}): Promise<CliResult> {
  const run = async (): Promise<CliResult> => {
    const out: string[] = [];
    const err: string[] = [];
    const ow = process.stdout.write.bind(process.stdout);
    const ew = process.stderr.write.bind(process.stderr);
    const prevCwd = process.cwd();
    // Node's test runner talks to its parent over stdout in binary frames (Buffers) from this same
    // process; the CLI writes strings. Capture strings, pass binary frames through.
    (process.stdout as any).write = (c: string | Uint8Array, ...rest: any[]) =>
      typeof c === 'string' ? (out.push(c), true) : ow(c, ...rest);
    (process.stderr as any).write = (c: string | Uint8Array, ...rest: any[]) =>
      typeof c === 'string' ? (err.push(c), true) : ew(c, ...rest);
    try {
      if (opts.cwd) process.chdir(opts.cwd);
      const code = await main(['node', 'bulwark', ...args]);
      return { code, stdout: out.join(''), stderr: err.join('') };
    } finally {
      process.stdout.write = ow;
      process.stderr.write = ew;
      if (opts.cwd) process.chdir(prevCwd);
    }
  };
  const p = queue.then(run, run);
  queue = p.catch(() => undefined);
  return p;
}
