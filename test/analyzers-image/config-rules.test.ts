import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkImage } from '../../src/analyzers/image/index.js';
import { lookupEol } from '../../src/analyzers/image/eol-table.js';
import { tagOf } from '../../src/analyzers/image/config/latest-tag.js';
import type { Finding } from '../../src/core/finding.js';
import type { BulwarkConfig } from '../../src/core/config.js';
import type { ImageConfig } from '../../src/sources/types.js';
import { synthScan, type SynthLayer } from './synthetic.js';

const NOW = new Date('2026-11-22T00:00:00Z');
const GOOD: ImageConfig = {
  created: '2026-11-01T00:00:00Z',
  config: { User: 'app', Healthcheck: { Test: ['CMD', 'true'] }, ExposedPorts: { '8080/tcp': {} } },
  history: [{ created_by: 'RUN /bin/sh -c true # buildkit' }],
};
const LAYER: SynthLayer[] = [{ files: [{ path: 'etc/hostname', content: 'x' }] }];
async function run(config: Partial<ImageConfig> & { config?: ImageConfig['config'] }, opts: { repoTags?: string[]; layers?: SynthLayer[]; cfg?: BulwarkConfig } = {}) {
  const scan = await synthScan(opts.layers ?? LAYER, { config: { ...GOOD, ...config, config: { ...GOOD.config, ...(config.config ?? {}) } }, repoTags: opts.repoTags });
  return checkImage(scan, undefined, opts.cfg ?? {}, { now: NOW });
}
const ids = (fs: Finding[]) => fs.map((f) => f.ruleId).sort();

test('a well-configured image raises no config finding', async () => {
  assert.deepEqual(ids(await run({})), []);
});

test('BW-IMAGE-001 root user: empty, root, 0, 0:0', async () => {
  for (const User of ['', 'root', '0', '0:0', 'root:root']) assert.ok(ids(await run({ config: { User } })).includes('BW-IMAGE-001'), User);
  for (const User of ['app', '1000', '1000:0', 'nobody']) assert.ok(!ids(await run({ config: { User } })).includes('BW-IMAGE-001'), User);
});

test('BW-IMAGE-002 no HEALTHCHECK or HEALTHCHECK NONE', async () => {
  assert.ok(ids(await run({ config: { Healthcheck: null } })).includes('BW-IMAGE-002'));
  assert.ok(ids(await run({ config: { Healthcheck: { Test: ['NONE'] } } })).includes('BW-IMAGE-002'));
});

test('BW-IMAGE-003 EXPOSE 22', async () => {
  const f = (await run({ config: { ExposedPorts: { '22/tcp': {}, '80/tcp': {} } } })).find((x) => x.ruleId === 'BW-IMAGE-003');
  assert.ok(f);
  assert.ok(f.references.includes('CIS-5.6'));
  assert.ok(!ids(await run({ config: { ExposedPorts: { '2222/tcp': {}, '122/tcp': {} } } })).includes('BW-IMAGE-003'));
});

test('BW-IMAGE-004 latest or no tag', async () => {
  assert.equal(tagOf('registry:5000/app'), '');
  assert.equal(tagOf('registry:5000/app:1.2'), '1.2');
  assert.equal(tagOf('app@sha256:abc'), undefined);
  assert.ok(ids(await run({}, { repoTags: ['app:latest'] })).includes('BW-IMAGE-004'));
  assert.ok(ids(await run({}, { repoTags: ['localhost:5000/app'] })).includes('BW-IMAGE-004'));
  assert.ok(!ids(await run({}, { repoTags: ['app:1.4.2'] })).includes('BW-IMAGE-004'));
});

test('BW-IMAGE-005 image age, configurable', async () => {
  assert.ok(ids(await run({ created: '2024-01-01T00:00:00Z' })).includes('BW-IMAGE-005'));
  assert.ok(!ids(await run({ created: '2026-01-01T00:00:00Z' })).includes('BW-IMAGE-005'));
  assert.ok(ids(await run({ created: '2026-10-01T00:00:00Z' }, { cfg: { imageChecks: { maxAgeDays: 30 } } })).includes('BW-IMAGE-005'));
});

