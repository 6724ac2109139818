import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { goAnalyzer, readGoBuildInfo, parseModinfo, stdlibVersion, goPackages, readBuildInfoStrings } from '../../src/inventory/golang/index.js';
import type { DetectorOutput } from '../../src/inventory/types.js';
import { ctx, fixture, meta } from './helpers.js';

const hello = gunzipSync(fixture('golang/hello-go1.19.gz'));

test('real go1.19 binary (inline build info): toolchain, main module, local replacement, stdlib', () => {
  const info = readGoBuildInfo(hello)!;
  assert.equal(info.goVersion, 'go1.19.8');
  assert.equal(info.path, 'example.com/app');
  assert.deepEqual(info.main, { path: 'example.com/app', version: '(devel)', sum: undefined });
  assert.deepEqual(info.deps, [{ path: 'example.com/dep', version: 'v1.2.3', sum: undefined, replace: { path: '../dep', version: '(devel)', sum: undefined } }]);
  const r = goAnalyzer.analyze(meta('usr/local/bin/hello', { mode: 0o755, size: hello.length }), hello, ctx()) as DetectorOutput;
  const got = r.packages!.map((p) => `${p.name}@${p.version}${p.go?.replacedBy ? ' => ' + p.go.replacedBy : ''}`);
  assert.deepEqual(got, ['example.com/app@', 'example.com/dep@ => ../dep', 'stdlib@v1.19.8']);
  assert.ok(r.packages!.every((p) => p.go?.toolchain === 'go1.19.8' && p.go.binary === 'usr/local/bin/hello'));
});

test('module info with versioned replacement: the replacing module is what is built in', () => {
  const mi = '0123456789abcdef' + 'path\tgithub.com/x/cmd\nmod\tgithub.com/x\tv1.0.0\th1:abc=\ndep\tgolang.org/x/net\tv0.1.0\th1:n=\n=>\tgithub.com/fork/net\tv0.1.1\th1:f=\ndep\tgithub.com/y\tv2.0.0+incompatible\th1:y=\n' + 'fedcba9876543210';
  const info = { goVersion: 'go1.21.3', ...parseModinfo(mi) };
  const pk = goPackages(info, 'bin/x');
  assert.deepEqual(pk.map((p) => `${p.name}@${p.version}`), ['github.com/x@v1.0.0', 'github.com/fork/net@v0.1.1', 'github.com/y@v2.0.0+incompatible', 'stdlib@v1.21.3']);
  assert.equal(pk[1]!.go!.replaces, 'golang.org/x/net@v0.1.0');
  assert.ok(pk[0]!.main);
});

test('toolchain version to stdlib version', () => {
  assert.equal(stdlibVersion('go1.21.3'), 'v1.21.3');
  assert.equal(stdlibVersion('go1.20'), 'v1.20.0');
  assert.equal(stdlibVersion('go1.22rc1'), 'v1.22.0-rc1');
  assert.equal(stdlibVersion('go1.21.3 X:boringcrypto'), 'v1.21.3');
  assert.equal(stdlibVersion('devel go1.23-abc'), undefined);
});

/** A pre-1.18 build info: pointer format, strings reached through the ELF PT_LOAD mapping. */
function oldFormatElf(version: string, modinfo: string): Buffer {
  const b = Buffer.alloc(0x400);
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = 2; b[5] = 1; b[6] = 1;
  b.writeBigUInt64LE(0x40n, 0x20); // e_phoff
  b.writeUInt16LE(56, 0x36); b.writeUInt16LE(1, 0x38);
  // one PT_LOAD mapping file offset 0 at vaddr 0x400000
  b.writeUInt32LE(1, 0x40); b.writeBigUInt64LE(0n, 0x48); b.writeBigUInt64LE(0x400000n, 0x50); b.writeBigUInt64LE(0x400n, 0x60);
  const h = 0x100;
  b.write('\xff Go buildinf:', h, 'latin1');
  b[h + 14] = 8; b[h + 15] = 0;
  b.writeBigUInt64LE(0x400000n + 0x140n, h + 16); // -> string header of version
  b.writeBigUInt64LE(0x400000n + 0x150n, h + 24); // -> string header of modinfo
  b.writeBigUInt64LE(0x400000n + 0x200n, 0x140); b.writeBigUInt64LE(BigInt(version.length), 0x148);
  b.writeBigUInt64LE(0x400000n + 0x240n, 0x150); b.writeBigUInt64LE(BigInt(Buffer.byteLength(modinfo)), 0x158);
  b.write(version, 0x200);
  b.write(modinfo, 0x240);
  return b;
}

