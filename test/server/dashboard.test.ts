/**
 * The service dashboard on a real `bulwark serve` process, driven in Debian's Chromium (playwright-core): token
 * login, the fleet overview against the API's own answers, an image page with the same counts as the API, the
 * notifications page, escaping and CSP with a hostile image name. Screenshots as in test/report/html.test.ts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { call, startServer, tokensFile, TOKENS, waitFor, type TestServer } from '../support/server.js';
import { tempDir } from '../support/tmp.js';
import { ALPINE_ROOTFS, SECDB } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = process.env.BULWARK_UPDATE_SCREENSHOTS === '1' ? join(import.meta.dirname, '../../docs/screenshots') : tempDir('bw-dash-shots-');
const HOSTILE = '"><img src=x onerror=window.__pwned=1><script>window.__pwned=2</script>';

describe('bulwark serve dashboard in Chromium', { skip: !existsSync(CHROMIUM) && 'needs /usr/bin/chromium' }, () => {
  const work = tempDir('bw-dash-');
  const allow = join(work, 'allow');
  let srv: TestServer;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let browser: any;
  let digest = '';

  before(async () => {
    mkdirSync(allow);
    const rootfs = join(allow, 'alpine.tar.gz');
    copyFileSync(ALPINE_ROOTFS, rootfs);
    srv = await startServer(['--allow-path', allow, '--tokens', tokensFile(work), '--cache-dir', join(work, 'cache'), '--rate-limit', '0', '-q']);
    const upd = await call(srv.url, 'POST', '/api/v1/db/update', { token: TOKENS.admin, json: { sources: [SECDB] } });
    assert.equal(upd.status, 202, upd.text);
    await waitFor(async () => {
      const u = await call(srv.url, 'GET', `/api/v1/db/updates/${upd.body.id}`, { token: TOKENS.read });
      if (u.body.state === 'failed') assert.fail(u.body.error);
      return u.body.state === 'done' ? true : undefined;
    }, 'the database update');
    const sub = await call(srv.url, 'POST', '/api/v1/index', { token: TOKENS.write, json: { ref: `rootfs:${rootfs}`, name: HOSTILE } });
    assert.equal(sub.status, 202, sub.text);
    digest = sub.body.digest;
    await waitFor(async () => ((await call(srv.url, 'GET', `/api/v1/vulnerabilities/${digest}`, { token: TOKENS.read })).status === 200 ? true : undefined), 'indexing');
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await srv?.stop();
  });

  test('pages need a read token: the login form exchanges it for a session; a bad token is refused', async () => {
    const anon = await fetch(srv.url + '/', { redirect: 'manual' });
    assert.equal(anon.status, 303);
    assert.equal(anon.headers.get('location'), '/login');
    const bad = await fetch(srv.url + '/login', { method: 'POST', body: 'token=not-a-token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
    assert.equal(bad.status, 401);
    assert.match(await bad.text(), /not valid/);
    const withHeader = await fetch(srv.url + '/', { headers: { authorization: `Bearer ${TOKENS.read}` } });
    assert.equal(withHeader.status, 200);
    const csp = withHeader.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'sha256-/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe/);
    // the API keeps its problem+json answers
    const api = await fetch(srv.url + '/api/v1/images');
    assert.equal(api.status, 401);
  });

  test('fleet overview, image page and notifications in the browser: API counts, escaped names, no script but the page own', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on('console', (m: any) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e: Error) => errors.push(e.message));
    page.on('dialog', (d: any) => (errors.push('dialog'), void d.dismiss()));

    await page.goto(srv.url + '/');
    assert.match(page.url(), /\/login$/);
    await page.fill('#token', TOKENS.read);
    await page.click('button[type=submit]');
    await page.waitForURL(srv.url + '/');
    const images = await call(srv.url, 'GET', '/api/v1/images', { token: TOKENS.read });
    assert.equal(await page.getAttribute('[data-images]', 'data-images'), String(images.body.images.length));
    assert.equal(await page.locator('table.images tbody tr').count(), images.body.images.length);
    const db = await call(srv.url, 'GET', '/api/v1/db', { token: TOKENS.read });
    assert.equal(await page.getAttribute('[data-db-built]', 'data-db-built'), db.body.database.builtAt);
    assert.ok(((await page.textContent('table.images')) as string).includes(HOSTILE), 'the hostile name is shown as text');
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.evaluate(() => (window as any).__pwned), undefined);
    await page.screenshot({ path: join(SHOTS, 'dashboard-fleet.png') });

    await page.click(`tr[data-digest="${digest}"] a`);
    await page.waitForURL(`${srv.url}/images/${digest}`);
    const vulns = await call(srv.url, 'GET', `/api/v1/vulnerabilities/${digest}`, { token: TOKENS.read });
    const index = await call(srv.url, 'GET', `/api/v1/index/${digest}`, { token: TOKENS.read });
    const total = vulns.body.findings.length + index.body.index.findings.length;
    assert.ok(vulns.body.findings.length > 0, 'the Alpine image has vulnerabilities in the secdb fixture');
    assert.equal(await page.getAttribute('[data-total]', 'data-total'), String(total));
    assert.equal(await page.locator('#finding-list .finding').count(), total);
    assert.ok(await page.locator('#filters').isVisible(), 'the report script ran under the CSP');
    await page.selectOption('#f-sev', 'high');
    const high = [...vulns.body.findings, ...index.body.index.findings].filter((f: { severity: string }) => f.severity === 'critical' || f.severity === 'high').length;
    assert.equal(await page.locator('#finding-list .finding:not([hidden])').count(), high);
    await page.screenshot({ path: join(SHOTS, 'dashboard-image.png') });

    await page.click('nav.dash-nav a[href="/notifications"]');
    await page.waitForURL(`${srv.url}/notifications`);
    assert.match((await page.textContent('h1')) as string, /Notifications/);
    assert.deepEqual(errors, []);
    await page.click('a[href="/logout"]');
    await page.waitForURL(`${srv.url}/login`);
    await ctx.close();
  });
});
