import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SecretMatcher, redact, shannonEntropy } from '../../src/analyzers/image/secrets/engine.js';
import { BUILTIN_SECRET_RULES } from '../../src/analyzers/image/secrets/rules-table.js';
import { fake } from './fake-secrets.js';
import picomatch from 'picomatch';

const picomatchRe = (g: string) => picomatch.makeRe(g, { dot: true }).source;

const m = new SecretMatcher(BUILTIN_SECRET_RULES);
const kinds = (text: string, path = 'app/config.yaml') => m.scan(text, path).map((h) => h.rule);

test('every built-in kind fires on a generated sample, with redaction', () => {
  const cases: Array<[string, string, string?]> = [
    ['private-key', fake.rsaPem()],
    ['private-key', fake.ecPem()],
    ['private-key', fake.pkcs8Pem()],
    ['private-key-encrypted', fake.encryptedPem()],
    ['aws-access-key-id', `key: ${fake.awsKeyId()}\n`],
    ['aws-secret-access-key', `aws_secret_access_key = ${fake.awsSecret()}\n`],
    ['gcp-service-account', fake.gcpServiceAccount(fake.pkcs8Pem()), 'app/sa.json'],
    ['azure-storage-key', `DefaultEndpointsProtocol=https;AccountName=x;AccountKey=${fake.azureKey()};EndpointSuffix=core.windows.net`],
    ['github-token', `token: ${fake.githubToken()}`],
    ['gitlab-token', `token: ${fake.gitlabToken()}`],
    ['slack-token', `slack: ${fake.slackToken()}`],
    ['stripe-key', `stripe: ${fake.stripeKey()}`],
    ['npm-token', `t=${fake.npmToken()}`],
    ['npmrc-auth', `//registry.npmjs.org/:_authToken=${fake.password()}\n`, 'root/.npmrc'],
    ['pypi-token', `password = ${fake.pypiToken()}`],
    ['docker-config-auth', `{"auths":{"r.example.com":{"auth":"${Buffer.from('u:' + fake.password()).toString('base64')}"}}}`, 'root/.docker/config.json'],
    ['git-credentials', `https://bob:${fake.password()}@github.com\n`, 'root/.git-credentials'],
    ['pgpass', `db:5432:app:bob:${fake.password()}\n`, 'root/.pgpass'],
    ['shell-history', 'ls\nmysql -p hunter2\n', 'root/.bash_history'],
    ['jwt', `Authorization: Bearer ${fake.jwt()}`],
    ['dotenv-secret', `DB_PASSWORD=${fake.password()}\n`, 'app/.env'],
    ['generic-password', `db:\n  password: "${fake.password()}"\n`],
  ];
  for (const [kind, text, path] of cases) {
    const hits = m.scan(text, path ?? 'app/config.yaml');
    assert.ok(hits.some((h) => h.rule === kind), `${kind} should fire; got ${JSON.stringify(hits)}`);
    for (const h of hits) {
      assert.match(h.redacted, /\(\d+ (chars|bytes)\)$/);
      assert.ok(h.line >= 1);
    }
  }
});

test('values never appear in hits', () => {
  const secret = fake.awsSecret();
  const hits = m.scan(`aws_secret_access_key=${secret}\n`, 'x/credentials');
  assert.equal(hits.length, 1);
  assert.ok(!JSON.stringify(hits).includes(secret.slice(0, 8)));
  assert.equal(hits[0].length, 40);
});

test('line numbers are 1-based and point at the value', () => {
  const hits = m.scan(`a\nb\nc\ntoken ${fake.githubToken()}\n`, 'x/y.conf');
  assert.equal(hits[0].line, 4);
});