test('pre-Go-1.18 pointer format is read through the ELF program headers', () => {
  const mi = '0123456789abcdef' + 'path\tex.com/old\nmod\tex.com/old\t(devel)\t\ndep\tgithub.com/pkg/errors\tv0.9.1\th1:x=\n' + 'fedcba9876543210';
  const info = readGoBuildInfo(oldFormatElf('go1.16.15', mi))!;
  assert.equal(info.goVersion, 'go1.16.15');
  assert.deepEqual(info.deps.map((d) => `${d.path}@${d.version}`), ['github.com/pkg/errors@v0.9.1']);
});

test('hostile / non-Go input: not ELF, magic without data, pointers out of range', () => {
  assert.equal(goAnalyzer.analyze(meta('bin/sh', { mode: 0o755 }), Buffer.from('#!/bin/sh\n'.repeat(200)), ctx()), undefined);
  const fake = oldFormatElf('go1.16', 'x');
  fake.writeBigUInt64LE(0xdeadbeefn, 0x100 + 16);
  assert.equal(readBuildInfoStrings(fake), undefined);
  const cut = hello.subarray(0, hello.indexOf(Buffer.from('\xff Go buildinf:', 'latin1')) + 20);
  assert.equal(readGoBuildInfo(cut), undefined);
  assert.equal(goAnalyzer.wants(meta('usr/bin/x', { mode: 0o644, size: 5000 })), false);
  assert.equal(goAnalyzer.wants(meta('usr/bin/x', { mode: 0o755, size: 5000 })), true);
});

test('a real distro Go binary agrees with `go version -m`', { skip: !existsSync('/usr/sbin/runc') ? 'no /usr/sbin/runc on this machine' : false }, () => {
  const path = realpathSync('/usr/sbin/runc');
  const info = readGoBuildInfo(readFileSync(path))!;
  const out = execFileSync('go', ['version', '-m', path], { encoding: 'utf8' });
  const deps = out.split('\n').filter((l) => l.startsWith('\tdep\t')).map((l) => l.split('\t').slice(2, 4).join('@'));
  assert.equal(out.split('\n')[0]!.split(': ')[1], info.goVersion);
  assert.deepEqual(info.deps.map((d) => `${d.path}@${d.version}`), deps);
});

test('real go1.19 binary with versioned deps and a versioned replacement agrees with its `go version -m` output', () => {
  const bin = gunzipSync(fixture('golang/vendored-go1.19.gz'));
  // recorded with `go version -m vendored` when the fixture was built (go1.19.8, -mod=vendor)
  const recorded = fixture('golang/vendored.go-version-m.txt').toString();
  const info = readGoBuildInfo(bin)!;
  assert.equal(info.goVersion, recorded.split('\n')[0]!.split(': ')[1]);
  const deps = recorded.split('\n').filter((l) => /^\t(dep|=>)\t/.test(l)).map((l) => l.split('\t').slice(1, 4).join(' ').trim());
  const ours = info.deps.flatMap((d) => [`dep ${d.path} ${d.version}`, ...(d.replace ? [`=> ${d.replace.path} ${d.replace.version}`] : [])]);
  assert.deepEqual(ours, deps);
  const pk = goPackages(info, 'app/vendored').map((p) => `${p.name}@${p.version}${p.go?.replaces ? ` (replaces ${p.go.replaces})` : ''}`);
  assert.deepEqual(pk, ['example.com/vendored@', 'example.org/fork@v1.4.3 (replaces example.com/lib@v1.4.2)', 'example.com/plain@v0.2.0', 'stdlib@v1.19.8']);
});

