/** The typed Dockerfile model every build rule reads. */
import type { SimpleCommand } from './shell/tokenize.js';

export interface Flag {
  name: string;
  value: string | null;
}

export interface Property {
  name: string;
  /** null for `ARG NAME` / `ENV NAME` without a value */
  value: string | null;
}

export interface HeredocBody {
  name: string;
  content: string;
  /** offset of the content inside Instruction.source */
  offset: number;
  terminated: boolean;
  /** 1-based line of the `<<NAME` marker */
  line: number;
}

export interface Instruction {
  index: number;
  /** upper-case keyword as written (FROM, RUN, ... or an unknown word) */
  keyword: string;
  /** 1-based position of the instruction */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** the whole instruction as written, lines startLine..endLine joined with \n */
  source: string;
  /** offset of the arguments (after flags) inside `source`; -1 when there are none */
  argsOffset: number;
  /** arguments as written, continuation lines joined (dockerfile-ast's argumentsContent) */
  args: string;
  /** arguments after variable substitution (for instructions Docker substitutes) */
  expanded: string;
  /** true when substitution met a variable without a known value */
  unresolved: boolean;
  flags: Flag[];
  /** exec (JSON) form arguments, when written that way */
  json?: string[];
  heredocs: HeredocBody[];
  properties: Property[];
  /** stage index, -1 for instructions before the first FROM */
  stage: number;
  /** ids from `# hadolint ignore=` / `# bulwark ignore=` right above */
  pragmas: Pragma[];
  /** set on ONBUILD triggers: the ONBUILD instruction that carries this one */
  onbuildOf?: Instruction;
  /** RUN only: the commands, read as shell (lazy) */
  commands?: SimpleCommand[];
}

export interface Pragma {
  tool: 'hadolint' | 'bulwark';
  ids: string[];
  line: number;
  global: boolean;
}

export interface ImageRef {
  /** as written */
  raw: string;
  /** after ARG substitution */
  value: string;
  unresolved: boolean;
  registry?: string;
  /** repository path without registry, tag or digest */
  name: string;
  tag?: string;
  digest?: string;
  scratch: boolean;
  /** for an unresolved reference: the image a build without --build-arg uses (unset variables are empty) */
  withDefaults?: ImageRef;
}

export interface Stage {
  index: number;
  from: Instruction;
  image: ImageRef;
  alias?: string;
  platform?: string;
  /** index of the earlier stage this one is built FROM, when its image is a stage alias */
  parent?: number;
  instructions: Instruction[];
  /**
   * true for the instructions of a fragment before any FROM: linted as a stage whose base image is unknown
   * (`from` is then the fragment's first instruction, `image` empty and unresolved)
   */
  implicit?: boolean;
}

export interface ParseProblem {
  line: number;
  column: number;
  message: string;
  key: string;
}

export interface DockerfileModel {
  file: string;
  lines: string[];
  escape: string;
  instructions: Instruction[];
  stages: Stage[];
  /** ARGs before the first FROM: name -> default */
  globalArgs: Map<string, string | undefined>;
  globalPragmas: Pragma[];
  /** the instructions inside `ONBUILD <trigger>` (RUN, ADD, COPY, ...), checked like hadolint does */
  onbuild: Instruction[];
  problems: ParseProblem[];
}

export function finalStage(df: DockerfileModel): Stage | undefined {
  return df.stages[df.stages.length - 1];
}

/** The stages whose content ends up in the final image: the last stage and the stages it is built FROM. */
export function shippedStages(df: DockerfileModel): Set<number> {
  const out = new Set<number>();
  let s = finalStage(df);
  while (s && !out.has(s.index)) {
    out.add(s.index);
    s = s.parent !== undefined ? df.stages[s.parent] : undefined;
  }
  return out;
}

/** A stage and the stages it is built FROM, nearest first (indexes). */
export function lineage(df: DockerfileModel, s: Stage): number[] {
  const out: number[] = [];
  let cur: Stage | undefined = s;
  while (cur && !out.includes(cur.index)) {
    out.push(cur.index);
    cur = cur.parent !== undefined ? df.stages[cur.parent] : undefined;
  }
  return out;
}

/**
 * The stages that are images of their own: those no other stage builds FROM or copies from
 * (`COPY --from`, `RUN --mount=...,from=`). The last stage is always one.
 */
export function resultStages(df: DockerfileModel): Stage[] {
  const used = new Set<number>();
  const byName = (ref: string): number | undefined => {
    const r = ref.toLowerCase();
    const alias = df.stages.find((st) => st.alias === r);
    if (alias) return alias.index;
    return /^\d+$/.test(r) && Number(r) < df.stages.length ? Number(r) : undefined;
  };
  for (const s of df.stages) {
    if (s.parent !== undefined) used.add(s.parent);
    for (const inst of s.instructions) {
      for (const f of inst.flags) {
        const from = f.name === 'from' ? f.value : f.name === 'mount' ? /(?:^|,)from=([^,]+)/.exec(f.value ?? '')?.[1] : undefined;
        const idx = from ? byName(from) : undefined;
        if (idx !== undefined && idx !== s.index) used.add(idx);
      }
    }
  }
  return df.stages.filter((s) => !used.has(s.index) || s.index === df.stages.length - 1);
}
