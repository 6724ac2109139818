/**
 * Project analyzers: what `bulwark scan DIR` runs on the files it finds. Each analyzer says which
 * relative paths it wants and turns one file into a target plus findings. Add one by appending to
 * `projectAnalyzers`.
 */
import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { BulwarkConfig } from '../core/config.js';
import type { Finding } from '../core/finding.js';
import type { Target } from '../core/report.js';
import { makeFinding } from '../core/rule.js';
import { analyzeDockerfile } from './build/analyze.js';
import { parseErrorRule } from './build/rules/index.js';
import { buildSettings } from './build/settings.js';
import { composeAnalyzer } from '../runtime/compose/project-analyzer.js';
import { ciFilesAnalyzer } from './registry/ci-files.js';
import { k8sAnalyzer } from '../runtime/k8s-project-analyzer.js';

export interface ProjectAnalyzer {
  name: string;
  matches(relPath: string): boolean;
  /** undefined: the file is not this analyzer's kind after all (analyzers that recognise files by content) */
  analyze(absPath: string, relPath: string, cfg: BulwarkConfig): Promise<{ target: Target; findings: Finding[] } | undefined>;
}

/** Dockerfile, Containerfile, *.Dockerfile, Dockerfile.*, *.containerfile, Containerfile.* (any case). */
export function isDockerfileName(relPath: string): boolean {
  const b = basename(relPath).toLowerCase();
  if (b.endsWith('.dockerignore') || b.endsWith('.containerignore')) return false;
  return /^(dockerfile|containerfile)(\.[^/]+)?$/.test(b) || /\.(dockerfile|containerfile)$/.test(b);
}

export const dockerfileAnalyzer: ProjectAnalyzer = {
  name: 'dockerfile',
  matches: isDockerfileName,
  async analyze(absPath, relPath, cfg) {
    const settings = buildSettings(cfg);
    const target: Target = { type: 'dockerfile', name: relPath };
    // sync I/O: many small files, one at a time, is faster without the thread-pool round trips
    const st = statSync(absPath);
    if (st.size > settings.maxFileSize) {
      const f = makeFinding(parseErrorRule.meta, {
        message: `file is ${st.size} bytes, over the ${settings.maxFileSize}-byte limit for a Dockerfile; not analysed`,
        key: 'too-large',
        location: { kind: 'file', file: relPath, line: 1, column: 1 },
      });
      return { target, findings: [f] };
    }
    const buf = readFileSync(absPath);
    const { findings } = analyzeDockerfile(buf, relPath, settings);
    return { target, findings };
  },
};

export const projectAnalyzers: ProjectAnalyzer[] = [dockerfileAnalyzer, composeAnalyzer, k8sAnalyzer, ciFilesAnalyzer];

const ALWAYS_SKIP = new Set(['node_modules', '.git', '.hg', '.svn']);

/** Files under `root` (relative, '/'-separated), honouring .gitignore files at every level. */
export async function walkProject(root: string, warnings: string[] = [], skip?: (rel: string, isDir?: boolean) => boolean): Promise<string[]> {
  const out: string[] = [];
  const visit = (dirRel: string, rules: Array<{ base: string; ig: Ignore }>): void => {
    const abs = join(root, dirRel);
    let entries: Dirent[];
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch (e) {
      warnings.push(`cannot read directory ${dirRel || '.'}: ${(e as Error).message}`);
      return;
    }
    let local = rules;
    if (entries.some((e) => e.name === '.gitignore' && e.isFile())) {
      try {
        const ig = ignore().add(readFileSync(join(abs, '.gitignore'), 'utf8'));
        local = [...rules, { base: dirRel, ig }];
      } catch (e) {
        warnings.push(`cannot read ${join(dirRel, '.gitignore')}: ${(e as Error).message}`);
      }
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (ALWAYS_SKIP.has(e.name)) continue;
      const rel = dirRel ? `${dirRel}/${e.name}` : e.name;
      const isDir = e.isDirectory();
      if (!isDir && !e.isFile()) continue; // symlinks, sockets, devices: not followed
      const ignored = local.some(({ base, ig }) => {
        const r = base ? rel.slice(base.length + 1) : rel;
        return ig.ignores(isDir ? `${r}/` : r);
      });
      if (ignored || skip?.(rel, isDir)) continue;
      if (isDir) visit(rel, local);
      else out.push(rel);
    }
  };
  visit('', []);
  return out;
}

export interface ProjectScan {
  targets: Target[];
  findings: Finding[];
  warnings: string[];
}

/** Walk `root` and run every project analyzer on the files it matches. */
export async function scanProject(
  root: string,
  cfg: BulwarkConfig,
  analyzers: ProjectAnalyzer[] = projectAnalyzers,
  walked?: { files: string[]; warnings: string[] },
): Promise<ProjectScan> {
  const warnings: string[] = walked ? [...walked.warnings] : [];
  const files = walked ? walked.files : await walkProject(root, warnings);
  const targets: Target[] = [];
  const findings: Finding[] = [];
  for (const rel of files) {
    for (const a of analyzers) {
      if (!a.matches(rel)) continue;
      try {
        const r = await a.analyze(join(root, rel.split('/').join(sep)), rel, cfg);
        if (!r) continue;
        targets.push(r.target);
        findings.push(...r.findings);
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        if (err.code || err.name === 'InputError' || err.name === 'UserError') warnings.push(`${a.name}: cannot analyse ${rel}: ${err.message}`);
        else throw e;
      }
    }
  }
  void relative;
  return { targets, findings, warnings };
}