test('BW-IMAGE-006 end-of-life distribution from os-release; LTS window is low', async () => {
  const os = (text: string, extra: SynthLayer['files'] = []) => [{ files: [{ path: 'etc/os-release', content: text }, ...extra] }];
  const alpine = (await run({}, { layers: os('ID=alpine\nVERSION_ID=3.18.4\n', [{ path: 'etc/alpine-release', content: '3.18.4\n' }]) })).find((f) => f.ruleId === 'BW-IMAGE-006');
  assert.equal(alpine?.severity, 'high');
  const buster = (await run({}, { layers: os('ID=debian\nVERSION_ID="10"\nVERSION_CODENAME=buster\n') })).find((f) => f.ruleId === 'BW-IMAGE-006');
  assert.equal(buster?.severity, 'high');
  const bookworm = (await run({}, { layers: os('ID=debian\nVERSION_ID="12"\n') })).find((f) => f.ruleId === 'BW-IMAGE-006');
  assert.equal(bookworm?.severity, 'low');
  assert.ok(!ids(await run({}, { layers: os('ID=ubuntu\nVERSION_ID="24.04"\n') })).includes('BW-IMAGE-006'));
  assert.ok(!ids(await run({}, { layers: os('ID=rocky\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\n') })).includes('BW-IMAGE-006'));
  assert.ok(ids(await run({}, { layers: os('ID=centos\nVERSION_ID="7"\n') })).includes('BW-IMAGE-006'));
  assert.equal(lookupEol('alpine', '3.20.3')?.cycle, '3.20');
  assert.equal(lookupEol('ubuntu', '22.04')?.codename, 'jammy');
  assert.equal(lookupEol('debian', 'sid'), undefined);
});

test('BW-IMAGE-007 ONBUILD triggers', async () => {
  assert.ok(ids(await run({ config: { OnBuild: ['RUN make'] } })).includes('BW-IMAGE-007'));
  assert.ok(!ids(await run({ config: { OnBuild: [] } })).includes('BW-IMAGE-007'));
});

test('BW-IMAGE-008 ADD of a remote URL in history (not local files, not with --checksum)', async () => {
  const h = (created_by: string) => ({ history: [{ created_by }] });
  assert.ok(ids(await run(h('ADD https://example.com/tool.tgz /opt/ # buildkit'))).includes('BW-IMAGE-008'));
  assert.ok(ids(await run(h('/bin/sh -c #(nop) ADD http://example.com/x /x'))).includes('BW-IMAGE-008'));
  assert.ok(!ids(await run(h('/bin/sh -c #(nop) ADD file:0123abcd in / '))).includes('BW-IMAGE-008'));
  assert.ok(!ids(await run(h('ADD --checksum=sha256:00 https://example.com/x /x # buildkit'))).includes('BW-IMAGE-008'));
  assert.ok(!ids(await run(h('RUN /bin/sh -c curl https://example.com # buildkit'))).includes('BW-IMAGE-008'));
});

test('BW-IMAGE-009 sudo and BW-IMAGE-010 SSH server, from package lists or files', async () => {
  const fs = await run({}, { layers: [{ files: [{ path: 'var/lib/dpkg/info/sudo.list', content: '/usr/bin/sudo\n' }, { path: 'usr/bin/sudo', content: 'x', mode: 0o4755 }] }, { files: [{ path: 'usr/sbin/sshd', content: 'x', mode: 0o755 }] }] });
  assert.ok(ids(fs).includes('BW-IMAGE-009'));
  const sshd = fs.find((f) => f.ruleId === 'BW-IMAGE-010');
  assert.equal(sshd?.location.kind === 'image' && sshd.location.layerIndex, 1);
  const inv = { packages: [{ name: 'openssh-server', version: '1', ecosystem: 'deb' as const, purl: 'pkg:deb/debian/openssh-server@1', path: 'var/lib/dpkg/status', layerIndex: 0 }], warnings: [] };
  const scan = await synthScan(LAYER, { config: GOOD });
  assert.deepEqual(ids(checkImage(scan, inv, {}, { now: NOW })), ['BW-IMAGE-010']);
});
