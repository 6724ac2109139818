/**
 * The HTML report (`--format html`): escaping and CSP on hostile strings, then in Debian's Chromium (playwright-core,
 * no browser download): a hostile image renders its payloads as text with no script run, the bookworm test image's
 * report shows the JSON report's counts, filters and opens findings, loads in a measured time, and the CIS
 * scorecard of a host tree. Screenshots go to a temporary directory, or to docs/screenshots with
 * BULWARK_UPDATE_SCREENSHOTS=1.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { renderHtml, esc, topFixes, contentSecurityPolicy } from '../../src/report/html.js';
import { makeFinding } from '../../src/core/rule.js';
import type { Report } from '../../src/core/report.js';
import { TOOL } from '../../src/core/version.js';
import { META_FILE, sampleReport } from '../support/findings.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { dockerAvailable, ensureBookwormImages } from '../support/images.js';
import { buildDb } from '../vulndb/helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const engine = dockerAvailable();
const SHOTS = process.env.BULWARK_UPDATE_SCREENSHOTS === '1' ? join(import.meta.dirname, '../../docs/screenshots') : tempDir('bw-html-shots-');
const SHARED_ROOTFS = join(import.meta.dirname, '../../../shared/data/rootfs');

const PAYLOADS = ['<script>window.__pwned=1</script>', '"><img src=x onerror="window.__pwned=2">', "'><svg onload=window.__pwned=3>", 'javascript:window.__pwned=4'];

function hostileReport(): Report {
  const findings = PAYLOADS.map((p, i) =>
    makeFinding(META_FILE, {
      location: { kind: 'image', image: `img${p}`, layerIndex: 0, path: `app/${p}` },
      key: `k${i}`,
      message: `message ${p}`,
      evidence: { label: p },
    }),
  );
  findings[0]!.references.push('javascript:alert(1)', 'https://example.org/a"b', 'https://nvd.nist.gov/vuln/detail/CVE-2024-1');
  return {
    tool: TOOL,
    targets: [{ type: 'image', name: `img${PAYLOADS[0]}` }],
    findings,
    packages: [{ name: PAYLOADS[1], version: PAYLOADS[2], ecosystem: 'npm', layerIndex: 0, path: PAYLOADS[3] }],
    summary: { name: PAYLOADS[0], layers: [{ index: 0, digest: 'sha256:' + 'a'.repeat(64), size: 10, createdBy: PAYLOADS[2] }] },
    warnings: [PAYLOADS[1]],
  };
}

describe('HTML report: escaping and policy', () => {
  test('esc escapes markup and quote characters', () => {
    assert.equal(esc(`<a href="x" onclick='y'>&\``), '&#60;a href=&#34;x&#34; onclick=&#39;y&#39;&#62;&#38;&#96;');
  });

  test('hostile strings never reach the page as markup; only http(s) references become links', () => {
    const html = renderHtml(hostileReport(), { color: false });
    assert.equal(html.match(/<script/g)?.length, 1, 'exactly the report own script element');
    assert.equal(html.match(/<\/script>/g)?.length, 1);
    assert.doesNotMatch(html, /<img/);
    assert.doesNotMatch(html, /<svg onload/);
    assert.doesNotMatch(html, /href="javascript:/i);
    assert.match(html, /href="https:\/\/nvd\.nist\.gov\/vuln\/detail\/CVE-2024-1"/);
    assert.doesNotMatch(html, /href="https:\/\/example\.org\/a/, 'a URL with a quote is shown as text');
    assert.doesNotMatch(html, / style="/, 'no style attribute (the CSP allows none)');
    // every '<' of scanned text is escaped, so a raw '<' starts one of the report's own tags: none has a handler
    assert.doesNotMatch(html, /<[^>]*\son[a-z]+\s*=/i, 'no inline event handler');
  });

  test('the CSP allows exactly the inline script and style by their hashes', () => {
    const html = renderHtml(sampleReport(), { color: false });
    const script = /<script>([\s\S]*)<\/script>/.exec(html)![1]!;
    const style = /<style>([\s\S]*)<\/style>/.exec(html)![1]!;
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!;
    assert.equal(csp, contentSecurityPolicy(script, style));
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /unsafe/);
    assert.doesNotMatch(html, /https?:\/\/(?!www\.w3\.org\/2000\/svg)[^"]*"[^>]*(src|href)=/, 'no remote resource');
  });

  test('top fixes group vulnerabilities by package and other findings by rule, worst first', () => {
    const r = sampleReport();
    const fixes = topFixes(r.findings);
    assert.equal(fixes[0]!.title, 'BW-TEST-001: Test rule on a file');
    assert.equal(fixes[0]!.findings.length, 2); // the critical and the high of BW-TEST-001 (info ones are not fixes)
  });

  test('tables give every count of the report', () => {
    const html = renderHtml(sampleReport(), { color: false });
    assert.match(html, /data-total="5"/);
    assert.match(html, /<td data-count-total="critical">1<\/td>/);
  });
});

describe('HTML report in Chromium', { skip: !haveChromium && 'needs /usr/bin/chromium' }, () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let browser: any;
  let work = '';
  let db = '';

  before(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    work = tempDir('bw-html-');
    mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    rmSync(work, { recursive: true, force: true });
  });

  async function open(file: string): Promise<{ page: any; ms: number; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m: any) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e: Error) => errors.push(e.message));
    page.on('dialog', (d: any) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    const t0 = performance.now();
    await page.goto('file://' + file, { waitUntil: 'load' });
    const ms = performance.now() - t0;
    return { page, ms, errors };
  }

  async function dbFile(): Promise<string> {
    if (!db) db = join((await buildDb(undefined, join(work, 'db'))).cacheDir, 'db', 'vuln.db');
    return db;
  }

  test('a hostile image: file names, labels, env and package metadata render as text, no script runs', { skip: !engine && 'no Docker engine' }, async () => {
    const ctx = join(work, 'hostile');
    const app = join(ctx, 'app');
    mkdirSync(join(app, 'node_modules', 'evil'), { recursive: true });
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    // file names cannot hold '/', so no closing tag: an img/svg with a handler is the payload
    writeFileSync(join(app, '"><img src=x onerror=window.__pwned=5>.pem'), key);
    writeFileSync(join(app, '<svg onload=window.__pwned=6>.key'), key);
    writeFileSync(
      join(app, 'node_modules', 'evil', 'package.json'),
      JSON.stringify({ name: 'evil<img src=x onerror=window.__pwned=7>', version: '1.0.0', description: PAYLOADS[0], homepage: PAYLOADS[3], license: '<b>MIT</b>' }),
    );
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', dependencies: { evil: '1.0.0' } }));
    writeFileSync(
      join(ctx, 'Dockerfile'),
      [
        'FROM scratch',
        `LABEL description="<script>window.__pwned=8</script>" homepage="javascript:window.__pwned=9" evil="<img src=x onerror=window.__pwned=10>"`,
        `ENV API_SECRET="\\"><img src=x onerror=window.__pwned=11>" PASSWORD="<script>window.__pwned=12</script>"`,
        'COPY app/ /app/',
        'USER root',
      ].join('\n'),
    );
    const tag = `bulwark-test/html-hostile:${process.pid}`;
    execFileSync('docker', ['build', '-q', '-t', tag, ctx], { stdio: 'ignore', timeout: 300_000 });
    try {
      const out = join(work, 'hostile.html');
      const r = await runCli(['image', `docker:${tag}`, '-f', 'html', '-o', out, '--no-vulns', '--cache-dir', join(work, 'cache')]);
      assert.ok(r.code === 0 || r.code === 1, r.stderr);
      const html = readFileSync(out, 'utf8');
      assert.equal(html.match(/<script/g)?.length, 1);
      const { page, errors } = await open(out);
      assert.equal(await page.evaluate(() => (window as any).__pwned), undefined, 'no payload ran');
      assert.equal(await page.locator('img').count(), 0);
      assert.equal(await page.locator('[onload],[onerror]').count(), 0);
      assert.deepEqual(errors, [], 'no script error, CSP violation or dialog');
      const text = (await page.textContent('body')) as string;
      assert.ok(text.includes('"><img src=x onerror=window.__pwned=5>.pem'), 'the file name is shown as text');
      assert.ok(await page.locator('#filters').isVisible(), 'the report script ran under the CSP');
      await page.screenshot({ path: join(SHOTS, 'report-hostile.png') });
      await page.close();
    } finally {
      execFileSync('docker', ['rmi', '-f', tag], { stdio: 'ignore' });
    }
  });

  test('the bookworm app image: counts equal the JSON report, a filter shows the right rows, a finding opens', { skip: (!engine && 'no Docker engine') || (!existsSync(SHARED_ROOTFS) && 'needs ../shared (the test images)') }, async () => {
    const { app } = ensureBookwormImages();
    const cache = join(work, 'cache');
    const common = ['--cache-dir', cache, '--db', await dbFile()];
    const jr = await runCli(['image', `docker:${app}`, '-f', 'json', ...common]);
    assert.ok(jr.code === 0 || jr.code === 1, jr.stderr);
    const json = JSON.parse(jr.stdout) as Report;
    const out = join(work, 'bookworm.html');
    const hr = await runCli(['image', `docker:${app}`, '-f', 'html', '-o', out, ...common]);
    assert.ok(hr.code === 0 || hr.code === 1, hr.stderr);
    const { page, ms, errors } = await open(out);
    process.stdout.write(`# html report: ${json.findings.length} findings, ${(json.packages ?? []).length} packages, ${(readFileSync(out).length / 1024).toFixed(0)} KiB, opened in Chromium in ${ms.toFixed(0)} ms\n`);
    assert.ok(ms < 10_000, `opened in ${ms} ms`);
    assert.deepEqual(errors, []);
    const visible = json.findings.filter((f) => !f.suppressed);
    assert.equal(await page.getAttribute('[data-total]', 'data-total'), String(visible.length));
    for (const s of ['critical', 'high', 'medium', 'low', 'unknown', 'info']) {
      const n = visible.filter((f) => f.severity === s).length;
      assert.equal(await page.textContent(`[data-count-total="${s}"]`), String(n), `${s} count`);
    }
    assert.equal(await page.locator('#finding-list .finding').count(), visible.length);
    assert.equal(await page.locator('table.pkgs tbody tr').count(), (json.packages ?? []).length);
    await page.screenshot({ path: join(SHOTS, 'report-image.png') });

    // filter: high and worse
    await page.selectOption('#f-sev', 'high');
    const high = visible.filter((f) => f.severity === 'critical' || f.severity === 'high').length;
    assert.equal(await page.locator('#finding-list .finding:not([hidden])').count(), high);
    assert.equal(await page.textContent('#f-count'), `${high} of ${visible.length} shown`);
    // search narrows further
    await page.fill('#f-q', 'minimist');
    const mini = visible.filter((f) => (f.severity === 'critical' || f.severity === 'high') && JSON.stringify(f).includes('minimist')).length;
    assert.ok(mini >= 1);
    assert.equal(await page.locator('#finding-list .finding:not([hidden])').count(), mini);
    // open the first visible finding with the keyboard
    const first = page.locator('#finding-list .finding:not([hidden]) summary').first();
    await first.focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('#finding-list .finding[open]').count(), 1);
    assert.match((await page.locator('#finding-list .finding[open]').textContent()) as string, /Fix/);
    await page.screenshot({ path: join(SHOTS, 'report-finding.png') });
    // the layer view: every layer has a row, numbered from 0 as the findings' locations are
    const layers = (json.summary?.layers as unknown[]).length;
    assert.equal(await page.locator('table.layers tbody tr').count(), layers);
    assert.ok(await page.locator('#layer-0').count());
    await page.close();
  });

  test('the example project (scan): counts equal the JSON report, the pipeline top fixes are shown, a stage filter works', async () => {
    const project = join(import.meta.dirname, '../../examples/pipeline');
    const common = ['scan', project, '--no-images'];
    const jr = await runCli([...common, '-f', 'json']);
    assert.ok(jr.code === 0 || jr.code === 1, jr.stderr);
    const json = JSON.parse(jr.stdout) as Report;
    const out = join(work, 'project.html');
    const hr = await runCli([...common, '-f', 'html', '-o', out]);
    assert.ok(hr.code === 0 || hr.code === 1, hr.stderr);
    const { page, ms, errors } = await open(out);
    process.stdout.write(`# html report of examples/pipeline: ${json.findings.length} findings, opened in ${ms.toFixed(0)} ms\n`);
    assert.deepEqual(errors, []);
    const visible = json.findings.filter((f) => !f.suppressed);
    assert.equal(await page.getAttribute('[data-total]', 'data-total'), String(visible.length));
    assert.equal(await page.locator('#finding-list .finding').count(), visible.length);
    const fixes = (json.summary?.topFixes as unknown[] | undefined) ?? [];
    if (fixes.length) assert.equal(await page.locator('#fixes ol.fixes li').count(), fixes.length);
    const stage = visible[0]!.stage;
    await page.selectOption('#f-stage', stage);
    assert.equal(await page.locator('#finding-list .finding:not([hidden])').count(), visible.filter((f) => f.stage === stage).length);
    await page.screenshot({ path: join(SHOTS, 'report-project.png') });
    await page.close();
  });

  test('cis: the scorecard counts every check per section', async () => {
    const root = join(work, 'host-root');
    const { entries } = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/daemon/root-bad.json'), 'utf8')) as { entries: Array<{ path: string; type: string; mode?: string; content?: string }> };
    for (const e of entries) {
      const p = join(root, e.path);
      mkdirSync(dirname(p), { recursive: true });
      if (e.type === 'dir') mkdirSync(p, { recursive: true });
      else if (e.type !== 'symlink') {
        writeFileSync(p, e.content ?? '');
        chmodSync(p, parseInt(e.mode ?? '0644', 8));
      }
    }
    const jr = await runCli(['cis', '--root', root, '-f', 'json']);
    const json = JSON.parse(jr.stdout) as Report;
    const out = join(work, 'cis.html');
    await runCli(['cis', '--root', root, '-f', 'html', '-o', out]);
    const { page, errors } = await open(out);
    assert.deepEqual(errors, []);
    const checks = json.checks ?? [];
    assert.ok(checks.length > 10);
    for (const status of ['pass', 'fail']) {
      const cells = await page.locator(`[data-status="${status}"]`).allTextContents();
      assert.equal(cells.reduce((a: number, c: string) => a + Number(c), 0), checks.filter((c) => c.status === status).length, status);
    }
    // sections 4 and 5 are listed (not evaluated offline), each with Docker Bench's score
    for (const sec of ['4', '5']) assert.ok((await page.locator(`td[data-section="${sec}"][data-status="not-evaluated"]`).count()) === 1, `section ${sec} row`);
    const score5 = await page.locator('td[data-section="5"][data-score]').getAttribute('data-score');
    const five = checks.filter((c) => c.section === '5');
    assert.equal(Number(score5), five.filter((c) => c.status === 'pass').length - five.filter((c) => c.status === 'fail' || c.status === 'warn').length);
    await page.screenshot({ path: join(SHOTS, 'report-cis.png') });
    await page.close();
  });
});
