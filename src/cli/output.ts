/**
 * The report options every finding-producing command shares (--format, --output, --severity,
 * --exit-code, --ignorefile, --config) and the one function that applies them.
 */
import { existsSync, fstatSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { Report } from '../core/report.js';
import { applyPolicy, exitCodeFor, parseSeverityFilter, sortFindings } from '../core/policy.js';
import { loadIgnoreFile, parseIgnoreText, type IgnoreEntry } from '../core/ignore.js';
import { findConfig, loadConfig, unknownKeysWarning, type BulwarkConfig } from '../core/config.js';
import { loadRenderer, rendererNames } from '../report/index.js';
import { InputError, describeError } from '../core/errors.js';
import { dedupeFingerprints } from '../core/rule.js';
import type { Finding } from '../core/finding.js';
import type { RuleMeta } from '../core/rule.js';
import { builtCatalogue } from '../app/rules.js';
import { mainState } from './main.js';
import { settings, useColor } from './conventions.js';
import { timed } from '../core/timing.js';

/**
 * Rule metadata by ID, for the rules a report cites: from the built catalogue (dist/rule-catalogue.json, written
 * from the registry by the build), so that rendering a report does not load every stage's analyzers (an image
 * scan loaded some 230 modules of build, runtime, daemon and registry rules for this alone); from the registry
 * when running from the sources.
 */
const ruleById: Map<string, RuleMeta> = await (async () => {
  const built = builtCatalogue();
  if (built) return new Map(built.map((r) => [r.id, r]));
  return (await import('../analyzers/registry.js')).ruleMap();
})();

/** The catalogue entries of the rules these findings cite (for `Report.rules`), in first-cited order. */
function rulesCitedBy(findings: Array<Pick<Finding, 'ruleId'>>): RuleMeta[] {
  const out = new Map<string, RuleMeta>();
  for (const f of findings) {
    const r = ruleById.get(f.ruleId);
    if (r && !out.has(r.id)) out.set(r.id, r);
  }
  return [...out.values()];
}

export interface ReportOptions {
  format?: string;
  output?: string;
  severity?: string;
  exitCode?: number;
  ignorefile?: string;
  config?: string;
  showSuppressed?: boolean;
  /** only vulnerabilities in CISA's KEV catalog (commands that match vulnerabilities add --kev-only) */
  kevOnly?: boolean;
  verbose?: boolean;
}

export function addReportOptions(cmd: Command, opts: { formats?: string[]; defaultFormat?: string } = {}): Command {
  return cmd
    // a format the command cannot fill is a usage error (`scan -f cyclonedx` would be an empty SBOM)
    .addOption(new Option('-f, --format <format>', 'output format').choices(opts.formats ?? ['table', 'json', 'sarif', 'html']))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('-s, --severity <levels>', 'minimum severity (e.g. "high") or a list ("HIGH,CRITICAL")')
    .addOption(new Option('--exit-code <code>', 'exit with this code when findings remain after filtering').argParser(parseExitCode))
    .option('--ignorefile <file>', 'ignore file (default: .bulwarkignore in the scanned directory or the current directory)')
    .option('-c, --config <file>', 'config file (default: .bulwark.yaml in the scanned directory or the current directory)')
    .option('--show-suppressed', 'also show suppressed findings in table output')
    .option('--verbose', 'table output: the full text of every finding (vulnerabilities are otherwise one table row each)');
}

/** `--allowed-registries`: the registry policy of the commands that see images (src/registry/allowed.ts). */
export function addAllowedRegistriesOption(cmd: Command): Command {
  return cmd.option(
    '--allowed-registries <list>',
    'registries images may come from, comma-separated (repeatable; replaces allowedRegistries in .bulwark.yaml): HOST[:PORT], *.DOMAIN, HOST[:PORT]/PATH, docker.io for Docker Hub',
    (v: string, prev: string[] = []) => [...prev, v],
  );
}

export function parseIntStrict(v: string, flag: string): number {
  if (!/^-?\d+$/.test(v)) throw new InputError(`${flag} takes a whole number, got '${v}'`);
  return Number(v);
}

/** --exit-code: a process exit status, 0-255 (256 would wrap to 0 and pass every gate). */
export function parseExitCode(v: string): number {
  const n = parseIntStrict(v, '--exit-code');
  if (n < 0 || n > 255) throw new InputError(`--exit-code takes 0 to 255 (an exit status), got ${v}`);
  return n;
}

/** Resolve the config for a command: --config, else .bulwark.yaml in `dirs` (scanned dir first) then cwd. */
export function resolveConfig(opts: ReportOptions, dirs: string[] = []): BulwarkConfig {
  const path = opts.config ?? findConfig([...dirs, process.cwd()]);
  if (opts.config && !existsSync(opts.config)) throw new InputError(`config file not found: ${opts.config}`);
  const cfg = loadConfig(path);
  const warning = unknownKeysWarning(cfg);
  if (warning && path && !settings.quiet && !mainState.warned.has(path)) {
    mainState.warned.add(path);
    process.stderr.write(`warning: ${warning}\n`);
  }
  return cfg;
}


export function resolveIgnores(opts: ReportOptions, cfg: BulwarkConfig, dirs: string[] = []): IgnoreEntry[] {
  const entries: IgnoreEntry[] = [];
  const explicit = opts.ignorefile ?? cfg.ignorefile;
  if (explicit) {
    if (!existsSync(explicit)) throw new InputError(`ignore file not found: ${explicit}`);
    entries.push(...loadIgnoreFile(explicit));
  } else {
    for (const d of [...dirs, process.cwd()]) {
      const p = resolve(d, '.bulwarkignore');
      if (existsSync(p)) {
        entries.push(...loadIgnoreFile(p));
        break;
      }
    }
  }
  if (cfg.ignore?.length) entries.push(...parseIgnoreText(cfg.ignore.join('\n'), cfg.__path ?? '.bulwark.yaml'));
  return entries;
}

/**
 * Apply severity filter and ignores, render, write; returns the process exit code:
 * 2 when an input could not be read or parsed (whatever the severity filter), else --exit-code when an
 * unsuppressed finding remains or a check failed, else 0.
 * `dirs` are where to look for .bulwark.yaml / .bulwarkignore (the scanned directory first).
 */
export async function emitReport(report: Report, opts: ReportOptions, dirs: string[] = [], cfgIn?: BulwarkConfig): Promise<number> {
  const cfg = cfgIn ?? resolveConfig(opts, dirs);
  const format = opts.format ?? cfg.format ?? 'table';
  const renderer = await loadRenderer(format);
  if (!renderer) throw new InputError(`unknown format '${format}' (available: ${rendererNames().join(', ')})`);
  const severities = parseSeverityFilter(opts.severity ?? cfg.severity);
  const ignores = resolveIgnores(opts, cfg, dirs);
  if (opts.output) checkOutputPath(opts.output);
  dedupeFingerprints(report.findings);
  // the renderers read rule metadata from the report (report/ imports core/ only)
  const filtered = applyPolicy({ ...report, rules: report.rules ?? rulesCitedBy([...report.findings, ...(report.checks ?? [])]) }, { severities, ignores, kevOnly: opts.kevOnly });
  sortFindings(filtered.findings);
  const code = reportExitCode(filtered, opts.exitCode ?? cfg['exit-code']);
  mainState.exitCode = code; // a reader that closes stdout early still gets the verdict
  const toFile = Boolean(opts.output);
  const color = useColor(toFile);
  const cwd = process.cwd();
  const text = timed(`render ${format}`, () => renderer(filtered, { color, showSuppressed: opts.showSuppressed, verbose: opts.verbose, cwd, srcRoot: sourceRoot(cwd) }));
  timed('write report', () => writeReport(text, opts.output));
  if (format !== 'table' || toFile) {
    if (!settings.quiet) for (const w of filtered.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
    for (const e of filtered.errors ?? []) process.stderr.write(`error: ${e.target ? `${e.target}: ` : ''}${e.ruleId ? `${e.ruleId}: ` : ''}${e.message}\n`);
  }
  return code;
}

/** The repository the directory is in (the nearest ancestor with .git), else the directory itself. */
export function sourceRoot(dir: string): string {
  let d = resolve(dir);
  for (;;) {
    if (existsSync(join(d, '.git'))) return d;
    const up = dirname(d);
    if (up === d) return resolve(dir);
    d = up;
  }
}

/** The exit code of a filtered report (see emitReport). */
export function reportExitCode(report: Report, exitCode: number | undefined): number {
  const errors = report.errors ?? [];
  if (errors.some((e) => e.kind === 'input')) return 2;
  if (errors.length && exitCode) return exitCode;
  return exitCodeFor(report, exitCode);
}

/** Write the rendered report to --output (or stdout). No directory is created; an input is never overwritten. */
export function writeReport(text: string, output: string | undefined): void {
  if (!output || output === '-') {
    process.stdout.write(text);
    return;
  }
  checkOutputPath(output);
  try {
    writeFileSync(output, text);
  } catch (e) {
    throw new InputError(`cannot write the report to ${output}: ${describeError(e)}`);
  }
}

/**
 * Refuse an output path whose directory does not exist (nothing is created) or that is one of the command's
 * input files (`bulwark dockerfile F -o F` would replace the Dockerfile with its own report).
 */
export function checkOutputPath(output: string, argv: readonly string[] = mainState.argv): void {
  const abs = resolve(output);
  let dir: Stats;
  try {
    dir = statSync(dirname(abs));
  } catch {
    throw new InputError(`cannot write the report to ${output}: directory ${dirname(abs)} does not exist (no directory is created)`);
  }
  if (!dir.isDirectory()) throw new InputError(`cannot write the report to ${output}: ${dirname(abs)} is not a directory`);
  let st: Stats;
  try {
    st = statSync(abs);
  } catch {
    return; // a new file
  }
  if (st.isDirectory()) throw new InputError(`cannot write the report to ${output}: it is a directory`);
  if (!st.isFile()) return; // /dev/null, /dev/stdout, a FIFO: nothing to overwrite
  for (const input of inputFiles(argv)) {
    if (input.dev === st.dev && input.ino === st.ino) {
      throw new InputError(`refusing to write the report over ${output}: it is an input of this command (choose another --output)`);
    }
  }
}

/** Regular files named on the command line (option values included, the --output value excluded) and stdin. */
function inputFiles(argv: readonly string[]): Stats[] {
  const out: Stats[] = [];
  const add = (p: string) => {
    if (!p || p === '-') return;
    try {
      const st = statSync(p);
      if (st.isFile()) out.push(st);
    } catch {
      /* not a file */
    }
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-o' || a === '--output') {
      i++;
      continue;
    }
    if (a.startsWith('--output=') || (a.startsWith('-o') && !a.startsWith('--'))) continue;
    if (a.startsWith('--') && a.includes('=')) add(a.slice(a.indexOf('=') + 1));
    else add(a);
  }
  try {
    const st = fstatSync(0);
    if (st.isFile()) out.push(st);
  } catch {
    /* no stdin */
  }
  return out;
}