test('negatives: placeholders, examples, low entropy, code reads, public certs', () => {
  assert.deepEqual(kinds('aws_access_key_id = AKIAIOSFODNN7EXAMPLE'), []);
  assert.deepEqual(kinds('password = changeme'), []);
  assert.deepEqual(kinds('password: ${DB_PASSWORD}'), []);
  assert.deepEqual(kinds('password = aaaaaaaaaaaa'), []);
  assert.deepEqual(kinds(`password = os.environ["DB_PASSWORD"]`, 'app/settings.py'), []);
  assert.deepEqual(kinds(`password = "${fake.password()}"`, 'app/settings.py'), [], 'source files skip the generic rule');
  assert.deepEqual(kinds('-----BEGIN CERTIFICATE-----\nMIIB' + 'A'.repeat(200) + '\n-----END CERTIFICATE-----\n'), []);
  assert.deepEqual(kinds('KEY_HEADER = b"-----BEGIN RSA PRIVATE KEY-----"', 'lib/x.py'), []);
  assert.deepEqual(kinds('DB_PASSWORD=', 'app/.env'), []);
  assert.ok(!kinds(`DB_PASSWORD=${fake.password()}`, 'app/.env.example').includes('dotenv-secret'));
  assert.deepEqual(kinds('', 'root/.bash_history'), []);
  assert.deepEqual(kinds('//registry.npmjs.org/:_authToken=${NPM_TOKEN}', 'root/.npmrc'), []);
});

test('keyword prefilter: text without any keyword runs no regex', () => {
  assert.deepEqual(m.scan('hello world\n'.repeat(10000), 'x/a.txt'), []);
});

test('entropy and redaction helpers', () => {
  assert.equal(shannonEntropy('aaaa'), 0);
  assert.ok(Math.abs(shannonEntropy('abcd') - 2) < 1e-9);
  assert.equal(redact('AKIAABCDEFGHIJKLMNOP'), 'AKIA…(20 chars)');
  assert.equal(redact('abc'), '…(3 chars)');
});

// a hang guard (super-linear backtracking would take hours on these 2 MiB inputs), not a timing test
test('hostile text: no catastrophic backtracking on 2 MiB adversarial inputs', { timeout: 60_000 }, () => {
  const big = 2 * 1024 * 1024;
  const inputs: Array<[string, string]> = [
    ['-----BEGIN RSA PRIVATE KEY-----\n' + 'A'.repeat(big), 'x/k'],
    ['-----BEGIN RSA PRIVATE KEY-----\nAAAA\n'.repeat(big / 40), 'x/k'],
    ['password=' + 'a'.repeat(big), 'x/k.conf'],
    ['pass ' + 'a_'.repeat(big / 2), 'x/k.conf'],
    ['pass ' + 'a-b_'.repeat(big / 4), 'x/k.conf'],
    ['token ' + 'x'.repeat(big) + ' ', 'app/.env'],
    ['A_'.repeat(big / 2) + 'PASSWORD', 'app/.env'],
    ['https://' + 'a'.repeat(big), 'root/.git-credentials'],
    ['a'.repeat(big) + '://x', 'root/.git-credentials'],
    ['eyJ' + 'a'.repeat(big / 2) + '.eyJ' + 'b'.repeat(big / 2), 'x/k.conf'],
    ['"type": "service_account"'.repeat(big / 26), 'x/sa.json'],
    [':'.repeat(big), 'root/.pgpass'],
    ['_authToken='.repeat(big / 11), 'root/.npmrc'],
  ];
  for (const [text, path] of inputs) assert.ok(Array.isArray(m.scan(text, path)));
});

test('hits per file are capped', () => {
  const many = Array.from({ length: 500 }, () => `t ${fake.githubToken()}`).join('\n');
  assert.ok(m.scan(many, 'x/a.conf').length <= 100);
});

test('keyword scanner: case-insensitive, overlapping keywords, raw bytes', async () => {
  const { KeywordScanner } = await import('../../src/analyzers/image/secrets/keyword-scanner.js');
  const ks = new KeywordScanner(['pass', 'password', 'sword', 'akia', 'eyj']);
  const found = (s: string | Buffer) => [...ks.scan(Buffer.isBuffer(s) ? s : Buffer.from(s))].map((i) => ks.keywords[i]).sort();
  assert.deepEqual(found('DB_PASSWORD=x'), ['pass', 'password', 'sword']);
  assert.deepEqual(found('key AKIA and eyJhbGci'), ['akia', 'eyj']);
  assert.deepEqual(found('pas sword'), ['sword']);
  assert.deepEqual(found(Buffer.from([0xff, 0x00, 0x70, 0x61, 0x73, 0x73, 0xfe])), ['pass']);
  assert.deepEqual(found('nothing here'), []);
});

