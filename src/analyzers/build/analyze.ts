/** Runs every build rule over one Dockerfile and turns hits into Findings (pragmas, fixes, fingerprints). */
import { isUtf8 } from 'node:buffer';
import type { Finding, LineEdit } from '../../core/finding.js';
import { dedupeFingerprints, makeFinding } from '../../core/rule.js';
import type { DockerfileModel, Instruction, Pragma } from '../../dockerfile/model.js';
import { parseDockerfile } from '../../dockerfile/parse.js';
import { DEFAULT_SETTINGS, makeContext, type BuildRule, type BuildSettings, type Hit, type TextEdit } from './context.js';
import { allBuildRules, parseErrorRule } from './rules/index.js';

export interface FixProposal {
  ruleId: string;
  inst: Instruction;
  edits: TextEdit[];
}

export interface DockerfileAnalysis {
  model?: DockerfileModel;
  findings: Finding[];
  /** the text edits of unsuppressed auto-fixable findings, for `--fix` */
  fixes: FixProposal[];
}

/** Apply text edits to a string in one pass; overlapping edits after the first are dropped (a later --fix pass gets them). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  // same position: the first proposed edit ends up first in the text
  const sorted = edits.map((e, i) => ({ ...e, i })).sort((a, b) => a.start - b.start || a.end - b.end || a.i - b.i);
  const parts: string[] = [];
  let pos = 0;
  let last = '';
  for (const e of sorted) {
    const k = `${e.start}:${e.end}:${e.text}`;
    if (k === last) continue;
    last = k;
    if (e.start < pos) continue;
    parts.push(text.slice(pos, e.start), e.text);
    pos = e.end;
  }
  parts.push(text.slice(pos));
  return parts.join('');
}

function lineEdit(file: string, inst: Instruction, edits: TextEdit[]): LineEdit {
  return { file, startLine: inst.line, endLine: inst.endLine, replacement: applyEdits(inst.source, edits) };
}

function firstInvalidUtf8(buf: Buffer): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    const n = b < 0x80 ? 0 : b >> 5 === 6 ? 1 : b >> 4 === 14 ? 2 : b >> 3 === 30 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (i + k >= buf.length || buf[i + k]! >> 6 !== 2) return i;
    i += n + 1;
  }
  return -1;
}

function lineAt(buf: Buffer, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < buf.length; i++) if (buf[i] === 10) line++;
  return line;
}

function pragmaHits(pragmas: Pragma[], rule: BuildRule): Pragma | undefined {
  if (pragmas.length === 0) return undefined;
  const refs = rule.meta.references.map((r) => r.toUpperCase());
  return pragmas.find((p) => p.ids.some((id) => (p.tool === 'bulwark' && (id === rule.meta.id || id === 'ALL')) || refs.includes(id)));
}

/** hadolint DLnnnn and Trivy DSnnn / AVD-DS-nnnn IDs (the references a Hit's `upstream` narrows) */
const UPSTREAM_ID = /^(DL\d{4}|DS\d{3}|AVD-DS-\d{4})$/;

const normCache = new WeakMap<Instruction, string>();
function normalised(inst: Instruction | undefined): string {
  if (!inst) return '';
  let n = normCache.get(inst);
  if (n === undefined) {
    n = `${inst.keyword} ${inst.args.replace(/\s+/g, ' ').trim()}`;
    normCache.set(inst, n);
  }
  return n;
}

