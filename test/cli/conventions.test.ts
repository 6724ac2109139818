/**
 * CLI conventions: shared flags on every command, BULWARK_<FLAG> environment variables, examples in --help,
 * unknown config keys, version-compare, completion scripts and clean.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';
import { buildProgram, commandIndex, programFromIndex, type CliContext } from '../../src/cli/main.js';
import { commandPath, envName, leafCommands, parseDuration } from '../../src/cli/conventions.js';

const ctx: CliContext = { setExitCode() {}, exitCode: () => 0, argv: [], passthrough: (a) => a };

/** With one env var set for the duration of fn. */
async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const old = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(old)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

test('every command has --quiet, --debug, --color, --no-color, --timeout, an env var per long flag and examples', async () => {
  const program = await buildProgram(ctx, 'help');
  const leaves = leafCommands(program);
  assert.ok(leaves.length >= 20, `${leaves.length} commands`);
  for (const cmd of leaves) {
    const path = commandPath(cmd);
    for (const flag of ['--quiet', '--debug', '--color', '--no-color', '--timeout']) {
      if (flag === '--timeout' && path === 'serve') continue; // runs until stopped
      assert.ok(cmd.options.some((o) => o.long === flag), `${path} lacks ${flag}`);
    }
    const help = cmd.helpInformation() + (cmd as unknown as { _helpText?: string })._helpText;
    for (const o of cmd.options) {
      if (!o.long || o.long === '--help' || o.hidden) continue;
      assert.ok(help.includes(envName(o.long)) || o.envVar === envName(o.long), `${path}: ${o.long} has no BULWARK_ variable`);
    }
  }
  // examples: every visible command's help ends with at least two
  for (const cmd of leaves) {
    if ((cmd as unknown as { _hidden?: boolean })._hidden || cmd.parent?.name() === 'version') continue;
    let out = '';
    cmd.configureOutput({ writeOut: (s) => (out += s) });
    cmd.outputHelp();
    const ex = out.slice(out.indexOf('Examples:'));
    assert.ok(out.includes('Examples:') && (ex.match(/\$ bulwark /g) ?? []).length >= 2, `${commandPath(cmd)}: no examples in --help`);
  }
  for (const cmd of ['image', 'sbom']) assert.ok(leaves.find((c) => commandPath(c) === cmd)!.options.some((o) => o.long === '--no-progress'));
});

test('BULWARK_<FLAG>: value flags, boolean flags (1/0), the command line wins, bad values are usage errors', async () => {
  const dir = tempDir('bulwark-conv-');
  const df = join(dir, 'Dockerfile');
  writeFileSync(df, 'FROM ubuntu\nRUN apt-get install -y curl\n');
  const json = await withEnv({ BULWARK_FORMAT: 'json' }, () => runCli(['dockerfile', df]));
  assert.equal(json.code, 0, json.stderr);
  assert.ok(Array.isArray(JSON.parse(json.stdout).findings));
  const cli = await withEnv({ BULWARK_FORMAT: 'json' }, () => runCli(['dockerfile', df, '-f', 'sarif']));
  assert.equal(JSON.parse(cli.stdout).version, '2.1.0', 'the flag wins over the variable');
  const code = await withEnv({ BULWARK_EXIT_CODE: '7' }, () => runCli(['dockerfile', df]));
  assert.equal(code.code, 7);
  const bad = await withEnv({ BULWARK_FORMAT: 'xml' }, () => runCli(['dockerfile', df]));
  assert.equal(bad.code, 2);
  const boolOn = await withEnv({ BULWARK_SHOW_SUPPRESSED: 'nope' }, () => runCli(['dockerfile', df]));
  assert.equal(boolOn.code, 2);
  assert.match(boolOn.stderr, /BULWARK_SHOW_SUPPRESSED takes 1 or 0/);
  const help = await runCli(['dockerfile', '--help']);
  assert.match(help.stdout, /env: BULWARK_FORMAT/);
  assert.match(help.stdout, /BULWARK_FIX=1/);
  const top = await runCli(['--help']);
  assert.match(top.stdout, /BULWARK_<FLAG>/);
});

