/** `bulwark why IMAGE PACKAGE VULN-ID`: why an advisory did or did not match a package of an image. */
import type { Command } from 'commander';
import type { CliContext } from '../main.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('why')
    .description('explain why a vulnerability did or did not match a package of an image')
    .argument('<image>', 'image reference (docker:NAME, rootfs:FILE, dir:PATH, archive, OCI layout); a label with --inventory')
    .argument('<package>', 'package name (binary or source name)')
    .argument('<vuln-id>', 'vulnerability id: CVE, GHSA, GO-, PYSEC-, ...')
    .option('--inventory <file>', 'use a saved InventoryReport instead of scanning the image')
    .option('--cache-dir <dir>', 'cache directory')
    .option('--db <file>', 'database file (default: <cache-dir>/db/vuln.db)')
    .option('--platform <platform>', 'platform of a multi-platform image', 'linux/amd64')
    .action(async (image: string, pkg: string, id: string, opts: { inventory?: string; cacheDir?: string; db?: string; platform: string }) => {
      const { whyVulnerability } = await import('../../app/vulnerabilities.js');
      const res = await whyVulnerability(image, pkg, id, { inventoryFile: opts.inventory, cacheDir: opts.cacheDir, dbFile: opts.db, platform: opts.platform });
      process.stdout.write(`${image}: ${res.matched ? 'MATCHED' : 'NOT MATCHED'}\n${res.lines.join('\n')}\n`);
      ctx.setExitCode(0);
    });
}