export function analyzeDockerfile(input: string | Buffer, file: string, settings: BuildSettings = DEFAULT_SETTINGS, rules: BuildRule[] = allBuildRules): DockerfileAnalysis {
  const findings: Finding[] = [];
  const parseError = (line: number, message: string, key: string): void => {
    findings.push(makeFinding(parseErrorRule.meta, { message, key, location: { kind: 'file', file, line, column: 1 } }));
  };
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    if (input.length > settings.maxFileSize) {
      parseError(1, `file is ${input.length} bytes, over the ${settings.maxFileSize}-byte limit for a Dockerfile; not analysed`, 'too-large');
      return { findings, fixes: [] };
    }
    const head = input.subarray(0, 8192);
    if (head.includes(0)) {
      parseError(lineAt(input, head.indexOf(0)), 'binary content (NUL bytes): not a Dockerfile; not analysed', 'binary');
      return { findings, fixes: [] };
    }
    const bad = isUtf8(input) ? -1 : firstInvalidUtf8(input);
    if (bad >= 0) parseError(lineAt(input, bad), `invalid UTF-8 at byte ${bad} (line ${lineAt(input, bad)}); invalid bytes were read as U+FFFD`, 'utf8');
    text = input.toString('utf8');
  }
  if (text.length > settings.maxFileSize) {
    parseError(1, `file is over the ${settings.maxFileSize}-byte limit for a Dockerfile; not analysed`, 'too-large');
    return { findings, fixes: [] };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const model = parseDockerfile(text, file);
  for (const p of model.problems) parseError(p.line, p.message, p.key);
  const ctx = makeContext(model, settings);
  const fixes: FixProposal[] = [];
  for (const rule of rules) {
    let hits: Hit[];
    hits = rule.check(ctx);
    for (const h of hits) {
      const inst = h.inst;
      const line = h.line ?? inst?.line ?? 1;
      const column = h.column ?? inst?.column ?? 1;
      const location = inst && h.line === undefined
        ? { kind: 'file' as const, file, line, column, endLine: inst.endLine, endColumn: inst.endColumn }
        : { kind: 'file' as const, file, line, column };
      const fixEdit = inst && h.edits?.length ? lineEdit(file, inst, h.edits) : undefined;
      const f = makeFinding(rule.meta, {
        message: h.message,
        location,
        key: `${normalised(inst)}\u0000${h.key ?? ''}`,
        ...(h.severity ? { severity: h.severity } : {}),
        ...(h.evidence ? { evidence: h.evidence } : {}),
        ...(fixEdit ? { remediation: { fix: { description: `${rule.meta.title}: apply the mechanical fix`, edits: [fixEdit] } } } : {}),
      });
      if (h.upstream) f.references = f.references.filter((r) => !UPSTREAM_ID.test(r) || h.upstream!.some((u) => r === u || r === `AVD-${u.slice(0, 2)}-0${u.slice(2)}`));
      f.autoFixable = Boolean(fixEdit);
      const pragma = pragmaHits(inst?.pragmas.length ? [...inst.pragmas, ...model.globalPragmas] : model.globalPragmas, rule);
      if (pragma) f.suppressed = { kind: 'pragma', source: `${file}:${pragma.line}`, reason: `# ${pragma.tool} ${pragma.global ? 'global ' : ''}ignore=${pragma.ids.join(',')}` };
      else if (inst && h.edits?.length) fixes.push({ ruleId: rule.meta.id, inst, edits: h.edits });
      findings.push(f);
    }
  }
  dedupeFingerprints(findings);
  return { model, findings, fixes };
}

/**
 * Apply every proposed fix to the text; returns the new text. Edits of several rules on one instruction
 * are merged; overlapping ones are dropped (a second --fix run picks them up).
 */
export function applyFixes(text: string, analysis: DockerfileAnalysis): string {
  const model = analysis.model;
  if (!model || analysis.fixes.length === 0) return text;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const byInst = new Map<Instruction, TextEdit[]>();
  for (const f of analysis.fixes) byInst.set(f.inst, [...(byInst.get(f.inst) ?? []), ...f.edits]);
  const lines = [...model.lines];
  const insts = [...byInst.keys()].sort((a, b) => b.line - a.line);
  for (const inst of insts) {
    const replacement = applyEdits(inst.source, byInst.get(inst)!);
    lines.splice(inst.line - 1, inst.endLine - inst.line + 1, ...replacement.split('\n'));
  }
  const bom = text.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
  return bom + lines.join(eol);
}
