/** `bulwark harden run -- docker run ...`: the hardened command line, shell-quoted. */
import { normCap, parsePortString } from '../runtime/model.js';
import { parseRunArgs, RUN_FLAGS, type ParsedFlag } from '../runtime/runargs.js';
import { isPublic, seccompProfileFor, type HardenSettings } from './config.js';

/** POSIX shell quoting: bare when safe, else single quotes. */
export function shellQuote(s: string): string {
  if (s !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface HardenRunResult {
  argv: string[];
  command: string;
  changes: string[];
}

const HOST_NS = new Set(['pid', 'ipc', 'uts', 'userns', 'cgroupns']);

export function hardenRunArgs(argv: string[], settings: HardenSettings): HardenRunResult {
  const parsed = parseRunArgs(argv);
  const changes: string[] = [];
  const name = parsed.flags.filter((f) => f.name === 'name').pop()?.value ?? parsed.image;
  const kept: ParsedFlag[] = [];
  const has = (n: string) => parsed.flags.some((f) => f.name === n);
  let nnp = false;
  let dropAll = false;
  const profile = seccompProfileFor(settings);
  let hasProfile = false;
  for (const f of parsed.flags) {
    if (f.name === 'privileged' && f.value === 'true') {
      changes.push('removed --privileged (check which capabilities and devices are really needed)');
      continue;
    }
    if (f.name === 'network' && f.value === 'host') {
      changes.push('removed --network host (publish the ports the container serves)');
      continue;
    }
    if (HOST_NS.has(f.name) && f.value === 'host') {
      changes.push(`removed --${f.name} host`);
      continue;
    }
    if (f.name === 'security-opt') {
      if (profile !== undefined && /^seccomp[=:]/.test(f.value)) {
        if (f.value.slice(8) === profile) hasProfile = true;
        else {
          changes.push(`removed --security-opt ${f.value} (replaced by seccomp=${profile})`);
          continue;
        }
      }
      if (/^(seccomp|apparmor)[=:]unconfined$/.test(f.value) || /^label[=:]disable$/.test(f.value)) {
        changes.push(`removed --security-opt ${f.value}`);
        continue;
      }
      if (/^no-new-privileges([=:](true|1))?$/.test(f.value)) nnp = true;
      if (/^no-new-privileges[=:](false|0)$/.test(f.value)) continue;
    }
    if (f.name === 'cap-drop' && f.value.split(',').map(normCap).includes('ALL')) dropAll = true;
    if (f.name === 'read-only' && f.value === 'false') continue;
    if (f.name === 'publish') {
      const p = parsePortString(f.value)?.[0];
      if (p && (!p.hostIp || p.hostIp === '0.0.0.0' || p.hostIp === '::') && !isPublic(settings, name, [p.hostPort, p.containerPort])) {
        const proto = f.value.includes('/') ? f.value.slice(f.value.lastIndexOf('/')) : '';
        const v = `${settings.bindAddress}:${p.hostPort ?? ''}:${p.containerPort}${proto}`;
        changes.push(`port ${f.value} -> ${v}`);
        kept.push({ ...f, value: v });
        continue;
      }
    }
    if (f.name === 'publish-all' && f.value === 'true') {
      changes.push('removed --publish-all (publish needed ports explicitly, bound to an address)');
      continue;
    }
    kept.push(f);
  }
  const add: Array<[string, string]> = [];
  if (!dropAll) {
    add.push(['cap-drop', 'ALL']);
    const adds = parsed.flags.filter((f) => f.name === 'cap-add').map((f) => f.value);
    changes.push(`--cap-drop ALL${adds.length ? ` (kept --cap-add ${adds.join(', ')}: check each is needed)` : ''}`);
  }
  if (!nnp) {
    add.push(['security-opt', 'no-new-privileges:true']);
    changes.push('--security-opt no-new-privileges:true');
  }
  if (profile !== undefined && !hasProfile) {
    add.push(['security-opt', `seccomp=${profile}`]);
    changes.push(`--security-opt seccomp=${profile}`);
  }
  if (!parsed.flags.some((f) => f.name === 'read-only' && f.value === 'true')) {
    add.push(['read-only', 'true']);
    changes.push('--read-only');
  }
  const tmpfsTargets = parsed.flags.filter((f) => f.name === 'tmpfs').map((f) => f.value.split(':')[0]);
  for (const t of ['/tmp', '/run']) {
    if (tmpfsTargets.includes(t)) continue;
    add.push(['tmpfs', `${t}:rw,noexec,nosuid,size=${settings.tmpfsSize}`]);
    changes.push(`--tmpfs ${t}`);
  }
  if (!has('memory')) {
    add.push(['memory', settings.memory]);
    changes.push(`--memory ${settings.memory}`);
  }
  if (!has('cpus') && !has('cpu-shares') && !has('cpu-quota')) {
    add.push(['cpus', settings.cpus]);
    changes.push(`--cpus ${settings.cpus}`);
  }
  if (!parsed.flags.some((f) => f.name === 'pids-limit' && Number(f.value) > 0)) {
    add.push(['pids-limit', String(settings.pids)]);
    changes.push(`--pids-limit ${settings.pids}`);
  }
  const out: string[] = [...parsed.prefix];
  for (const f of kept.filter((f) => !(f.name === 'pids-limit' && !(Number(f.value) > 0)))) {
    if (f.value === 'true' && isBool(f.name)) out.push(`--${f.name}`);
    else if (isBool(f.name)) out.push(`--${f.name}=${f.value}`);
    else out.push(`--${f.name}`, f.value);
  }
  for (const [n, v] of add) {
    if (n === 'read-only') out.push('--read-only');
    else out.push(`--${n}`, v);
  }
  out.push(parsed.image, ...parsed.cmd);
  return { argv: out, command: out.map(shellQuote).join(' '), changes };
}

const BOOLS = new Set(RUN_FLAGS.filter((f) => f.kind === 'bool').map((f) => f.name));
function isBool(n: string): boolean {
  return BOOLS.has(n);
}
