/** `bulwark k8s FILE...`: audit the workloads of Kubernetes manifests (multi-document YAML, rendered Helm output). */
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { addReportOptions, emitReport, type ReportOptions } from '../output.js';
import { dirname, resolve } from 'node:path';
import { auditK8s } from '../../app/runtime.js';

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('k8s')
    .description('audit Kubernetes manifests: every container of Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs (and Lists of them)')
    .argument('<files...>', 'manifest files (multi-document YAML; `helm template` output works as is)');
  addReportOptions(cmd).action((files: string[], opts: ReportOptions) => {
    ctx.setExitCode(emitReport(auditK8s(files), opts, [dirname(resolve(files[0]!))]));
  });
}
