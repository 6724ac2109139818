/** Dockerfile text -> DockerfileModel, on top of dockerfile-ast (the parser VS Code uses). */
import { DockerfileParser, type Instruction as AstInstruction } from 'dockerfile-ast';
import type { DockerfileModel, HeredocBody, ImageRef, Instruction, Pragma, Property, Stage } from './model.js';
import { expand, ExpansionBudget, referencedVars } from './vars.js';
import { parseShell, type SimpleCommand } from './shell/tokenize.js';

export const KNOWN_INSTRUCTIONS = new Set([
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL', 'MAINTAINER',
  'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
]);
/** instructions whose arguments Docker substitutes variables in */
const SUBSTITUTED = new Set(['ADD', 'COPY', 'ENV', 'EXPOSE', 'FROM', 'LABEL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR', 'ONBUILD', 'ARG']);
const PRAGMA = /^#\s*(hadolint|bulwark)\s+(global\s+)?ignore\s*=\s*([A-Za-z0-9_,\s-]+)$/i;

interface Pos {
  line: number;
  character: number;
}

export function parseImageRef(raw: string, value: string, unresolved: boolean): ImageRef {
  let rest = value;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let registry: string | undefined;
  const slash = rest.indexOf('/');
  if (slash > 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      rest = rest.slice(slash + 1);
    }
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const ref: ImageRef = { raw, value, unresolved, name: rest, scratch: rest.toLowerCase() === 'scratch' };
  if (registry) ref.registry = registry;
  if (tag !== undefined) ref.tag = tag;
  if (digest) ref.digest = digest;
  return ref;
}

function offsetOf(lines: string[], startLine: number, p: Pos): number {
  let off = 0;
  // (a lone '\r' can end a line for the tokenizer but not for `lines`: a position past the last line adds nothing)
  for (let l = startLine; l < p.line; l++) off += (lines[l]?.length ?? 0) + 1;
  return off + p.character;
}

function parsePragma(text: string, line: number): Pragma | undefined {
  const m = PRAGMA.exec(text.trim());
  if (!m) return undefined;
  return {
    tool: m[1]!.toLowerCase() as 'hadolint' | 'bulwark',
    global: Boolean(m[2]),
    ids: m[3]!.split(/[\s,]+/).filter(Boolean).map((s) => s.toUpperCase()),
    line,
  };
}

