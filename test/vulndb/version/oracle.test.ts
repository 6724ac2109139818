/**
 * Oracles Bulwark did not write: dpkg --compare-versions, `apk version -t` / `apk version -c` inside an
 * Alpine 3.20 container on the real dockerd, and rpm's own rpm.vercmp(). Each runs on every published
 * vector version plus seeded random-ish versions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareDeb, parseDebVersion } from '../../../src/vulndb/version/dpkg.js';
import { compareApk, validApk } from '../../../src/vulndb/version/apk.js';
import { compareRpm } from '../../../src/vulndb/version/rpm.js';
import { FIXTURES, readRows } from './fixtures.js';
import { apkGen, debGen, rng, rpmGen } from './random.js';
import { dockerAvailable, ensureAlpineImage } from '../../support/images.js';

function have(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

function pairsFrom(pool: string[], gen: () => string, nRandom: number, nPool: number, seed: number): Array<[string, string]> {
  const r = rng(seed);
  const out: Array<[string, string]> = [];
  for (let i = 0; i < nRandom; i++) {
    const a = gen();
    out.push([a, r(10) ? gen() : a]);
  }
  for (let i = 0; i < nPool; i++) out.push([pool[r(pool.length)]!, pool[r(pool.length)]!]);
  return out;
}

const hasDpkg = have('dpkg', ['--version']);
test('oracle: dpkg --compare-versions agrees on vectors and random versions', { skip: hasDpkg ? false : 'dpkg is not installed' }, () => {
  const pool = readRows('dpkg-Dpkg_Version.data').flatMap((r) => r.fields.slice(0, 2));
  // dpkg --compare-versions reads "" and "<unknown>" as "no version"; the comparator refuses them
  const pairs = pairsFrom(pool, debGen(7), 700, 300, 11).filter(([a, b]) => a !== '' && b !== '' && !/[\t\n]/.test(a + b));
  // one bash process runs dpkg for every pair: -1 / 0 / 1, or "err" when dpkg refuses a version
  const script = `while IFS=$'\\t' read -r a b; do
    dpkg --compare-versions -- "$a" lt "$b" 2>/dev/null; rc=$?
    if [ $rc -eq 0 ]; then echo -1; elif [ $rc -eq 2 ]; then echo err;
    elif dpkg --compare-versions -- "$a" eq "$b" 2>/dev/null; then echo 0; else echo 1; fi
  done`;
  const r = spawnSync('bash', ['-c', script], { input: pairs.map(([a, b]) => `${a}\t${b}`).join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr);
  const theirs = r.stdout.trim().split('\n');
  assert.equal(theirs.length, pairs.length);
  let compared = 0;
  let refused = 0;
  pairs.forEach(([a, b], i) => {
    const want = theirs[i];
    if (want === 'err') {
      // dpkg refuses one of them: so must we, except an empty revision ("1.0-"), which we compare (EXCLUDED.md)
      const lenient = [a, b].every((v) => parseDebVersion(v).version);
      if (!lenient) assert.throws(() => compareDeb(a, b), /invalid deb version/, `${a} vs ${b}`);
      else assert.ok([a, b].some((v) => parseDebVersion(v).warning === 'revision number is empty'), `${a} vs ${b}: dpkg refuses, we accept`);
      refused++;
      return;
    }
    assert.equal(String(compareDeb(a, b)), want, `dpkg --compare-versions '${a}' '${b}'`);
    compared++;
  });
  assert.ok(compared > 800 && refused > 5, `compared ${compared}, refused ${refused}`);
});

const alpine = dockerAvailable() ? (() => { try { return ensureAlpineImage(); } catch { return undefined; } })() : undefined;
test('oracle: apk version -t / -c in Alpine 3.20 (apk-tools 2.14) agree', { skip: alpine ? false : 'no Docker engine or Alpine test image', timeout: 600_000 }, () => {
  const pool = readRows('apk-version.data', { stripComments: true }).flatMap((r) => [r.fields[0]!, r.fields[2]!]);
  const pairs = pairsFrom(pool, apkGen(3), 500, 400, 5);
  // busybox xargs runs 8 apk processes at a time; each answer carries its pair's index
  const input = pairs.map(([a, b], i) => `${i} ${a} ${b}`).join('\n') + '\n';
  const r = spawnSync('docker', ['run', '--rm', '-i', '--network', 'none', alpine!, 'sh', '-c', `xargs -P 8 -n 3 sh -c 'echo "$0 $(apk version -t -- "$1" "$2")"'`], {
    input,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    timeout: 540_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const theirs = new Map<number, string>();
  for (const line of r.stdout.trim().split('\n')) {
    const [i, op] = line.split(' ');
    theirs.set(Number(i), op!);
  }
  assert.equal(theirs.size, pairs.length);
  pairs.forEach(([a, b], i) => assert.equal(['<', '=', '>'][compareApk(a, b) + 1], theirs.get(i), `apk version -t '${a}' '${b}'`));

  const singles = [...new Set(pairs.flat())].slice(0, 600);
  const v = spawnSync('docker', ['run', '--rm', '-i', '--network', 'none', alpine!, 'sh', '-c', `xargs -P 8 -n 1 sh -c 'if apk version -c -- "$0" >/dev/null 2>&1; then echo "ok $0"; else echo "bad $0"; fi'`], {
    input: singles.join('\n') + '\n',
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    timeout: 300_000,
  });
  assert.equal(v.status, 0, v.stderr);
  const lines = v.stdout.trim().split('\n');
  assert.equal(lines.length, singles.length);
  let invalid = 0;
  for (const line of lines) {
    const sp = line.indexOf(' ');
    const ok = line.slice(0, sp) === 'ok';
    const ver = line.slice(sp + 1);
    if (!ok) invalid++;
    assert.equal(validApk(ver), ok, `apk version -c '${ver}'`);
  }
  assert.ok(invalid > 10, `only ${invalid} invalid versions exercised`);
});

const hasRpm = have('rpm', ['--version']);
test('oracle: rpm.vercmp() of rpm agrees on vectors and random EVRs', { skip: hasRpm ? false : 'rpm is not installed (apt-get install rpm)' }, () => {
  const at = readFileSync(join(FIXTURES, 'rpm-rpmvercmp.at'), 'utf8');
  const pool = [...at.matchAll(/^RPMVERCMP\(([^,]*), ([^,]*), -?\d\)$/gm)].flatMap((m) => [m[1]!, m[2]!]);
  const pairs = pairsFrom(pool, rpmGen(9), 1500, 300, 13);
  const lua = `%{lua: for l in io.lines() do local a, b = l:match("^(.-)\\t(.*)$"); print(rpm.vercmp(a, b) .. "\\n") end}`;
  const r = spawnSync('rpm', ['--eval', lua], { input: pairs.map(([a, b]) => `${a}\t${b}`).join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr);
  const theirs = r.stdout.split('\n').filter((l) => l !== '');
  assert.equal(theirs.length, pairs.length);
  pairs.forEach(([a, b], i) => assert.equal(String(compareRpm(a, b)), theirs[i], `rpm.vercmp('${a}', '${b}')`));
});
