/**
 * `bulwark version-compare --ecosystem ECO A B` (alias: `bulwark version compare`) prints -1, 0 or 1 (A below, equal to, above B), using
 * the same version order the vulnerability matcher uses, so users can check why a match happened.
 * `--stdin` reads `A<TAB>B` lines and prints one result per line.
 */
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { UserError, InputError } from '../../core/errors.js';
import { compareVersions, versionComparator } from '../../app/versions.js';

const MAX_STDIN_BYTES = 64 * 1024 * 1024;

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stream) {
    const b = typeof c === 'string' ? Buffer.from(c) : (c as Buffer);
    size += b.length;
    if (size > MAX_STDIN_BYTES) throw new InputError(`standard input is larger than ${MAX_STDIN_BYTES} bytes`);
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

interface CompareOpts {
  ecosystem?: string;
  stdin?: boolean;
}

function compareCommand(cmd: Command, ctx: CliContext, usage: string): Command {
  return cmd
    .argument('[a]', 'first version')
    .argument('[b]', 'second version')
    .option('-e, --ecosystem <name>', 'deb, apk, rpm, npm, pypi, go, maven, gem, cargo, composer (purl types and OSV names are accepted)')
    .option('--stdin', 'read "A<TAB>B" lines from standard input and print one result per line')
    .action(async (a: string | undefined, b: string | undefined, opts: CompareOpts) => {
      const c = versionComparator(opts.ecosystem);
      if (opts.stdin) {
        if (a !== undefined) throw new UserError('give either two versions or --stdin, not both');
        const text = await readAll(process.stdin);
        const lines = text.split('\n');
        if (lines.length && lines[lines.length - 1] === '') lines.pop();
        const out: string[] = [];
        lines.forEach((raw, i) => {
          const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
          const fields = line.split('\t');
          const shown = JSON.stringify(line.length > 200 ? line.slice(0, 200) + '...' : line);
          if (fields.length !== 2 || fields[0] === '' || fields[1] === '') {
            throw new InputError(`line ${i + 1}: expected "A<TAB>B", got ${shown}`);
          }
          out.push(String(compareVersions(c, fields[0]!, fields[1]!, `line ${i + 1}: `)));
        });
        process.stdout.write(out.length ? out.join('\n') + '\n' : '');
        ctx.setExitCode(0);
        return;
      }
      if (a === undefined || b === undefined) throw new UserError(`two versions are needed: ${usage} --ecosystem ECO A B (or --stdin)`);
      process.stdout.write(`${compareVersions(c, a, b, '')}\n`);
      ctx.setExitCode(0);
    });
}

/**
 * `bulwark version-compare` (`bulwark version compare` is kept as an alias; `bulwark version` alone is not the
 * tool's version, which is `bulwark --version`).
 */
export function register(program: Command, ctx: CliContext): void {
  compareCommand(
    program.command('version-compare').description('print -1, 0 or 1: version A is lower than, equal to or higher than B in an ecosystem\'s order (the comparisons vulnerability matching makes)'),
    ctx,
    'bulwark version-compare',
  );
  const version = program.command('version', { hidden: true }).description('alias: bulwark version compare = bulwark version-compare (the tool version is bulwark --version)');
  compareCommand(version.command('compare').description('same as bulwark version-compare'), ctx, 'bulwark version compare');
}
