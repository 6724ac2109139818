import { test } from 'node:test';
import assert from 'node:assert/strict';
import { affectedByEventList } from '../../../src/vulndb/version/range.js';
import type { OsvEvent, VersionComparator } from '../../../src/vulndb/version/index.js';
import { affectedByEvents, getComparator, inRange, canonicalEcosystem, findComparator, supportedEcosystems, UnsupportedEcosystemError } from '../../../src/vulndb/version/index.js';

test('inRange: introduced / fixed / last_affected / limit with OSV semantics', () => {
  const deb = getComparator('deb');
  assert.equal(inRange(deb, '1.0-1', { introduced: '0', fixed: '1.0-2' }), true);
  assert.equal(inRange(deb, '1.0-2', { introduced: '0', fixed: '1.0-2' }), false); // fixed is exclusive
  assert.equal(inRange(deb, '0.1', { fixed: '1.0' }), true); // no introduced: from the beginning
  assert.equal(inRange(deb, '0.9', { introduced: '1.0' }), false);
  assert.equal(inRange(deb, '5.0', { introduced: '1.0' }), true); // no upper bound
  assert.equal(inRange(deb, '1.5', { introduced: '1.0', lastAffected: '1.5' }), true); // last_affected is inclusive
  assert.equal(inRange(deb, '1.5.1', { introduced: '1.0', lastAffected: '1.5' }), false);
  assert.equal(inRange(deb, '2.0', { introduced: '1.0', limit: '2.0' }), false);
  assert.equal(inRange(deb, '1:0.1', { introduced: '0', fixed: '2.0' }), false); // epoch
  assert.equal(inRange(getComparator('npm'), '4.17.20', { introduced: '0', fixed: '4.17.21' }), true);
  assert.equal(inRange(getComparator('PyPI'), '2.0rc1', { introduced: '1.0', fixed: '2.0' }), true);
});

test('affectedByEvents: the OSV event walk over several intervals', () => {
  const go = getComparator('Go');
  const events = [{ introduced: '0' }, { fixed: '1.2.3' }, { introduced: '1.3.0' }, { fixed: '1.3.5' }, { introduced: '2.0.0' }];
  const at = (v: string) => affectedByEvents(go, v, events);
  assert.equal(at('1.0.0'), true);
  assert.equal(at('1.2.3'), false);
  assert.equal(at('1.2.9'), false);
  assert.equal(at('1.3.0'), true);
  assert.equal(at('1.3.4'), true);
  assert.equal(at('1.3.5'), false);
  assert.equal(at('2.1.0'), true);
  // events in any order: they are sorted by version first
  assert.equal(affectedByEvents(go, '1.3.1', [...events].reverse()), true);
  // last_affected
  assert.equal(affectedByEvents(go, '1.0.5', [{ introduced: '1.0.0' }, { last_affected: '1.0.5' }]), true);
  assert.equal(affectedByEvents(go, '1.0.6', [{ introduced: '1.0.0' }, { last_affected: '1.0.5' }]), false);
  // limit caps the range
  assert.equal(affectedByEvents(go, '3.0.0', [{ introduced: '0' }, { limit: '2.0.0' }]), false);
  assert.equal(affectedByEvents(go, '1.0.0', [{ introduced: '0' }, { limit: '2.0.0' }]), true);
  // introduced and fixed at the same version: never affected
  assert.equal(affectedByEvents(go, '1.0.0', [{ introduced: '1.0.0' }, { fixed: '1.0.0' }]), false);
  assert.equal(affectedByEvents(go, '1.0.0', []), false);
  // Alpine secdb style: fixed only
  assert.equal(affectedByEvents(getComparator('Alpine:v3.20'), '3.3.1-r0', [{ introduced: '0' }, { fixed: '3.3.2-r0' }]), true);
});

