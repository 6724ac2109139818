/**
 * The `bulwark` command. Each sub-command lives in src/cli/commands/<name>.ts and exports
 * `register(program, ctx)`; they are loaded from that folder, so adding a command touches one file.
 *
 * Start-up loads only what the command line needs: `bulwark NAME ...` imports `commands/NAME.js` alone (a
 * command registered by a file of another name is listed in COMMAND_FILES); `--help`, `help`, `completion` and
 * unknown names load every command. The analyzers, sources and the vulnerability database are imported by the
 * command modules, so `bulwark --version` and `bulwark rules` never load the image pipeline; the commands whose use
 * case pulls in many rules (`scan`, `dockerfile`, `harden`, `daemon`/`host`/`cis`) import it in their action, so
 * their `--help` and usage errors do not load it either.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Command, CommanderError, Help } from 'commander';
import { TOOL_VERSION } from '../core/version.js';
import { UserError, describeError, isSystemError } from '../core/errors.js';
import { enableTimings, timings } from '../core/timing.js';
import { applyConventions, resetSettings, settings, TOP_HELP_AFTER } from './conventions.js';

export interface CommandModule {
  register(program: Command, ctx: CliContext): void;
}

export interface CliContext {
  /** set by a command's action: the process exit code */
  setExitCode(code: number): void;
  /** the exit code set so far (a closed stdout ends the process with it) */
  exitCode(): number;
  /** the command line as given (after `node bulwark`) */
  argv: readonly string[];
  /**
   * The arguments after `--` as given (commands that take a whole command line, such as `run`, call this
   * on their variadic argument): a very long tail is kept out of commander, which spreads it into one call.
   */
  passthrough(args: string[]): string[];
}

/** commander does `push(...rest)`: a tail of a few hundred thousand arguments overflows the stack */
const LONG_TAIL = 10_000;
const TAIL_MARK = '\u0000bulwark:argv-tail';

/** Commands whose module file has another name. */
export const COMMAND_FILES: Record<string, string> = { explain: 'rules', 'version-compare': 'version' };

const COMMANDS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'commands');

function commandFiles(): string[] {
  return readdirSync(COMMANDS_DIR)
    .filter((f) => /\.(js|ts)$/.test(f) && !f.endsWith('.d.ts') && !f.endsWith('.map'))
    .sort();
}

/** The module file of command `name`, or undefined when there is none (then every command is loaded). */
function fileOf(name: string): string | undefined {
  const base = COMMAND_FILES[name] ?? name;
  if (!/^[a-z][a-z0-9-]*$/.test(base)) return undefined;
  for (const ext of ['.js', '.ts']) if (existsSync(join(COMMANDS_DIR, base + ext))) return base + ext;
  return undefined;
}

/** The sub-command named on the command line: the first word that is not an option. */
export function commandName(args: readonly string[]): string | undefined {
  for (const a of args) {
    if (a === '--') return undefined;
    if (!a.startsWith('-')) return a;
    if (a === '-h' || a === '--help') return undefined;
  }
  return undefined;
}

const LOAD_ALL = new Set(['help', 'completion']);

/**
 * What the top-level help lists, one entry per visible command as commander renders it (the term, such as
 * `image [options] <ref>`, and the description). `scripts/postbuild.mjs` writes it to dist/cli/command-index.json
 * from the fully loaded program, as it writes the rule catalogue, so `bulwark --help` prints the same text
 * without importing every command module (about 1 s of module loading). Without the file (sources run through
 * tsx) every command is loaded.
 */
export interface CommandIndex {
  version: string;
  commands: { name: string; term: string; description: string }[];
}

const COMMAND_INDEX = join(dirname(fileURLToPath(import.meta.url)), 'command-index.json');

/** The index of a fully loaded program (the implicit `help` command is commander's own and is left out). */
export function commandIndex(program: Command): CommandIndex {
  const help = program.createHelp();
  const commands = help
    .visibleCommands(program)
    .filter((c) => program.commands.includes(c))
    .map((c) => ({ name: c.name(), term: help.subcommandTerm(c), description: help.subcommandDescription(c) }));
  return { version: TOOL_VERSION, commands };
}

/** True for the command lines that print only the top-level help: `bulwark --help`, `-h`, `help`. */
function topLevelHelp(args: readonly string[]): boolean {
  return args.length === 1 && (args[0] === '--help' || args[0] === '-h' || args[0] === 'help');
}

function readCommandIndex(): CommandIndex | undefined {
  try {
    const index = JSON.parse(readFileSync(COMMAND_INDEX, 'utf8')) as CommandIndex;
    return index.version === TOOL_VERSION && Array.isArray(index.commands) ? index : undefined;
  } catch {
    return undefined;
  }
}

/** A program whose commands are the index's entries, for printing the top-level help (no command can run). */
export function programFromIndex(index: CommandIndex): Command {
  const program = new Command();
  program
    .name('bulwark')
    .description(DESCRIPTION)
    .version(TOOL_VERSION, '-V, --version')
    .exitOverride();
  const byName = new Map(index.commands.map((c) => [c.name, c]));
  for (const c of index.commands) program.command(c.name).description(c.description);
  // commander's own `help [command]` entry is rendered by commander
  program.configureHelp({
    subcommandTerm(this: Help, c) {
      return byName.get(c.name())?.term ?? Help.prototype.subcommandTerm.call(this, c);
    },
    subcommandDescription(this: Help, c) {
      return byName.get(c.name())?.description ?? Help.prototype.subcommandDescription.call(this, c);
    },
  });
  program.addHelpText('after', TOP_HELP_AFTER);
  return program;
}

