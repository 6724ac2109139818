/**
 * The conventions every sub-command follows, applied in one place after the commands are registered
 * (a command file declares only its own flags):
 *
 *   --quiet          no warnings or progress on stderr (errors still print)
 *   --debug          a stack with internal errors, and the time each stage took
 *   --no-progress    no progress line (progress is shown only when stderr and stdout are terminals)
 *   --color WHEN     auto (default: a terminal, no NO_COLOR, TERM not dumb), always, never; --no-color = never
 *   --timeout DUR    give up after DUR (90, 90s, 5m, 1h): one line, exit 2
 *   BULWARK_<FLAG>   every long flag can be set from the environment (BULWARK_FORMAT=json, BULWARK_NO_CACHE=1);
 *                    a flag on the command line wins; `--help` lists each variable
 *   Examples:        two or three at the end of each sub-command's --help
 *
 * This module loads nothing but commander: `bulwark --version` and `bulwark rules` stay fast.
 */
import { Command, Option } from 'commander';
import { UserError } from '../core/errors.js';
import { EXAMPLES } from './examples.js';

export type ColorMode = 'auto' | 'always' | 'never';

/** What the conventions decided for the running command (read by output, progress and main). */
export interface CliSettings {
  quiet: boolean;
  debug: boolean;
  progress: boolean;
  color: ColorMode;
  timeoutMs?: number;
}

export const settings: CliSettings = { quiet: false, debug: false, progress: true, color: 'auto' };

export function resetSettings(): void {
  Object.assign(settings, { quiet: false, debug: false, progress: true, color: 'auto', timeoutMs: undefined });
}

/** Commands that run until stopped: a --timeout would only cut them short. */
const LONG_RUNNING = new Set(['serve']);

/** Commands that show a progress line on long work. */
const PROGRESS_COMMANDS = new Set(['image', 'sbom', 'db update']);

/** `90`, `90s`, `1500ms`, `5m`, `1h` -> milliseconds; anything else is a usage error. */
export function parseDuration(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v.trim());
  if (!m) throw new UserError(`--timeout takes a duration such as 90s, 5m or 1h, got '${v}'`);
  const n = Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const)[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  if (!(n > 0) || n > 2_147_483_647) throw new UserError(`--timeout must be above 0 and at most 24 days, got '${v}'`);
  return n;
}

/** The environment variable of a long flag: --cache-dir -> BULWARK_CACHE_DIR, --no-cache -> BULWARK_NO_CACHE. */
export function envName(long: string): string {
  return `BULWARK_${long.replace(/^--/, '').replace(/-/g, '_').toUpperCase()}`;
}

/** The command's path below the program: 'image', 'db match'. */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c && c.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Every command with an action (leaves of the tree), depth first. */
export function leafCommands(program: Command): Command[] {
  const out: Command[] = [];
  const walk = (c: Command) => {
    if (!c.commands.length) out.push(c);
    for (const s of c.commands) walk(s);
  };
  for (const c of program.commands) walk(c);
  return out;
}

const has = (cmd: Command, long: string) => cmd.options.some((o) => o.long === long);
const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off', '']);

/** What the top-level help says after the command list. */
export const TOP_HELP_AFTER = '\nEvery long flag can also be set from the environment: BULWARK_<FLAG> (e.g. BULWARK_FORMAT=json, BULWARK_NO_CACHE=1).\nShell completion: bulwark completion bash|zsh|fish\n';

