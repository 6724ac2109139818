/**
 * The service dashboard at `/`: server-rendered pages with the HTML report's escaping and Content-Security-Policy
 * (report/html.ts), readable with JavaScript off.
 *
 *   /                       fleet overview: database status and age, images by worst severity, the trend of
 *                           notifications over database updates
 *   /images/{digest}        one image: the same content as `bulwark image -f html`, against today's database
 *   /notifications          what database updates changed for which image (paged)
 *   /login, /logout         read-only token login (when reads need a credential)
 *
 * Login: the token (from --tokens, or a JWT) is checked once and exchanged for a session cookie (HttpOnly,
 * SameSite=Strict, 8 hours) signed with a key that lives only in this process; any valid credential with at least
 * the `read` scope may log in, and the dashboard only ever reads. Failed logins are rate limited per address.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { imageReport, type ImageIndex } from '../app/image.js';
import { SEVERITIES, isSeverity, severityRank, type Finding, type Severity } from '../core/finding.js';
import { sortFindings } from '../core/policy.js';
import { contentSecurityPolicy, esc, htmlPage, reportBody, REPORT_SCRIPT, REPORT_STYLE } from '../report/html.js';
import { hasScope, SCOPES, type Principal, type Scope } from './auth.js';
import type { ServerContext } from './routes.js';
import type { ImageRecord, VulnVerdict } from './store/index.js';

const SESSION_COOKIE = 'bulwark_session';
const SESSION_MS = 8 * 3600_000;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

const EXTRA_STYLE = `
.dash-nav{display:flex;gap:1.2rem;align-items:center;border-bottom:1px solid #d1d5db;padding-bottom:.4rem}
.dash-nav .who{margin-left:auto;color:#4b5563}
.login{max-width:28rem}.login input{width:100%;padding:.3rem;font-size:1rem}.login button{margin-top:.6rem;padding:.3rem 1rem;font-size:1rem}
.stale{color:#9a4a00;font-weight:600}.err{color:#b91c1c;font-weight:600}
`;
const STYLE = REPORT_STYLE + EXTRA_STYLE;

function page(title: string, body: string, who: string | undefined): string {
  const nav = `<nav class="dash-nav" aria-label="Dashboard"><a href="/">Fleet</a><a href="/notifications">Notifications</a><a href="/api/v1/openapi.json">API</a>${who ? `<span class="who">${esc(who)} · <a href="/logout">log out</a></span>` : ''}</nav>`;
  return htmlPage(title, nav + body, { style: STYLE, script: REPORT_SCRIPT, formAction: true });
}

/** The CSP header of every dashboard page (the page repeats it in a meta element). */
function cspHeader(): string {
  return `${contentSecurityPolicy(REPORT_SCRIPT, STYLE).replace("form-action 'none'", "form-action 'self'")}; frame-ancestors 'none'`;
}

function send(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply
    .code(status)
    .header('content-security-policy', cspHeader())
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(html);
}

class Sessions {
  private readonly key = randomBytes(32);
  sign(p: Principal): string {
    const payload = Buffer.from(JSON.stringify({ id: p.id, scopes: [...p.scopes], exp: Date.now() + SESSION_MS })).toString('base64url');
    return `${payload}.${createHmac('sha256', this.key).update(payload).digest('base64url')}`;
  }
  verify(cookie: string | undefined): Principal | undefined {
    if (!cookie || cookie.length > 2048) return undefined;
    const [payload, mac] = cookie.split('.');
    if (!payload || !mac) return undefined;
    const want = createHmac('sha256', this.key).update(payload).digest();
    const got = Buffer.from(mac, 'base64url');
    if (got.length !== want.length || !timingSafeEqual(got, want)) return undefined;
    try {
      const s = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { id: string; scopes: string[]; exp: number };
      if (typeof s.exp !== 'number' || s.exp < Date.now()) return undefined;
      return { id: String(s.id), scopes: new Set(s.scopes.filter((x): x is Scope => (SCOPES as readonly string[]).includes(x))) };
    } catch {
      return undefined;
    }
  }
}