test('affectedByEvents: the shortcut for one or two events gives the walk\'s verdict, through the same comparisons in the same order', () => {
  // a comparator that logs every comparison and rejects "bad" (a version that does not parse)
  const npm = getComparator('npm');
  const log: string[] = [];
  const logged: VersionComparator = {
    ecosystem: 'npm',
    valid: (v) => v !== 'bad' && npm.valid(v),
    compare: (a, b) => {
      log.push(`${a}?${b}`);
      if (a === 'bad' || b === 'bad') throw new Error(`invalid version '${a === 'bad' ? a : b}'`);
      return npm.compare(a, b);
    },
  };
  const outcome = (f: () => boolean) => {
    log.length = 0;
    let r: string;
    try {
      r = String(f());
    } catch (e) {
      r = `throws ${(e as Error).message}`;
    }
    return `${r} [${log.join(' ')}]`;
  };
  const vs = ['0', '', '1.0.0', '1.2.0', '1.5.0', '2.0.0', 'bad'];
  const events: OsvEvent[] = [{ limit: '2.0.0' }, { limit: '*' }, {}];
  for (const v of vs) for (const k of ['introduced', 'fixed', 'last_affected'] as const) events.push({ [k]: v });
  events.push({ introduced: '1.0.0', fixed: '1.5.0' }); // two keys in one event: the walk takes introduced
  let lists = 0;
  const check = (list: OsvEvent[]) => {
    for (const v of ['0.5.0', '1.0.0', '1.2.0', '1.5.0', '1.7.0', '2.0.0', '3.0.0', 'bad']) {
      const got = outcome(() => affectedByEvents(logged, v, list));
      const want = outcome(() => affectedByEventList(logged, v, list));
      assert.equal(got, want, `${JSON.stringify(list)} at ${v}`);
    }
    lists++;
  };
  check([]);
  for (const a of events) {
    check([a]);
    for (const b of events) check([a, b]);
  }
  assert.ok(lists > 500);
  // and the verdicts themselves, for the shapes OSV ranges have
  const at = (v: string, list: OsvEvent[]) => affectedByEvents(npm, v, list);
  assert.equal(at('1.2.0', [{ introduced: '1.0.0' }, { fixed: '1.5.0' }]), true);
  assert.equal(at('1.5.0', [{ introduced: '1.0.0' }, { fixed: '1.5.0' }]), false);
  assert.equal(at('0.9.0', [{ introduced: '1.0.0' }, { fixed: '1.5.0' }]), false);
  assert.equal(at('1.5.0', [{ introduced: '0' }, { last_affected: '1.5.0' }]), true);
  assert.equal(at('1.5.1', [{ introduced: '0' }, { last_affected: '1.5.0' }]), false);
  assert.equal(at('9.0.0', [{ introduced: '1.0.0' }]), true);
  assert.equal(at('1.7.0', [{ fixed: '1.5.0' }, { introduced: '1.0.0' }]), false); // listed out of order: the walk sorts them by version
  assert.equal(at('1.2.0', [{ fixed: '1.5.0' }, { introduced: '1.0.0' }]), true);
});

test('ecosystem names: purl types and OSV names', () => {
  const want: Record<string, string> = {
    deb: 'deb', Debian: 'deb', 'Debian:12': 'deb', Ubuntu: 'deb', 'Ubuntu:22.04:LTS': 'deb',
    apk: 'apk', Alpine: 'apk', 'Alpine:v3.20': 'apk',
    rpm: 'rpm', 'Red Hat': 'rpm', 'Rocky Linux': 'rpm', AlmaLinux: 'rpm', 'AlmaLinux:9': 'rpm',
    npm: 'npm', pypi: 'pypi', PyPI: 'pypi', golang: 'golang', go: 'golang', Go: 'golang', maven: 'maven', Maven: 'maven',
    'crates.io': 'cargo', cargo: 'cargo', RubyGems: 'gem', gem: 'gem', Packagist: 'composer', composer: 'composer',
  };
  for (const [name, canon] of Object.entries(want)) assert.equal(canonicalEcosystem(name), canon, name);
  assert.equal(canonicalEcosystem('Hackage'), undefined);
  assert.equal(findComparator('Hackage'), undefined);
  assert.throws(() => getComparator('Hackage'), UnsupportedEcosystemError);
  for (const e of ['deb', 'apk', 'rpm', 'npm', 'pypi', 'golang', 'maven']) assert.ok(supportedEcosystems().includes(e as never), e);
});
