/**
 * The recorder on real processes of this host: strace attached to a process held at a FIFO (as the
 * container helper is), the gate that keeps the helper's own syscalls out, children and threads followed,
 * files and sockets collected; and the parser on strace's unfinished/resumed interleaving.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { StraceSession, straceAvailable } from '../../src/profiles/trace/strace.js';
import { StraceParser, splitArgs, straceString } from '../../src/profiles/trace/parse.js';
import { findStaticBusybox, isStaticElf } from '../../src/profiles/generate/record.js';
import { tempDir } from '../support/tmp.js';

const busybox = (() => {
  try {
    return findStaticBusybox();
  } catch {
    return undefined;
  }
})();
const CAN_TRACE = Boolean(straceAvailable()) && process.getuid?.() === 0;
const SKIP = !CAN_TRACE ? 'needs strace and root (ptrace)' : !busybox ? 'needs busybox-static' : false;

function release(fifo: string): void {
  for (let i = 0; i < 200; i++) {
    try {
      const fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
      writeSync(fd, 'go\n');
      closeSync(fd);
      return;
    } catch {
      spawnSync('sleep', ['0.05']);
    }
  }
  throw new Error('nobody reads the fifo');
}

test('strace attached to a held process: the helper is not recorded, the workload, its children and their files are', { skip: SKIP }, async () => {
  const dir = tempDir('bw-trace-');
  const fifo = join(dir, 'go');
  assert.equal(spawnSync('mkfifo', ['-m', '0600', fifo]).status, 0);
  const out = join(dir, 'out.txt');
  // the same hold-then-exec helper the recorder puts in front of a container's entrypoint
  const held = spawn(busybox!, ['sh', '-c', `read _ < ${fifo}; exec "$@"`, 'helper', '/bin/sh', '-c', `cat /etc/hostname > ${out}; /bin/true & wait; exec ${process.execPath} -e "require('node:fs').statSync('/')"`], {
    stdio: 'ignore',
    cwd: dir,
  });
  const exited = new Promise((r) => held.on('close', r));
  const session = new StraceSession({ pids: [held.pid!], gates: [held.pid!], cwd: dir });
  await session.start();
  release(fifo);
  await exited;
  const t = await session.stop();
  const names = t.execs.map((e) => e.split('/').pop());
  assert.ok(names.includes('sh') && names.includes('cat') && names.includes('true'), t.execs.join(' '));
  assert.ok(t.execs.includes(process.execPath));
  assert.equal(t.files.has(fifo), false, "the helper's FIFO is before the gate");
  assert.deepEqual(t.files.get(out), { read: false, write: true, exec: false, create: true, map: false, dir: false });
  assert.ok(t.files.get('/etc/hostname')?.read);
  assert.ok(t.syscalls.get('execve')!.ok >= 4);
  assert.ok(t.tasks >= 4, `tasks ${t.tasks}`);
  // node starts threads (libuv, V8): recorded with -f
  assert.ok(t.threads >= 1, `threads ${t.threads}`);
  assert.ok(t.syscalls.has('wait4') && t.syscalls.has('clone'));
  assert.equal(t.unknown.length, 0);
});

test('parser: unfinished/resumed pairs across threads, errors, paths with ") = " inside, unknown syscall numbers', () => {
  const p = new StraceParser([], '/w');
  for (const l of [
    '10    futex(0x7f, FUTEX_WAIT_PRIVATE, 0, NULL <unfinished ...>',
    '11    openat(-100, "odd) = 3 name", 0x80000 <unfinished ...>',
    '10    <... futex resumed>) = -1 EAGAIN (Resource temporarily unavailable)',
    '11    <... openat resumed>) = 7',
    '11    syscall_0x1c3(0x1, 0x2) = 0',
    '11    syscall_0x7fff(0x1) = -1 ENOSYS (Function not implemented)',
    '10    chdir("sub") = 0',
    '10    clone(child_stack=NULL, flags=0x1200000|17, child_tidptr=0x1) = 2 /* 12 in strace\'s PID NS */',
    '12    openat(-100, "g.txt", 0) = 3',
    '10    openat(-100, "f.txt", 0x441, 0666) = 3',
    '10    +++ exited with 0 +++',
    'garbage line',
  ])
    p.line(l);
  const t = p.summary();
  assert.deepEqual(t.syscalls.get('futex'), { calls: 1, ok: 0, errors: { EAGAIN: 1 } });
  assert.ok(t.files.has('/w/odd) = 3 name'));
  assert.ok(t.syscalls.has('cachestat'), 'syscall 451 named from the syscall table');
  assert.deepEqual(t.unknown, ['syscall_0x7fff']);
  assert.ok(t.files.get('/w/sub/f.txt')?.write);
  // a child in a PID namespace: known by the host PID strace adds, it inherits the working directory
  assert.ok(t.files.get('/w/sub/g.txt')?.read);
  assert.equal(t.tasks, 3);
});

test('strace argument helpers', () => {
  assert.deepEqual(splitArgs('3, "a, b", {x=1, y=[2, 3]}, 0x10'), ['3', '"a, b"', '{x=1, y=[2, 3]}', '0x10']);
  assert.equal(straceString('"a\\"b\\n\\x41"'), 'a"b\nA');
  assert.equal(straceString('0x7ffd'), undefined);
});

test('static busybox detection reads the ELF program headers', { skip: !busybox && 'needs busybox-static' }, () => {
  assert.ok(isStaticElf(busybox!));
  assert.equal(isStaticElf(process.execPath), false);
  assert.equal(isStaticElf('/etc/hostname'), false);
  assert.ok(readFileSync(busybox!).length > 100_000);
});
