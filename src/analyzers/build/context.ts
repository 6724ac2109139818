/**
 * What a build rule sees and returns: `Rule<BuildContext, Hit>` (core/rule.ts). The context wraps the
 * Dockerfile model (src/dockerfile/) with cached views; a Hit is turned into a Finding by analyze.ts.
 */
import type { Rule } from '../../core/rule.js';
import type { Severity } from '../../core/finding.js';
import type { DockerfileModel, Instruction } from '../../dockerfile/model.js';
import type { SimpleCommand } from '../../dockerfile/shell/tokenize.js';
import type { PackageCommand } from '../../dockerfile/shell/packages.js';
import { packageCommands } from '../../dockerfile/shell/packages.js';
import { runCommands } from '../../dockerfile/parse.js';

/** A text edit inside one instruction's source (offsets into Instruction.source). */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

export interface Hit {
  inst?: Instruction;
  /** override the position (1-based); defaults to the instruction's */
  line?: number;
  column?: number;
  message: string;
  /** content key for the fingerprint, added to the instruction's normalised text */
  key?: string;
  edits?: TextEdit[];
  severity?: Severity;
  evidence?: Record<string, unknown>;
  /**
   * the upstream IDs this hit answers, when a rule covers several and only some apply (e.g. a missing USER is
   * Trivy's DS002 but not hadolint's DL3002); the finding then cites these instead of every upstream ID
   * of the rule (references that are not upstream lint IDs, such as CIS, are kept)
   */
  upstream?: string[];
}

export type LabelType = 'text' | 'url' | 'hash' | 'rfc3339' | 'semver' | 'spdx' | 'email';

export interface BuildSettings {
  /** DL3026: registries FROM may use (empty: any) */
  allowedRegistries: string[];
  /** DL3049..DL3058: required labels and their types */
  labelSchema: Record<string, LabelType>;
  /** DL3050: labels outside the schema are findings */
  strictLabels: boolean;
  /** bytes; bigger files get a parse-error finding and are not analysed */
  maxFileSize: number;
}

export const DEFAULT_SETTINGS: BuildSettings = {
  allowedRegistries: [],
  labelSchema: {},
  strictLabels: false,
  maxFileSize: 1024 * 1024,
};

export interface BuildContext {
  df: DockerfileModel;
  settings: BuildSettings;
  /** RUN as simple commands (cached) */
  commands(inst: Instruction): SimpleCommand[];
  /** package-manager commands of a RUN (cached) */
  packages(inst: Instruction): PackageCommand[];
  /** every instruction with this keyword, in order (ONBUILD triggers last) */
  all(keyword: string): Instruction[];
}

/** A build rule: `export default defineRule<BuildContext, Hit>(meta, check)` */
export type BuildRule = Rule<BuildContext, Hit>;

export function makeContext(df: DockerfileModel, settings: BuildSettings): BuildContext {
  const pk = new Map<Instruction, PackageCommand[]>();
  const byKw = new Map<string, Instruction[]>();
  for (const i of [...df.instructions, ...df.onbuild]) {
    const l = byKw.get(i.keyword) ?? [];
    l.push(i);
    byKw.set(i.keyword, l);
  }
  return {
    df,
    settings,
    commands: (inst) => (inst.keyword === 'RUN' ? runCommands(inst, df.escape) : []),
    packages: (inst) => {
      let v = pk.get(inst);
      if (!v) {
        v = inst.keyword === 'RUN' ? packageCommands(runCommands(inst, df.escape)) : [];
        pk.set(inst, v);
      }
      return v;
    },
    all: (kw) => byKw.get(kw) ?? [],
  };
}

/** Insert `text` right after a word of a shell-form command (no edit for exec form). */
export function insertAfter(inst: Instruction, offset: number | undefined, text: string): TextEdit[] | undefined {
  if (inst.json || offset === undefined || offset < 0) return undefined;
  return [{ start: offset, end: offset, text }];
}

/**
 * Append a command at the end of a shell-form RUN: ` \\\n    && cmd` (or without `&&` after a trailing `;`).
 * No edit for exec form, heredocs, a dangling operator/continuation or a trailing shell comment (it would swallow it).
 */
export function appendToRun(ctx: BuildContext, inst: Instruction, cmd: string): TextEdit[] | undefined {
  if (inst.json || inst.heredocs.length) return undefined;
  const trimmed = inst.source.trimEnd();
  if (/(&&|\|\||\||\\|`)$/.test(trimmed)) return undefined;
  const lastEnd = Math.max(0, ...ctx.commands(inst).filter((c) => c.depth === 0).map((c) => c.end));
  if (trimmed.slice(lastEnd).includes('#')) return undefined;
  const joiner = trimmed.endsWith(';') ? '' : '&& ';
  return [{ start: trimmed.length, end: trimmed.length, text: ` ${ctx.df.escape}\n    ${joiner}${cmd}` }];
}

/** Whether RUN has a `--mount=type=cache` whose target is one of `targets` (prefix match). */
export function hasCacheMount(inst: Instruction, targets: string[]): boolean {
  return inst.flags.some((f) => {
    if (f.name !== 'mount' || !f.value) return false;
    const kv = Object.fromEntries(f.value.split(',').map((p) => p.split('=') as [string, string]));
    const type = kv['type'];
    const target = kv['target'] ?? kv['dst'] ?? kv['destination'] ?? '';
    return (type === 'cache' || type === 'tmpfs') && targets.some((t) => target.replace(/\/$/, '').startsWith(t));
  });
}
