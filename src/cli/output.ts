/**
 * The report options every finding-producing command shares (--format, --output, --severity,
 * --exit-code, --ignorefile, --config) and the one function that applies them.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { Report } from '../core/report.js';
import { applyPolicy, exitCodeFor, parseSeverityFilter, sortFindings } from '../core/policy.js';
import { loadIgnoreFile, parseIgnoreText, type IgnoreEntry } from '../core/ignore.js';
import { findConfig, loadConfig, type BulwarkConfig } from '../core/config.js';
import { getRenderer, rendererNames } from '../report/index.js';
import { InputError } from '../core/errors.js';
import { dedupeFingerprints } from '../core/rule.js';
import { rulesCitedBy } from '../analyzers/registry.js';

export interface ReportOptions {
  format?: string;
  output?: string;
  severity?: string;
  exitCode?: number;
  ignorefile?: string;
  config?: string;
  showSuppressed?: boolean;
}

export function addReportOptions(cmd: Command, opts: { formats?: string[]; defaultFormat?: string } = {}): Command {
  return cmd
    .addOption(new Option('-f, --format <format>', `output format (${(opts.formats ?? ['table', 'json', 'sarif']).join(', ')})`))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('-s, --severity <levels>', 'minimum severity (e.g. "high") or a list ("HIGH,CRITICAL")')
    .addOption(new Option('--exit-code <code>', 'exit with this code when findings remain after filtering').argParser((v) => parseIntStrict(v, '--exit-code')))
    .option('--ignorefile <file>', 'ignore file (default: .bulwarkignore in the scanned directory or the current directory)')
    .option('-c, --config <file>', 'config file (default: .bulwark.yaml in the scanned directory or the current directory)')
    .option('--show-suppressed', 'also show suppressed findings in table output');
}

export function parseIntStrict(v: string, flag: string): number {
  if (!/^-?\d+$/.test(v)) throw new InputError(`${flag} takes a whole number, got '${v}'`);
  return Number(v);
}

/** Resolve the config for a command: --config, else .bulwark.yaml in `dirs` (scanned dir first) then cwd. */
export function resolveConfig(opts: ReportOptions, dirs: string[] = []): BulwarkConfig {
  const path = opts.config ?? findConfig([...dirs, process.cwd()]);
  if (opts.config && !existsSync(opts.config)) throw new InputError(`config file not found: ${opts.config}`);
  return loadConfig(path);
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
 * Apply severity filter and ignores, render, write; returns the process exit code.
 * `dirs` are where to look for .bulwark.yaml / .bulwarkignore (the scanned directory first).
 */
export function emitReport(report: Report, opts: ReportOptions, dirs: string[] = [], cfgIn?: BulwarkConfig): number {
  const cfg = cfgIn ?? resolveConfig(opts, dirs);
  const format = opts.format ?? cfg.format ?? 'table';
  const renderer = getRenderer(format);
  if (!renderer) throw new InputError(`unknown format '${format}' (available: ${rendererNames().join(', ')})`);
  const severities = parseSeverityFilter(opts.severity ?? cfg.severity);
  const ignores = resolveIgnores(opts, cfg, dirs);
  dedupeFingerprints(report.findings);
  // the renderers read rule metadata from the report (report/ imports core/ only)
  const filtered = applyPolicy({ ...report, rules: report.rules ?? rulesCitedBy(report.findings) }, { severities, ignores });
  sortFindings(filtered.findings);
  const toFile = Boolean(opts.output);
  const color = !toFile && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
  const text = renderer(filtered, { color, showSuppressed: opts.showSuppressed });
  if (opts.output) {
    mkdirSync(dirname(resolve(opts.output)), { recursive: true });
    writeFileSync(opts.output, text);
  } else {
    process.stdout.write(text);
  }
  if (format !== 'table') for (const w of filtered.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
  return exitCodeFor(filtered, opts.exitCode ?? cfg['exit-code']);
}
