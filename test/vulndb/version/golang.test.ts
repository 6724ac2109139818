import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canonicalGoSemver,
  compareGo,
  compareGoSemver,
  compareGoToolchain,
  goTagToSemver,
  goToolchainLang,
  isPseudoVersion,
  isValidGoToolchain,
  parseGoSemver,
  pseudoVersionBase,
  validGo,
} from '../../../src/vulndb/version/golang.js';
import { getComparator } from '../../../src/vulndb/version/index.js';
import { readRows } from './fixtures.js';

const semverRows = readRows('go-x-mod-semver.data', { separator: '\t' }).map((r) => ({ line: r.line, in: r.fields[0]!, out: r.fields[1] ?? '' }));

test('go: x/mod semver IsValid and Canonical', () => {
  assert.equal(semverRows.length, 32);
  for (const t of semverRows) {
    assert.equal(parseGoSemver(t.in) !== undefined, t.out !== '', `line ${t.line}: IsValid(${t.in})`);
    assert.equal(canonicalGoSemver(t.in), t.out, `line ${t.line}: Canonical(${t.in})`);
  }
});

test('go: x/mod semver TestCompare (every pair of the table)', () => {
  for (let i = 0; i < semverRows.length; i++) {
    for (let j = 0; j < semverRows.length; j++) {
      const ti = semverRows[i]!;
      const tj = semverRows[j]!;
      const want = ti.out === tj.out ? 0 : i < j ? -1 : 1;
      assert.equal(compareGoSemver(ti.in, tj.in), want, `Compare(${ti.in}, ${tj.in})`);
      // the comparator (which accepts versions without "v") agrees on the valid ones
      if (ti.out && tj.out) assert.equal(compareGo(ti.in.slice(1), tj.in), want, `comparator(${ti.in}, ${tj.in})`);
    }
  }
});

test('go: x/mod module pseudo-versions', () => {
  const rows = readRows('go-x-mod-pseudo.data', { separator: '\t' });
  let n = 0;
  for (const r of rows) {
    if (r.fields[0] === 'pseudo') {
      const [, , older, version] = r.fields as [string, string, string, string];
      assert.ok(isPseudoVersion(version), `line ${r.line}: IsPseudoVersion(${version})`);
      assert.equal(isPseudoVersion(older), false, `line ${r.line}: IsPseudoVersion(${older})`);
      assert.equal(pseudoVersionBase(version), older, `line ${r.line}: PseudoVersionBase(${version})`);
      // what a pseudo-version means for matching: after its base, before the next release
      if (older) assert.equal(compareGo(older, version), -1, `line ${r.line}: ${older} < ${version}`);
    } else if (r.fields[0] === 'badbase') {
      assert.throws(() => pseudoVersionBase(r.fields[1]!), /golang version/, `line ${r.line}: PseudoVersionBase(${r.fields[1]})`);
    } else assert.fail(`line ${r.line}: unknown row`);
    n++;
  }
  assert.equal(n, 20);
});

test('go: go/version toolchain vectors', () => {
  let n = 0;
  for (const r of readRows('go-version.data', { separator: '\t' })) {
    const [kind, x, y, res] = r.fields as [string, string, string, string?];
    if (kind === 'compare') {
      assert.equal(compareGoToolchain(x, y), Number(res), `line ${r.line}: Compare(${x}, ${y})`);
      assert.equal(compareGoToolchain(y, x), 0 - Number(res), `line ${r.line}: Compare(${y}, ${x})`);
    } else if (kind === 'lang') assert.equal(goToolchainLang(x), y, `line ${r.line}: Lang(${x})`);
    else if (kind === 'valid') assert.equal(isValidGoToolchain(x), y === 'true', `line ${r.line}: IsValid(${x})`);
    else assert.fail(`line ${r.line}: unknown row`);
    n++;
  }
  assert.equal(n, 59);
});

test('go: the comparator maps toolchain versions like the Go vulnerability database', () => {
  assert.equal(goTagToSemver('go1.21.3'), 'v1.21.3');
  assert.equal(goTagToSemver('go1.21rc1'), 'v1.21.0-rc.1');
  assert.equal(goTagToSemver('go1.20'), 'v1.20.0');
  assert.equal(goTagToSemver('go1'), 'v1.0.0');
  assert.equal(goTagToSemver('go1.9.2beta1'), 'v1.9.2-beta.1');
  assert.equal(goTagToSemver('devel +abc'), '');
  const c = getComparator('go');
  assert.equal(c.ecosystem, 'golang');
  assert.equal(c.compare('go1.21.3', '1.21.5'), -1); // stdlib fixed in 1.21.5 (OSV has no "v")
  assert.equal(c.compare('go1.21rc1', '1.21.0'), -1);
  assert.equal(c.compare('go1.22.0', 'v1.21.9'), 1);
  // +incompatible is build metadata: equal to the plain version, ordered like it
  assert.equal(c.compare('v2.0.0+incompatible', '2.0.0'), 0);
  assert.equal(c.compare('v2.1.0+incompatible', '2.0.0'), 1);
  // pseudo-versions sort between their base and the next release
  assert.equal(c.compare('v0.0.0-20191109021931-daa7c04131f5', '0.1.0'), -1);
  assert.equal(c.compare('v1.2.4-0.20191109021931-daa7c04131f5', '1.2.3'), 1);
  assert.equal(c.compare('v1.2.4-0.20191109021931-daa7c04131f5', '1.2.4'), -1);
  assert.ok(validGo('1.2.3') && validGo('v1.2.3') && validGo('go1.22.1'));
  assert.equal(validGo('latest'), false);
  assert.throws(() => c.compare('1.2.3', 'not-a-version'), /invalid golang version 'not-a-version'/);
});
