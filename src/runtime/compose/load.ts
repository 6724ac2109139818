/**
 * Compose loader: reads one or more compose files with positions (yaml CST ranges → line/column of
 * every key), interpolates variables (.env, environment, --env-file), merges files in order (compose-spec
 * merge rules, `!reset` / `!override`), resolves `extends` (same file and other files) and profiles.
 * Hostile YAML is bounded: file size cap, alias expansion cap (maxAliasCount), node count cap.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve, basename } from 'node:path';
import type { Document } from 'yaml';
import { InputError } from '../../core/errors.js';
import { checkText, parseYamlDocument, PK, readYamlText, yamlData, type Pos } from '../yaml.js';
import { interpolate, InterpolationError, readDotEnv, type Env } from './interpolate.js';

export const MAX_COMPOSE_BYTES = 8 * 1024 * 1024;
/**
 * yaml's alias budget: (nodes in an anchored value) x (times it is aliased). Real files with many merge
 * keys (e.g. a 40-service file reusing one defaults block) need thousands; a billion-laughs chain passes
 * this within a few levels.
 */
export const MAX_ALIAS_COUNT = 10_000;
/** Longest `extends` chain followed (real files use one or two levels). */
export const MAX_EXTENDS_DEPTH = 64;

export type { Pos };

/* eslint-disable @typescript-eslint/no-explicit-any */
type J = any;

export interface ParsedFile {
  file: string;
  doc: Document;
  data: Record<string, J>;
  /** path (joined by \0) → position of the key (maps) or item (sequences) */
  pos: Map<string, Pos>;
  /** paths tagged !reset / !override */
  reset: Set<string>;
  override: Set<string>;
}

export { PK };

