/** Seeded generators of random-ish versions per ecosystem, for property and oracle tests. */

export function rng(seed: number): (n: number) => number {
  let s = seed | 0;
  return (n: number) => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

export type Gen = () => string;

function pickFrom(r: (n: number) => number) {
  return <T>(a: readonly T[]): T => a[r(a.length)]!;
}

function num(r: (n: number) => number): string {
  return String(r(4) ? r(12) : r(3) ? r(400) : r(100000));
}

export function debGen(seed: number): Gen {
  const r = rng(seed);
  const pick = pickFrom(r);
  const part = (chars: string) => {
    let s = '';
    for (let k = 1 + r(4); k > 0; k--) s += r(2) ? num(r) : pick(chars.split('')) + (r(2) ? pick(['a', 'b', 'rc', 'dfsg', 'git', 'Z', '']) : '');
    return s;
  };
  return () => {
    let v = r(5) ? '' : `${r(3)}:`;
    v += num(r) + part('.+~.~.');
    if (r(3)) v += '-' + (r(2) ? num(r) : '') + part('.+~');
    if (!r(20)) v = v.replace(/^\d+/, pick(['a', 'Z', '']));
    if (!r(25)) v += pick(['_', '!', '@', ':1', '-', ' ']);
    return v;
  };
}

export function apkGen(seed: number): Gen {
  const r = rng(seed);
  const pick = pickFrom(r);
  return () => {
    let s = num(r);
    for (let k = r(4); k > 0; k--) s += '.' + pick(['0', '00', '01', '1', '2', '10', '05', '9', num(r)]);
    if (!r(4)) s += pick(['a', 'b', 'z', 'c']);
    for (let k = r(3); k > 0 && !r(2); k--) s += '_' + pick(['alpha', 'beta', 'pre', 'rc', 'cvs', 'svn', 'git', 'hg', 'p']) + (r(2) ? String(r(20)) : '');
    if (r(2)) s += '-r' + r(12);
    if (!r(15)) {
      const at = r(s.length);
      s = s.slice(0, at) + pick(['x', '-', '_', '.', 'A', '_foo', '..', '-r']) + s.slice(at);
    }
    return s;
  };
}

export function rpmGen(seed: number): Gen {
  const r = rng(seed);
  const pick = pickFrom(r);
  const part = () => {
    let s = num(r);
    for (let k = r(5); k > 0; k--) s += pick(['.', '.', '_', '+', '~', '^', '']) + (r(3) ? num(r) : pick(['a', 'rc', 'git', 'el9', 'fc38', 'beta', 'Z']));
    return s;
  };
  return () => (r(6) ? '' : `${r(3)}:`) + part() + (r(3) ? '-' + part() : '');
}

export function npmGen(seed: number): Gen {
  const r = rng(seed);
  const pick = pickFrom(r);
  return () => {
    let v = `${r(4)}.${r(12)}.${r(12)}`;
    if (!r(3)) {
      const ids: string[] = [];
      for (let k = 1 + r(3); k > 0; k--) ids.push(r(2) ? String(r(20)) : pick(['alpha', 'beta', 'rc', 'pre', 'x-1', 'A']));
      v += '-' + ids.join('.');
    }
    if (!r(6)) v += '+build.' + r(9);
    return v;
  };
}

export function pypiGen(seed: number): Gen {
  const r = rng(seed);
  const pick = pickFrom(r);
  return () => {
    let v = r(8) ? '' : `${r(3)}!`;
    v += [0, 0, 0].slice(0, 1 + r(4)).map(() => (r(4) ? String(r(10)) : pick(['0', '00', '10']))).join('.');
    if (!r(3)) v += pick(['a', 'b', 'rc', 'c', 'alpha', '.beta', '-pre']) + (r(3) ? r(5) : '');
    if (!r(4)) v += pick(['.post', '-', '.r', 'post']) + r(4);
    if (!r(4)) v += pick(['.dev', 'dev', '-dev']) + (r(2) ? r(4) : '');
    if (!r(6)) v += '+' + pick(['ubuntu', '1', 'abc.2', '2.abc', 'local-7']);
    return v;
  };
}

export function goGen(seed: number): Gen {
  const r = rng(seed);
  const pick = pickFrom(r);
  return () => {
    const k = r(10);
    if (k === 0) return `go1.${r(24)}${pick(['', '.0', `.${r(12)}`, `rc${1 + r(3)}`, `beta${1 + r(2)}`])}`;
    if (k === 1) return `v${r(3)}.${r(5)}.${r(5)}-0.2019${String(1000000000 + r(99999999)).slice(1, 11)}-abcdef123456`;
    if (k === 2) return `v0.0.0-2020${String(1000000000 + r(99999999)).slice(1, 11)}-0123456789ab`;
    let v = `v${r(4)}.${r(12)}.${r(12)}`;
    if (!r(4)) v += '-' + pick(['rc.1', 'beta', 'alpha.2', 'pre', '0.1']);
    if (!r(6)) v += '+incompatible';
    return v;
  };
}

export function mavenGen(seed: number): Gen {
  const r = rng(seed);
  const pick = pickFrom(r);
  return () => {
    let v = String(r(6));
    for (let k = r(4); k > 0; k--) v += pick(['.', '.', '-', '']) + (r(3) ? String(r(12)) : pick(['alpha', 'a1', 'beta2', 'M3', 'rc1', 'CR2', 'SNAPSHOT', 'Final', 'GA', 'release', 'sp1', 'jre', 'foo', 'RELEASE']));
    return v;
  };
}

export function composerGen(seed: number): Gen {
  const r = rng(seed);
  const pick = pickFrom(r);
  return () => {
    if (!r(15)) return `20${10 + r(15)}-0${1 + r(9)}-1${r(9)}`;
    let v = (r(4) ? '' : 'v') + [0, 0, 0, 0].slice(0, 1 + r(4)).map(() => String(r(12))).join('.');
    if (!r(3)) v += pick(['-', '', '.']) + pick(['alpha', 'a', 'beta', 'b', 'RC', 'rc', 'patch', 'pl', 'p', 'stable']) + (r(2) ? String(r(5)) : '');
    if (!r(8)) v += '-dev';
    return v;
  };
}