test('rule table integrity: unique ids, catalogue entries exist, patterns compile, keywords lower-case-able', async () => {
  const { secretMetaById } = await import('../../src/analyzers/image/index.js');
  const ids = new Set<string>();
  for (const r of BUILTIN_SECRET_RULES) {
    assert.ok(!ids.has(r.id), `duplicate ${r.id}`);
    ids.add(r.id);
    assert.ok(secretMetaById.has(r.ruleId), `${r.id}: no catalogue entry ${r.ruleId}`);
    if (!r.fileOnly) assert.doesNotThrow(() => new RegExp(r.regex, (r.flags ?? '') + 'g'), r.id);
    assert.ok(r.fileOnly || r.paths || r.keywords.length > 0, `${r.id}: an unrestricted rule needs keywords for the prefilter`);
  }
});

test('a file with thousands of keyword occurrences still finds the secret', () => {
  const tok = fake.githubToken();
  const text = 'token token pass secret\n'.repeat(3000) + `ghp: ${tok}\n`;
  assert.deepEqual(m.scan(text, 'x/y.conf').map((h) => h.rule), ['github-token']);
});

test('anchored rules (the regex tried only where a keyword can start a match) find exactly what the full search finds', () => {
  // the same rules, unanchored: a no-op group at the end makes the regex differ from the built-in one
  const anchoredIds = ['url-credentials', 'generic-password'];
  const plain = new SecretMatcher(BUILTIN_SECRET_RULES.map((r) => (anchoredIds.includes(r.id) ? { ...r, regex: `${r.regex}(?:)` } : r)));
  // texts built from the pieces these rules care about: word runs of every length around the keywords, quotes,
  // separators across lines, schemes, credentials, case variants, several matches per line
  const pieces = ['password', 'PassWD', 'pwd', 'secret', 'Client_Secret', 'api_key', 'APIKEY', 'access_token', 'auth-token', 'token', 'pass', 'x', 'a1', 'db', '_', '-', '__', '=', ':', '=>', ' ', '  ', '\n', '\t', '"', "'", ',', ';', '}', 'https://', 'HTTP://', 'postgresql://', 'mongodb+srv://', 'rediss://', 'user', '@', 'host.io', 'db.example.com', 'Zq8#kP2$vL9!', 'hunter2', 'Tr0ub4dor&3xY', '.', '/', 'A'.repeat(41), 'b'.repeat(40)];
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  let compared = 0;
  let withHits = 0;
  for (let i = 0; i < 3000; i++) {
    let text = '';
    const len = 3 + rnd(60);
    for (let j = 0; j < len; j++) text += pieces[rnd(pieces.length)];
    for (const path of ['etc/app.conf', 'app/settings.yaml']) {
      const a = m.scanBuffer(Buffer.from(text, 'latin1'), path);
      const b = plain.scanBuffer(Buffer.from(text, 'latin1'), path);
      assert.deepEqual(a, b, JSON.stringify(text));
      compared++;
      if (a.length) withHits++;
    }
  }
  assert.equal(compared, 6000);
  // the generated texts do exercise both rules
  assert.ok(withHits > 300, `only ${withHits} texts with hits`);
});

test('path-limited rules: the base-name prefilter admits every path a rule glob matches', () => {
  const paths = ['.npmrc', 'root/.npmrc', 'etc/npmrc', 'root/.docker/config.json', '.docker/config.json', 'home/u/.dockercfg', 'root/.git-credentials', 'root/.config/git/credentials', 'root/.pgpass', 'root/.bash_history', 'a/.lesshst', '.env', 'app/.env', 'app/.env.local', '.env.production', 'app/prod.env', 'app/.env.example', 'app/config.json', 'app/env', 'app/.envrc', 'app/x.env.bak'];
  for (const p of paths) {
    const want = BUILTIN_SECRET_RULES.filter((r) => r.paths).some((r) => r.paths!.some((g) => new RegExp(picomatchRe(g)).test(p)));
    assert.equal(m.wantsPath(p), want, p);
  }
});

