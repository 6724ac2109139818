/**
 * The layering rule for renderers: src/report imports src/core only (plus its own files, Node built-ins and
 * declared dependencies). What a renderer needs about rules or packages travels in the Report.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
const deps = new Set(Object.keys(pkg.dependencies ?? {}));
const builtins = new Set(builtinModules);

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** every module specifier of a file: static imports/exports (also multi-line and type-only) and import() */
export function specifiers(source: string): string[] {
  const text = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out: string[] = [];
  for (const m of text.matchAll(/\b(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g)) out.push(m[1]!);
  for (const m of text.matchAll(/\bimport\s*['"]([^'"]+)['"]/g)) out.push(m[1]!);
  for (const m of text.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]!);
  return out;
}

/** why `spec`, imported by `file`, breaks the rule (undefined when it is allowed) */
export function violation(file: string, spec: string, srcRoot: string): string | undefined {
  if (spec.startsWith('.')) {
    const target = relative(srcRoot, resolve(dirname(file), spec)).split(sep);
    return target[0] === 'core' || target[0] === 'report' ? undefined : `imports ${spec} (src/${target.join('/')})`;
  }
  const bare = spec.startsWith('node:') ? spec.slice(5) : spec;
  if (builtins.has(bare) || builtins.has(bare.split('/')[0]!)) return undefined;
  const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
  return deps.has(name) ? undefined : `imports ${spec}, which is neither a Node built-in nor a dependency`;
}

test('every file under src/report imports only src/core, src/report, Node built-ins and dependencies', () => {
  const srcRoot = join(root, 'src');
  const files = tsFiles(join(srcRoot, 'report'));
  assert.ok(files.length >= 5, 'the report folder was found');
  const bad: string[] = [];
  let seen = 0;
  for (const f of files) {
    for (const s of specifiers(readFileSync(f, 'utf8'))) {
      seen++;
      const why = violation(f, s, srcRoot);
      if (why) bad.push(`${relative(root, f)} ${why}`);
    }
  }
  assert.ok(seen > 10, 'imports were read');
  assert.deepEqual(bad, []);
});

test('the import check itself catches a reach into a stage, a multi-line import and an undeclared package', () => {
  const srcRoot = join(root, 'src');
  const file = join(srcRoot, 'report', 'x.ts');
  const src = "import { a } from '../core/finding.js';\nimport {\n  ruleMap,\n} from '../analyzers/registry.js';\nconst m = await import('../vulndb/store.js');\nimport 'left-pad';\nimport { x } from 'node:fs';";
  const found = specifiers(src);
  assert.deepEqual([...found].sort(), ['../analyzers/registry.js', '../core/finding.js', '../vulndb/store.js', 'left-pad', 'node:fs']);
  const bad = found.map((s) => violation(file, s, srcRoot)).filter(Boolean);
  assert.equal(bad.length, 3, JSON.stringify(bad));
});
