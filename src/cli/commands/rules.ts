import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import type { RuleMeta } from '../../core/rule.js';
import { explainRule, listRules } from '../../app/rules.js';
import { SEVERITIES, STAGES } from '../../core/finding.js';
import { UserError } from '../../core/errors.js';

/** `bulwark rules` as a table: one line per rule, then the counts by severity. */
export function rulesTable(rules: RuleMeta[]): string {
  const lines = rules.map((r) => `${r.id.padEnd(16)} ${r.severity.padEnd(8)} ${r.stage.padEnd(8)} ${r.title}${r.references.length ? `  [${r.references.join(', ')}]` : ''}\n`);
  const bySev = SEVERITIES.map((s) => `${s}: ${rules.filter((r) => r.severity === s).length}`).join(', ');
  return `${lines.join('')}${rules.length} rules (${bySev})\n`;
}

/**
 * `bulwark rules` with no option and no BULWARK_* variable (which could set one): the process entry point answers
 * it with this, before commander and the command index load (start-up, as `--version`).
 */
export async function plainRulesList(): Promise<string> {
  return rulesTable(await listRules());
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('rules')
    .description('list every rule with its ID, severity and upstream mappings')
    .option('-f, --format <format>', 'table or json', 'table')
    .option('--stage <stage>', `only one stage (${STAGES.join(', ')})`)
    .action(async (opts: { format: string; stage?: string }) => {
      const rules = await listRules({ stage: opts.stage });
      if (opts.format === 'json') {
        process.stdout.write(JSON.stringify(rules, null, 2) + '\n');
        return;
      }
      if (opts.format !== 'table') throw new UserError(`unknown format '${opts.format}' (table, json)`);
      // one write: a write per line is a system call per line on a pipe
      process.stdout.write(rulesTable(rules));
      ctx.setExitCode(0);
    });

  program
    .command('explain')
    .description('print one rule: rationale, remediation and mappings (accepts a Bulwark ID or an upstream ID such as DL3008)')
    .argument('<id>', 'rule ID')
    .option('-f, --format <format>', 'text or json', 'text')
    .action(async (id: string, opts: { format: string }) => {
      const r = await explainRule(id);
      if (opts.format === 'json') {
        process.stdout.write(JSON.stringify(r, null, 2) + '\n');
        return;
      }
      const lines = [
        `${r.id}: ${r.title}`,
        `severity: ${r.severity}    stage: ${r.stage}${r.autoFixable ? '    auto-fixable' : ''}`,
        r.references.length ? `maps to: ${r.references.join(', ')}` : 'maps to: (Bulwark only)',
        '',
        'Why it matters:',
        `  ${r.rationale}`,
        '',
        'What to do:',
        `  ${r.remediation}`,
      ];
      if (r.helpUri) lines.push('', `More: ${r.helpUri}`);
      process.stdout.write(lines.join('\n') + '\n');
    });
}
