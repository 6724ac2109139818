/** Daemon identification from /proc: by socket inode, never by "the newest process named dockerd". */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hostFlags, identifyDaemon, listenersOf, tcpListeners, unixListeners, type ProcFs } from '../../src/host/proc.js';

/** A /proc made of plain maps. */
function fakeProc(files: Record<string, string>, links: Record<string, string>): ProcFs {
  return {
    read: (p) => files[p],
    list: (p) => {
      const prefix = p.endsWith('/') ? p : p + '/';
      const names = new Set<string>();
      for (const k of [...Object.keys(files), ...Object.keys(links)]) if (k.startsWith(prefix)) names.add(k.slice(prefix.length).split('/')[0]!);
      return [...names];
    },
    readlink: (p) => links[p],
  };
}

const UNIX = `Num       RefCount Protocol Flags    Type St Inode Path
0000000000000000: 00000002 00000000 00010000 0001 01 1001 /run/docker.sock
0000000000000000: 00000002 00000000 00010000 0001 01 2001 /tmp/second.sock
0000000000000000: 00000003 00000000 00000000 0001 03 3001 /run/docker.sock
`;
// 127.0.0.1:2375 (0100007F:0947) LISTEN by inode 2002; 0.0.0.0:22 by 9
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:0947 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2002 1 0000000000000000 100 0 0 10 0
   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 9 1 0000000000000000 100 0 0 10 0
   2: 0100007F:0948 0100007F:1234 01 00000000:00000000 00:00000000 00000000     0        0 77 1 0000000000000000 100 0 0 10 0
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:0948 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2003 1 0000000000000000 100 0 0 10 0
`;

function proc(): ProcFs {
  return fakeProc(
    {
      '/proc/net/unix': UNIX,
      '/proc/net/tcp': TCP,
      '/proc/net/tcp6': TCP6,
      '/proc/100/cmdline': 'dockerd\0-H\0fd://\0',
      '/proc/200/cmdline': '/usr/bin/dockerd\0-H\0unix:///tmp/second.sock\0-H\0tcp://127.0.0.1:2375\0--icc=true\0',
      // the newest "dockerd" is a decoy (Docker Bench's pgrep -f -n dockerd picks it)
      '/proc/300/cmdline': 'bash\0-c\0sleep 120; : dockerd --icc=false --userns-remap=default\0',
      '/proc/1/cmdline': '/sbin/init\0',
      '/proc/200/net/tcp': TCP,
      '/proc/200/net/tcp6': TCP6,
      '/proc/200/net/unix': UNIX,
      '/proc/200/status': 'Name:\tdockerd\nUid:\t0\t0\t0\t0\n',
    },
    {
      '/proc/1/fd/3': 'socket:[1001]',
      '/proc/100/fd/3': 'socket:[1001]',
      '/proc/100/exe': '/usr/sbin/dockerd',
      '/proc/200/fd/4': 'socket:[2001]',
      '/proc/200/fd/5': 'socket:[2002]',
      '/proc/200/fd/6': 'socket:[2003]',
      '/proc/200/fd/7': '/dev/null',
      '/proc/200/exe': '/usr/bin/dockerd',
      '/proc/300/exe': '/bin/bash',
    },
  );
}

describe('identifyDaemon', () => {
  it('maps the default socket to the dockerd holding its inode, preferring dockerd over systemd (socket activation)', () => {
    const r = identifyDaemon('unix:///var/run/docker.sock', { proc: proc() });
    assert.equal(r.pid, 100);
    assert.match(r.identifiedBy, /inode 1001/);
  });
  it('maps a second daemon socket to its own PID, not the newest dockerd-looking process', () => {
    assert.equal(identifyDaemon('unix:///tmp/second.sock', { proc: proc() }).pid, 200);
  });
  it('maps a TCP endpoint to the process holding the LISTEN socket', () => {
    const r = identifyDaemon('tcp://127.0.0.1:2375', { proc: proc() });
    assert.equal(r.pid, 200);
    assert.match(r.identifiedBy, /TCP listener on port 2375/);
  });
  it('honours --pid and rejects a PID that does not exist', () => {
    assert.equal(identifyDaemon('unix:///x.sock', { pid: 200, proc: proc() }).pid, 200);
    assert.equal(identifyDaemon('unix:///x.sock', { pid: 999, proc: proc() }).pid, undefined);
  });
  it('finds nothing for an unknown socket rather than guessing', () => {
    const r = identifyDaemon('unix:///nowhere.sock', { proc: proc() });
    assert.equal(r.pid, undefined);
    assert.match(r.identifiedBy, /no process found/);
  });
});

describe('/proc parsers', () => {
  it('reads listening unix sockets only', () => {
    const m = unixListeners(UNIX);
    assert.deepEqual(m.get('/run/docker.sock'), [1001]);
  });
  it('reads LISTEN TCP sockets (v4 and v6), skipping established ones', () => {
    assert.deepEqual(tcpListeners(TCP).map((l) => `${l.address}:${l.port}`), ['127.0.0.1:2375', '0.0.0.0:22']);
    assert.deepEqual(tcpListeners(TCP6, true).map((l) => `${l.address}:${l.port}`), [':::2376']);
  });
  it('lists the TCP listeners of one PID by its fd inodes', () => {
    assert.deepEqual(listenersOf(proc(), 200).tcp, ['127.0.0.1:2375', '[::]:2376']);
  });
  it('survives garbage in /proc files', () => {
    assert.deepEqual(tcpListeners('garbage\n\n  0: zz\n'), []);
    assert.equal(unixListeners('x\ny z').size, 0);
  });
  it('extracts -H/--host values in every form', () => {
    assert.deepEqual(hostFlags(['dockerd', '-H', 'fd://', '--host=tcp://a:1', '-Hunix:///b', '--host', 'tcp://c:2']), ['fd://', 'tcp://a:1', 'unix:///b', 'tcp://c:2']);
  });
});
