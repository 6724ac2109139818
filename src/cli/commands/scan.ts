import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { addAllowedRegistriesOption, addReportOptions, emitReport, resolveConfig, resolveIgnores, type ReportOptions } from '../output.js';
import { withAllowedRegistries } from '../../registry/allowed.js';
import { applyPolicy, parseSeverityFilter } from '../../core/policy.js';
import { InputError } from '../../core/errors.js';
import { addRegistryOptions, registryOptionsFrom, type RegistryCliOptions } from '../registry-options.js';
import type { Package } from '../../core/inventory.js';
import { addSelectorOptions, scannersFrom, skipFrom, type SelectorCliOptions } from '../selectors.js';

interface Opts extends ReportOptions, RegistryCliOptions, SelectorCliOptions {
  cacheDir?: string;
  db?: string;
  vulns?: boolean;
  ignoreUnfixed?: boolean;
  vex?: string[];
  failOn?: string;
  image?: string[];
  images?: boolean;
  live?: boolean;
  host?: string;
  baseCandidates?: string;
  allowedRegistries?: string[];
}

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('scan')
    .description(
      'scan a project directory: Dockerfiles, compose files, and lock files matched against the vulnerability database (.gitignore respected)',
    )
    .argument('[dir]', 'directory to scan', '.')
    .option('--cache-dir <dir>', 'cache directory (default: $XDG_CACHE_HOME/bulwark or ~/.cache/bulwark)')
    .option('--db <file>', 'vulnerability database file (default: <cache dir>/db/vuln.db)')
    .option('--no-vulns', 'do not match lock files against the vulnerability database')
    .option('--ignore-unfixed', 'leave out vulnerabilities that have no fix yet')
    .option('--vex <file>', 'OpenVEX document; not_affected statements suppress (repeatable)', (v: string, acc: string[] = []) => [...acc, v])
    .option('--image <[service=]ref>', 'also scan this image (as the image of SERVICE, or of the services naming it); any image reference bulwark image takes (repeatable)', (v: string, acc: string[] = []) => [...acc, v])
    .option('--no-images', 'do not scan the images compose services name, even when the local engine has them')
    .option('--base-candidates <refs>', "comma-separated candidate base images (any image reference); say which removes the most of each scanned image's vulnerabilities without a major version change, as a top fix ('newer': only the newer tags the base's registry lists)")
    .option('--live', "add the engine's containers that run the project's services and workloads (matched by compose labels and image ID): their real settings set the exposure")
    .option('-H, --host <host>', 'Docker engine for --live (default: DOCKER_HOST or unix:///var/run/docker.sock)')
    .option('--fail-on <gates>', "per-stage gate: 'high' (every stage) or 'image=critical,runtime=high'; exit 1 (or --exit-code) when a stage reaches its level");
  addSelectorOptions(cmd, ['scanners', 'pkg-types', 'skip', 'list-all-pkgs'], 'scanners to run, a list of vuln (lock files, images), secret (repository, build contexts, images), misconfig (Dockerfiles, compose, Kubernetes, CI files, image settings), license (lock files, images) (default vuln,secret,misconfig)');
  addAllowedRegistriesOption(cmd);
  addRegistryOptions(cmd);
  addReportOptions(cmd, { formats: ['table', 'json', 'sarif', 'html', 'junit', 'github'] }).action(async (dir: string, opts: Opts) => {
    // the project scan loads with the action, not with the command's help
    const [{ failOnFromConfig, gateFailures, parseFailOn, parseImageOption, scanDirectory }, { packageTable }] = await Promise.all([import('../../app/scan.js'), import('../../app/sbom.js')]);
    const root = resolve(dir);
    let st;
    try {
      st = statSync(root);
    } catch {
      throw new InputError(`no such directory: ${dir}`);
    }
    if (!st.isDirectory()) throw new InputError(`not a directory: ${dir} (use 'bulwark dockerfile ${dir}' for a single file)`);
    const cfg = withAllowedRegistries(resolveConfig(opts, [root]), opts.allowedRegistries);
    const failOn = parseFailOn(opts.failOn) ?? failOnFromConfig(cfg);
    const skip = skipFrom(opts);
    const report = await scanDirectory(root, dir, cfg, {
      scanners: scannersFrom(opts),
      ...(opts.pkgTypes ? { pkgTypes: opts.pkgTypes } : {}),
      ...(skip ? { skip } : {}),
      listAllPkgs: Boolean(opts.listAllPkgs),
      vulnerabilities:
        opts.vulns === false ? false : { cacheDir: opts.cacheDir, dbFile: opts.db, ignoreUnfixed: opts.ignoreUnfixed, vexFiles: opts.vex },
      live: opts.live ? { host: opts.host } : false,
      ...(opts.baseCandidates !== undefined ? { baseCandidates: opts.baseCandidates.split(',').map((x) => x.trim()).filter(Boolean) } : {}),
      images: {
        explicit: (opts.image ?? []).map(parseImageOption),
        auto: opts.images !== false,
        cacheDir: opts.cacheDir,
        registry: await registryOptionsFrom(opts, opts.image?.length === 1 ? parseImageOption(opts.image[0]!).ref : undefined),
        onImage: (ref) => {
          if (process.stderr.isTTY) process.stderr.write(`scanning image ${ref}...\n`);
        },
      },
    });
    if (opts.listAllPkgs && report.summary) {
      const table = packageTable({ packages: (report.packages ?? []) as Package[] });
      report.summary.text = typeof report.summary.text === 'string' ? `${report.summary.text}\n\n${table}` : table;
    }
    let code = await emitReport(report, opts, [root], cfg);
    // the gates see every finding (the --severity display filter does not hide one from them), ignores applied
    const gated = failOn ? applyPolicy(report, { severities: parseSeverityFilter(undefined), ignores: resolveIgnores(opts, cfg, [root]) }) : undefined;
    const failed = failOn && gated ? gateFailures(gated.findings, failOn) : [];
    for (const g of failed) process.stderr.write(`gate failed: ${g.stage}: ${g.count} finding(s) at ${g.threshold} or worse (worst: ${g.worst})\n`);
    if (failed.length && code === 0) code = opts.exitCode ?? cfg['exit-code'] ?? 1;
    ctx.setExitCode(code);
  });
}
