/**
 * `bulwark sbom REF --format cyclonedx|spdx|json|table`: the package inventory of an image as an SBOM.
 * REF is anything `bulwark image` accepts (docker:NAME, docker save tar, OCI layout, dir:PATH, rootfs:FILE).
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import type { CliContext } from '../main.js';
import { emitReport, type ReportOptions } from '../output.js';
import { withProgress } from '../progress.js';
import { InputError } from '../../core/errors.js';
import { addRegistryOptions, registryOptionsFrom, type RegistryCliOptions } from '../registry-options.js';
import { addSelectorOptions, skipFrom, type SelectorCliOptions } from '../selectors.js';

export const SBOM_FORMATS = ['cyclonedx', 'spdx', 'json', 'table'];

interface Opts extends ReportOptions, RegistryCliOptions, SelectorCliOptions {
  platform?: string;
  cacheDir?: string;
  cache?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('sbom')
    .description('list the packages of an image as an SBOM (CycloneDX 1.6 or SPDX 2.3 JSON, json, table)')
    .argument('<ref>', 'image reference: HOST[:PORT]/REPO[:TAG|@DIGEST], NAME[:TAG], docker:NAME[:TAG], a docker save tar, an OCI layout, dir:PATH, rootfs:FILE, or sbom:FILE (convert a CycloneDX / SPDX JSON SBOM or saved inventory)')
    .addOption(new Option('-f, --format <format>', `output format (${SBOM_FORMATS.join(', ')})`).default('cyclonedx'))
    .option('-o, --output <file>', 'write the SBOM to a file instead of stdout')
    .option('--platform <os/arch[/variant]>', 'platform to pick from a multi-platform image (default linux/amd64)')
    .option('--cache-dir <dir>', 'cache directory (default: $XDG_CACHE_HOME/bulwark or ~/.cache/bulwark)')
    .option('--no-cache', 'do not read or write the layer cache');
  addSelectorOptions(cmd, ['pkg-types', 'skip']);
  addRegistryOptions(cmd).action(async (ref: string, opts: Opts) => {
    // the use case loads with the action, not with the command's help
    const { sbom } = await import('../../app/sbom.js');
      const format = opts.format === 'spdx-json' ? 'spdx' : opts.format ?? 'cyclonedx';
      if (!SBOM_FORMATS.includes(format)) throw new InputError(`unknown SBOM format '${opts.format}' (${SBOM_FORMATS.join(', ')})`);
      const registry = await registryOptionsFrom(opts, ref, { noCache: opts.cache === false });
      const report = await withProgress((onProgress) =>
        sbom(ref, { platform: opts.platform, cacheDir: opts.cacheDir, noCache: opts.cache === false, onProgress, table: format === 'table', registry, ...(opts.pkgTypes ? { pkgTypes: opts.pkgTypes } : {}), ...(skipFrom(opts) ? { skip: skipFrom(opts) } : {}) }),
      );
      ctx.setExitCode(await emitReport(report, { format, output: opts.output }));
    });
}
