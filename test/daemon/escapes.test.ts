/** Version order and verdicts for the kernel/runc/containerd escapes table. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareUpstream, escapeTable, evaluateEscape, kernelVersion, upstreamOf } from '../../src/analyzers/daemon/escapes.js';

const entry = (id: string) => {
  const e = escapeTable().entries.find((x) => x.id === id);
  assert.ok(e, id);
  return e;
};

describe('escapes table', () => {
  it('cites an advisory URL and a date for every entry, with ordered ranges', () => {
    for (const e of escapeTable().entries) {
      assert.match(e.advisory, /^https:\/\//, e.id);
      assert.match(e.published, /^\d{4}-\d{2}-\d{2}$/, e.id);
      for (const r of e.affected) if (r.fixed) assert.ok(compareUpstream(r.introduced, r.fixed) < 0, `${e.id} ${r.introduced} < ${r.fixed}`);
    }
    for (const id of ['CVE-2016-5195', 'CVE-2022-0847', 'CVE-2022-0185', 'CVE-2022-0492', 'CVE-2024-1086', 'CVE-2019-5736', 'CVE-2024-21626', 'CVE-2020-15257']) entry(id);
  });
});

describe('compareUpstream', () => {
  it('orders release candidates before releases and numerically', () => {
    assert.ok(compareUpstream('1.0.0-rc7', '1.0.0-rc93') < 0);
    assert.ok(compareUpstream('1.0.0-rc93', '1.0.0') < 0);
    assert.ok(compareUpstream('1.4.0-rc.1', '1.4.0-rc.3') < 0);
    assert.ok(compareUpstream('5.10.102', '5.10.99') > 0);
    assert.ok(compareUpstream('5.9', '5.10') < 0);
    assert.equal(compareUpstream('6.1', '6.1.0'), 0);
  });
  it('rejects non-versions', () => {
    assert.throws(() => compareUpstream('abc', '1.0'));
  });
});

describe('kernel verdicts', () => {
  it('Dirty Pipe: 5.10.101 affected, 5.10.102 fixed, 5.7 before the bug, 5.14.21 in an unfixed branch', () => {
    const dp = entry('CVE-2022-0847');
    assert.equal(evaluateEscape(dp, kernelVersion('5.10.101')!).verdict, 'affected');
    assert.equal(evaluateEscape(dp, kernelVersion('5.10.102')!).verdict, 'fixed');
    assert.equal(evaluateEscape(dp, kernelVersion('5.7.19')!).verdict, 'not-affected');
    assert.equal(evaluateEscape(dp, kernelVersion('5.14.21')!).verdict, 'affected');
    assert.equal(evaluateEscape(dp, kernelVersion('5.16.11')!).verdict, 'fixed');
  });
  it('Dirty COW on 4.4.25 / 4.4.26', () => {
    assert.equal(evaluateEscape(entry('CVE-2016-5195'), kernelVersion('4.4.25')!).verdict, 'affected');
    assert.equal(evaluateEscape(entry('CVE-2016-5195'), kernelVersion('4.4.26')!).verdict, 'fixed');
  });
  it('Debian 6.1.0-NN kernels: the package version from /proc/version and Debian fixed versions decide', () => {
    const pv = (v: string) => `Linux version 6.1.0-17-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0) #1 SMP PREEMPT_DYNAMIC Debian ${v} (2024-01-01)`;
    const os = { id: 'debian', codename: 'bookworm' };
    const old = evaluateEscape(entry('CVE-2024-1086'), kernelVersion('6.1.0-17-amd64', pv('6.1.69-1'), os)!);
    assert.equal(old.verdict, 'affected');
    assert.match(old.explanation, /Debian bookworm fixed CVE-2024-1086 in 6\.1\.76-1/);
    assert.equal(evaluateEscape(entry('CVE-2024-1086'), kernelVersion('6.1.0-18-amd64', pv('6.1.76-1'), os)!).verdict, 'fixed');
  });
  it('a custom kernel built with Debian gcc is not taken for a Debian package', () => {
    const cv = kernelVersion('6.6.10-custom', 'Linux version 6.6.10-custom (me@box) (gcc (Debian 12.2.0-14) 12.2.0) #3 SMP');
    assert.equal(cv?.distroVersion, undefined);
    assert.equal(cv?.version, '6.6.10');
  });
  it('distro kernels without a package version are uncertain, never a confident verdict', () => {
    const v = evaluateEscape(entry('CVE-2024-1086'), kernelVersion('5.15.0-91-generic')!);
    assert.equal(v.verdict, 'uncertain');
    assert.match(v.explanation, /backport/);
    assert.equal(evaluateEscape(entry('CVE-2024-1086'), kernelVersion('4.18.0-513.el8.x86_64')!).verdict, 'uncertain');
  });
});

describe('runc and containerd verdicts', () => {
  it('Leaky Vessels: 1.1.11 affected, 1.1.12 fixed, rc92 before the bug', () => {
    const e = entry('CVE-2024-21626');
    assert.equal(evaluateEscape(e, { version: '1.1.11' }).verdict, 'affected');
    assert.equal(evaluateEscape(e, { version: '1.1.12' }).verdict, 'fixed');
    assert.equal(evaluateEscape(e, { version: '1.0.0-rc92' }).verdict, 'not-affected');
  });
  it('CVE-2019-5736: rc6 affected, rc10 fixed (rc order is numeric)', () => {
    const e = entry('CVE-2019-5736');
    assert.equal(evaluateEscape(e, { version: '1.0.0-rc6' }).verdict, 'affected');
    assert.equal(evaluateEscape(e, { version: '1.0.0-rc10' }).verdict, 'fixed');
  });
  it('Debian runc builds: deb12u1 fixed for CVE-2024-21626; the 2025 CVEs uncertain (no Debian fix recorded)', () => {
    const cv = { version: upstreamOf('1.1.5+ds1'), distroVersion: '1.1.5+ds1-1+deb12u1', distro: 'debian', codename: 'bookworm', distroBuild: true };
    assert.equal(evaluateEscape(entry('CVE-2024-21626'), cv).verdict, 'fixed');
    const u = evaluateEscape(entry('CVE-2025-31133'), cv);
    assert.equal(u.verdict, 'uncertain');
    assert.match(u.explanation, /no Debian bookworm fix is recorded/);
    assert.equal(evaluateEscape(entry('CVE-2024-21626'), { ...cv, distroVersion: '1.1.5+ds1-1' }).verdict, 'affected');
  });
  it('containerd CVE-2020-15257: 1.3.8 and 1.4.2 affected, 1.3.9 and 1.4.3 fixed', () => {
    const e = entry('CVE-2020-15257');
    assert.equal(evaluateEscape(e, { version: '1.3.8' }).verdict, 'affected');
    assert.equal(evaluateEscape(e, { version: '1.3.9' }).verdict, 'fixed');
    assert.equal(evaluateEscape(e, { version: '1.4.2' }).verdict, 'affected');
    assert.equal(evaluateEscape(e, { version: '1.4.3' }).verdict, 'fixed');
  });
  it('upstreamOf strips epochs, revisions and +ds suffixes', () => {
    assert.equal(upstreamOf('1:1.1.5+ds1-1+deb12u1'), '1.1.5');
    assert.equal(upstreamOf('1.6.20~ds1'), '1.6.20');
    assert.equal(upstreamOf('1.0.0-rc93'), '1.0.0-rc93');
  });
});