/** Parse one compose file into plain data plus a position index. No interpolation yet. */
export function parseComposeFile(file: string, textIn?: string): ParsedFile {
  let text = textIn;
  if (text === undefined) text = readYamlText(file, 'compose file', MAX_COMPOSE_BYTES);
  else {
    if (text.length > MAX_COMPOSE_BYTES) throw new InputError(`${file}: compose file larger than the ${MAX_COMPOSE_BYTES}-byte limit`);
    checkText(text, file, 'compose file');
  }
  const { doc, lc } = parseYamlDocument(text, file);
  const y = yamlData(doc, lc, file);
  let data = y.data as J;
  if (data === null || data === undefined) data = {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new InputError(`${file}:1:1: a compose file must be a mapping at the top level`);
  return { file, doc, data, pos: y.pos, reset: y.reset, override: y.override };
}

/** Interpolate every string value (not keys) of the data, reporting the position of the failing value. */
export function interpolateData(pf: ParsedFile, env: Env): void {
  const visit = (v: J, path: Array<string | number>): J => {
    if (typeof v === 'string') {
      try {
        return interpolate(v, env);
      } catch (e) {
        if (e instanceof InterpolationError) throw new InputError(`${where(pf, path)}: ${e.message}`);
        throw e;
      }
    }
    if (Array.isArray(v)) return v.map((x, i) => visit(x, [...path, i]));
    if (v && typeof v === 'object') {
      const o: Record<string, J> = {};
      for (const [k, x] of Object.entries(v)) o[k] = visit(x, [...path, k]);
      return o;
    }
    return v;
  };
  pf.data = visit(pf.data, []);
}

export function where(pf: { file: string; pos: Map<string, Pos> }, path: Array<string | number>): string {
  for (let n = path.length; n >= 0; n--) {
    const p = pf.pos.get(PK(path.slice(0, n)));
    if (p) return `${p.file}:${p.line}:${p.column}`;
  }
  return `${pf.file}:1:1`;
}

// ---------------------------------------------------------------- merge (compose-spec merge.md)

const MAPPING_LISTS = new Set(['environment', 'labels', 'sysctls', 'extra_hosts', 'annotations', 'args']);
const OVERRIDE_KEYS = new Set(['command', 'entrypoint', 'test', 'dns', 'dns_search', 'env_file', 'tmpfs']);

/** list form `["A=1", "B"]` → mapping `{A: "1", B: null}` (environment, labels, sysctls, extra_hosts). */
export function listToMap(v: J, sep = '='): J {
  if (!Array.isArray(v)) return v;
  const o: Record<string, J> = {};
  for (const item of v) {
    const s = String(item);
    const i = s.indexOf(sep);
    if (i < 0) o[s] = null;
    else o[s.slice(0, i)] = s.slice(i + 1);
  }
  return o;
}

function normalizeForMerge(key: string, v: J): J {
  if (MAPPING_LISTS.has(key)) return listToMap(v, key === 'extra_hosts' && Array.isArray(v) && v.every((x) => !String(x).includes('=')) ? ':' : '=');
  return v;
}

function volumeTarget(v: J): string {
  if (typeof v === 'string') {
    const parts = v.split(':');
    return parts.length >= 2 && parts[1]!.startsWith('/') ? parts[1]! : parts[0]!;
  }
  return String(v?.target ?? JSON.stringify(v));
}

function uniqueKey(key: string, v: J): string {
  if (key === 'volumes') return volumeTarget(v);
  if (key === 'secrets' || key === 'configs') return typeof v === 'string' ? v : String(v?.target ?? v?.source ?? JSON.stringify(v));
  if (key === 'devices') return typeof v === 'string' ? (v.split(':')[1] ?? v) : String(v?.target ?? JSON.stringify(v));
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Merge `over` onto `base` (both plain), `key` is the property name of this value. */
export function mergeValue(key: string, base: J, over: J, resetPaths?: Set<string>, overridePaths?: Set<string>, path: string[] = []): J {
  const pk = PK(path);
  if (resetPaths?.has(pk)) return undefined;
  if (overridePaths?.has(pk)) return over;
  if (over === undefined) return base;
  if (base === undefined || base === null) return over;
  if (OVERRIDE_KEYS.has(key)) return over;
  const b = normalizeForMerge(key, base);
  const o = normalizeForMerge(key, over);
  if (Array.isArray(b) && Array.isArray(o)) {
    const out: J[] = [];
    const idx = new Map<string, number>();
    for (const x of [...b, ...o]) {
      const k = uniqueKey(key, x);
      const i = idx.get(k);
      if (i === undefined) {
        idx.set(k, out.length);
        out.push(x);
      } else out[i] = x;
    }
    return out;
  }
  if (b && o && typeof b === 'object' && typeof o === 'object' && !Array.isArray(b) && !Array.isArray(o)) {
    const out: Record<string, J> = { ...b };
    for (const [k, v] of Object.entries(o)) {
      const m = mergeValue(k, b[k], v, resetPaths, overridePaths, [...path, k]);
      if (m === undefined) delete out[k];
      else out[k] = m;
    }
    return out;
  }
  return over;
}

// ---------------------------------------------------------------- project

export interface LoadOptions {
  files: string[];
  /** default: dirname of the first file */
  projectDir?: string;
  /** env files (default: <projectDir>/.env when it exists) */
  envFiles?: string[];
  profiles?: string[];
  /** the process environment (default: process.env) */
  env?: Env;
  projectName?: string;
  /** internal: files on the current `include` chain (cycle detection) */
  includeStack?: string[];
  /** file contents already in memory (absolute path → text), read instead of the file */
  texts?: Record<string, string>;
}

export interface ServiceOrigin {
  /** where to look up positions for this service, best first: file index + path prefix */
  chain: Array<{ pf: ParsedFile; prefix: Array<string | number> }>;
}

export interface ComposeProject {
  name: string;
  projectDir: string;
  files: string[];
  env: Env;
  /** the merged model */
  model: Record<string, J>;
  /** services enabled by the active profiles */
  services: Record<string, J>;
  origins: Record<string, ServiceOrigin>;
  parsed: ParsedFile[];
}

function getAt(data: J, path: Array<string | number>): J {
  let v = data;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = v[k as any];
  }
  return v;
}

/**
 * Position of a key of a service, following merge order (last file wins) and extends. For an item of a
 * merged list, pass `item`: the file and index holding that same value are found by content.
 */
export function servicePos(project: ComposeProject, service: string, path: Array<string | number>, item?: J): Pos | undefined {
  const o = project.origins[service];
  if (!o) return undefined;
  if (item !== undefined && typeof path[path.length - 1] === 'number') {
    const want = JSON.stringify(item);
    const listPath = path.slice(0, -1);
    for (const { pf, prefix } of o.chain) {
      const list = getAt(pf.data, [...prefix, ...listPath]);
      if (!Array.isArray(list)) continue;
      const j = list.findIndex((x) => JSON.stringify(x) === want);
      if (j >= 0) {
        const p = pf.pos.get(PK([...prefix, ...listPath, j]));
        if (p) return p;
      }
    }
  }
  for (let n = path.length; n >= 0; n--) {
    for (const { pf, prefix } of o.chain) {
      const p = pf.pos.get(PK([...prefix, ...path.slice(0, n)]));
      if (p) return p;
    }
  }
  return undefined;
}

export function serviceWhere(project: ComposeProject, service: string, path: Array<string | number>): string {
  const p = servicePos(project, service, path);
  return p ? `${p.file}:${p.line}:${p.column}` : `${project.files[0]}`;
}

export function loadCompose(opts: LoadOptions): ComposeProject {
  if (opts.files.length === 0) throw new InputError('no compose file given');
  const files = opts.files.map((f) => resolve(f));
  const projectDir = resolve(opts.projectDir ?? dirname(files[0]!));
  const baseEnv: Env = { ...(opts.env ?? process.env) };
  let env: Env = {};
  const envFiles = opts.envFiles ?? (existsSync(resolve(projectDir, '.env')) ? [resolve(projectDir, '.env')] : []);
  for (const ef of envFiles) env = { ...env, ...readDotEnv(resolve(ef), { ...env, ...baseEnv }) };
  env = { ...env, ...baseEnv };
  const parsed = files.map((f) => parseComposeFile(f, opts.texts?.[f]));
  for (const pf of parsed) interpolateData(pf, env);
  // merge in order
  let model: Record<string, J> = {};
  for (const pf of parsed) {
    if (pf.data.services !== undefined && (typeof pf.data.services !== 'object' || Array.isArray(pf.data.services) || pf.data.services === null)) {
      throw new InputError(`${where(pf, ['services'])}: 'services' must be a mapping`);
    }
    const merged = mergeValue('', model, pf.data, pf.reset, pf.override, []);
    // a !reset on the document itself (or on its empty key, which shares the root's path) leaves nothing
    model = merged && typeof merged === 'object' && !Array.isArray(merged) ? (merged as Record<string, J>) : {};
  }
  const name = (opts.projectName ?? env.COMPOSE_PROJECT_NAME ?? (typeof model.name === 'string' ? model.name : undefined) ?? basename(projectDir))
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '');
  const services: Record<string, J> = { ...(model.services ?? {}) };
  const origins: Record<string, ServiceOrigin> = {};
  for (const s of Object.keys(services)) {
    origins[s] = { chain: [...parsed].reverse().filter((pf) => pf.data.services?.[s] !== undefined).map((pf) => ({ pf, prefix: ['services', s] })) };
  }
  // include: each entry is loaded as its own project (own directory and .env), its services added here
  const included: Record<string, J> = {};
  const includedParsed: ParsedFile[] = [];
  for (const pf of parsed) {
    const inc = pf.data.include;
    if (inc === undefined || inc === null) continue;
    if (!Array.isArray(inc)) throw new InputError(`${where(pf, ['include'])}: include must be a list`);
    inc.forEach((entry: J, i: number) => {
      const at = where(pf, ['include', i]);
      const paths: string[] = typeof entry === 'string' ? [entry] : Array.isArray(entry?.path) ? entry.path.map(String) : typeof entry?.path === 'string' ? [entry.path] : [];
      if (paths.length === 0) throw new InputError(`${at}: include entry needs a path`);
      const abs = paths.map((p) => resolve(dirname(pf.file), p));
      const stack = [...(opts.includeStack ?? files)];
      for (const a of abs) {
        if (stack.includes(a)) throw new InputError(`${at}: include cycle: ${[...stack, a].join(' -> ')}`);
        if (!existsSync(a)) throw new InputError(`${at}: included file ${a} not found`);
      }
      if (stack.length > 20) throw new InputError(`${at}: include nested more than 20 levels`);
      const envFiles = entry?.env_file === undefined ? undefined : (Array.isArray(entry.env_file) ? entry.env_file : [entry.env_file]).map((e: J) => resolve(dirname(pf.file), String(e)));
      const sub = loadCompose({
        files: abs,
        projectDir: entry?.project_directory !== undefined ? resolve(dirname(pf.file), String(entry.project_directory)) : undefined,
        envFiles,
        env: opts.env,
        profiles: opts.profiles,
        projectName: name,
        includeStack: [...stack, ...abs],
      });
      includedParsed.push(...sub.parsed);
      for (const [svcName, svc] of Object.entries(sub.model.services ?? {})) {
        if (services[svcName] !== undefined || included[svcName] !== undefined) {
          throw new InputError(`${at}: service '${svcName}' from ${abs.join(', ')} conflicts with a service already defined`);
        }
        const copy = structuredClone(svc);
        rebasePaths(copy as Record<string, J>, sub.projectDir);
        included[svcName] = copy;
        origins[svcName] = sub.origins[svcName]!;
      }
    });
  }
  // extends: followed iteratively (a chain of any length ends in a result or a clear error, never a stack
  // overflow), each resolved service cached with its depth and the position chain of its bases
  const fileCache = new Map<string, ParsedFile>(parsed.map((p) => [p.file, p]));
  const resolved = new Map<string, { svc: J; depth: number; chain: ServiceOrigin['chain'] }>();
  const whereIn = (pf: ParsedFile | undefined, svcName: string, path: string[]) => (pf ? where(pf, ['services', svcName, ...path]) : svcName);
  const resolveService = (svcName: string, svcIn: J, pfIn: ParsedFile | undefined, chain: ServiceOrigin['chain'], keyIdIn: string): J => {
    interface Step {
      name: string;
      svc: J;
      pf: ParsedFile | undefined;
      keyId: string;
      basePf: ParsedFile | undefined;
      extFile: unknown;
      chainStart: number;
    }
    const steps: Step[] = [];
    const onChain = new Set<string>();
    let name = svcName;
    let svc = svcIn;
    let pf = pfIn;
    let keyId = keyIdIn;
    let acc: { svc: J; depth: number; chain: ServiceOrigin['chain'] };
    for (;;) {
      const cached = resolved.get(keyId);
      if (cached) {
        acc = cached;
        break;
      }
      if (svc === null || svc === undefined) svc = {};
      if (typeof svc !== 'object' || Array.isArray(svc)) throw new InputError(`${whereIn(pf, name, [])}: service '${name}' must be a mapping`);
      const ext = svc.extends;
      if (ext === undefined) {
        acc = { svc, depth: 0, chain: [] };
        resolved.set(keyId, acc);
        break;
      }
      if (onChain.has(keyId)) throw new InputError(`${whereIn(pf, name, ['extends'])}: circular extends involving service '${name}'`);
      onChain.add(keyId);
      if (steps.length >= MAX_EXTENDS_DEPTH) {
        throw new InputError(`${whereIn(pfIn, svcName, ['extends'])}: service '${svcName}' extends a chain of more than ${MAX_EXTENDS_DEPTH} services`);
      }
      const baseName = typeof ext === 'string' ? ext : ext?.service;
      if (typeof baseName !== 'string') throw new InputError(`${whereIn(pf, name, ['extends'])}: extends needs a service name`);
      let basePf: ParsedFile | undefined;
      let baseSvc: J;
      let baseKey: string;
      const extFile = typeof ext === 'object' ? ext.file : undefined;
      if (extFile !== undefined) {
        const from = pf ? dirname(pf.file) : projectDir;
        const path = resolve(from, String(extFile));
        basePf = fileCache.get(path);
        if (!basePf) {
          if (!existsSync(path)) throw new InputError(`${whereIn(pf, name, ['extends', 'file'])}: extends file ${path} not found`);
          basePf = parseComposeFile(path);
          interpolateData(basePf, env);
          fileCache.set(path, basePf);
        }
        baseSvc = basePf.data.services?.[baseName];
        baseKey = `${basePf.file}#${baseName}`;
      } else {
        basePf = pf;
        // a service of this project is looked up (and cached) by name, so its depth is known when it is
        // resolved before the services extending it
        if (pf === undefined || parsed.includes(pf)) {
          baseSvc = services[baseName] ?? pf?.data.services?.[baseName];
          baseKey = `main#${baseName}`;
        } else {
          baseSvc = pf.data.services?.[baseName];
          baseKey = `${pf.file}#${baseName}`;
        }
      }
      if (baseSvc === undefined) throw new InputError(`${whereIn(pf, name, ['extends'])}: cannot extend service '${baseName}': not found`);
      steps.push({ name, svc, pf, keyId, basePf, extFile, chainStart: 0 });
      name = baseName;
      svc = baseSvc;
      pf = basePf;
      keyId = baseKey;
    }
    if (acc.depth + steps.length > MAX_EXTENDS_DEPTH) {
      throw new InputError(`${whereIn(pfIn, svcName, ['extends'])}: service '${svcName}' extends a chain of more than ${MAX_EXTENDS_DEPTH} services`);
    }
    // merge from the deepest base up; every service on the way is cached with its depth and base chain
    for (let i = steps.length - 1; i >= 0; i--) {
      const st = steps[i]!;
      const local = { ...st.svc };
      delete local.extends;
      const baseCopy = structuredClone(acc.svc);
      // paths in a service extended from another file are relative to that file's directory
      if (st.basePf && st.extFile !== undefined) rebasePaths(baseCopy, dirname(st.basePf.file));
      const baseName = steps[i + 1]?.name ?? name;
      const own = { pf: st.basePf ?? parsed[0]!, prefix: ['services', baseName] as Array<string | number> };
      acc = { svc: mergeValue('', baseCopy, local), depth: acc.depth + 1, chain: [own, ...acc.chain] };
      resolved.set(st.keyId, acc);
    }
    for (const c of acc.chain) chain.push(c);
    return acc.svc;
  };
  for (const [s, svc] of Object.entries(services)) {
    const pf = origins[s]!.chain[0]?.pf;
    services[s] = resolveService(s, svc, pf, origins[s]!.chain, `main#${s}`);
  }
  // included services were resolved (extends, relative paths) by their own project
  Object.assign(services, included);
  // profiles
  const active = new Set(opts.profiles ?? (env.COMPOSE_PROFILES ? env.COMPOSE_PROFILES.split(',').map((x) => x.trim()) : []));
  const enabled: Record<string, J> = {};
  for (const [s, svc] of Object.entries(services)) {
    const prof = svc.profiles;
    if (prof !== undefined && !Array.isArray(prof)) throw new InputError(`${serviceWhereRaw(origins[s]!, ['profiles'])}: profiles must be a list`);
    if (!prof || prof.length === 0 || active.has('*') || prof.some((p: string) => active.has(String(p)))) enabled[s] = svc;
  }
  model.services = services;
  return { name, projectDir, files, env, model, services: enabled, origins, parsed: [...parsed, ...includedParsed] };
}