test('path-limited rules: the prefilters (first and last character, then the base name) never turn away a path a glob matches', async () => {
  const fc = (await import('fast-check')).default;
  const globs = BUILTIN_SECRET_RULES.filter((r) => r.paths).flatMap((r) => r.paths!.map((g) => new RegExp(picomatchRe(g))));
  // names built from the globs' own pieces, so that many paths match one, and from others that nearly do
  const piece = fc.constantFrom('.env', '.env.', 'env', '.npmrc', 'npmrc', 'credentials', 'git', '.git-credentials', '.docker', 'config.json', '.dockercfg', '.pgpass', '.bash_history', '.zsh_history', '_history', 'prod', 'x', '.', 'v', 'c', 'n', 'é', '.envé', 'local', '');
  // (a file's path has no empty name: a trailing slash is a directory's)
  const name = fc.array(piece, { minLength: 1, maxLength: 3 }).map((a) => a.join('')).filter((n) => n !== '');
  let matched = 0;
  fc.assert(
    fc.property(fc.array(name, { minLength: 1, maxLength: 4 }), (segs) => {
      const p = segs.join('/');
      const want = globs.some((re) => re.test(p));
      if (want) matched++;
      assert.equal(m.wantsPath(p), want, p);
    }),
    { numRuns: 20000, seed: 16 },
  );
  // the generated paths do reach the globs
  assert.ok(matched > 1000, `only ${matched} paths matched a glob`);
});

test('keyword scanner: the byte classes told from the keywords are the classes read from the table', async () => {
  const fc = (await import('fast-check')).default;
  const { KeywordScanner } = await import('../../src/analyzers/image/secrets/keyword-scanner.js');
  type Classes = { classOf: Uint8Array; classes: number };
  const classesOf = (kws: string[], columns: boolean) => {
    const k = new KeywordScanner(kws, undefined, columns ? { classes: 'columns' } : {}) as unknown as Classes;
    return { classOf: [...k.classOf], classes: k.classes };
  };
  // the built-in rules' keywords, as the matcher builds its scanner from them
  const builtin = [...new Set(BUILTIN_SECRET_RULES.filter((r) => !r.paths).flatMap((r) => r.keywords))];
  assert.deepEqual(classesOf(builtin, false), classesOf(builtin, true));
  // and any keywords: letters of both cases, digits, punctuation, latin1 and characters whose lower case encodes to
  // an upper-case ASCII byte in latin1 (the table is read for those)
  const ch = fc.constantFrom(...'abcxyzAQZ019_-:/.\'"é\u00ff\u0141\u0130\u0151\u0159 '.split(''));
  const kw = fc.array(ch, { minLength: 1, maxLength: 6 }).map((a) => a.join(''));
  fc.assert(
    fc.property(fc.array(kw, { minLength: 1, maxLength: 8 }), (kws) => {
      assert.deepEqual(classesOf(kws, false), classesOf(kws, true), JSON.stringify(kws));
    }),
    { numRuns: 3000, seed: 11 },
  );
});

