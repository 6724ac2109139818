/**
 * `bulwark db update | status | match`: the vulnerability database.
 */
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { addReportOptions, emitReport, resolveConfig, type ReportOptions } from '../output.js';
import { UserError } from '../../core/errors.js';
import { showProgress } from '../conventions.js';
import { DEFAULT_SOURCES, databaseStatus, matchSavedInventory, maxAgeFromConfig, severitySourcesFrom, updateDatabase } from '../../app/vulnerabilities.js';

function collect(v: string, prev: string[] = []): string[] {
  return [...prev, v];
}

function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172800) return `${(s / 3600).toFixed(1)}h`;
  return `${(s / 86400).toFixed(1)}d`;
}

export function register(program: Command, ctx: CliContext): void {
  const db = program.command('db').description('the vulnerability database: update, status, match a saved inventory');

  db.command('update')
    .description(`import vulnerability feeds into the local database (default: the ${DEFAULT_SOURCES.length} official feed URLs)`)
    .option('--source <path|url>', 'a feed file, directory, zip or URL (repeatable); the database keeps its other sources', collect, [])
    .option('--replace', 'build the database from the given sources alone, dropping every other source it holds')
    .option('--network-timeout <seconds>', 'network timeout: connect, response headers, and each window of a download (default 30)')
    .option('--cache-dir <dir>', 'cache directory (default $XDG_CACHE_HOME/bulwark or ~/.cache/bulwark)')
    .action(async (opts: { source: string[]; replace?: boolean; networkTimeout?: string; cacheDir?: string }) => {
      let timeoutMs: number | undefined;
      if (opts.networkTimeout !== undefined) {
        const t = Number(opts.networkTimeout);
        if (!/^\d+(\.\d+)?$/.test(opts.networkTimeout.trim()) || !(t > 0) || t > 3600) {
          throw new UserError(`--network-timeout takes a number of seconds (0 < s <= 3600), got '${opts.networkTimeout}'`);
        }
        timeoutMs = Math.round(t * 1000);
      }
      const tty = showProgress();
      let last = '';
      const progress = tty
        ? (line: string) => {
            const text = line.length > 100 ? `${line.slice(0, 97)}...` : line;
            process.stderr.write(`\r\x1b[K${text}`);
            last = text;
          }
        : undefined; // without a terminal the per-source summary below is the whole output
      const res = await updateDatabase({ cacheDir: opts.cacheDir, sources: opts.source, replace: opts.replace, timeoutMs, progress });
      if (tty && last) process.stderr.write('\r\x1b[K');
      // unreachable sources (offline, no DNS) are one line, not one per feed URL, and the way out is named
      const NETWORK = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH)\b|timed out/;
      const unreachable = res.sources.filter((s) => !s.ok && (s.unreachableHost !== undefined || NETWORK.test(s.error ?? '')));
      for (const s of res.sources) {
        const stats = Object.entries(s.stats).map(([k, v]) => `${k}=${v}`).join(' ');
        if (s.action === 'added' || s.action === 'replaced') {
          // what an update replaced is said, with the record counts before and after
          const what = s.action === 'replaced' ? `replaced (${s.before ?? 0} -> ${s.records} records)` : `added (${s.records} records)`;
          process.stdout.write(`ok      ${s.name} [${s.feeds.join(',')}] ${what}${s.notModified ? ' (not modified)' : ''} ${stats} (${s.ms} ms)\n`);
        } else if (s.action === 'kept') {
          process.stdout.write(`kept    ${s.name} [${s.feeds.join(',')}] ${s.records} records from an earlier update (--replace drops it)\n`);
        } else if (s.action === 'dropped') {
          process.stdout.write(`dropped ${s.name} [${s.feeds.join(',')}] ${s.before ?? 0} records (--replace)\n`);
        } else if (unreachable.length < 3 || !unreachable.includes(s)) {
          process.stderr.write(`error   ${s.name}: ${s.error}${s.carriedOver ? ' (previous data kept)' : ''}\n`);
        }
      }
      const offlineHint = "no network? import feed files, directories or zips (or a local mirror's URLs) with --source PATH|URL; a slow link may need --timeout SECONDS";
      if (unreachable.length >= 3) {
        const codes = [...new Set(unreachable.map((s) => NETWORK.exec(s.error ?? '')?.[1] ?? 'timed out'))].join(', ');
        process.stderr.write(`error   ${unreachable.length} sources unreachable (${codes}): ${unreachable.slice(0, 3).map((s) => s.name).join(', ')}${unreachable.length > 3 ? ', ...' : ''}${unreachable.some((s) => s.carriedOver) ? ' (previous data kept)' : ''}\n`);
      }
      if (res.previousUnreadable) {
        process.stderr.write("warning the previous database has another schema: its sources could not be kept; run 'bulwark db update' for the full set\n");
      }
      if (!res.swapped) throw new UserError(`no source could be imported; the database at ${res.path} was left unchanged${unreachable.length ? `; ${offlineHint}` : ''}`);
      if (unreachable.length) process.stderr.write(`hint: ${offlineHint}\n`);
      const n = (a: string) => res.sources.filter((s) => s.action === a).length;
      const c = res.changes;
      process.stdout.write(
        `database ${res.path}: ${(res.bytes / 1048576).toFixed(1)} MB, ${n('added') + n('replaced')} imported, ${n('kept')} kept, ${n('dropped')} dropped, ${n('failed')} failed` +
          `${c?.previous ? `; advisories +${c.added.length} -${c.removed.length} ~${c.modified.length}` : ''}, ${res.ms} ms\n`,
      );
      ctx.setExitCode(res.sources.some((s) => !s.ok) ? 2 : 0);
    });

  db.command('status')
    .description('sources, record counts and age of the vulnerability database')
    .option('--cache-dir <dir>', 'cache directory')
    .option('--db <file>', 'database file (default: <cache-dir>/db/vuln.db)')
    .option('-f, --format <format>', 'table or json', 'table')
    .action((opts: { cacheDir?: string; db?: string; format: string }) => {
      const { info, stale } = databaseStatus({ cacheDir: opts.cacheDir, dbFile: opts.db });
      if (opts.format === 'json') {
        process.stdout.write(JSON.stringify(info, null, 2) + '\n');
        return;
      }
      const out = [
        `database:   ${info.path}`,
        `built:      ${info.builtAt} (${age(info.ageMs)} ago)`,
        `records:    ${info.counts.vulns} vulnerabilities, ${info.counts.affected} package entries, ${info.counts.kev} KEV, ${info.counts.ratings} severity ratings`,
        `releases:   ${info.counts.namespaces.join(', ') || '(none)'}`,
        ...(info.lastChanges?.previous
          ? [`last update: advisories +${info.lastChanges.added} -${info.lastChanges.removed} ~${info.lastChanges.modified}, ${info.lastChanges.packages} package keys touched`]
          : []),
        'sources:',
      ];
      for (const s of info.sources) {
        const stats = Object.entries(s.stats).map(([k, v]) => `${k}=${v}`).join(' ');
        out.push(`  ${s.error ? 'ERROR ' : ''}${s.name}${s.carriedOver ? ' (kept from an earlier update)' : ''}`);
        out.push(`      feed ${s.feed}, imported ${s.importedAt} (${age(Date.now() - Date.parse(s.importedAt))} ago)${s.dataDate ? `, data ${s.dataDate}` : ''}${s.etag ? `, etag ${s.etag}` : ''}`);
        out.push(`      ${s.records} records; ${stats}${s.error ? `; last error: ${s.error}` : ''}`);
      }
      if (stale) out.push(`warning: ${stale}`);
      process.stdout.write(out.join('\n') + '\n');
    });

  addReportOptions(
    db
      .command('match')
      .description('match a saved inventory or an SBOM against the vulnerability database')
      .option('--inventory <file>', 'saved inventory: `bulwark sbom -f json` output or InventoryReport JSON (any --sbom format is accepted too)')
      .option('--sbom <file>', 'CycloneDX or SPDX JSON SBOM (Bulwark, Trivy, Syft...): packages by purl, the OS from its operating-system component')
      .option('--cache-dir <dir>', 'cache directory')
      .option('--db <file>', 'database file (default: <cache-dir>/db/vuln.db)')
      .option('--vex <file>', 'OpenVEX document (repeatable)', collect, [])
      .option('--ignore-unfixed', 'only report vulnerabilities that have a fixed version')
      .option('--explain', 'add the evidence chain (file -> package -> advisory -> comparison -> status) to each finding')
      .option('--max-age <days>', 'warn when the database is older than this many days (default 7)')
      .option('--severity-source <sources>', 'rating sources in preference order, e.g. "nvd,ghsa" or "debian,auto"')
      .option('--kev-only', "only vulnerabilities in CISA's Known Exploited Vulnerabilities catalog"),
  ).action(
    async (
      opts: ReportOptions & {
        inventory?: string; sbom?: string; cacheDir?: string; db?: string; vex: string[]; ignoreUnfixed?: boolean; explain?: boolean; maxAge?: string; severitySource?: string;
      },
    ) => {
      const file = opts.inventory ?? opts.sbom;
      if (!file || (opts.inventory && opts.sbom)) throw new UserError('give one of --inventory FILE or --sbom FILE');
      const cfg = resolveConfig(opts);
      const maxAgeDays = opts.maxAge !== undefined ? Number(opts.maxAge) : maxAgeFromConfig(cfg);
      if (maxAgeDays !== undefined && !(maxAgeDays > 0)) throw new UserError(`--max-age takes a positive number of days, got '${opts.maxAge}'`);
      const format = opts.format ?? cfg.format ?? 'table';
      const report = matchSavedInventory(file, {
        cacheDir: opts.cacheDir,
        dbFile: opts.db,
        vexFiles: opts.vex,
        ignoreUnfixed: opts.ignoreUnfixed,
        explain: opts.explain,
        maxAgeDays,
        severitySources: await severitySourcesFrom(opts.severitySource, cfg),
        explainInMessage: format === 'table',
      });
      ctx.setExitCode(await emitReport(report, { ...opts, format }, [], cfg));
    },
  );
}
