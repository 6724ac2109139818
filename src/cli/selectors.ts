/**
 * The scan selector flags (Trivy's): `--scanners`, `--pkg-types`, `--skip-dirs`, `--skip-files`, `--list-all-pkgs`,
 * declared once for the commands that take them (`image`, `sbom`, `scan`). Each also reads BULWARK_<FLAG>
 * (conventions.ts); the parsers turn a bad value into a one-line usage error (exit 2).
 */
import { Option, type Command } from 'commander';
import { InputError } from '../core/errors.js';
import { collectGlobs, parsePkgTypes, parseScanners, PKG_TYPES, SCANNERS, type PkgTypes, type Scanners, type SkipSpec } from '../core/selectors.js';

export interface SelectorCliOptions {
  scanners?: Scanners;
  pkgTypes?: PkgTypes;
  skipDirs?: string[];
  skipFiles?: string[];
  listAllPkgs?: boolean;
}

export type SelectorFlag = 'scanners' | 'pkg-types' | 'skip' | 'list-all-pkgs';

export const DEFAULT_SCANNERS = 'vuln,secret,misconfig';

export function addSelectorOptions(cmd: Command, flags: SelectorFlag[], scannersHelp = `scanners to run, a list of ${SCANNERS.join(', ')} (default ${DEFAULT_SCANNERS}); a scanner left out does none of its work`): Command {
  // completeWith: the words shell completion offers (completion.ts); commander's choices would refuse a list
  const listOption = (flag: string, help: string, parse: (v: string) => unknown, words: readonly string[]) =>
    cmd.addOption(Object.assign(new Option(flag, help).argParser(parse), { completeWith: [...words] }));
  if (flags.includes('scanners')) listOption('--scanners <list>', scannersHelp, (v) => parseScanners(v), SCANNERS);
  if (flags.includes('pkg-types')) listOption('--pkg-types <list>', 'package types to list and match: os, library (default both)', (v) => parsePkgTypes(v), PKG_TYPES);
  if (flags.includes('skip')) {
    cmd.addOption(new Option('--skip-dirs <globs>', 'directories no analyzer reads (comma list, repeatable; ** crosses directories: "**/node_modules")').argParser(collectGlobs));
    cmd.addOption(new Option('--skip-files <globs>', 'files no analyzer reads (comma list, repeatable; e.g. "**/*.pem")').argParser(collectGlobs));
  }
  if (flags.includes('list-all-pkgs')) cmd.addOption(new Option('--list-all-pkgs', 'list every package (table and JSON), not only the vulnerable ones'));
  return cmd;
}

/** The scanners in force: --scanners (default vuln, secret, misconfig), less what --no-vulns / --no-checks turn off. */
export function scannersFrom(opts: SelectorCliOptions & { vulns?: boolean; checks?: boolean }): Scanners {
  const s: Scanners = { ...(opts.scanners ?? parseScanners(DEFAULT_SCANNERS)) };
  if (opts.vulns === false) s.vuln = false;
  if (opts.checks === false) {
    s.secret = false;
    s.misconfig = false;
  }
  return s;
}

export function skipFrom(opts: SelectorCliOptions): SkipSpec | undefined {
  const dirs = opts.skipDirs ?? [];
  const files = opts.skipFiles ?? [];
  return dirs.length || files.length ? { dirs, files } : undefined;
}

/** --server matches on the server, which indexes with its defaults: selectors are local-scan options. */
export function rejectSelectorsWithServer(opts: SelectorCliOptions): void {
  const used = [opts.scanners && '--scanners', opts.pkgTypes && '--pkg-types', opts.skipDirs?.length && '--skip-dirs', opts.skipFiles?.length && '--skip-files'].filter(Boolean);
  if (used.length) throw new InputError(`${used.join(', ')}: local-scan options; they do not combine with --server`);
}