test('keyword scanner: the four-segment scan records every occurrence once, also across segment boundaries', async () => {
  const fc = (await import('fast-check')).default;
  const { KeywordScanner, newKeywordHits } = await import('../../src/analyzers/image/secrets/keyword-scanner.js');
  const kws = ['pass', 'password', 'sword', 'akia', 'eyj', 'postgres://', 'secret_access_key', 'x'];
  const ks = new KeywordScanner(kws, kws.map((_, i) => [i % 3]));
  // every (end offset, keyword) of a naive case-insensitive search
  const naive = (b: Buffer): string[] => {
    const low = b.toString('latin1').toLowerCase();
    const out: string[] = [];
    kws.forEach((k) => {
      for (let i = low.indexOf(k); i !== -1; i = low.indexOf(k, i + 1)) out.push(`${i + k.length - 1}:${k}`);
    });
    return out.sort();
  };
  const recorded = (b: Buffer): { hits: string[]; mask: number } => {
    const hits = newKeywordHits();
    const mask = ks.newMask();
    ks.scanGroupsRecording(b, mask, hits);
    const out: string[] = [];
    for (let h = 0; h < hits.count; h++) for (const id of ks.keywordsAt(hits.states[h]!)) out.push(`${hits.ends[h]}:${ks.keywords[id]}`);
    return { hits: out.sort(), mask: mask[0]! };
  };
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 3000 }),
      fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: -24, max: 24 }), fc.constantFrom(...kws, 'PASSWORD', 'Akia')), { maxLength: 12 }),
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      (len, plants, seed) => {
        let x = seed || 1;
        const b = Buffer.alloc(len);
        for (let i = 0; i < len; i++) {
          x ^= x << 13;
          x ^= x >>> 17;
          x ^= x << 5;
          b[i] = 'abcdeijkoprsswxy :/_'.charCodeAt((x >>> 0) % 20);
        }
        // plant keywords at random places and around the quarter points where the segments meet
        const q = Math.floor(len / 4);
        for (const [where, nudge, k] of plants) {
          const base = nudge % 2 === 0 ? q * (1 + (Math.abs(nudge) % 3)) : Math.floor(where * len);
          const at = Math.max(0, Math.min(len - k.length, base + nudge));
          if (at >= 0 && at + k.length <= len) b.write(k, at, 'latin1');
        }
        const want = naive(b);
        const got = recorded(b);
        assert.deepEqual(got.hits, want);
        const groups = new Set(want.map((w) => kws.indexOf(w.slice(w.indexOf(':') + 1)) % 3));
        assert.equal(got.mask, [...groups].reduce((m, g) => m | (1 << g), 0));
        const plain = ks.newMask();
        ks.scanGroups(b, plain);
        assert.equal(plain[0], got.mask);
      },
    ),
    { numRuns: 400, seed: 1605 },
  );
  // exhaustively: each keyword ending at every offset around each point where two segments meet
  for (const len of [400, 1001, 4099]) {
    const q = Math.floor(len / 4);
    for (const k of kws) {
      for (const meet of [q, 2 * q, 3 * q]) {
        for (let end = meet - k.length - 1; end <= meet + k.length + 1; end++) {
          const b = Buffer.alloc(len, '.');
          b.write(k, end - k.length + 1, 'latin1');
          assert.deepEqual(recorded(b).hits, naive(b), `${k} ending at ${end} of ${len}`);
        }
      }
    }
  }
});

test('looksText: a NUL byte in the first 8 KiB makes a file binary, in small and big files alike', async () => {
  const { looksText } = await import('../../src/analyzers/image/secrets/analyzer.js');
  const text = (n: number) => Buffer.alloc(n, 0x61);
  const withNul = (n: number, at: number) => {
    const b = text(n);
    b[at] = 0;
    return b;
  };
  assert.equal(looksText(Buffer.alloc(0)), true);
  assert.equal(looksText(text(100)), true);
  assert.equal(looksText(withNul(100, 99)), false);
  assert.equal(looksText(withNul(8192, 8191)), false);
  assert.equal(looksText(text(20000)), true);
  assert.equal(looksText(withNul(20000, 8191)), false);
  // past the first 8 KiB a NUL does not count
  assert.equal(looksText(withNul(20000, 8192)), true);
});

