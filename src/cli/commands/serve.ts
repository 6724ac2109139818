/**
 * `bulwark serve`: the index / report / notify service (see docs/service.md). Flags (and the `serve:` section
 * of --config) -> startServer; runs until SIGINT or SIGTERM, then stops cleanly.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import type { CliContext } from '../main.js';
import { parseIntStrict } from '../output.js';
import { configSection, loadConfig } from '../../core/config.js';
import { UserError } from '../../core/errors.js';
import { isSeverity, type Severity } from '../../core/finding.js';
import { addRegistryTrustOptions, registryOptionsFrom, type RegistryCliOptions } from '../registry-options.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** `90s`, `30m`, `6h`, `1d`, or plain seconds; 0 = off. */
export function parseDuration(v: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(v.trim());
  if (!m) throw new UserError(`${flag} takes a duration such as 30m, 6h or 1d, got '${v}'`);
  const mult = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Math.round(Number(m[1]) * mult);
}

/** `512MiB`, `2GiB`, `100m`, or plain bytes. */
export function parseSize(v: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]i?b?|b)?$/i.exec(v.trim());
  if (!m) throw new UserError(`${flag} takes a size such as 512MiB or 2GiB, got '${v}'`);
  const unit = (m[2] ?? 'b').toLowerCase()[0]!;
  const mult = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[unit as 'b' | 'k' | 'm' | 'g' | 't'];
  return Math.round(Number(m[1]) * mult);
}

const serveSection = z
  .object({
    listen: z.string().optional(),
    'allow-path': z.array(z.string()).optional(),
    tokens: z.string().optional(),
    'jwt-key': z.string().optional(),
    'jwt-issuer': z.array(z.string()).optional(),
    'public-reads': z.boolean().optional(),
    database: z.string().optional(),
    'tls-cert': z.string().optional(),
    'tls-key': z.string().optional(),
    'update-interval': z.union([z.string(), z.number()]).optional(),
    'db-source': z.array(z.string()).optional(),
    'notify-severity': z.string().optional(),
    webhooks: z.array(z.object({ url: z.string().url(), secret: z.string().min(16), 'min-severity': z.string().optional() })).optional(),
    workers: z.number().int().min(1).max(32).optional(),
    'max-upload': z.union([z.string(), z.number()]).optional(),
    'max-body': z.union([z.string(), z.number()]).optional(),
    'rate-limit': z.number().min(0).optional(),
    dashboard: z.string().optional(),
    'insecure-registry': z.array(z.string()).optional(),
    'ca-cert': z.array(z.string()).optional(),
    'registry-timeout': z.union([z.string(), z.number()]).optional(),
  })
  .strict();

interface Opts extends RegistryCliOptions {
  listen?: string;
  allowPath?: string[];
  tokens?: string;
  jwtKey?: string;
  jwtIssuer?: string[];
  publicReads?: boolean;
  database?: string;
  config?: string;
  cacheDir?: string;
  tlsCert?: string;
  tlsKey?: string;
  updateInterval?: string;
  dbSource?: string[];
  notifySeverity?: string;
  webhook?: string[];
  webhookSecretFile?: string;
  webhookAttempts?: number;
  webhookBackoff?: string;
  workers?: number;
  maxUpload?: string;
  maxBody?: string;
  rateLimit?: number;
  dashboard?: string;
  docker?: boolean;
  quiet?: boolean;
}

