/**
 * Compose service (merged, interpolated) → ContainerSpec, with the compose file position of every key.
 * Wrong types are InputErrors naming file:line:column.
 */
import { emptySpec, type ContainerSpec, type SourceRef } from '../model.js';
import { applyField, fieldsOf, kindOf, SpecBuilder } from '../fields.js';
import { loadCompose, servicePos, serviceWhere, type ComposeProject, type LoadOptions } from './load.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type J = any;

const COMPOSE_FIELDS = fieldsOf('compose');

/** One service → ContainerSpec: each key through the field table (src/runtime/fields.ts), located at its file:line. */
export function serviceToSpec(project: ComposeProject, name: string): ContainerSpec {
  const svc = project.services[name];
  const spec = emptySpec('compose', name);
  spec.service = name;
  spec.file = project.files[0];
  const refOf = (path: Array<string | number>): SourceRef => {
    let item: J;
    if (typeof path[path.length - 1] === 'number') {
      let v: J = svc;
      for (const k of path) v = v?.[k as any];
      item = v;
    }
    const p = servicePos(project, name, path, item);
    return { field: ['services', name, ...path].join('.'), ...(p ? { file: p.file, line: p.line, column: p.column } : {}) };
  };
  const b = new SpecBuilder(spec, {
    where: (r) => (r.file ? `${r.file}:${r.line}:${r.column}` : serviceWhere(project, name, [])),
    who: `service '${name}'`,
    baseDir: project.projectDir,
    lookupEnv: (n) => project.env[n],
    envFrom: 'compose-environment',
    envFileFrom: 'compose-env_file',
    relativeBinds: true,
  });
  if (svc === null || typeof svc !== 'object' || Array.isArray(svc)) b.fail(refOf([]), 'a service must be a mapping');
  const s = svc as Record<string, J>;
  b.at('', refOf([]));
  if (s.build !== undefined && s.build !== null) spec.built = true;
  if (s.container_name !== undefined && s.container_name !== null) spec.container = b.str(s.container_name, refOf(['container_name']), 'container_name');
  for (const nf of COMPOSE_FIELDS) {
    const path = nf.native.key.split('.');
    let v: J = s;
    for (let i = 0; i < path.length && v !== undefined && v !== null; i++) {
      if (i > 0) b.map(v, refOf(path.slice(0, i)), path[i - 1]!);
      v = v[path[i]!];
    }
    if (v === undefined || v === null) continue;
    applyField(b, nf, v, refOf(path), (i) => refOf([...path, i]));
  }
  // networks: without network_mode, the service joins its networks (the project's default one when none)
  if (s.network_mode === undefined || s.network_mode === null) {
    if (s.networks !== undefined && s.networks !== null) {
      const nets = Array.isArray(s.networks) ? s.networks.map((x: J, i: number) => b.str(x, refOf(['networks', i]), 'networks')) : Object.keys(b.map(s.networks, refOf(['networks']), 'networks'));
      spec.networks = nets.map((n: string) => {
        const def = project.model.networks?.[n];
        return def && typeof def === 'object' && def.name ? String(def.name) : `${project.name}_${n}`;
      });
      b.at('networkMode', refOf(['networks']));
    } else {
      spec.networks = [`${project.name}_default`];
      b.at('networkMode', refOf([]));
    }
    spec.networkMode = spec.networks[0];
  }
  // validated for shape only (no rule reads them yet)
  for (const k of ['secrets', 'configs']) {
    if (s[k] === undefined || s[k] === null) continue;
    if (!Array.isArray(s[k])) b.fail(refOf([k]), `${k} must be a list, got ${kindOf(s[k])}`);
    (s[k] as J[]).forEach((x, i) => {
      if (typeof x !== 'string') {
        const o = b.map(x, refOf([k, i]), k);
        if (o.source === undefined) b.fail(refOf([k, i]), `${k} entry needs a source`);
      }
    });
  }
  const origin = servicePos(project, name, []);
  if (origin) spec.file = origin.file;
  return spec;
}

export interface ComposeLoad {
  project: ComposeProject;
  specs: ContainerSpec[];
}

/** Load compose files and normalise every enabled service. */
export function loadComposeSpecs(opts: LoadOptions): ComposeLoad {
  const project = loadCompose(opts);
  const specs = Object.keys(project.services).map((n) => serviceToSpec(project, n));
  return { project, specs };
}

