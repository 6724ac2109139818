#!/usr/bin/env node
// Copies the data files that live beside the sources (every file under a src/**/data/ directory that is
// not TypeScript) into dist/, so the built package finds them where the code does (createRequire('./data/...')).
import { cpSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const src = 'src';
const out = process.argv[2] ?? 'dist';
let n = 0;
function walk(dir, inData) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, inData || name === 'data');
    else if (inData && !name.endsWith('.ts')) {
      const dest = join(out, relative(src, p));
      mkdirSync(dirname(dest), { recursive: true });
      cpSync(p, dest);
      n++;
    }
  }
}
walk(src, false);
console.log(`copy-data: ${n} data files -> ${out}/`);