const DESCRIPTION = 'Security analyzer for Docker environments: Dockerfiles, images, runtime, daemon and host.';

export async function buildProgram(ctx: CliContext, only?: string): Promise<Command> {
  const program = new Command();
  program
    .name('bulwark')
    .description(DESCRIPTION)
    .version(TOOL_VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const one = only && !LOAD_ALL.has(only) ? fileOf(only) : undefined;
  for (const f of one ? [one] : commandFiles()) {
    const mod = (await import(pathToFileURL(join(COMMANDS_DIR, f)).href)) as Partial<CommandModule>;
    if (typeof mod.register === 'function') mod.register(program, ctx);
  }
  applyConventions(program);
  return program;
}

/** The exit code the running command has decided so far (for the process entry's closed-stdout handling). */
export const mainState: { exitCode: number; argv: readonly string[]; warned: Set<string>; timedOut: boolean } = { exitCode: 0, argv: [], warned: new Set(), timedOut: false };

/** Runs the CLI; returns the exit code (0 ok, N for --exit-code, 2 bad input or usage, 3 internal error). */
export async function main(argv: string[]): Promise<number> {
  let code = 0;
  mainState.exitCode = 0;
  mainState.warned = new Set(); // config files warned about in this run (a command may resolve its config twice)
  mainState.timedOut = false;
  resetSettings();
  const args = argv.slice(2);
  mainState.argv = args;
  let tail: string[] | undefined;
  const dd = argv.indexOf('--');
  if (dd >= 0 && argv.length - dd - 1 > LONG_TAIL) {
    tail = argv.slice(dd + 1);
    argv = [...argv.slice(0, dd + 1), TAIL_MARK];
  }
  const ctx: CliContext = {
    passthrough: (a) => (tail && a.length === 1 && a[0] === TAIL_MARK ? tail : a),
    setExitCode: (c) => {
      code = c;
      mainState.exitCode = c;
    },
    exitCode: () => code,
    argv: args,
  };
  const debug = args.includes('--debug') || process.env.BULWARK_DEBUG === '1' || process.env.BULWARK_DEBUG === 'true';
  const t0 = performance.now();
  let loaded = 0;
  let timer: NodeJS.Timeout | undefined;
  try {
    const index = topLevelHelp(args) ? readCommandIndex() : undefined;
    const program = index ? programFromIndex(index) : await buildProgram(ctx, commandName(args));
    loaded = performance.now() - t0;
    // --timeout: the command's promise races a timer started when its action starts
    let expire: (e: Error) => void = () => {};
    const expired = new Promise<never>((_, reject) => (expire = reject));
    program.hook('preAction', () => {
      enableTimings(settings.debug);
      const ms = settings.timeoutMs;
      if (ms === undefined) return;
      timer = setTimeout(() => {
        mainState.timedOut = true;
        expire(new UserError(`timed out after ${ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`} (--timeout)`, 2));
      }, ms);
      timer.unref();
    });
    await Promise.race([program.parseAsync(argv), expired]);
    return code;
  } catch (err) {
    return reportError(err, debug || settings.debug);
  } finally {
    if (timer) clearTimeout(timer);
    if (settings.debug) {
      const lines = [`debug: load command modules ${loaded.toFixed(1)} ms`, ...timings().map((t) => `debug: ${t.stage} ${t.ms.toFixed(1)} ms${t.rss === undefined ? '' : ` (then rss ${mib(t.rss)}, heap ${mib(t.heapUsed!)}, external ${mib(t.external!)}${t.peakRss ? `; peak rss so far ${mib(t.peakRss)}` : ''})`}`), `debug: total ${(performance.now() - t0).toFixed(1)} ms`];
      process.stderr.write(lines.join('\n') + '\n');
    }
    enableTimings(false);
  }
}

const mib = (b: number) => `${(b / 1048576).toFixed(0)} MiB`;

/** Prints an error as one line (a stack only with --debug) and returns its exit code. */
export function reportError(err: unknown, debug = false): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
    return err.exitCode === 0 ? 0 : 2;
  }
  if (err instanceof UserError) {
    process.stderr.write(`bulwark: ${bounded(err.message)}\n`);
    return err.exitCode;
  }
  if (isSystemError(err)) {
    const e = err as NodeJS.ErrnoException;
    const where = e.path ? `${e.path}: ` : '';
    process.stderr.write(`bulwark: ${where}${describeError(e)}\n`);
    if (debug && e.stack) process.stderr.write(`${e.stack}\n`);
    return 2;
  }
  const e = err as Error | undefined;
  process.stderr.write(`bulwark: internal error: ${bounded(e?.message ?? String(err)).split('\n')[0]}${debug ? '' : ' (run with --debug for details)'}\n`);
  if (debug && e?.stack) process.stderr.write(`${e.stack}\n`);
  return 3;
}

/** Error messages are bounded: a crafted input must not produce a megabyte of error text. */
export function bounded(msg: string, max = 2000): string {
  return msg.length > max ? `${msg.slice(0, max)}... (${msg.length - max} more characters)` : msg;
}
