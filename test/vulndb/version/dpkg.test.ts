import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareDeb, parseDebVersion, validDeb, verrevcmp } from '../../../src/vulndb/version/dpkg.js';
import { getComparator } from '../../../src/vulndb/version/index.js';
import { excluded, readRows, sign } from './fixtures.js';

const skip = excluded();

test('dpkg: Dpkg_Version.t vectors', () => {
  let n = 0;
  for (const r of readRows('dpkg-Dpkg_Version.data')) {
    const [a, b, res] = r.fields as [string, string, string];
    if (skip.has(`dpkg-Dpkg_Version.data:${r.line}`)) {
      // see EXCLUDED.md: dpkg itself refuses this version
      assert.throws(() => compareDeb(a, b), /version number is empty/);
      continue;
    }
    assert.equal(compareDeb(a, b), Number(res), `line ${r.line}: ${a} vs ${b}`);
    assert.equal(compareDeb(b, a), 0 - Number(res), `line ${r.line} reversed: ${b} vs ${a}`);
    n++;
  }
  assert.ok(n >= 43);
});

test('dpkg: t-version.c vectors', () => {
  let n = 0;
  for (const r of readRows('dpkg-t-version.data')) {
    const [kind, x, y, res] = r.fields as [string, string, string?, string?];
    const where = `line ${r.line}: ${r.raw}`;
    if (kind === 'cmp') {
      const c = compareDeb(x, y!);
      if (res === 'ne') assert.notEqual(c, 0, where);
      else assert.equal(c, Number(res), where);
    } else if (kind === 'parse' && skip.has(`dpkg-t-version.data:${r.line}`)) {
      // see EXCLUDED.md: compares as published, but is reported as not valid (dpkg 1.21 rejects it)
      assert.equal(compareDeb(x, y!), 0, where);
      assert.equal(validDeb(x), false, where);
    } else if (kind === 'parse') {
      const p = parseDebVersion(x);
      assert.ok(p.version, where);
      assert.equal(p.warning, undefined, where);
      assert.equal(compareDeb(x, y!), 0, where);
    } else if (kind === 'error') {
      const p = parseDebVersion(x);
      assert.ok(p.error && !p.version, where);
      assert.equal(validDeb(x), false, where);
      assert.throws(() => compareDeb(x, '1'), /invalid deb version/, where);
    } else if (kind === 'warn') {
      const p = parseDebVersion(x);
      assert.ok(p.version && p.warning, where);
      assert.equal(validDeb(x), false, where);
    } else assert.fail(`unknown row kind ${kind} at ${where}`);
    n++;
  }
  assert.ok(n > 80, `only ${n} rows`);
});

test('dpkg: verrevcmp corner cases (Debian policy 5.6.12)', () => {
  // ~ sorts before everything, even the end of the part
  assert.ok(verrevcmp('1.0~rc1', '1.0') < 0);
  assert.ok(verrevcmp('~~', '~~a') < 0);
  assert.ok(verrevcmp('~~a', '~') < 0);
  assert.ok(verrevcmp('~', '') < 0);
  assert.ok(verrevcmp('', 'a') < 0);
  // letters sort before non-letters
  assert.ok(verrevcmp('1a', '1+') < 0);
  assert.ok(verrevcmp('1Z', '1a') < 0);
  // digit runs compare numerically, leading zeros ignored
  assert.equal(verrevcmp('1.010', '1.10'), 0);
  assert.ok(verrevcmp('1.9', '1.10') < 0);
  // numbers far beyond 2^53 compare by digits, not as floats
  assert.ok(compareDeb('1.99999999999999999999998', '1.99999999999999999999999') < 0);
  // epoch dominates
  assert.equal(compareDeb('1:0.1', '0:9.9'), 1);
  // missing revision equals revision 0
  assert.equal(compareDeb('1.0', '1.0-0'), 0);
});

test('dpkg: comparator through getComparator, with OSV and purl names', () => {
  for (const name of ['deb', 'Debian', 'Ubuntu', 'Debian:12', 'debian']) {
    const c = getComparator(name);
    assert.equal(c.ecosystem, 'deb');
    assert.equal(sign(c.compare('2.36-9+deb12u4', '2.36-9+deb12u7')), -1);
    assert.equal(c.valid('1:2.3-4'), true);
    assert.equal(c.valid('abc'), false);
  }
});

test('dpkg: hostile input gives an error, not a crash or a hang', () => {
  assert.throws(() => compareDeb('', '1'), /version string is empty/);
  assert.throws(() => compareDeb('1', ':'), /epoch/);
  const huge = '1.' + '9'.repeat(200000);
  const start = process.hrtime.bigint();
  assert.equal(compareDeb(huge, huge + '0'), -1);
  assert.ok(process.hrtime.bigint() - start < 2_000_000_000n);
});