test('--quiet drops warnings, --debug prints stage timings, --color always / --no-color, --timeout', async () => {
  const dir = tempDir('bulwark-conv2-');
  writeFileSync(join(dir, '.bulwark.yaml'), 'severty: high\nformat: json\n');
  writeFileSync(join(dir, 'Dockerfile'), 'FROM ubuntu\nRUN apt-get install -y curl\n');
  const warn = await runCli(['dockerfile', 'Dockerfile'], { cwd: dir });
  assert.match(warn.stderr, /unknown key 'severty' \(did you mean 'severity'\?\) ignored/);
  assert.equal(warn.stderr.match(/unknown key/g)?.length, 1, 'warned once');
  const quiet = await runCli(['dockerfile', 'Dockerfile', '--quiet'], { cwd: dir });
  assert.doesNotMatch(quiet.stderr, /warning/);
  const debug = await runCli(['dockerfile', 'Dockerfile', '--debug'], { cwd: dir });
  assert.match(debug.stderr, /debug: load command modules [\d.]+ ms/);
  assert.match(debug.stderr, /debug: render json [\d.]+ ms/);
  assert.match(debug.stderr, /debug: total [\d.]+ ms/);
  const colour = await runCli(['dockerfile', 'Dockerfile', '-f', 'table', '--color', 'always'], { cwd: dir });
  assert.match(colour.stdout, /\x1b\[/);
  const plain = await runCli(['dockerfile', 'Dockerfile', '-f', 'table', '--no-color'], { cwd: dir });
  assert.doesNotMatch(plain.stdout, /\x1b\[/);
  assert.equal(parseDuration('90'), 90_000);
  assert.equal(parseDuration('1500ms'), 1500);
  assert.equal(parseDuration('5m'), 300_000);
  const badT = await runCli(['dockerfile', 'Dockerfile', '--timeout', 'soon'], { cwd: dir });
  assert.equal(badT.code, 2);
  assert.match(badT.stderr, /--timeout takes a duration/);
  // a command that waits on standard input that never ends: --timeout ends it with one line, exit 2
  const entry = new URL('../../src/cli/bin.ts', import.meta.url).pathname;
  const t0 = Date.now();
  const r = await new Promise<{ status: number | null; stderr: string }>((res) => {
    const c = spawn(process.execPath, ['--import', 'tsx', entry, 'dockerfile', '-', '--timeout', '1s'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const guard = setTimeout(() => c.kill('SIGKILL'), 60_000);
    c.on('close', (status) => {
      clearTimeout(guard);
      c.stdin.destroy();
      res({ status, stderr });
    });
  });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^bulwark: timed out after 1 s \(--timeout\)\n$/);
  assert.ok(Date.now() - t0 < 30_000);
});

test('version-compare, and the old name as an alias', async () => {
  const a = await runCli(['version-compare', '-e', 'deb', '1:1.0-1', '2.0-1']);
  assert.equal(a.stdout, '1\n');
  const b = await runCli(['version', 'compare', '-e', 'deb', '1:1.0-1', '2.0-1']);
  assert.equal(b.stdout, '1\n');
  const help = await runCli(['--help']);
  assert.match(help.stdout, /version-compare/);
  assert.doesNotMatch(help.stdout, /^ {2}version /m, 'the alias is hidden');
});

test('completion bash completes commands, sub-commands, flags and flag values; zsh and fish scripts', async () => {
  const bash = await runCli(['completion', 'bash']);
  assert.equal(bash.code, 0);
  const script = join(tempDir('bulwark-compl-'), 'bulwark.bash');
  writeFileSync(script, bash.stdout);
  const complete = (...words: string[]) => {
    const r = spawnSync('bash', ['-c', `source ${JSON.stringify(script)}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _bulwark; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim().split('\n').filter(Boolean);
  };
  assert.deepEqual(complete('bulwark', 'im'), ['image']);
  assert.deepEqual(complete('bulwark', 'db', '').sort(), ['match', 'status', 'update']);
  assert.ok(complete('bulwark', 'db', 'match', '--sb').includes('--sbom'));
  assert.ok(['cyclonedx', 'json', 'sarif', 'spdx', 'table'].every((f) => complete('bulwark', 'image', '-f', '').includes(f)));
  assert.deepEqual(complete('bulwark', 'compose', '--fi'), ['--file']);
  assert.deepEqual(complete('bulwark', 'version-compare', '--st'), ['--stdin']);
  const zsh = await runCli(['completion', 'zsh']);
  assert.match(zsh.stdout, /^#compdef bulwark\n/);
  assert.match(zsh.stdout, /bashcompinit/);
  const fish = await runCli(['completion', 'fish']);
  assert.match(fish.stdout, /complete -c bulwark -n '__bulwark_at bulwark' -a 'image'/);
  for (const [shell, text] of [['zsh', zsh.stdout], ['fish', fish.stdout]] as const) {
    const has = spawnSync(shell, ['--version'], { encoding: 'utf8' });
    if (has.error) continue; // the shell is not installed here
    const f = join(tempDir('bulwark-compl-'), `bulwark.${shell}`);
    writeFileSync(f, text);
    const r = shell === 'zsh' ? spawnSync('zsh', ['-c', `autoload -U compinit && compinit -u; source ${JSON.stringify(f)}`], { encoding: 'utf8' }) : spawnSync('fish', ['-n', f], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${shell}: ${r.stderr}`);
  }
  const bad = await runCli(['completion', 'powershell']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown shell 'powershell'/);
});

test('clean removes the scan caches (the database only with --db / --all), --dry-run removes nothing', async () => {
  const cache = tempDir('bulwark-clean-');
  for (const d of ['layers/ab', 'images/cd', 'base-images', 'db']) mkdirSync(join(cache, d), { recursive: true });
  writeFileSync(join(cache, 'layers/ab/x.json.gz'), 'x'.repeat(2048));
  writeFileSync(join(cache, 'db/vuln.db'), 'db');
  writeFileSync(join(cache, 'keep-me'), 'not ours');
  const dry = await runCli(['clean', '--cache-dir', cache, '--all', '--dry-run']);
  assert.match(dry.stdout, /would remove layers: .* \(1 files, 2\.0 kB\)/);
  assert.match(dry.stdout, /would remove db:/);
  assert.ok(existsSync(join(cache, 'layers/ab/x.json.gz')));
  const def = await runCli(['clean', '--cache-dir', cache]);
  assert.equal(def.code, 0);
  assert.match(def.stdout, /removed layers/);
  assert.ok(!existsSync(join(cache, 'layers')));
  assert.ok(!existsSync(join(cache, 'images')), 'the image results go with the layers');
  assert.ok(existsSync(join(cache, 'db/vuln.db')), 'the database stays by default');
  await runCli(['clean', '--cache-dir', cache, '--db']);
  assert.ok(!existsSync(join(cache, 'db')));
  assert.ok(existsSync(join(cache, 'keep-me')), 'nothing but Bulwark areas is removed');
  const none = await runCli(['clean', '--cache-dir', cache]);
  assert.match(none.stdout, /nothing to remove/);
});

test('the top-level help from the command index (what the built CLI prints for --help) is the full program\'s help, at every width', async () => {
  const full = await buildProgram(ctx);
  // through JSON, as scripts/postbuild.mjs writes it and the built CLI reads it
  const index = JSON.parse(JSON.stringify(commandIndex(full)));
  assert.ok(index.commands.length >= 20, `${index.commands.length} commands`);
  assert.ok(!index.commands.some((c: { name: string }) => c.name === 'help'), "commander's own help entry is not in the index");
  const fromIndex = programFromIndex(index);
  for (const width of [40, 80, 120, 250]) {
    // configureHelp(config) replaces the whole configuration: keep the index's term overrides
    full.configureHelp({ ...full.configureHelp(), helpWidth: width });
    fromIndex.configureHelp({ ...fromIndex.configureHelp(), helpWidth: width });
    const text = (p: typeof full) => {
      let out = '';
      p.configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (out += s) });
      p.outputHelp();
      return out;
    };
    const want = text(full);
    assert.match(want, /Commands:[\s\S]*dockerfile[\s\S]*version-compare[\s\S]*help \[command\][\s\S]*BULWARK_<FLAG>/);
    assert.equal(text(fromIndex), want, `width ${width}`);
  }
});
