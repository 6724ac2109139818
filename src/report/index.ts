/** Report formats. A renderer turns a Report into the text written to stdout or --output. */
import type { Report } from '../core/report.js';
import { renderJson } from './json.js';
import { renderTable } from './table.js';
import { renderSarif } from './sarif.js';
import { renderHtml } from './html.js';
import { renderGithub, renderJunit } from './ci.js';

export interface RenderOptions {
  color: boolean;
  /** show suppressed findings in human formats */
  showSuppressed?: boolean;
  /** table format: the full text of every finding, vulnerabilities included (default: vulnerabilities as a package table) */
  verbose?: boolean;
  /** the working directory the command ran in (relative paths in findings start there unless report.baseDir) */
  cwd?: string;
  /**
   * The source root SARIF URIs are relative to (`%SRCROOT%`): the repository the working directory is in, else
   * the working directory. Without it, relative paths are written relative to `%SRCROOT%` as they are.
   */
  srcRoot?: string;
}

export type Renderer = (report: Report, opts: RenderOptions) => string;

const renderers = new Map<string, Renderer>([
  ['json', renderJson],
  ['table', renderTable],
  ['sarif', renderSarif],
  ['html', renderHtml],
  ['junit', renderJunit],
  ['github', renderGithub],
]);

/** Other formats (cyclonedx, spdx, openvex, ...) register themselves here. */
export function registerRenderer(name: string, r: Renderer): void {
  renderers.set(name, r);
}

export function getRenderer(name: string): Renderer | undefined {
  return renderers.get(name);
}

export function rendererNames(): string[] {
  return [...renderers.keys()];
}