test('keyword kernel: the WebAssembly scan records the same occurrences, in the same order, as the JavaScript loop', async () => {
  const { KeywordScanner, newKeywordHits } = await import('../../src/analyzers/image/secrets/keyword-scanner.js');
  const { KERNEL_MAX_BYTES, KERNEL_MAX_HITS } = await import('../../src/analyzers/image/secrets/keyword-kernel.js');
  // the built-in rules' keywords, grouped by rule as SecretMatcher groups them
  const rules = BUILTIN_SECRET_RULES.filter((r) => !r.paths && r.keywords.length);
  const kws = [...new Set(rules.flatMap((r) => r.keywords))];
  const groups = kws.map((k) => rules.flatMap((r, i) => (r.keywords.includes(k) ? [i] : [])));
  const wasm = new KeywordScanner(kws, groups);
  const js = new KeywordScanner(kws, groups, { kernel: false });
  assert.equal(wasm.usesKernel(), true, 'the built-in automaton fits the kernel');
  assert.equal(js.usesKernel(), false);
  const run = (ks: InstanceType<typeof KeywordScanner>, b: Buffer) => {
    const hits = newKeywordHits();
    const mask = ks.newMask();
    ks.scanGroupsRecording(b, mask, hits);
    const plain = ks.newMask();
    ks.scanGroups(b, plain);
    return { ends: [...hits.ends.subarray(0, hits.count)], states: [...hits.states.subarray(0, hits.count)], mask: [...mask], plain: [...plain] };
  };
  let seed = 99;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const pieces = [...kws, ...kws.map((k) => k.toUpperCase()), 'x', ' ', '\n', '=', '"', 'ab', 'http', 'pas', 'eY', '\u00ff', '\u0000'];
  const text = (len: number) => {
    let t = '';
    while (t.length < len) t += pieces[rnd(pieces.length)];
    return Buffer.from(t.slice(0, len), 'latin1');
  };
  let occurrences = 0;
  // every size up to 700 bytes (the one-automaton path and the four-segment one), then bigger ones
  const sizes = [...Array.from({ length: 700 }, (_, i) => i), 1023, 4096, 65537, 250_000];
  for (const len of sizes) {
    const b = text(len);
    const a = run(wasm, b);
    assert.deepEqual(a, run(js, b), `${len} bytes`);
    occurrences += a.ends.length;
  }
  assert.ok(occurrences > 10_000, `only ${occurrences} occurrences`);
  // more occurrences than the kernel records, and a buffer bigger than its memory: the JavaScript loop takes them
  const dense = Buffer.from('pass'.repeat(KERNEL_MAX_HITS + 10), 'latin1');
  const big = Buffer.concat([text(KERNEL_MAX_BYTES), Buffer.from(' eyJ password', 'latin1')]);
  for (const b of [dense, big]) {
    const a = run(wasm, b);
    assert.deepEqual(a, run(js, b));
    assert.ok(a.ends.length >= (b === dense ? KERNEL_MAX_HITS + 10 : 1));
  }
  // and the kernel still scans right after falling back
  const after = text(3000);
  assert.deepEqual(run(wasm, after), run(js, after));
  // scanners of the same keywords share one kernel (a matcher is made per image); each keeps its own groups
  const regrouped = new KeywordScanner(kws, kws.map((_, i) => [i % 5]));
  const regroupedJs = new KeywordScanner(kws, kws.map((_, i) => [i % 5]), { kernel: false });
  assert.equal(regrouped.usesKernel(), true);
  for (const len of [0, 300, 5000]) {
    const b = text(len);
    assert.deepEqual(run(regrouped, b), run(regroupedJs, b));
    assert.deepEqual(run(wasm, b), run(js, b));
  }
});