/** Add the shared flags, environment variables and examples to every command of the program. */
export function applyConventions(program: Command): void {
  for (const cmd of leafCommands(program)) {
    const path = commandPath(cmd);
    if (!has(cmd, '--quiet')) cmd.addOption(new Option('-q, --quiet', 'no warnings or progress on stderr (errors still print)'));
    if (!has(cmd, '--debug')) cmd.addOption(new Option('--debug', 'stack traces for internal errors and the time each stage took'));
    if (PROGRESS_COMMANDS.has(path) && !has(cmd, '--no-progress')) cmd.addOption(new Option('--no-progress', 'no progress line (never shown when stdout or stderr is not a terminal)'));
    if (!has(cmd, '--color')) {
      cmd.addOption(new Option('--color <when>', 'colour the table output').choices(['auto', 'always', 'never']));
      cmd.addOption(new Option('--no-color', 'same as --color never (NO_COLOR=1 works too)'));
    }
    if (!has(cmd, '--timeout') && !LONG_RUNNING.has(path)) cmd.addOption(new Option('--timeout <duration>', 'give up after this long (90s, 5m, 1h): one line, exit 2').argParser(parseDuration));
    for (const o of cmd.options) {
      if (!o.long || o.long === '--help' || o.long === '--version') continue;
      const env = envName(o.long);
      // applied in the preAction hook (commander binds its own env handling when an option is added, which
      // is before this); envVar is set for --help, which lists it
      if (o.required || o.optional) {
        if (!o.envVar) o.envVar = env;
      } else if (!o.description.includes('(env: ')) {
        o.description += ` (env: ${env}=1)`;
      }
    }
    const examples = EXAMPLES[path];
    if (examples?.length) cmd.addHelpText('after', `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n`);
  }
  program.addHelpText('after', TOP_HELP_AFTER);
  program.hook('preAction', (_root, action) => {
    applyEnv(action);
    const o = action.opts() as { quiet?: boolean; debug?: boolean; progress?: boolean; color?: string | boolean; timeout?: number };
    settings.quiet = Boolean(o.quiet);
    settings.debug = Boolean(o.debug) || TRUE.has((process.env.BULWARK_DEBUG ?? '').toLowerCase());
    settings.progress = o.progress !== false && !settings.quiet;
    settings.color = o.color === false ? 'never' : o.color === 'always' || o.color === 'never' ? o.color : 'auto';
    settings.timeoutMs = typeof o.timeout === 'number' ? o.timeout : undefined;
  });
}

/**
 * BULWARK_<FLAG> for the flags the command line did not set: a value flag takes the variable's value (through the
 * flag's own parser and choices), a boolean flag 1/true/yes/on (0/false/no/off/empty: not set).
 */
function applyEnv(cmd: Command): void {
  for (const o of cmd.options) {
    if (!o.long || o.long === '--help' || o.long === '--version') continue;
    const name = envName(o.long);
    const raw = process.env[name];
    if (raw === undefined) continue;
    const key = o.attributeName();
    const source = cmd.getOptionValueSource(key);
    if (source === 'cli') continue;
    if (o.required || o.optional) {
      let value: unknown = raw;
      if (o.parseArg) {
        try {
          value = o.parseArg(raw, cmd.getOptionValue(key));
        } catch (e) {
          const msg = (e as Error).message ?? String(e);
          throw new UserError(`${name}: ${msg}`);
        }
      }
      if (o.argChoices && !o.argChoices.includes(raw)) throw new UserError(`${name}: '${raw.length > 40 ? `${raw.slice(0, 40)}...` : raw}' is not one of ${o.argChoices.join(', ')}`);
      cmd.setOptionValueWithSource(key, value, 'env');
      continue;
    }
    const v = raw.trim().toLowerCase();
    if (FALSE.has(v)) continue;
    if (!TRUE.has(v)) throw new UserError(`${envName(o.long)} takes 1 or 0 (true/false), got '${raw.length > 40 ? `${raw.slice(0, 40)}...` : raw}'`);
    cmd.setOptionValueWithSource(key, !o.negate, 'env');
  }
}

/** Colour for a report going to `toFile` or stdout, by --color / --no-color / NO_COLOR / TERM. */
export function useColor(toFile: boolean): boolean {
  if (settings.color === 'always') return true;
  if (settings.color === 'never' || toFile) return false;
  return Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
}

/** Progress is shown on a terminal only: stderr and stdout both TTYs, not --quiet, not --no-progress. */
export function showProgress(): boolean {
  return settings.progress && !settings.quiet && Boolean(process.stderr.isTTY) && Boolean(process.stdout.isTTY);
}