function cookieOf(req: FastifyRequest, name: string): string | undefined {
  const raw = req.headers.cookie;
  if (!raw || raw.length > 8192) return undefined;
  for (const part of raw.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

function worst(verdicts: VulnVerdict[]): { worst?: Severity; counts: Record<Severity, number> } {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  let w: Severity | undefined;
  for (const v of verdicts) {
    const s: Severity = isSeverity(v.severity) ? v.severity : 'unknown';
    counts[s]++;
    if (!w || severityRank(s) > severityRank(w)) w = s;
  }
  return { worst: w, counts };
}

function badge(s: Severity | undefined): string {
  return s ? `<span class="sev sev-${s}">${s.toUpperCase()}</span>` : '<span class="muted">none</span>';
}

function ageText(builtAt: string | undefined): string {
  if (!builtAt) return '';
  const ms = Date.now() - Date.parse(builtAt);
  if (!Number.isFinite(ms)) return '';
  const days = ms / 86_400_000;
  const text = days < 1 ? `${Math.max(0, Math.round(ms / 3_600_000))} hour(s) old` : `${days.toFixed(1)} day(s) old`;
  return days > 7 ? `<span class="stale">${text}: older than 7 days, update it</span>` : text;
}

/** Bars of notifications (and affected images) per database update, oldest to newest. */
function trendChart(updates: Array<{ at: string; notifications: number; images: number }>): string {
  if (!updates.length) return '<p class="muted">No database update yet.</p>';
  const W = 640;
  const H = 150;
  const max = Math.max(1, ...updates.map((u) => u.notifications));
  const bw = Math.min(40, (W - 40) / updates.length - 4);
  let body = '';
  updates.forEach((u, i) => {
    const h = Math.round(((H - 30) * u.notifications) / max);
    const x = 30 + i * (bw + 4);
    body += `<rect x="${x}" y="${H - 20 - h}" width="${bw.toFixed(1)}" height="${h}" fill="#b91c1c"><title>${esc(`${u.at}: ${u.notifications} notification(s), ${u.images} image(s) affected`)}</title></rect>`;
    body += `<text x="${x}" y="${H - 6}" class="lbl">${i + 1}</text>`;
  });
  body += `<text x="0" y="12" class="lbl">${max}</text><text x="0" y="${H - 20}" class="lbl">0</text>`;
  return `<svg class="chart" role="img" aria-label="notifications per database update" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" xmlns="http://www.w3.org/2000/svg">${body}</svg>`;
}

export interface DashboardOptions {
  /** most images listed on the overview */
  maxImages?: number;
}

export function registerDashboardPages(app: FastifyInstance, ctx: ServerContext, opts: DashboardOptions = {}): void {
  const sessions = new Sessions();
  const failures = new Map<string, { n: number; at: number }>();
  const maxImages = opts.maxImages ?? 500;

  /** The principal of a dashboard request, or undefined (then the page redirects to /login). */
  const who = (req: FastifyRequest): Principal | 'public' | undefined => {
    if (ctx.auth.publicReads) return 'public';
    const header = req.headers.authorization;
    const p = header ? ctx.auth.authenticate(header) : sessions.verify(cookieOf(req, SESSION_COOKIE));
    return p && hasScope(p, 'read') ? p : undefined;
  };
  const guard = (req: FastifyRequest, reply: FastifyReply): Principal | 'public' | undefined => {
    const p = who(req);
    if (!p) void reply.code(303).header('location', '/login').header('cache-control', 'no-store').send();
    return p;
  };
  const label = (p: Principal | 'public') => (p === 'public' ? undefined : p.id);

  app.get('/', async (req, reply) => {
    const p = guard(req, reply);
    if (!p) return reply;
    const facts = ctx.vulns.facts();
    const list = await ctx.store.listImages({ limit: maxImages });
    const verdicts = await ctx.store.verdictsOf(list.images.filter((i) => i.state === 'indexed').map((i) => i.digest));
    const rows = list.images.map((img) => ({ img, ...worst(verdicts.get(img.digest) ?? []) }));
    rows.sort((a, b) => (b.worst ? severityRank(b.worst) : 0) - (a.worst ? severityRank(a.worst) : 0) || SEVERITIES.reduce((acc, s) => acc || b.counts[s] - a.counts[s], 0) || (a.img.name < b.img.name ? -1 : 1));
    const updates = (await ctx.store.listUpdates(20)).filter((u) => u.state === 'done').reverse();
    let h = `<header><h1>Bulwark fleet</h1></header><main>`;
    h += `<section aria-labelledby="h-db"><h2 id="h-db">Vulnerability database</h2>`;
    h += facts
      ? `<p>Built <strong data-db-built="${esc(facts.builtAt)}">${esc(facts.builtAt)}</strong> (${ageText(facts.builtAt)}).</p>`
      : `<p class="err">No vulnerability database yet: an admin runs POST /api/v1/db/update, or start the server with --update-interval.</p>`;
    h += `<h3>Notifications per database update</h3>${trendChart(updates.map((u) => ({ at: u.dbBuiltAt ?? new Date(u.startedAt).toISOString(), notifications: u.notifications ?? 0, images: u.affectedImages ?? 0 })))}</section>`;
    const bySev = Object.fromEntries(SEVERITIES.map((s) => [s, rows.filter((r) => r.worst === s).length])) as Record<Severity, number>;
    h += `<section aria-labelledby="h-images"><h2 id="h-images">Images</h2>`;
    h += `<p><strong data-images="${rows.length}">${rows.length}</strong> image(s)${list.next ? ` (the first ${maxImages})` : ''}; by worst severity: ${SEVERITIES.filter((s) => bySev[s]).map((s) => `${badge(s)} ${bySev[s]}`).join(' ') || 'no vulnerabilities'}.</p>`;
    h += `<div class="scroll"><table class="images"><caption>Images, worst first</caption><thead><tr><th scope="col">Image</th><th scope="col">Worst</th>${SEVERITIES.map((s) => `<th scope="col">${s}</th>`).join('')}<th scope="col">State</th><th scope="col">OS</th><th scope="col">Packages</th><th scope="col">Indexed</th></tr></thead><tbody>`;
    for (const r of rows) {
      h += `<tr data-digest="${esc(r.img.digest)}"><td><a href="/images/${esc(r.img.digest)}">${esc(r.img.name)}</a><br><code class="muted">${esc(r.img.digest.slice(0, 19))}</code></td><td>${badge(r.worst)}</td>${SEVERITIES.map((s) => `<td>${r.counts[s]}</td>`).join('')}<td>${esc(r.img.state)}${r.img.error ? `<br><span class="err">${esc(r.img.error)}</span>` : ''}</td><td>${esc(r.img.os ?? '')}</td><td>${r.img.packages}</td><td>${r.img.indexedAt ? esc(new Date(r.img.indexedAt).toISOString()) : ''}</td></tr>`;
    }
    h += `</tbody></table></div></section></main>`;
    return send(reply, 200, page('Bulwark fleet', h, label(p)));
  });

  app.get('/images/:digest', async (req, reply) => {
    const p = guard(req, reply);
    if (!p) return reply;
    const digest = (req.params as { digest: string }).digest;
    if (!DIGEST.test(digest)) return send(reply, 404, page('Not found', '<main><h1>Not found</h1><p>That is not an image digest.</p></main>', label(p)));
    const image: ImageRecord | undefined = await ctx.store.getImage(digest);
    if (!image) return send(reply, 404, page('Not found', `<main><h1>Not found</h1><p>No image ${esc(digest)}.</p></main>`, label(p)));
    if (image.state !== 'indexed') {
      return send(reply, 200, page(image.name, `<main><h1>${esc(image.name)}</h1><p>State: ${esc(image.state)}${image.error ? `: <span class="err">${esc(image.error)}</span>` : ''}.</p></main>`, label(p)));
    }
    const index: ImageIndex | undefined = await ctx.store.getIndex(digest);
    if (!index) return send(reply, 404, page('Not found', `<main><h1>Not found</h1><p>No index for ${esc(digest)}.</p></main>`, label(p)));
    let vulns: { findings: Finding[]; warnings: string[] } | undefined;
    if (ctx.vulns.current()) {
      const cached = await ctx.vulns.report(digest, image.name, async () => index);
      if (cached) vulns = JSON.parse(cached.body.toString('utf8')) as { findings: Finding[]; warnings: string[] };
    }
    const report = imageReport(index, vulns);
    if (!vulns) report.warnings = [...(report.warnings ?? []), 'no vulnerability database on the server yet: vulnerabilities are not shown'];
    sortFindings(report.findings);
    return send(reply, 200, page(`Bulwark: ${image.name}`, reportBody(report), label(p)));
  });

  app.get('/notifications', async (req, reply) => {
    const p = guard(req, reply);
    if (!p) return reply;
    const next = (req.query as { next?: string }).next;
    const after = next && /^\d{1,16}$/.test(next) ? Number(next) : 0;
    const pageOf = await ctx.store.listNotifications({ after, limit: 100 });
    let h = `<main><h1>Notifications</h1><p>What each database update changed for the indexed images (oldest first).</p>`;
    h += `<div class="scroll"><table class="notifications"><thead><tr><th scope="col">When</th><th scope="col">Image</th><th scope="col">Change</th><th scope="col">Vulnerability</th><th scope="col">Package</th><th scope="col">Severity</th><th scope="col">Acknowledged</th></tr></thead><tbody>`;
    for (const n of pageOf.notifications) {
      const sev: Severity = isSeverity(n.severity) ? n.severity : 'unknown';
      h += `<tr><td>${esc(new Date(n.createdAt).toISOString())}</td><td><a href="/images/${esc(n.digest)}">${esc(n.image)}</a></td><td>${esc(n.reason)}</td><td>${esc(n.vulnId)}</td><td><code>${esc(n.package)}</code></td><td>${badge(sev)}</td><td>${n.acknowledgedAt ? esc(new Date(n.acknowledgedAt).toISOString()) : 'no'}</td></tr>`;
    }
    h += `</tbody></table></div>`;
    if (!pageOf.notifications.length) h += `<p>No notification yet.</p>`;
    if (pageOf.next !== undefined) h += `<p><a href="/notifications?next=${pageOf.next}">Next page</a></p>`;
    return send(reply, 200, page('Bulwark notifications', h + `</main>`, label(p)));
  });

  const loginPage = (message?: string) =>
    page(
      'Bulwark: log in',
      `<main class="login"><h1>Log in</h1><p>Paste a token with at least the <code>read</code> scope. The dashboard only reads.</p>${message ? `<p class="err" role="alert">${esc(message)}</p>` : ''}<form method="post" action="/login"><label for="token">Token</label><input id="token" name="token" type="password" autocomplete="current-password" required maxlength="8192"><button type="submit">Log in</button></form></main>`,
      undefined,
    );

  app.get('/login', async (_req, reply) => send(reply, 200, loginPage()));
  app.get('/logout', async (_req, reply) =>
    reply.code(303).header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`).header('location', '/login').send(),
  );

  // the login form's body: parsed only here (an encapsulated context), capped at 8 KiB
  void app.register(async (child) => {
    child.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 8192 }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });
    child.post('/login', async (req, reply) => {
      const ip = req.ip;
      const f = failures.get(ip);
      const now = Date.now();
      if (f && now - f.at < 60_000 && f.n >= 10) return send(reply, 429, loginPage('Too many failed attempts: wait a minute.'));
      const token = String((req.body as { token?: unknown } | undefined)?.token ?? '');
      const p = token ? ctx.auth.authenticate(`Bearer ${token}`) : undefined;
      if (!p || !hasScope(p, 'read')) {
        const cur = f && now - f.at < 60_000 ? f : { n: 0, at: now };
        cur.n++;
        if (failures.size > 10_000) failures.clear();
        failures.set(ip, cur);
        return send(reply, 401, loginPage('That token is not valid here.'));
      }
      failures.delete(ip);
      return reply
        .code(303)
        .header('set-cookie', `${SESSION_COOKIE}=${sessions.sign(p)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_MS / 1000}`)
        .header('location', '/')
        .header('cache-control', 'no-store')
        .send();
    });
  });
}
