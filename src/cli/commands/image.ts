/**
 * `bulwark image REF`: what is inside an image, layer by layer (name, ID, platform, layers, packages per
 * ecosystem), its image checks and its vulnerabilities, in one report. Flags -> auditImage -> emitReport.
 */
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { UserError } from '../../core/errors.js';
import { addReportOptions, emitReport, resolveConfig, type ReportOptions } from '../output.js';
import { withProgress } from '../progress.js';
import { auditImage, maxAgeFromConfig, severitySourcesFrom } from '../../app/image.js';
import { addRegistryOptions, addSignatureOptions, registryOptionsFrom, type RegistryCliOptions, type SignatureCliOptions } from '../registry-options.js';
import { addSelectorOptions, rejectSelectorsWithServer, scannersFrom, skipFrom, type SelectorCliOptions } from '../selectors.js';

interface Opts extends ReportOptions, RegistryCliOptions, SignatureCliOptions, SelectorCliOptions {
  platform?: string;
  cacheDir?: string;
  cache?: boolean;
  /** false with --no-vulns */
  vulns?: boolean;
  /** false with --no-checks */
  checks?: boolean;
  ignoreUnfixed?: boolean;
  explain?: boolean;
  vex?: string[];
  maxAge?: string;
  db?: string;
  severitySource?: string;
  server?: string;
  token?: string;
}

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('image')
    .description('scan an image: HOST[:PORT]/REPO[:TAG|@DIGEST] from a registry, a bare NAME (local engine, then its registry), docker:NAME, a docker save tar, an OCI layout (dir or tar), dir:PATH, rootfs:FILE.tar[.gz], or sbom:FILE (a CycloneDX / SPDX JSON SBOM or saved inventory: vulnerabilities only)')
    .argument('<ref>', 'image reference')
    .option('--platform <os/arch[/variant]>', 'platform to pick from a multi-platform image (default linux/amd64)')
    .option('--cache-dir <dir>', 'cache directory (default: $XDG_CACHE_HOME/bulwark or ~/.cache/bulwark)')
    .option('--no-cache', 'do not read or write the layer cache or the image result cache')
    .option('--no-vulns', 'inventory and image checks only: do not match packages against the vulnerability database')
    .option('--no-checks', 'skip the secret, file and configuration checks')
    .option('--ignore-unfixed', 'leave out vulnerabilities that have no fix yet')
    .option('--explain', 'add the evidence chain to every vulnerability finding (file -> package -> advisory -> comparison -> status)')
    .option('--vex <file>', 'OpenVEX document; not_affected statements suppress (repeatable)', (v: string, acc: string[] = []) => [...acc, v])
    .option('--max-age <days>', 'warn when the vulnerability database is older than this (default 7)')
    .option('--db <file>', 'vulnerability database file (default: <cache dir>/db/vuln.db)')
    .option('--severity-source <sources>', 'rating sources in preference order, e.g. "nvd,ghsa" or "debian,auto" (default: the distro for OS packages, GitHub/NVD for language packages)')
    .option('--kev-only', "only vulnerabilities in CISA's Known Exploited Vulnerabilities catalog")
    .option('--server <url>', 'client mode: index here, match on a `bulwark serve` server (its database), print the same report')
    .option('--token <token>', 'bearer token for --server (default: $BULWARK_TOKEN)');
  addSelectorOptions(cmd, ['scanners', 'pkg-types', 'skip', 'list-all-pkgs']);
  addRegistryOptions(cmd);
  addSignatureOptions(cmd);
  addReportOptions(cmd, { formats: ['table', 'json', 'sarif', 'html', 'cyclonedx', 'spdx'] }).action(async (ref: string, opts: Opts) => {
    const cfg = resolveConfig(opts);
    if (opts.requireSignature && !opts.key) throw new UserError('--require-signature needs --key <cosign.pub>');
    if (opts.key) (await import('../../registry/cosign.js')).loadPublicKey(opts.key); // a bad key file fails before any download
    const registry = await registryOptionsFrom(opts, ref, { noCache: opts.cache === false });
    const maxAgeDays = opts.maxAge !== undefined ? Number(opts.maxAge) : maxAgeFromConfig(cfg);
    if (maxAgeDays !== undefined && !(maxAgeDays > 0)) throw new UserError(`--max-age takes a positive number of days, got '${opts.maxAge}'`);
    // what the image is read with, locally or before it is sent to a server
    const source = {
      platform: opts.platform,
      cacheDir: opts.cacheDir,
      noCache: opts.cache === false,
      checks: opts.checks !== false,
      config: cfg,
      registry,
      ...(opts.key ? { signature: { key: opts.key, required: Boolean(opts.requireSignature) } } : {}),
    };
    const scanners = scannersFrom(opts);
    const skip = skipFrom(opts);
    if (opts.server) {
      rejectSelectorsWithServer(opts);
      if (opts.vulns === false) throw new UserError('--server matches vulnerabilities on the server; it does not combine with --no-vulns');
      if (opts.db || opts.vex?.length || opts.ignoreUnfixed || opts.explain || opts.severitySource !== undefined) {
        throw new UserError('--db, --vex, --ignore-unfixed, --explain and --severity-source are local-database options; they do not combine with --server');
      }
      const { auditImageRemote } = await import('../../app/remote.js');
      const remote = await withProgress((onProgress) =>
        auditImageRemote(ref, { ...source, server: opts.server!, token: opts.token ?? process.env.BULWARK_TOKEN, onProgress }),
      );
      const code = await emitReport(remote.report, opts, [], cfg);
      const signed = (remote.report.summary?.signature as { status?: string } | undefined)?.status === 'valid';
      ctx.setExitCode(opts.requireSignature && !signed ? code || (opts.exitCode ?? 1) : code);
      return;
    }
    const severitySources = scanners.vuln ? await severitySourcesFrom(opts.severitySource, cfg) : undefined;
    const { report } = await withProgress((onProgress) =>
      auditImage(ref, {
        ...source,
        onProgress,
        scanners,
        ...(skip ? { skip } : {}),
        ...(opts.pkgTypes ? { pkgTypes: opts.pkgTypes } : {}),
        vulnerabilities:
          !scanners.vuln
            ? false
            : {
                cacheDir: opts.cacheDir,
                ...(opts.db ? { dbFile: opts.db } : {}),
                ...(opts.vex?.length ? { vexFiles: opts.vex } : {}),
                ignoreUnfixed: Boolean(opts.ignoreUnfixed),
                explain: Boolean(opts.explain),
                ...(maxAgeDays !== undefined ? { maxAgeDays } : {}),
                severitySources,
              },
      }),
    );
    if (opts.listAllPkgs && typeof report.summary?.text === 'string') {
      // table output: every package after the image summary (JSON lists every package always)
      const { packageTable } = await import('../../app/sbom.js');
      report.summary.text += `\n\n${packageTable({ packages: (report.packages ?? []) as Parameters<typeof packageTable>[0]['packages'] })}`;
    }
    const code = await emitReport(report, opts, [], cfg);
    // --require-signature is a gate of its own: no valid signature fails it whatever the filters say
    const signed = (report.summary?.signature as { status?: string } | undefined)?.status === 'valid';
    ctx.setExitCode(opts.requireSignature && !signed ? code || (opts.exitCode ?? 1) : code);
  });
}
