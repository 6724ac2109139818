/**
 * `bulwark db update | status | match`: the vulnerability database.
 */
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { addReportOptions, emitReport, resolveConfig, type ReportOptions } from '../output.js';
import { UserError } from '../../core/errors.js';
import { TOOL_VERSION } from '../../core/version.js';
import type { Report } from '../../core/report.js';
import {
  DEFAULT_SOURCES,
  VulnStore,
  dbPath,
  loadInventory,
  maxAgeFromConfig,
  stalenessWarning,
  updateDb,
  vulnerabilityFindings,
  type UpdateResult,
} from '../../vulndb/index.js';

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
    .option('--timeout <seconds>', 'network timeout: connect, response headers, and each window of a download (default 30)')
    .option('--cache-dir <dir>', 'cache directory (default $XDG_CACHE_HOME/bulwark or ~/.cache/bulwark)')
    .option('-q, --quiet', 'no progress display')
    .action(async (opts: { source: string[]; replace?: boolean; timeout?: string; cacheDir?: string; quiet?: boolean }) => {
      let timeoutMs: number | undefined;
      if (opts.timeout !== undefined) {
        const t = Number(opts.timeout);
        if (!/^\d+(\.\d+)?$/.test(opts.timeout.trim()) || !(t > 0) || t > 3600) throw new UserError(`--timeout takes a number of seconds (0 < s <= 3600), got '${opts.timeout}'`);
        timeoutMs = Math.round(t * 1000);
      }
      const tty = Boolean(process.stderr.isTTY) && !opts.quiet;
      let last = '';
      const progress = tty
        ? (line: string) => {
            const text = line.length > 100 ? `${line.slice(0, 97)}...` : line;
            process.stderr.write(`\r\x1b[K${text}`);
            last = text;
          }
        : undefined; // without a terminal the per-source summary below is the whole output
      const res = await updateDb({ cacheDir: opts.cacheDir, sources: opts.source, replace: opts.replace, timeoutMs, progress });
      if (tty && last) process.stderr.write('\r\x1b[K');
      for (const line of updateReport(res)) (line.startsWith('error') || line.startsWith('hint') || line.startsWith('warning') ? process.stderr : process.stdout).write(`${line}\n`);
      if (!res.swapped) throw new UserError(`no source could be imported; the database at ${res.path} was left unchanged`);
      ctx.setExitCode(res.sources.some((s) => !s.ok) ? 2 : 0);
    });

  db.command('status')
    .description('sources, record counts and age of the vulnerability database')
    .option('--cache-dir <dir>', 'cache directory')
    .option('--db <file>', 'database file (default: <cache-dir>/db/vuln.db)')
    .option('-f, --format <format>', 'table or json', 'table')
    .action((opts: { cacheDir?: string; db?: string; format: string }) => {
      const store = VulnStore.open(opts.db ?? dbPath(opts.cacheDir));
      try {
        const info = store.info();
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
            ? [`last update: +${info.lastChanges.added} -${info.lastChanges.removed} ~${info.lastChanges.modified} advisories, ${info.lastChanges.packages} package keys touched`]
            : []),
          'sources:',
        ];
        for (const s of info.sources) {
          const stats = Object.entries(s.stats).map(([k, v]) => `${k}=${v}`).join(' ');
          out.push(`  ${s.error ? 'ERROR ' : ''}${s.name}${s.carriedOver ? ' (kept from an earlier update)' : ''}`);
          out.push(`      feed ${s.feed}, imported ${s.importedAt} (${age(Date.now() - Date.parse(s.importedAt))} ago)${s.dataDate ? `, data ${s.dataDate}` : ''}${s.etag ? `, etag ${s.etag}` : ''}`);
          out.push(`      ${s.records} records; ${stats}${s.error ? `; last error: ${s.error}` : ''}`);
        }
        const stale = stalenessWarning(store);
        if (stale) out.push(`warning: ${stale}`);
        process.stdout.write(out.join('\n') + '\n');
      } finally {
        store.close();
      }
    });

  addReportOptions(
    db
      .command('match')
      .description('match a saved inventory (InventoryReport JSON) against the vulnerability database')
      .requiredOption('--inventory <file>', 'InventoryReport JSON')
      .option('--cache-dir <dir>', 'cache directory')
      .option('--db <file>', 'database file (default: <cache-dir>/db/vuln.db)')
      .option('--vex <file>', 'OpenVEX document (repeatable)', collect, [])
      .option('--ignore-unfixed', 'only report vulnerabilities that have a fixed version')
      .option('--explain', 'add the evidence chain (file -> package -> advisory -> comparison -> status) to each finding')
      .option('--max-age <days>', 'warn when the database is older than this many days (default 7)'),
  ).action(
    (
      opts: ReportOptions & { inventory: string; cacheDir?: string; db?: string; vex: string[]; ignoreUnfixed?: boolean; explain?: boolean; maxAge?: string },
    ) => {
      const cfg = resolveConfig(opts);
      const inv = loadInventory(opts.inventory);
      const maxAgeDays = opts.maxAge !== undefined ? Number(opts.maxAge) : maxAgeFromConfig(cfg);
      if (maxAgeDays !== undefined && !(maxAgeDays > 0)) throw new UserError(`--max-age takes a positive number of days, got '${opts.maxAge}'`);
      const { findings, warnings } = vulnerabilityFindings(inv, {
        cacheDir: opts.cacheDir,
        dbFile: opts.db,
        vexFiles: opts.vex,
        ignoreUnfixed: opts.ignoreUnfixed,
        explain: opts.explain,
        maxAgeDays,
      });
      const format = opts.format ?? cfg.format ?? 'table';
      if (opts.explain && format === 'table') {
        for (const f of findings) {
          const ex = f.vulnerability?.explanation;
          if (ex?.length) f.message += ex.map((l) => `\n             ${l}`).join('');
        }
      }
      const name = inv.image?.name ?? opts.inventory;
      const report: Report = {
        tool: { name: 'bulwark', version: TOOL_VERSION },
        targets: [{ type: 'image', name }],
        findings,
        warnings: [...inv.warnings, ...warnings],
        summary: { packages: inv.packages.length, vulnerabilities: findings.filter((f) => f.vulnerability).length },
      };
      ctx.setExitCode(emitReport(report, { ...opts, format }, [], cfg));
    },
  );
}

