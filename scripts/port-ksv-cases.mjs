#!/usr/bin/env node
// Ports the Kubernetes workload test cases of aquasecurity/trivy-checks (checks/kubernetes/*_test.rego) into
// test data: one entry per test rule with the input manifest and the upstream verdict (deny count > 0 or 0).
// Only the data is taken; no upstream code is copied.
// Usage: node scripts/port-ksv-cases.mjs GIT_DIR COMMIT OUT.json
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const [gitDir, commit, out] = process.argv.slice(2);
if (!gitDir || !commit || !out) {
  console.error('usage: port-ksv-cases.mjs GIT_DIR COMMIT OUT.json');
  process.exit(2);
}
const git = (...a) => execFileSync('git', ['--git-dir', gitDir, ...a], { encoding: 'utf8', maxBuffer: 64 << 20 });
const files = git('ls-tree', '-r', '--name-only', commit, 'checks/kubernetes').split('\n').filter((f) => f.endsWith('_test.rego'));

/** the balanced {...} / [...] / (...) starting at s[i] (strings respected); returns the end index (exclusive) */
function balanced(s, i) {
  const open = s[i];
  const close = { '{': '}', '[': ']', '(': ')' }[open];
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    const c = s[j];
    if (c === '"') {
      for (j++; j < s.length && s[j] !== '"'; j++) if (s[j] === '\\') j++;
      continue;
    }
    if (c === '`') {
      for (j++; j < s.length && s[j] !== '`'; j++);
      continue;
    }
    if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') {
      depth--;
      if (depth === 0) {
        if (c !== close) throw new Error('unbalanced');
        return j + 1;
      }
    }
  }
  throw new Error('unterminated');
}

/** Rego object/array literal (JSON plus trailing commas) -> JSON value; identifiers from `vars` substituted */
function regoValue(text, vars = {}) {
  let s = '';
  for (let j = 0; j < text.length; j++) {
    const c = text[j];
    if (c === '"') {
      const start = j;
      for (j++; j < text.length && text[j] !== '"'; j++) if (text[j] === '\\') j++;
      s += text.slice(start, j + 1);
      continue;
    }
    if (c === '`') {
      const start = j;
      for (j++; j < text.length && text[j] !== '`'; j++);
      s += JSON.stringify(text.slice(start + 1, j));
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let k = j;
      while (k < text.length && /[\w.]/.test(text[k])) k++;
      const id = text.slice(j, k);
      if (id in vars) s += JSON.stringify(vars[id]);
      else if (['true', 'false', 'null'].includes(id)) s += id;
      else throw new Error(`identifier ${id}`);
      j = k - 1;
      continue;
    }
    if (c === '#') {
      while (j < text.length && text[j] !== '\n') j++;
      continue;
    }
    s += c;
  }
  s = s.replace(/,(\s*[}\]])/g, '$1');
  return JSON.parse(s);
}

const cases = [];
const skipped = [];
for (const path of files) {
  const text = git('show', `${commit}:${path}`);
  const pkg = /^package builtin\.kubernetes\.(KSV\d+)/m.exec(text)?.[1];
  if (!pkg) continue;
  // helper functions `name(arg) := {...}`
  const helpers = {};
  for (const m of text.matchAll(/^([a-z_]\w*)\((\w+)\) := ([{[])/gm)) {
    const start = m.index + m[0].length - 1;
    helpers[m[1]] = { arg: m[2], body: text.slice(start, balanced(text, start)) };
  }
  // top-level values `name := {...}`
  const consts = {};
  for (const m of text.matchAll(/^([a-z_]\w*) := ([{[])/gm)) {
    const start = m.index + m[0].length - 1;
    try {
      consts[m[1]] = regoValue(text.slice(start, balanced(text, start)));
    } catch {
      /* not a literal */
    }
  }
  for (const m of text.matchAll(/^(test_\w+)(?: if)? \{/gm)) {
    const start = m.index + m[0].length - 1;
    const body = text.slice(start, balanced(text, start));
    const name = m[1];
    try {
      const w = /deny with input as /.exec(body);
      if (!w) throw new Error('no `deny with input as`');
      let i = w.index + w[0].length;
      let input;
      const call = /^([a-z_]\w*)\(/.exec(body.slice(i));
      if (body[i] === '{') {
        const end = balanced(body, i);
        input = regoValue(body.slice(i, end), consts);
        i = end;
      } else if (call && helpers[call[1]]) {
        const p = i + call[0].length - 1;
        const end = balanced(body, p);
        const argVal = regoValue(body.slice(p + 1, end - 1), consts);
        input = regoValue(helpers[call[1]].body, { ...consts, [helpers[call[1]].arg]: argVal });
        i = end;
      } else {
        const id = /^\w+/.exec(body.slice(i))?.[0];
        if (id && id in consts) input = consts[id];
        else throw new Error(`input is ${body.slice(i, i + 30)}`);
      }
      const k8sVersion = /with data\.k8s\.version as "([^"]+)"/.exec(body)?.[1];
      let expectDeny;
      let count;
      const c = /count\(r\) (==|=|>|>=) (\d+)/.exec(body);
      const msgs = [...body.matchAll(/r\[_\]\.msg == "((?:[^"\\]|\\.)*)"/g)].map((x) => JSON.parse(`"${x[1]}"`));
      if (c) {
        const eq = c[1] === '==' || c[1] === '=';
        count = eq ? Number(c[2]) : undefined;
        expectDeny = eq ? Number(c[2]) > 0 : true;
      } else if (/\n\s*not r\b|\n\s*r == set\(\)/.test(body)) expectDeny = false;
      else if (msgs.length) expectDeny = true;
      else throw new Error('no verdict');
      cases.push({ id: pkg, test: name, path, expectDeny, ...(count !== undefined ? { count } : {}), ...(k8sVersion ? { k8sVersion } : {}), ...(msgs.length ? { messages: msgs } : {}), input });
    } catch (e) {
      skipped.push(`${path} ${name}: ${e.message}`);
    }
  }
}
writeFileSync(out, JSON.stringify({ repository: 'aquasecurity/trivy-checks', commit, cases }, null, 1) + '\n');
console.error(`${cases.length} cases from ${files.length} files; ${skipped.length} not ported:`);
for (const s of skipped) console.error('  ' + s);
