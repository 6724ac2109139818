/** `bulwark daemon|host|cis`: options, exit codes, table score line, json/sarif. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildTree, isRoot, loadTree, removeTree } from './tree.js';

const RUNNER = join('test', 'daemon', 'cli-run.ts');

function bulwark(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', RUNNER, ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('bulwark cis/daemon/host: bad input', () => {
  it('rejects a missing --root with exit 2 and no stack trace', () => {
    const r = bulwark('daemon', '--root', '/nonexistent/bw-root');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--root: no such directory/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
  it('rejects a malformed --host, --host with --root, and a non-numeric --pid', () => {
    assert.equal(bulwark('daemon', '--host', 'ftp://x').code, 2);
    assert.match(bulwark('host', '--root', '/', '--host', 'unix:///x.sock').stderr, /exclude each other/);
    assert.equal(bulwark('cis', '--pid', 'abc').code, 2);
  });
});

describe('bulwark cis --root', { skip: isRoot ? false : 'fixture trees need root for chown' }, () => {
  let good = '';
  let bad = '';
  before(() => {
    good = buildTree(loadTree('root-good'));
    bad = buildTree(loadTree('root-bad'));
  });
  after(() => {
    removeTree(good);
    removeTree(bad);
  });

  it('prints the table grouped by CIS section with a docker-bench-like score', () => {
    const r = bulwark('cis', '--root', good);
    assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}\n${r.stdout.slice(-3000)}`);
    for (const h of ['[1 Host configuration]', '[2 Docker daemon configuration]', '[3 Docker daemon configuration files]', '[6 Docker security operations]']) assert.ok(r.stdout.includes(h), `${h} missing in:\n${r.stdout}`);
    assert.match(r.stdout, /Checks: \d+, Score: -?\d+/);
    assert.match(r.stdout, /\[N\/E \] 6\.1 /, r.stdout);
  });

  it('json: findings for fail/warn, every result in summary, exit code on findings', () => {
    const r = bulwark('cis', '--root', bad, '-f', 'json', '--exit-code', '4');
    assert.equal(r.code, 4, r.stderr);
    const j = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; severity: string }>; summary: { cis: { checks: number; score: number; counts: Record<string, number> }; results: Array<{ status: string }> } };
    assert.ok(j.findings.some((f) => f.ruleId === 'BW-DAEMON-006' && f.severity === 'critical'));
    assert.equal(j.summary.results.length, j.summary.cis.checks);
    assert.equal(j.summary.cis.score, j.summary.cis.counts.pass! - j.summary.cis.counts.fail! - j.summary.cis.counts.warn!);
    assert.ok(j.summary.results.some((x) => x.status === 'pass'));
    assert.equal(j.findings.length, j.summary.results.filter((x) => x.status === 'fail' || x.status === 'warn').length);
  });

  it('sarif: rules and results for the findings', () => {
    const r = bulwark('host', '--root', bad, '-f', 'sarif');
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { runs: Array<{ results: Array<{ ruleId: string }>; tool: { driver: { rules: Array<{ id: string }> } } }> };
    assert.ok(s.runs[0]!.results.some((x) => x.ruleId === 'BW-HOST-003'));
    assert.ok(s.runs[0]!.tool.driver.rules.some((x) => x.id === 'BW-HOST-003'));
  });

  it('daemon and host split the checks: daemon has no CIS 1, host has no CIS 2/3', () => {
    const d = JSON.parse(bulwark('daemon', '--root', good, '-f', 'json').stdout) as { summary: { results: Array<{ cis?: string; ruleId: string }> } };
    assert.ok(!d.summary.results.some((x) => x.cis?.startsWith('1.')));
    const h = JSON.parse(bulwark('host', '--root', good, '-f', 'json').stdout) as { summary: { results: Array<{ cis?: string; ruleId: string }> } };
    assert.ok(h.summary.results.every((x) => x.ruleId.startsWith('BW-HOST-')));
  });
});

describe('bulwark daemon (live, unreachable endpoint)', () => {
  it('does not pass defaults for a daemon it cannot see: section 2 is not evaluated, exit 0 with warnings', () => {
    const r = bulwark('daemon', '--host', 'unix:///tmp/bw-no-such-daemon.sock', '-f', 'json');
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { summary: { results: Array<{ cis?: string; status: string }> }; warnings: string[] };
    const sec2 = j.summary.results.filter((x) => x.cis?.startsWith('2.'));
    assert.ok(sec2.length >= 18);
    assert.ok(sec2.every((x) => x.status === 'not-evaluated'), JSON.stringify(sec2));
    assert.match(r.stderr, /Engine API at unix:\/\/\/tmp\/bw-no-such-daemon\.sock not available/);
  });
});

describe('bulwark daemon (live, the normal daemon)', { skip: existsSync('/var/run/docker.sock') ? false : 'no dockerd at /var/run/docker.sock' }, () => {
  it('identifies the daemon behind the socket and reports it', () => {
    const r = bulwark('daemon', '-f', 'json');
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { summary: { daemon?: { pid: number; identifiedBy: string }; mode: string } };
    assert.equal(j.summary.mode, 'live');
    assert.ok(j.summary.daemon && j.summary.daemon.pid > 0, JSON.stringify(j.summary));
    assert.match(j.summary.daemon!.identifiedBy, /unix socket/);
  });
});
