/**
 * Daemon/host audit timings: evidence collection (live and --root), check evaluation, and daemon
 * identification by socket inode on this machine's /proc. Prints figures; no thresholds.
 * Run: npx tsx bench/daemon.ts
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { collectHostEvidence } from '../src/host/collect.js';
import { identifyDaemon } from '../src/host/proc.js';
import { runChecks } from '../src/analyzers/daemon/run.js';
import { buildTree, isRoot, loadTree, removeTree } from '../test/daemon/tree.js';

async function time<T>(label: string, n: number, fn: () => Promise<T> | T): Promise<T> {
  let last!: T;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) last = await fn();
  const ms = (performance.now() - t0) / n;
  console.log(`${label.padEnd(46)} ${ms.toFixed(2).padStart(9)} ms/op  (n=${n})`);
  return last;
}

const procs = (await import('node:fs')).readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length;
console.log(`processes in /proc: ${procs}`);
if (existsSync('/var/run/docker.sock')) {
  await time('identify dockerd by socket inode', 20, () => identifyDaemon('unix:///var/run/docker.sock'));
  const ev = await time('collect live evidence (Engine API + host)', 5, () => collectHostEvidence({}));
  await time('run all checks on live evidence', 200, () => runChecks(ev, 'all'));
  const { results } = runChecks(ev, 'all');
  console.log(`live results: ${results.length}`);
}
if (isRoot) {
  const root = buildTree(loadTree('root-bad'));
  try {
    const ev = await time('collect offline evidence (--root bad tree)', 20, () => collectHostEvidence({ root }));
    await time('run all checks on offline evidence', 200, () => runChecks(ev, 'all'));
  } finally {
    removeTree(root);
  }
}