function severityOf(v: string | undefined, flag: string): Severity | undefined {
  if (v === undefined) return undefined;
  const s = v.toLowerCase();
  if (!isSeverity(s)) throw new UserError(`${flag}: unknown severity '${v}'`);
  return s;
}

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('serve')
    .description('run the service: index images once, read their vulnerabilities under the current database, get notified of changes (HTTP API, see docs/service.md)')
    .option('--listen <host:port>', 'address to listen on (default 127.0.0.1:8080)')
    .option('--allow-path <dir>', 'directory whose images clients may index by path (repeatable)', collect)
    .option('--tokens <file>', 'bearer tokens: one "TOKEN SCOPE[,SCOPE...]" per line (scopes read, write, admin)')
    .option('--jwt-key <file>', 'pre-shared key for HS256 JWTs (scopes in the "scope" claim)')
    .option('--jwt-issuer <iss>', 'accepted JWT issuer (repeatable; default any)', collect)
    .option('--public-reads', 'let GET requests through without a token')
    .option('--database <url>', 'postgres://... to share one PostgreSQL between servers (default: SQLite under the cache dir)')
    .option('-c, --config <file>', '.bulwark.yaml: image check settings and a `serve:` section with these options')
    .option('--cache-dir <dir>', 'cache directory (layer cache, vulnerability database, embedded store)')
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM)')
    .option('--tls-key <file>', 'and this key (PEM)')
    .option('--update-interval <duration>', 'refresh the vulnerability database this often (e.g. 6h; default: only on POST /api/v1/db/update)')
    .option('--db-source <src>', 'feed source for updates (repeatable; default the official feeds, as db update)', collect)
    .option('--notify-severity <level>', 'notify when an image gains or loses a vulnerability at or above this severity (default medium)')
    .option('--webhook <url>', 'deliver notifications to this URL (repeatable; needs --webhook-secret-file)', collect)
    .option('--webhook-secret-file <file>', 'file holding the HMAC-SHA256 secret for --webhook receivers')
    .option('--webhook-attempts <n>', 'delivery attempts before a notification is dead-lettered (default 8)', (v) => parseIntStrict(v, '--webhook-attempts'))
    .option('--webhook-backoff <duration>', 'first retry delay, doubled after each failure (default 2s)')
    .option('--workers <n>', 'index jobs run at once by this process (default 1)', (v) => parseIntStrict(v, '--workers'))
    .option('--max-upload <size>', 'largest uploaded image archive (default 4GiB)')
    .option('--max-body <size>', 'largest JSON request body (default 32MiB)')
    .option('--rate-limit <n>', 'requests per second per client (default 50; 0 = off)', (v) => parseIntStrict(v, '--rate-limit'))
    .option('--dashboard <dir>', 'serve the static files of this directory at /')
    .option('--no-docker', 'refuse docker:NAME references')
    .option('-q, --quiet', 'no log lines on stderr');
  // registry references in POST /api/v1/index are read with the same trust as `bulwark image`
  addRegistryTrustOptions(cmd).action(async (opts: Opts) => {
    const cfg = loadConfig(opts.config);
    const sec = configSection(cfg, 'serve', serveSection) ?? {};
    const registry = await registryOptionsFrom({
      insecureRegistry: opts.insecureRegistry ?? sec['insecure-registry'],
      caCert: opts.caCert ?? sec['ca-cert'],
      registryTimeout: opts.registryTimeout ?? (sec['registry-timeout'] !== undefined ? String(sec['registry-timeout']) : undefined),
    }, undefined);
    const { readFileSync } = await import('node:fs');
    const secretFile = opts.webhookSecretFile;
    let webhooks: Array<{ url: string; secret: string; minSeverity?: Severity }> = (sec.webhooks ?? []).map((w) => ({
      url: w.url,
      secret: w.secret,
      ...(w['min-severity'] ? { minSeverity: severityOf(w['min-severity'], 'serve.webhooks.min-severity')! } : {}),
    }));
    if (opts.webhook?.length) {
      if (!secretFile) throw new UserError('--webhook needs --webhook-secret-file');
      const secret = readFileSync(secretFile, 'utf8').trim();
      if (secret.length < 16) throw new UserError(`the webhook secret in ${secretFile} is shorter than 16 characters`);
      webhooks = [...webhooks, ...opts.webhook.map((url) => ({ url, secret }))];
    }
    const interval = opts.updateInterval ?? (sec['update-interval'] !== undefined ? String(sec['update-interval']) : undefined);
    const { startServer } = await import('../../server/index.js');
    let server;
    try {
      server = await startServer({
        listen: opts.listen ?? sec.listen,
        cacheDir: opts.cacheDir,
        database: opts.database ?? sec.database,
        allowPaths: [...(opts.allowPath ?? []), ...(sec['allow-path'] ?? [])],
        tokensFile: opts.tokens ?? sec.tokens,
        jwtKeyFile: opts.jwtKey ?? sec['jwt-key'],
        jwtIssuers: opts.jwtIssuer ?? sec['jwt-issuer'],
        publicReads: opts.publicReads ?? sec['public-reads'],
        tlsCert: opts.tlsCert ?? sec['tls-cert'],
        tlsKey: opts.tlsKey ?? sec['tls-key'],
        updateIntervalMs: interval ? parseDuration(interval, '--update-interval') : 0,
        dbSources: opts.dbSource ?? sec['db-source'],
        notifySeverity: severityOf(opts.notifySeverity ?? sec['notify-severity'], '--notify-severity'),
        webhooks,
        workers: opts.workers ?? sec.workers,
        delivery: {
          ...(opts.webhookAttempts !== undefined ? { maxAttempts: Math.max(1, opts.webhookAttempts) } : {}),
          ...(opts.webhookBackoff !== undefined ? { backoffMs: Math.max(1, parseDuration(opts.webhookBackoff, '--webhook-backoff')) } : {}),
        },
        maxUploadBytes: opts.maxUpload ? parseSize(opts.maxUpload, '--max-upload') : sec['max-upload'] !== undefined ? parseSize(String(sec['max-upload']), 'serve.max-upload') : undefined,
        maxBodyBytes: opts.maxBody ? parseSize(opts.maxBody, '--max-body') : sec['max-body'] !== undefined ? parseSize(String(sec['max-body']), 'serve.max-body') : undefined,
        rateLimit: opts.rateLimit ?? sec['rate-limit'],
        dashboardDir: opts.dashboard ?? sec.dashboard,
        config: cfg,
        allowDocker: opts.docker !== false,
        registry,
        log: !opts.quiet,
      });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (e instanceof UserError) throw e;
      if (err.code === 'EADDRINUSE') throw new UserError(`cannot listen on ${opts.listen ?? sec.listen ?? '127.0.0.1:8080'}: address in use`);
      if (err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND' || /password|authentication|database .* does not exist/i.test(err.message)) {
        throw new UserError(`cannot open the service database: ${err.message}`);
      }
      if (err.code === 'ENOENT' || err.code === 'EACCES' || /^--/.test(err.message)) throw new UserError(err.message);
      throw e;
    }
    process.stderr.write(`bulwark serve: listening on ${server.url} (node ${server.node})\n`);
    await new Promise<void>((resolve) => {
      // the server owns shutdown: the process entry's handlers (exit 130/143 at once) give way to a clean
      // stop (requests answered, the running job handed back to the queue, stores closed, exit 0); a second
      // signal while stopping ends the process the entry's way
      let stopping = false;
      const stop = (sig: 'SIGINT' | 'SIGTERM') => {
        if (stopping) {
          process.stderr.write(`bulwark serve: ${sig} again, exiting now\n`);
          process.exit(sig === 'SIGINT' ? 130 : 143);
        }
        stopping = true;
        process.stderr.write(`bulwark serve: ${sig}, stopping\n`);
        void server.close().finally(resolve);
      };
      for (const sig of ['SIGINT', 'SIGTERM'] as const) {
        process.removeAllListeners(sig);
        process.on(sig, () => stop(sig));
      }
    });
    ctx.setExitCode(0);
  });
}