/**
 * The lines `db update` prints: one per source that imported (added / replaced, with the previous record
 * count), kept or dropped; failures one line per source, except network failures, which are one line per
 * unreachable host; and a hint about offline imports when a host could not be reached.
 */
export function updateReport(res: UpdateResult): string[] {
  const out: string[] = [];
  const stat = (s: UpdateResult['sources'][number]) => Object.entries(s.stats).map(([k, v]) => `${k}=${v}`).join(' ');
  for (const s of res.sources) {
    if (s.action === 'added' || s.action === 'replaced') {
      const what = s.action === 'replaced' ? `replaced (${s.before ?? 0} -> ${s.records} records)` : `added (${s.records} records)`;
      out.push(`ok      ${s.name} [${s.feeds.join(',')}] ${what}${s.notModified ? ' (not modified)' : ''} ${stat(s)} (${s.ms} ms)`);
    } else if (s.action === 'kept') {
      out.push(`kept    ${s.name} [${s.feeds.join(',')}] ${s.records} records from an earlier update (--replace drops it)`);
    } else if (s.action === 'dropped') {
      out.push(`dropped ${s.name} [${s.feeds.join(',')}] ${s.before ?? 0} records (--replace)`);
    }
  }
  const byHost = new Map<string, UpdateResult['sources']>();
  for (const s of res.sources) {
    if (s.action !== 'failed') continue;
    if (s.unreachableHost) {
      const list = byHost.get(s.unreachableHost) ?? [];
      list.push(s);
      byHost.set(s.unreachableHost, list);
    } else {
      out.push(`error   ${s.name}: ${s.error}${s.carriedOver ? ' (previous data kept)' : ''}`);
    }
  }
  for (const [host, list] of byHost) {
    const reason = (list[0]!.error ?? '').replace(/^cannot fetch \S+: /, '');
    const kept = list.filter((s) => s.carriedOver).length;
    out.push(`error   ${host}: ${reason}${list.length > 1 ? ` (${list.length} sources)` : ` (${list[0]!.name})`}${kept ? `; previous data kept for ${kept}` : ''}`);
  }
  if (byHost.size) {
    out.push(
      "hint    offline? Copy the feed files (see 'db update --help' for their URLs, or docs/vulndb.md) and import them with " +
        "'bulwark db update --source FILE|DIR|ZIP'; a slow network may need '--timeout SECONDS'",
    );
  }
  if (res.previousUnreadable) {
    out.push("warning the previous database has another schema: its sources could not be kept; run 'bulwark db update' for the full set");
  }
  if (res.swapped) {
    const n = (a: string) => res.sources.filter((s) => s.action === a).length;
    const c = res.changes;
    const changes = c?.previous ? `; changes: +${c.added.length} -${c.removed.length} ~${c.modified.length} advisories` : '';
    out.push(
      `database ${res.path}: ${(res.bytes / 1048576).toFixed(1)} MB, ${n('added') + n('replaced')} imported, ${n('kept')} kept, ${n('dropped')} dropped, ${n('failed')} failed${changes}, ${res.ms} ms`,
    );
  }
  return out;
}
