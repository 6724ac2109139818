/** Small helpers several build rules share. */
import type { BuildContext, Hit } from '../context.js';
import type { Instruction, Stage } from '../../../dockerfile/model.js';
import { lineage, shippedStages } from '../../../dockerfile/model.js';
import type { Manager, PackageCommand } from '../../../dockerfile/shell/packages.js';
import { effective } from '../../../dockerfile/shell/command.js';

export const HADOLINT = (id: string) => `https://github.com/hadolint/hadolint/wiki/${id}`;
export const AVD = (n: string) => `https://avd.aquasec.com/misconfig/${n.toLowerCase()}`;

export function stageOf(ctx: BuildContext, inst: Instruction): Stage | undefined {
  return inst.stage >= 0 ? ctx.df.stages[inst.stage] : undefined;
}

/** RUN instructions, optionally only those of stages shipped in the final image. */
export function runs(ctx: BuildContext, shippedOnly = false): Instruction[] {
  const keep = shippedOnly ? shippedStages(ctx.df) : undefined;
  return ctx.all('RUN').filter((i) => i.stage >= 0 && (!keep || keep.has(i.stage)));
}

/**
 * Package-manager commands matching `pred`: one hit per RUN (like hadolint), merging the hits of
 * several commands in the same RUN (their edits, keys and packages).
 */
export function pkgHits(ctx: BuildContext, managers: Manager[], pred: (p: PackageCommand, inst: Instruction) => Omit<Hit, 'inst'> | undefined, shippedOnly = false): Hit[] {
  const out: Hit[] = [];
  for (const inst of runs(ctx, shippedOnly)) {
    const hs: Array<Omit<Hit, 'inst'>> = [];
    for (const p of ctx.packages(inst)) {
      if (!managers.includes(p.manager)) continue;
      const h = pred(p, inst);
      if (h) hs.push(h);
    }
    if (hs.length === 0) continue;
    if (hs.length === 1) {
      out.push({ inst, ...hs[0]! });
      continue;
    }
    const packages = hs.flatMap((h) => (h.evidence?.['packages'] as string[] | undefined) ?? []);
    const edits = hs.flatMap((h) => h.edits ?? []);
    const upstream = hs.every((h) => h.upstream) ? [...new Set(hs.flatMap((h) => h.upstream!))] : undefined;
    out.push({
      inst,
      message: `${hs[0]!.message} (and ${hs.length - 1} more in this RUN)`,
      key: hs.map((h) => h.key ?? '').join('\u0001'),
      ...(edits.length ? { edits } : {}),
      ...(packages.length ? { evidence: { packages } } : {}),
      ...(upstream ? { upstream } : {}),
    });
  }
  return out;
}

/** Whether a RUN also runs a command matching `pred` (any depth). */
export function runHas(ctx: BuildContext, inst: Instruction, pred: (name: string, args: string[]) => boolean): boolean {
  return ctx.commands(inst).some((c) => {
    const e = effective(c);
    return pred(e.name, e.argv.slice(1));
  });
}

/** `rm -rf <path...>` of a path under one of `prefixes`. */
export function removes(ctx: BuildContext, inst: Instruction, prefixes: string[]): boolean {
  return runHas(ctx, inst, (n, a) => n === 'rm' && a.some((x) => prefixes.some((p) => x.replace(/^["']|["']$/g, '').startsWith(p))));
}

export function isRootUser(user: string): boolean {
  const u = user.trim().split(':')[0]!.trim();
  return u === 'root' || u === '0';
}

/** Words of a shell-form COPY/ADD: split at blanks outside quotes, quotes removed ("C:\Program Files\x" is one word). */
export function splitWords(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote = '';
  let started = false;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = '';
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (/\s/.test(ch)) {
      if (started || cur) out.push(cur);
      cur = '';
      started = false;
      continue;
    } else cur += ch;
    started ||= cur.length > 0;
  }
  if (started || cur) out.push(cur);
  return out;
}

/** A COPY/ADD source as `docker history` records it (`file:<sha256>`, `multi:<sha256>`, `dir:<sha256>`) */
export const HISTORY_SOURCE = /^(file|multi|dir):[0-9a-f]{16,}$/;

/** Arguments of COPY/ADD: sources and destination (heredoc bodies excluded). */
export function copyArgs(inst: Instruction): { sources: string[]; dest: string | undefined } {
  let parts: string[];
  if (inst.json) parts = inst.json;
  else {
    const firstLine = inst.heredocs.length ? inst.expanded.split('\n')[0]! : inst.expanded;
    parts = splitWords(firstLine);
  }
  if (parts.length === 0) return { sources: [], dest: undefined };
  // the form `docker history` shows: ADD file:<digest> in /dest (one source, already in the build context)
  if (parts.length === 3 && HISTORY_SOURCE.test(parts[0]!) && parts[1] === 'in') return { sources: [parts[0]!], dest: parts[2] };
  return { sources: parts.slice(0, -1), dest: parts[parts.length - 1] };
}

export function flag(inst: Instruction, name: string): string | null | undefined {
  const f = inst.flags.find((x) => x.name === name);
  return f ? f.value : undefined;
}

export const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst|tar\.Z|gz|bz2|xz|zst|lz|lzma|tar\.lz)$/i;
export const URL_RE = /^(https?|ftp):\/\//i;
export const GIT_RE = /^(git@|git:\/\/|https?:\/\/\S+\.git(#\S*)?$)/i;

/** Variables ARG/ENV define before `inst` in its stage and the stages it is built FROM, plus the global ARGs. */
export function definedVars(ctx: BuildContext, inst: Instruction): Set<string> {
  const out = new Set<string>(ctx.df.globalArgs.keys());
  const stage = ctx.df.stages[inst.stage];
  if (!stage) return out;
  for (const idx of lineage(ctx.df, stage)) {
    for (const i of ctx.df.stages[idx]!.instructions) {
      if (idx === inst.stage && i.index >= inst.index && inst.index >= 0) break;
      if (i.keyword === 'ARG' || i.keyword === 'ENV') for (const p of i.properties) out.add(p.name);
    }
  }
  return out;
}
