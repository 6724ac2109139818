/**
 * Formats for CI hosts:
 *   junit   JUnit XML (GitLab's and Jenkins' test reports): one test suite per stage, one failed test case per
 *           finding (suppressed ones are skipped test cases), a passing case for a stage without findings.
 *   github  GitHub Actions workflow commands: one `::error|warning|notice file=...,line=...::message` line per
 *           finding, paths relative to the repository (the checkout), then a summary line.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Report } from '../core/report.js';
import type { Finding, Severity } from '../core/finding.js';
import { formatLocation, severityRank, STAGES } from '../core/finding.js';
import type { RenderOptions } from './index.js';

function xml(s: string): string {
  // XML 1.0 forbids most control characters even escaped: drop them
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The file a finding names, relative to the repository root when it is inside it. */
export function findingPath(f: Finding, report: Report, opts: Pick<RenderOptions, 'cwd' | 'srcRoot'>): string | undefined {
  const l = f.location;
  const file = l.kind === 'file' ? l.file : l.kind === 'runtime' ? l.file : undefined;
  if (!file) return undefined;
  const abs = isAbsolute(file) ? file : resolve(report.baseDir ?? opts.cwd ?? process.cwd(), file);
  const root = opts.srcRoot ?? opts.cwd ?? process.cwd();
  const rel = relative(root, abs);
  if (rel.startsWith('..') || isAbsolute(rel)) return abs;
  return rel.split(sep).join('/');
}

function lineOf(f: Finding): number | undefined {
  const l = f.location;
  return l.kind === 'file' ? l.line : l.kind === 'runtime' || l.kind === 'image' || l.kind === 'host' ? l.line : undefined;
}

export function renderJunit(report: Report, opts: RenderOptions): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const findings = report.findings;
  const failures = findings.filter((f) => !f.suppressed).length;
  out.push(`<testsuites name="bulwark" tests="${Math.max(findings.length, 1)}" failures="${failures}" errors="${(report.errors ?? []).length}">`);
  const stages = STAGES.filter((s) => findings.some((f) => f.stage === s));
  if (!stages.length) {
    out.push('  <testsuite name="bulwark" tests="1" failures="0" errors="0" skipped="0">');
    out.push(`    <testcase classname="bulwark" name="${xml(report.targets[0]?.name ?? 'scan')}: no findings"/>`);
    out.push('  </testsuite>');
  }
  for (const stage of stages) {
    const fs = findings.filter((f) => f.stage === stage);
    const fails = fs.filter((f) => !f.suppressed).length;
    out.push(`  <testsuite name="${stage}" tests="${fs.length}" failures="${fails}" errors="0" skipped="${fs.length - fails}">`);
    for (const f of fs) {
      const path = findingPath(f, report, opts);
      const line = lineOf(f);
      const where = path ? `${path}${line ? `:${line}` : ''}` : formatLocation(f.location);
      const attrs = `classname="${xml(`${stage}.${path ?? formatLocation(f.location)}`)}" name="${xml(`${f.ruleId} ${where}`)}"${path ? ` file="${xml(path)}"` : ''}${line ? ` line="${line}"` : ''}`;
      out.push(`    <testcase ${attrs}>`);
      if (f.suppressed) out.push(`      <skipped message="${xml(`suppressed (${f.suppressed.kind}${f.suppressed.reason ? `: ${f.suppressed.reason}` : ''})`)}"/>`);
      else {
        out.push(`      <failure type="${f.severity}" message="${xml(`[${f.severity.toUpperCase()}] ${f.title}`)}">${xml(`${f.message}\n${where}\nfix: ${f.remediation.text}`)}</failure>`);
      }
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

/** GitHub's escaping for workflow command data and properties. */
function ghData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function ghProp(s: string): string {
  return ghData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function level(s: Severity): 'error' | 'warning' | 'notice' {
  if (severityRank(s) >= severityRank('high')) return 'error';
  if (s === 'medium') return 'warning';
  return 'notice';
}

export function renderGithub(report: Report, opts: RenderOptions): string {
  const out: string[] = [];
  for (const f of report.findings) {
    if (f.suppressed) continue;
    const path = findingPath(f, report, opts);
    const line = lineOf(f);
    const col = f.location.kind === 'file' ? f.location.column : f.location.kind === 'runtime' ? f.location.column : undefined;
    const props = [
      ...(path && !isAbsolute(path) ? [`file=${ghProp(path)}`] : []),
      ...(path && line ? [`line=${line}`] : []),
      ...(path && line && col ? [`col=${col}`] : []),
      `title=${ghProp(`${f.ruleId} (${f.severity}): ${f.title}`)}`,
    ];
    const where = path ? '' : ` [${formatLocation(f.location)}]`;
    out.push(`::${level(f.severity)} ${props.join(',')}::${ghData(`${f.message}${where}\nfix: ${f.remediation.text}`)}`);
  }
  const open = report.findings.filter((f) => !f.suppressed).length;
  out.push(`bulwark: ${open} finding(s) in ${report.targets.length} target(s)`);
  return out.join('\n') + '\n';
}
