/**
 * The `bulwark` command. Each sub-command lives in src/cli/commands/<name>.ts and exports
 * `register(program)`; they are loaded from that folder, so adding a command touches one file.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { TOOL_VERSION } from '../core/version.js';
import { UserError } from '../core/errors.js';

export interface CommandModule {
  register(program: Command, ctx: CliContext): void;
}

export interface CliContext {
  /** set by a command's action: the process exit code */
  setExitCode(code: number): void;
  /**
   * The arguments after `--` as given (commands that take a whole command line, such as `run`, call this
   * on their variadic argument): a very long tail is kept out of commander, which spreads it into one call.
   */
  passthrough(args: string[]): string[];
}

/** commander does `push(...rest)`: a tail of a few hundred thousand arguments overflows the stack */
const LONG_TAIL = 10_000;
const TAIL_MARK = '\u0000bulwark:argv-tail';

export async function buildProgram(ctx: CliContext): Promise<Command> {
  const program = new Command();
  program
    .name('bulwark')
    .description('Security analyzer for Docker environments: Dockerfiles, images, runtime, daemon and host.')
    .version(TOOL_VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'commands');
  const files = readdirSync(dir)
    .filter((f) => /\.(js|ts)$/.test(f) && !f.endsWith('.d.ts') && !f.endsWith('.map'))
    .sort();
  for (const f of files) {
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as Partial<CommandModule>;
    if (typeof mod.register === 'function') mod.register(program, ctx);
  }
  return program;
}

/** Runs the CLI; returns the exit code (0 ok, N for --exit-code, 2 bad input or usage, 3 internal error). */
export async function main(argv: string[]): Promise<number> {
  let code = 0;
  let tail: string[] | undefined;
  const dd = argv.indexOf('--');
  if (dd >= 0 && argv.length - dd - 1 > LONG_TAIL) {
    tail = argv.slice(dd + 1);
    argv = [...argv.slice(0, dd + 1), TAIL_MARK];
  }
  const ctx: CliContext = {
    setExitCode: (c) => (code = c),
    passthrough: (args) => (tail && args.length === 1 && args[0] === TAIL_MARK ? tail : args),
  };
  try {
    const program = await buildProgram(ctx);
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof UserError) {
      process.stderr.write(`bulwark: ${err.message}\n`);
      return err.exitCode;
    }
    const e = err as NodeJS.ErrnoException;
    if (e && (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR' || e.code === 'ENOTDIR')) {
      process.stderr.write(`bulwark: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`bulwark: internal error: ${e?.stack ?? String(err)}\n`);
    return 3;
  }
}
