/** Report formats. A renderer turns a Report into the text written to stdout or --output. */
import type { Report } from '../core/report.js';

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

/**
 * Every format, one line each: its renderer's module loads when a report is written in that format (a scan
 * writing JSON does not load the HTML page, the SARIF mapping or the CycloneDX library).
 */
const renderers = new Map<string, () => Promise<Renderer>>([
  ['json', async () => (await import('./json.js')).renderJson],
  ['table', async () => (await import('./table.js')).renderTable],
  ['sarif', async () => (await import('./sarif.js')).renderSarif],
  ['html', async () => (await import('./html.js')).renderHtml],
  ['junit', async () => (await import('./ci.js')).renderJunit],
  ['github', async () => (await import('./ci.js')).renderGithub],
  ['cyclonedx', async () => (await import('./cyclonedx.js')).renderCycloneDx],
  ['spdx', async () => (await import('./spdx.js')).renderSpdx],
  ['spdx-json', async () => (await import('./spdx.js')).renderSpdx],
]);

/** The renderer of a format, loaded; undefined for an unknown format. */
export async function loadRenderer(name: string): Promise<Renderer | undefined> {
  const load = renderers.get(name);
  return load ? load() : undefined;
}

export function rendererNames(): string[] {
  return [...renderers.keys()];
}
