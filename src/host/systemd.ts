/**
 * systemd unit resolution as systemd does it: the fragment from the first unit directory that has it
 * (/etc, /run, /usr/local/lib, /lib, /usr/lib; user units under ~/.config/systemd/user and friends),
 * plus every drop-in `NAME.d/*.conf` from all of those directories, applied in file-name order.
 */
import { posix } from 'node:path';
import type { HostFs } from './fsroot.js';
import type { SystemdUnit } from './types.js';

export const SYSTEM_UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/usr/local/lib/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system'];

export function userUnitDirs(home: string, runtimeDir?: string): string[] {
  return [
    `${home}/.config/systemd/user`,
    '/etc/systemd/user',
    ...(runtimeDir ? [`${runtimeDir}/systemd/user`] : []),
    `${home}/.local/share/systemd/user`,
    '/usr/local/lib/systemd/user',
    '/usr/lib/systemd/user',
    '/lib/systemd/user',
  ];
}

/** Split an ExecStart command line like systemd: quotes, backslash-newline already joined. */
export function splitCommand(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let has = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && i + 1 < line.length) cur += line[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      has = true;
    } else if (/\s/.test(c)) {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      has = true;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has || cur) out.push(cur);
  return out;
}

interface Parsed {
  execStart: Array<string | null>;
  environmentFiles: string[];
  environment: Record<string, string>;
  listenStream: Array<string | null>;
}

export function parseUnitText(text: string, into: Parsed): void {
  const joined = text.replace(/\\\r?\n/g, ' ');
  for (const raw of joined.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';') || line.startsWith('[')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const k = line.slice(0, eq).trim();
    const v = line.slice(eq + 1).trim();
    if (k === 'ExecStart') into.execStart.push(v === '' ? null : v);
    else if (k === 'ListenStream') into.listenStream.push(v === '' ? null : v);
    else if (k === 'EnvironmentFile') into.environmentFiles.push(v);
    else if (k === 'Environment') {
      for (const part of splitCommand(v)) {
        const e = part.indexOf('=');
        if (e > 0) into.environment[part.slice(0, e)] = part.slice(e + 1);
      }
    }
  }
}

function applyResets(list: Array<string | null>): string[] {
  let out: string[] = [];
  for (const v of list) {
    if (v === null) out = [];
    else out.push(v);
  }
  return out;
}

export function resolveUnit(fs: HostFs, name: string, dirs: string[] = SYSTEM_UNIT_DIRS): SystemdUnit {
  const unit: SystemdUnit = { name, dropIns: [], execStart: [], environmentFiles: [], environment: {}, listenStream: [] };
  const parsed: Parsed = { execStart: [], environmentFiles: [], environment: {}, listenStream: [] };
  for (const d of dirs) {
    const p = posix.join(d, name);
    const f = fs.stat(p);
    if (!f.exists && !f.symlink) continue;
    if (f.realPath === '/dev/null' || (!f.exists && f.symlink && f.realPath === '/dev/null')) {
      unit.masked = true;
      unit.fragment = f;
      break;
    }
    if (!f.exists) continue;
    unit.fragment = f;
    parseUnitText(fs.readText(p) ?? '', parsed);
    break;
  }
  // drop-ins: same file name in a higher-priority directory overrides a lower one
  const seen = new Map<string, string>();
  for (const d of dirs) {
    const dd = posix.join(d, `${name}.d`);
    for (const n of fs.list(dd)) {
      if (!n.endsWith('.conf') || seen.has(n)) continue;
      seen.set(n, posix.join(dd, n));
    }
  }
  for (const n of [...seen.keys()].sort()) {
    const p = seen.get(n)!;
    unit.dropIns.push(fs.stat(p));
    parseUnitText(fs.readText(p) ?? '', parsed);
  }
  unit.execStart = applyResets(parsed.execStart);
  unit.listenStream = applyResets(parsed.listenStream);
  unit.environmentFiles = parsed.environmentFiles;
  unit.environment = parsed.environment;
  return unit;
}

/** Parse a KEY=value environment file (/etc/default/docker, /etc/sysconfig/docker). */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim().replace(/^export\s+/, '');
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2]!.trim();
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    out[m[1]!] = v;
  }
  return out;
}

/** Expand $VAR / ${VAR} in an ExecStart argv (systemd splits unbraced $VAR into words). */
export function expandExec(line: string, env: Record<string, string>): string[] {
  const words = splitCommand(line.replace(/^[-@:+!]+/, ''));
  const out: string[] = [];
  for (const w of words) {
    const whole = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(w);
    if (whole) {
      out.push(...splitCommand(env[whole[1]!] ?? ''));
      continue;
    }
    out.push(w.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, k: string) => env[k] ?? ''));
  }
  return out;
}
