/** Hostile or broken snapshots: the audit reports, never crashes or hangs. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectHostEvidence } from '../../src/host/collect.js';
import { runChecks } from '../../src/analyzers/daemon/run.js';
import { parseDockerdArgs } from '../../src/host/settings.js';
import { splitCommand } from '../../src/host/systemd.js';

function tree(files: Record<string, string | { link: string }>): string {
  const root = mkdtempSync(join(tmpdir(), 'bw-hostile-'));
  for (const [p, v] of Object.entries(files)) {
    const full = join(root, p);
    mkdirSync(join(full, '..'), { recursive: true });
    if (typeof v === 'string') writeFileSync(full, v);
    else symlinkSync(v.link, full);
  }
  return root;
}

describe('hostile snapshots', () => {
  const roots: string[] = [];
  after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

  it('malformed daemon.json: reported as a failure (dockerd would not start), other checks still run', async () => {
    const root = tree({ '/etc/docker/daemon.json': '{"icc": false, ' });
    roots.push(root);
    const ev = await collectHostEvidence({ root });
    assert.match(ev.configFile.parseError ?? '', /not valid JSON/);
    const { results } = runChecks(ev, 'all');
    const c = results.find((r) => r.ruleId === 'BW-DAEMON-019');
    assert.equal(c?.status, 'fail');
    assert.ok(results.length > 40);
  });

  it('daemon.json that is not an object, and a huge one, are handled', async () => {
    const a = tree({ '/etc/docker/daemon.json': '[1,2,3]' });
    const b = tree({ '/etc/docker/daemon.json': '{"labels": ["' + 'x'.repeat(5 * 1024 * 1024) + '"]}' });
    roots.push(a, b);
    assert.match((await collectHostEvidence({ root: a })).configFile.parseError ?? '', /not a JSON object/);
    // read up to a limit: the truncated text is reported as invalid, not loaded whole
    assert.match((await collectHostEvidence({ root: b })).configFile.parseError ?? '', /not valid JSON/);
  });

  it('garbage /etc/group, /etc/passwd, fstab, unit files and audit rules do not crash', async () => {
    const junk = '\u0000\u0001::::\n:x:\n' + 'a:b:c:d:e:f:g\n'.repeat(3) + '\uFFFD'.repeat(100);
    const root = tree({
      '/etc/group': junk + 'docker:x:notanumber:alice\n',
      '/etc/passwd': junk,
      '/etc/fstab': junk,
      '/etc/os-release': junk,
      '/lib/systemd/system/docker.service': '[Service]\nExecStart=/usr/bin/dockerd "unterminated \\\n',
      '/etc/audit/rules.d/x.rules': '-w\n-F\n-a always,exit -F path=\n' + junk,
      '/var/lib/dpkg/status': junk,
    });
    roots.push(root);
    const ev = await collectHostEvidence({ root });
    const { results } = runChecks(ev, 'all');
    assert.ok(results.every((r) => !/check failed/.test(r.message)), JSON.stringify(results.filter((r) => /check failed/.test(r.message))));
  });

  it('symlink loops and links pointing outside the root', async () => {
    const root = tree({
      '/etc/docker/daemon.json': { link: '/etc/docker/daemon.json' },
      '/etc/default/docker': { link: '../../../../../../../../../../etc/shadow' },
      '/lib/systemd/system/docker.service': { link: 'docker.service' },
    });
    roots.push(root);
    const ev = await collectHostEvidence({ root });
    assert.match(ev.configFile.facts.error ?? '', /too many levels/);
    // resolved inside the root: /etc/shadow of the snapshot, which does not exist
    assert.equal(ev.envFiles.defaultDocker.exists, false);
    const { results } = runChecks(ev, 'daemon');
    assert.ok(results.some((r) => r.ruleId === 'BW-DAEMON-028' && r.status === 'warn' && /cannot examine/.test(r.message)));
  });

  it('argument and command parsers accept anything', () => {
    assert.doesNotThrow(() => parseDockerdArgs(['dockerd', '--', '-H', '=', '--=x', '-', '--log-level']));
    assert.deepEqual(splitCommand('"a'), ['a']);
    assert.deepEqual(splitCommand(''), []);
  });
});
