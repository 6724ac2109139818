#!/usr/bin/env node
// Drives a workload while its profile is recorded, and checks it answers afterwards.
//   node exercise.mjs http HOST PORT PATH [COUNT]   GET PATH COUNT times (exit 1 unless every answer is 200)
//   node exercise.mjs redis HOST PORT [COUNT]       PING, SET, GET, INCR COUNT times over one connection
// Retries the first connection for up to 20 s (the workload may still be starting).
import { connect } from 'node:net';
import { get } from 'node:http';

const [kind, host, portText, ...rest] = process.argv.slice(2);
const port = Number(portText);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function retry(fn) {
  const until = Date.now() + 20_000;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > until) throw e;
      await sleep(200);
    }
  }
}

function httpGet(path) {
  return new Promise((resolve, reject) => {
    const req = get({ host, port, path, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

function redis(count) {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port });
    s.setTimeout(5000, () => s.destroy(new Error('timeout')));
    let buf = '';
    const cmds = [];
    // a counter of this run's own, so the last reply is known whatever ran before
    const counter = `n-${process.pid}-${Date.now()}`;
    for (let i = 0; i < count; i++) cmds.push(['PING'], ['SET', `k${i}`, `v${i}`], ['GET', `k${i}`], ['INCR', counter]);
    const enc = (c) => `*${c.length}\r\n${c.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
    s.on('connect', () => s.write(cmds.map(enc).join('')));
    s.on('data', (d) => {
      buf += d;
      if (buf.includes('-ERR')) s.destroy(new Error(buf.slice(buf.indexOf('-ERR')).split('\r\n')[0]));
      // the last reply is the last INCR's
      else if (buf.endsWith(`:${count}\r\n`)) {
        s.end();
        resolve(buf);
      }
    });
    s.on('error', reject);
  });
}

if (kind === 'http') {
  const [path = '/', countText = '20'] = rest;
  const n = Number(countText);
  await retry(() => httpGet(path));
  for (let i = 0; i < n; i++) {
    const r = await httpGet(path);
    if (r.status !== 200) {
      console.error(`GET ${path}: ${r.status}`);
      process.exit(1);
    }
  }
  console.log(`${n} x GET ${path}: 200`);
} else if (kind === 'redis') {
  const n = Number(rest[0] ?? '20');
  const out = await retry(() => redis(n));
  if (!out.includes('+PONG')) process.exit(1);
  console.log(`${n} x PING/SET/GET/INCR: ok`);
} else {
  console.error('usage: exercise.mjs http|redis HOST PORT ...');
  process.exit(2);
}