const isRel = (p: unknown): p is string => typeof p === 'string' && (p.startsWith('./') || p.startsWith('../') || p === '.' || p === '..');

/** Make the relative paths of a service (env_file, bind sources, build context) absolute against `dir`. */
export function rebasePaths(svc: Record<string, J>, dir: string): void {
  if (!svc || typeof svc !== 'object') return;
  if (typeof svc.env_file === 'string') svc.env_file = resolve(dir, svc.env_file);
  else if (Array.isArray(svc.env_file)) {
    svc.env_file = svc.env_file.map((e: J) =>
      typeof e === 'string' ? resolve(dir, e) : e && typeof e === 'object' && typeof e.path === 'string' ? { ...e, path: resolve(dir, e.path) } : e,
    );
  }
  if (Array.isArray(svc.volumes)) {
    svc.volumes = svc.volumes.map((v: J) => {
      if (typeof v === 'string') {
        const i = v.indexOf(':');
        const src = i >= 0 ? v.slice(0, i) : '';
        return isRel(src) ? resolve(dir, src) + v.slice(i) : v;
      }
      if (v && typeof v === 'object' && v.type === 'bind' && typeof v.source === 'string' && !v.source.startsWith('/') && !v.source.startsWith('~')) {
        return { ...v, source: resolve(dir, v.source) };
      }
      return v;
    });
  }
  if (typeof svc.build === 'string' && !/^[a-z]+:\/\//.test(svc.build)) svc.build = resolve(dir, svc.build);
  else if (svc.build && typeof svc.build === 'object' && typeof svc.build.context === 'string' && !/^[a-z]+:\/\//.test(svc.build.context)) {
    svc.build = { ...svc.build, context: resolve(dir, svc.build.context) };
  }
}

function serviceWhereRaw(o: ServiceOrigin, path: Array<string | number>): string {
  for (const { pf, prefix } of o.chain) {
    const p = pf.pos.get(PK([...prefix, ...path])) ?? pf.pos.get(PK(prefix));
    if (p) return `${p.file}:${p.line}:${p.column}`;
  }
  return '';
}

/** Compose file names `bulwark scan DIR` and `bulwark compose` (without -f) pick up. */
export function isComposeFileName(name: string): boolean {
  return /^(docker-)?compose(\.[\w.-]+)?\.ya?ml$/.test(name);
}

/** Default compose files in a directory (compose.yaml first, as docker compose does), plus its override. */
export function defaultComposeFiles(dir: string): string[] {
  for (const n of ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml']) {
    const p = resolve(dir, n);
    if (existsSync(p)) {
      const out = [p];
      const ov = n.replace(/\.(ya?ml)$/, '.override.$1');
      if (existsSync(resolve(dir, ov))) out.push(resolve(dir, ov));
      return out;
    }
  }
  return [];
}