test('the byte conditions that spare decoding a file never drop a match, and do spare it', () => {
  const anchoredIds = ['url-credentials', 'generic-password', 'aws-access-key-id', 'private-key', 'private-key-encrypted'];
  const plain = new SecretMatcher(BUILTIN_SECRET_RULES.map((r) => (anchoredIds.includes(r.id) ? { ...r, regex: `${r.regex}(?:)` } : r)));
  const texts: string[] = [];
  // connection URLs around the bounds of the user part (0..64) and of the password (4..128), with the characters
  // each part excludes placed inside them
  const chars = (n: number, c = 'k') => c.repeat(n);
  for (const scheme of ['https', 'POSTGRESQL', 'postgres', 'mongodb+srv', 'rediss', 'amqp']) {
    for (const user of [0, 1, 63, 64, 65, 66]) {
      for (const pass of [3, 4, 5, 127, 128, 129]) {
        for (const odd of ['', ' ', '/', '@', ':', '"', '\u00a0', '\\', '#']) {
          const u = chars(user);
          const p = `Zq8${chars(Math.max(0, pass - 3), 'w')}`.slice(0, pass);
          texts.push(`x ${scheme}://${u}:${p}@db.prod.io/x`);
          texts.push(`${scheme}://${u.slice(0, 2)}${odd}${u.slice(2)}:${p}@db.prod.io`);
          texts.push(`${scheme}://${u}:${p.slice(0, 2)}${odd}${p.slice(2)}@10.0.0.1`);
        }
      }
    }
  }
  // assignments: every keyword word of generic-password, near misses, quotes, whitespace runs (also past the
  // longest run a fixed window would hold) and separators
  const words = ['password', 'PASSWD', 'pwd', 'secret', 'secret_key', 'SecretKey', 'api_key', 'apikey', 'access_token', 'authtoken', 'client_secret', 'passwordx', 'pass_word', 'tokens', 'secretkeyx', 'db_password', 'x-api-key', 'passwordword'];
  for (const w of words) {
    for (const quote of ['', '"', "'"]) {
      for (const ws of ['', ' ', '\t', '\u00a0', ' \n ', ' '.repeat(300), 'x']) {
        for (const sep of [':', '=', '=>', '-', '']) {
          texts.push(`${w}${quote}${ws}${sep}${ws}"Zq8#kP2$vL9!aB"\n`);
          texts.push(`${w}${quote}${ws}${sep}Tr0ub4dor&3xY,`);
        }
      }
    }
  }
  // access key IDs: the prefixes in each case, 15 to 17 characters of [A-Z2-7] after them, an odd one inside
  for (const prefix of ['AKIA', 'akia', 'AkIA', 'ASIA', 'AIPA', 'ANVA', 'xAKIA']) {
    for (const len of [15, 16, 17]) {
      for (const odd of ['', 'a', '8', '1', '_', ' ', '\u00e9']) {
        const body = 'QZ2RT7WXB3MN4KLP5'.slice(0, len);
        texts.push(`key=${prefix}${body.slice(0, 5)}${odd}${body.slice(5)}\n`);
        texts.push(`${prefix}${body}`);
      }
    }
  }
  // PEM blocks, whole and with their BEGIN line broken; the keywords elsewhere in the file
  for (const pem of [fake.rsaPem(), fake.ecPem(), fake.encryptedPem(), fake.pkcs8Pem()]) {
    for (const [from, to] of [['', ''], ['-----BEGIN ', '-----BEGIN\t'], ['-----BEGIN ', '----BEGIN '], ['-----BEGIN ', '-----begin ']]) {
      const text = from ? pem.replace(from, to) : pem;
      texts.push(text, `# private key, encrypted\n${text}`, `${text}\nencrypted private key`);
    }
  }
  let withHits = 0;
  for (const text of texts) {
    const a = m.scanBuffer(Buffer.from(text, 'latin1'), 'etc/app.conf');
    assert.deepEqual(a, plain.scanBuffer(Buffer.from(text, 'latin1'), 'etc/app.conf'), JSON.stringify(text));
    if (a.length) withHits++;
  }
  assert.ok(withHits > 1000 && withHits < texts.length - 1000, `${withHits} of ${texts.length} texts with hits`);
  // a file whose keywords cannot start a match is not decoded (its buffer's toString is never called); one that can is
  const decoded = (text: string, path = 'etc/app.conf') => {
    const b = Buffer.from(text, 'latin1');
    let called = false;
    const toString = b.toString.bind(b);
    b.toString = ((...args: Parameters<Buffer['toString']>) => ((called = true), toString(...args))) as Buffer['toString'];
    m.scanBuffer(b, path);
    return called;
  };
  assert.equal(decoded('see https://github.com/org/repo and http://example.org/a:b for the token list'), false);
  assert.equal(decoded('password = "Zq8#kP2$vL9!aB"', 'src/app.js'), false, 'generic-password does not report in source code');
  assert.equal(decoded('password = "Zq8#kP2$vL9!aB"'), true);
  assert.equal(decoded('DATABASE_URL=postgres://app:Zq8#kP2vL9@db.prod.io/app'), true);
  assert.equal(decoded('const encrypted = decrypt(akia, "askia"); // private key handling'), false);
  assert.equal(decoded(`id = AKIA${'QZ2RT7WXB3MN4KLP'}`), true);
});
