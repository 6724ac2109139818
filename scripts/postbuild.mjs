#!/usr/bin/env node
// The second half of `npm run build` (after tsc compiled src/**/*.ts into dist/):
//   1. every other file under src/ (data tables such as src/analyzers/daemon/data/escapes.json, READMEs) is
//      copied to the same place under dist/, so code that loads a file beside itself works when installed;
//   2. dist/rule-catalogue.json: the metadata of every rule, as `bulwark rules --format json` prints it, so
//      `bulwark rules` and `bulwark explain` start without loading the analyzers (the way oclif's manifest
//      spares loading every command). The catalogue is written from the built registry, so it cannot drift.
//   3. dist/build-id.json: a digest of every file under src/ and of package-lock.json, the code identity the image
//      result cache keys on (src/app/code-identity.ts), so that changed code never reuses another build's results.
//   4. dist/cli/command-index.json: each command's line of the top-level help, so `bulwark --help` prints without
//      loading every command module (src/cli/main.ts, commandIndex).
// `--check` changes nothing and exits 1 when dist/ lacks a data file, the catalogue or the build id.
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');

/** Files under src/ that tsc does not emit: everything but TypeScript sources. */
function assetFiles(dir = src, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) assetFiles(p, out);
    else if (!name.endsWith('.ts')) out.push(relative(src, p));
  }
  return out;
}

const assets = assetFiles();
if (process.argv.includes('--check')) {
  const missing = assets.filter((rel) => !existsSync(join(dist, rel)) || statSync(join(dist, rel)).size !== statSync(join(src, rel)).size);
  if (!existsSync(join(dist, 'rule-catalogue.json'))) missing.push('rule-catalogue.json');
  if (!existsSync(join(dist, 'build-id.json'))) missing.push('build-id.json');
  if (!existsSync(join(dist, 'cli', 'command-index.json'))) missing.push('cli/command-index.json');
  if (missing.length) {
    console.error(`dist/ lacks ${missing.length} file(s): ${missing.join(', ')} (run npm run build)`);
    process.exit(1);
  }
  console.log(`dist/ has every non-TypeScript file of src/ (${assets.length}) and the rule catalogue`);
  process.exit(0);
}

for (const rel of assets) {
  mkdirSync(dirname(join(dist, rel)), { recursive: true });
  copyFileSync(join(src, rel), join(dist, rel));
}
const { TOOL_VERSION } = await import(pathToFileURL(join(dist, 'core', 'version.js')).href);
const { ruleCatalogueFromRegistry, ruleOrder } = await import(pathToFileURL(join(dist, 'app', 'rules.js')).href);
const rules = await ruleCatalogueFromRegistry();
writeFileSync(join(dist, 'rule-catalogue.json'), JSON.stringify({ version: TOOL_VERSION, rules, byId: ruleOrder(rules) }) + '\n');
const { treeDigest } = await import(pathToFileURL(join(dist, 'app', 'code-identity.js')).href);
writeFileSync(join(dist, 'build-id.json'), JSON.stringify({ version: TOOL_VERSION, id: treeDigest(src, join(root, 'package-lock.json')) }) + '\n');
const { buildProgram, commandIndex } = await import(pathToFileURL(join(dist, 'cli', 'main.js')).href);
const program = await buildProgram({ setExitCode() {}, exitCode: () => 0, argv: [], passthrough: (a) => a });
const index = commandIndex(program);
writeFileSync(join(dist, 'cli', 'command-index.json'), JSON.stringify(index) + '\n');
console.log(`dist/: copied ${assets.length} data file(s) from src/, wrote the catalogue of ${rules.length} rules and the index of ${index.commands.length} commands`);