/** Quote argv for re-reading as shell (used for exec-form RUN, whose offsets are not editable). */
function shellQuote(a: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

/** RUN as shell: shell form, heredoc scripts, or exec form (read back from its argv). */
export function runCommands(inst: Instruction, escape: string): SimpleCommand[] {
  if (inst.commands) return inst.commands;
  let cmds: SimpleCommand[];
  if (inst.json) {
    cmds = parseShell(inst.json.map(shellQuote).join(' '), -1_000_000, escape);
  } else if (inst.argsOffset < 0) {
    cmds = [];
  } else if (inst.heredocs.length) {
    const firstNl = inst.source.indexOf('\n', inst.argsOffset);
    const head = inst.source.slice(inst.argsOffset, firstNl < 0 ? undefined : firstNl);
    cmds = parseShell(head, inst.argsOffset, escape);
    const shellLike = cmds.length === 0 || cmds.every((c) => /^(?:\/(?:usr\/)?bin\/)?(?:ba|da|a|z)?sh$/.test(c.argv[0] ?? ''));
    if (shellLike) for (const h of inst.heredocs) cmds.push(...parseShell(h.content, h.offset, '\\'));
  } else {
    cmds = parseShell(inst.source.slice(inst.argsOffset), inst.argsOffset, escape);
  }
  inst.commands = cmds;
  return cmds;
}

export function parseDockerfile(text: string, file: string): DockerfileModel {
  const lines = text.split(/\r?\n/);
  const ast = DockerfileParser.parse(text);
  const escape = ast.getEscapeCharacter() || '\\';
  const model: DockerfileModel = {
    file,
    lines,
    escape,
    instructions: [],
    stages: [],
    globalArgs: new Map(),
    globalPragmas: [],
    onbuild: [],
    problems: [],
  };
  // pragmas: by comment line (0-based). Comment lines are read from the text, not the AST, because the
  // parser takes a first-line `# hadolint global ignore=...` for a parser directive.
  const astInstructions = ast.getInstructions();
  const inside = new Uint8Array(lines.length);
  for (const a of astInstructions) {
    const r = a.getRange();
    for (let l = r.start.line; l <= r.end.line && l < lines.length; l++) inside[l] = 1;
  }
  const commentPragmas = new Map<number, Pragma>();
  const commentLines = new Set<number>();
  for (let l = 0; l < lines.length; l++) {
    if (inside[l]) continue;
    const t = lines[l]!.trimStart();
    if (!t.startsWith('#')) continue;
    commentLines.add(l);
    if (!/hadolint|bulwark/i.test(t)) continue;
    const p = parsePragma(t, l + 1);
    if (!p) continue;
    if (p.global) model.globalPragmas.push(p);
    else commentPragmas.set(l, p);
  }

  const stageEnv = new Map<number, Map<string, string | undefined>>();
  const budget = new ExpansionBudget();
  let copyBudget = 4_000_000;
  let env = new Map<string, string | undefined>();
  let stage: Stage | undefined;
  const aliases = new Map<string, number>();
  for (const a of astInstructions) {
    const inst = toInstruction(a, model, lines, escape);
    if (!KNOWN_INSTRUCTIONS.has(inst.keyword)) {
      model.problems.push({ line: inst.line, column: inst.column, message: `unknown instruction '${a.getKeyword()}' at line ${inst.line}`, key: `unknown:${inst.keyword}` });
    }
    for (const h of inst.heredocs) {
      if (!h.terminated) model.problems.push({ line: h.line, column: 1, message: `heredoc <<${h.name} opened at line ${h.line} is never terminated`, key: `heredoc:${h.name}` });
    }
    // pragmas: the comment lines directly above (blank lines break the block)
    for (let l = inst.line - 2; l >= 0 && commentLines.has(l); l--) {
      const p = commentPragmas.get(l);
      if (p) inst.pragmas.push(p);
    }
    if (inst.keyword === 'FROM') {
      const globalEnv = model.globalArgs;
      const ex = expand(a.getArguments()[0]?.getValue() ?? '', globalEnv, escape, 0, budget);
      const fromAst = a as unknown as { getBuildStage(): string | null; getPlatformFlag(): { getValue(): string | null } | null };
      const rawRef = a.getArguments()[0]?.getValue() ?? '';
      const image = parseImageRef(rawRef, ex.value, ex.unresolved);
      if (ex.unresolved) {
        // what `docker build` without --build-arg uses: a variable with no value is the empty string
        const unset = new Set(referencedVars(rawRef).filter((v) => globalEnv.get(v) === undefined));
        const defaults = { has: (n: string) => unset.has(n) || globalEnv.has(n), get: (n: string) => (unset.has(n) ? '' : globalEnv.get(n)) };
        const d = expand(rawRef, defaults, escape, 0, budget);
        if (!d.unresolved) image.withDefaults = parseImageRef(rawRef, d.value, false);
      }
      const s: Stage = { index: model.stages.length, from: inst, image, instructions: [] };
      const alias = fromAst.getBuildStage();
      if (alias) s.alias = alias.toLowerCase();
      const pf = fromAst.getPlatformFlag();
      if (pf) s.platform = pf.getValue() ?? '';
      const parent = aliases.get(image.value.toLowerCase());
      if (parent !== undefined && !image.tag && !image.digest && !image.registry) s.parent = parent;
      if (s.alias && !aliases.has(s.alias)) aliases.set(s.alias, s.index);
      model.stages.push(s);
      stage = s;
      inst.stage = s.index;
      inst.expanded = ex.value;
      inst.unresolved = ex.unresolved;
      // a stage starts with no variables except what it declares (and inherits from its parent stage)
      env = new Map();
      const inherited = s.parent !== undefined ? stageEnv.get(s.parent) : undefined;
      if (inherited) {
        // copying the parent's variables into every stage of a long FROM chain is quadratic: bounded
        copyBudget -= inherited.size;
        if (copyBudget >= 0) for (const [k, v] of inherited) env.set(k, v);
        else budget.hit ??= 'total';
      }
      model.instructions.push(inst);
      s.instructions.push(inst);
      stageEnv.set(s.index, env);
      continue;
    }
    if (!stage && (inst.keyword === 'ARG' || !KNOWN_INSTRUCTIONS.has(inst.keyword))) {
      inst.stage = -1;
      if (inst.keyword === 'ARG') for (const p of inst.properties) model.globalArgs.set(p.name, p.value ?? undefined);
      model.instructions.push(inst);
      continue;
    }
    if (!stage) {
      // a fragment (instructions before any FROM): lint it as a stage whose base image is unknown
      const s: Stage = { index: model.stages.length, from: inst, image: { raw: '', value: '', unresolved: true, name: '', scratch: false }, instructions: [], implicit: true };
      model.stages.push(s);
      stage = s;
      env = new Map();
      stageEnv.set(s.index, env);
    }
    inst.stage = stage.index;
    if (SUBSTITUTED.has(inst.keyword) && inst.keyword !== 'ENV' && inst.keyword !== 'ARG') {
      const ex = expand(inst.args, env, escape, 0, budget);
      inst.expanded = ex.value;
      inst.unresolved = ex.unresolved;
    }
    if (inst.keyword === 'ARG') {
      for (const p of inst.properties) {
        if (p.value !== null) env.set(p.name, expand(p.value, env, escape, 0, budget).value);
        else if (model.globalArgs.has(p.name)) env.set(p.name, model.globalArgs.get(p.name));
        else if (!env.has(p.name)) env.set(p.name, undefined);
      }
    } else if (inst.keyword === 'ENV') {
      // Docker substitutes every value of one ENV with the environment as it was before it: all values first
      const values = inst.properties.map((p) => (p.value === null ? '' : expand(p.value, env, escape, 0, budget).value));
      inst.properties.forEach((p, i) => env.set(p.name, values[i]));
    }
    model.instructions.push(inst);
    stage.instructions.push(inst);
    if (inst.keyword === 'ONBUILD') {
      const trig = (a as unknown as { getTriggerInstruction(): AstInstruction | null }).getTriggerInstruction();
      const kw = trig?.getKeyword().toUpperCase();
      if (trig && kw && KNOWN_INSTRUCTIONS.has(kw) && kw !== 'ONBUILD' && kw !== 'FROM' && kw !== 'MAINTAINER') {
        const t = toInstruction(trig, model, lines, escape);
        t.index = -1;
        t.stage = stage.index;
        t.pragmas = inst.pragmas;
        t.onbuildOf = inst;
        model.onbuild.push(t);
      }
    }
  }
  if (budget.hit) {
    model.problems.push({
      line: 1,
      column: 1,
      message:
        budget.hit === 'value'
          ? `variable substitution produced a value over ${budget.maxValue} characters (ARG/ENV built from themselves): values are cut there and read as unresolved`
          : 'variable substitution stopped: the ARG/ENV values of this file expand to more than the 16 MiB limit; later values are read as written (unresolved)',
      key: 'expansion-limit',
    });
  }
  if (model.instructions.length === 0) model.problems.push({ line: 1, column: 1, message: 'no instructions: the file is empty or only comments', key: 'empty' });
  else if (model.stages.every((s) => s.implicit)) model.problems.push({ line: 1, column: 1, message: 'no FROM instruction: not a buildable Dockerfile (its instructions are still checked)', key: 'no-from' });
  else if (model.stages[0]?.implicit) {
    const first = model.stages[0].from;
    model.problems.push({ line: first.line, column: first.column, message: `${first.keyword} at line ${first.line} comes before the first FROM: Docker refuses it`, key: 'before-from' });
  }
  return model;
}

/**
 * dockerfile-ast recomputes an instruction's arguments on every call, and most of its getters call
 * getArguments() internally; computing it once per instruction makes parsing several times faster.
 */
function memoiseArguments(a: AstInstruction): void {
  const args = a.getArguments();
  Object.defineProperty(a, 'getArguments', { value: () => args, configurable: true });
}

function toInstruction(a: AstInstruction, model: DockerfileModel, lines: string[], escape: string): Instruction {
  memoiseArguments(a);
  const r = a.getRange();
  const startLine = r.start.line;
  const endLine = r.end.line;
  const source = lines.slice(startLine, endLine + 1).join('\n');
  const argsRange = a.getArgumentsRange();
  const keyword = a.getKeyword().toUpperCase();
  const args = a.getArgumentsContent() ?? '';
  const inst: Instruction = {
    index: model.instructions.length,
    keyword,
    line: startLine + 1,
    column: r.start.character + 1,
    endLine: endLine + 1,
    endColumn: r.end.character + 1,
    source,
    argsOffset: argsRange ? offsetOf(lines, startLine, argsRange.start) : -1,
    args,
    expanded: args,
    unresolved: false,
    flags: [],
    heredocs: [],
    properties: [],
    stage: -1,
    pragmas: [],
  };
  const any = a as unknown as {
    getFlags?: () => Array<{ getName(): string; getValue(): string | null }>;
    getProperties?: () => Array<{ getName(): string; getValue(): string | null }>;
    getHeredocs?: () => Array<{ getName(): string; getContentRange(): { start: Pos; end: Pos } | null; getDelimiterRange(): { start: Pos } | null; getStartRange(): { start: Pos } }>;
  };
  // the getters below are costly in dockerfile-ast; call them only when the text can have what they read
  const afterKeyword = source.slice(r.start.character + keyword.length);
  if (any.getFlags && afterKeyword.includes('--')) inst.flags = any.getFlags().map((f) => ({ name: f.getName().toLowerCase(), value: f.getValue() }));
  if (any.getProperties) inst.properties = any.getProperties().map((p): Property => ({ name: p.getName(), value: p.getValue() }));
  if (any.getHeredocs && (keyword === 'RUN' || keyword === 'COPY' || keyword === 'ADD') && args.includes('<<')) {
    for (const h of any.getHeredocs()) {
      const cr = h.getContentRange();
      const start = cr ? offsetOf(lines, startLine, cr.start) : source.length;
      const end = cr ? offsetOf(lines, startLine, cr.end) : source.length;
      const body: HeredocBody = {
        name: h.getName(),
        content: source.slice(start, end),
        offset: start,
        terminated: h.getDelimiterRange() !== null,
        line: h.getStartRange().start.line + 1,
      };
      inst.heredocs.push(body);
    }
  }
  if ((keyword === 'RUN' || keyword === 'CMD' || keyword === 'ENTRYPOINT' || keyword === 'SHELL' || keyword === 'HEALTHCHECK' || keyword === 'COPY' || keyword === 'ADD' || keyword === 'VOLUME')) {
    let t = args.trim();
    if (keyword === 'HEALTHCHECK') t = t.replace(/^(?:--\S+\s+)*CMD\s+/i, '');
    if (t.startsWith('[') && t.endsWith(']')) {
      try {
        const v = JSON.parse(t) as unknown;
        if (Array.isArray(v) && v.every((x) => typeof x === 'string')) inst.json = v as string[];
      } catch {
        /* shell form after all (Docker does the same) */
      }
    }
  }
  void escape;
  return inst;
}