/**
 * A pre-1.18 layout as the Go linker writes it: rodata (R) holds the version and module info strings before the
 * data segment (RW) that holds the build info header and the string headers; a decoy magic sits in rodata (the go
 * command embeds it as data). Beyond the first 64 KiB, so a streaming reader must keep the rodata strings it passes.
 */
function oldLayoutElf(version: string, modinfo: string): Buffer {
  const b = Buffer.alloc(0x31000);
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = 2; b[5] = 1; b[6] = 1;
  b.writeBigUInt64LE(0x40n, 0x20);
  b.writeUInt16LE(56, 0x36); b.writeUInt16LE(2, 0x38);
  // PT_LOAD R: file 0..0x30000 at 0x400000; PT_LOAD RW: file 0x30000.. at 0x430000
  b.writeUInt32LE(1, 0x40); b.writeUInt32LE(4, 0x44); b.writeBigUInt64LE(0n, 0x48); b.writeBigUInt64LE(0x400000n, 0x50); b.writeBigUInt64LE(0x30000n, 0x60);
  b.writeUInt32LE(1, 0x78); b.writeUInt32LE(6, 0x7c); b.writeBigUInt64LE(0x30000n, 0x80); b.writeBigUInt64LE(0x430000n, 0x88); b.writeBigUInt64LE(0x1000n, 0x98);
  b.write('\xff Go buildinf:', 0x18000, 'latin1'); // decoy in rodata, aligned, garbage after it
  b[0x18000 + 14] = 8; b[0x18000 + 15] = 2; b[0x18000 + 32] = 0x7f;
  b.write(version, 0x20000);
  b.write(modinfo, 0x20100, 'latin1');
  const h = 0x30000;
  b.write('\xff Go buildinf:', h, 'latin1');
  b[h + 14] = 8; b[h + 15] = 0;
  b.writeBigUInt64LE(0x430040n, h + 16);
  b.writeBigUInt64LE(0x430050n, h + 24);
  b.writeBigUInt64LE(0x420000n, 0x30040); b.writeBigUInt64LE(BigInt(version.length), 0x30048);
  b.writeBigUInt64LE(0x420100n, 0x30050); b.writeBigUInt64LE(BigInt(Buffer.byteLength(modinfo, 'latin1')), 0x30058);
  return b;
}

function streamed(bin: Buffer, chunk: number): unknown {
  const sink = goAnalyzer.stream!(meta('usr/local/bin/x', { mode: 0o755, size: bin.length }), ctx());
  for (let i = 0; i < bin.length; i += chunk) if (sink.push(bin.subarray(i, i + chunk), i) === false) break;
  return sink.end();
}

test('streamed executables give what the whole file gives, whatever the chunk size, holding no copy of the file', () => {
  const start = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex').toString('latin1');
  const end = Buffer.from('f932433186182072008242104116d8f2', 'hex').toString('latin1');
  const mi = start + 'path\tex.com/old\nmod\tex.com/old\t(devel)\t\ndep\tgithub.com/pkg/errors\tv0.9.1\th1:x=\n' + end;
  const old = oldLayoutElf('go1.16.15', mi);
  const info = readGoBuildInfo(old)!;
  assert.equal(info.goVersion, 'go1.16.15', 'the header in the data segment wins over a decoy magic in rodata');
  assert.deepEqual(info.deps.map((d) => `${d.path}@${d.version}`), ['github.com/pkg/errors@v0.9.1']);
  const vendored = gunzipSync(fixture('golang/vendored-go1.19.gz'));
  for (const bin of [hello, vendored, old]) {
    const whole = goAnalyzer.analyze(meta('usr/local/bin/x', { mode: 0o755, size: bin.length }), bin, ctx());
    assert.ok(whole);
    for (const n of [7, 4099, 65549, 1 << 20]) assert.deepEqual(streamed(bin, n), whole, `chunks of ${n} bytes`);
  }
  // not an ELF: the sink declines after the first chunk
  const sink = goAnalyzer.stream!(meta('usr/bin/s', { mode: 0o755, size: 5000 }), ctx());
  assert.equal(sink.push(Buffer.from('#!/bin/sh\n'.repeat(500)), 0), false);
  assert.equal(sink.end(), undefined);
});
