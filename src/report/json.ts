import type { Report } from '../core/report.js';

export function renderJson(report: Report): string {
  // the rule catalogue travels with the report for other renderers; the JSON report cites rules by ID only
  const { rules: _rules, ...rest } = report;
  return JSON.stringify(rest, null, 2) + '\n';
}
