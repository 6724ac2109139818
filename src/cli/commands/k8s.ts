/** `bulwark k8s FILE...`: audit the workloads of Kubernetes manifests (multi-document YAML, rendered Helm output). */
import type { Command } from 'commander';
import type { CliContext } from '../main.js';
import { addAllowedRegistriesOption, addReportOptions, emitReport, resolveConfig, type ReportOptions } from '../output.js';
import { registryPolicy, withAllowedRegistries } from '../../registry/allowed.js';
import { dirname, resolve } from 'node:path';

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('k8s')
    .description('audit Kubernetes manifests: every container of Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs (and Lists of them)')
    .argument('<files...>', 'manifest files (multi-document YAML; `helm template` output works as is)');
  addAllowedRegistriesOption(cmd);
  addReportOptions(cmd).action(async (files: string[], opts: ReportOptions & { allowedRegistries?: string[] }) => {
    // the use case loads with the action, not with the command's help
    const { auditK8s } = await import('../../app/runtime.js');
    const dirs = [dirname(resolve(files[0]!))];
    const cfg = withAllowedRegistries(resolveConfig(opts, dirs), opts.allowedRegistries);
    ctx.setExitCode(await emitReport(auditK8s(files, { allowedRegistries: registryPolicy(cfg) }), opts, dirs, cfg));
  });
}
