/** The COPY / ADD instructions of a Dockerfile that take files from the build context. */
import type { DockerfileModel, Instruction } from '../../dockerfile/model.js';
import { shippedStages } from '../../dockerfile/model.js';

export interface ContextCopy {
  instruction: 'COPY' | 'ADD';
  line: number;
  column: number;
  endLine: number;
  sources: string[];
  /** the instruction as written (first line, at most 120 characters): "COPY . ." */
  text: string;
  shipped: boolean;
}

/** Sources of a COPY/ADD from the context: not `--from` another stage or image, not URLs, not heredocs. */
export function copySources(inst: Instruction): string[] | undefined {
  if (inst.flags.some((f) => f.name === 'from')) return undefined;
  let args: string[];
  if (inst.json) args = inst.json;
  else {
    args = inst.expanded.split(/\s+/).filter(Boolean);
  }
  if (args.length < 2) return undefined;
  const sources = args.slice(0, -1).filter((s) => !s.startsWith('<<') && !/^(?:https?|git|ssh):\/\//i.test(s) && !/^git@/.test(s));
  return sources.length ? sources : undefined;
}

export function contextCopies(df: DockerfileModel): ContextCopy[] {
  const shipped = shippedStages(df);
  const out: ContextCopy[] = [];
  for (const st of df.stages) {
    for (const inst of st.instructions) {
      const kw = inst.keyword.toUpperCase();
      if (kw !== 'COPY' && kw !== 'ADD') continue;
      const sources = copySources(inst);
      if (!sources) continue;
      const text = inst.source.split('\n')[0]!.replace(/\s*\\$/, '').trim().slice(0, 120);
      out.push({ instruction: kw, line: inst.line, column: inst.column, endLine: inst.endLine, sources, text, shipped: shipped.has(st.index) });
    }
  }
  return out;
}
