/**
 * Package-manager commands inside RUN: which manager, which action, which packages, which flags.
 * One function per manager family keeps the flag knowledge (which flags take a value) in one place.
 */
import type { SimpleCommand, Word } from './tokenize.js';
import { effective, positionals } from './command.js';

export type Manager = 'apt-get' | 'apt' | 'aptitude' | 'apk' | 'yum' | 'dnf' | 'microdnf' | 'zypper' | 'pip' | 'pipx' | 'npm' | 'yarn' | 'pnpm' | 'gem' | 'go';

export interface PackageCommand {
  manager: Manager;
  /** install, add, update, upgrade, dist-upgrade, clean, remove, ... ('' when none) */
  action: string;
  /** the action's word (fixes insert flags right after it) */
  actionWord?: Word;
  /** arguments after the program, flags included */
  args: string[];
  /** package arguments of an install action (module names for rpm `module install`) */
  packages: string[];
  cmd: SimpleCommand;
  /** `NAME=value` assignments written before the program (`PIP_NO_CACHE_DIR=1 pip install ...`) */
  env: Record<string, string>;
}

const VALUE_FLAGS: Record<string, string[]> = {
  apt: ['-o', '--option', '-t', '--target-release', '-c', '--config-file', '-a', '--host-architecture'],
  apk: ['-X', '--repository', '-t', '--virtual', '-p', '--root', '--arch', '--cache-dir', '--keys-dir', '--repositories-file'],
  rpm: ['--enablerepo', '--disablerepo', '--releasever', '--installroot', '-c', '--config', '--setopt', '-d', '--debuglevel', '-e', '--errorlevel', '--exclude', '-x', '--repo', '--repoid', '--forcearch', '--nodocs-x'],
  zypper: ['-r', '--repo', '--from', '-t', '--type', '--root', '-R', '-D', '--reposd-dir', '-C', '--cache-dir'],
  pip: ['--root-user-action', '-r', '--requirement', '-c', '--constraint', '-i', '--index-url', '--extra-index-url', '-f', '--find-links', '-t', '--target', '--prefix', '--root', '--platform', '--python-version', '--implementation', '--abi', '--src', '--upgrade-strategy', '--progress-bar', '--trusted-host', '--cache-dir', '--log', '--proxy', '--retries', '--timeout', '--exists-action', '--cert', '--client-cert', '--global-option', '--config-settings', '-C', '--only-binary', '--no-binary', '--report'],
  npm: ['--prefix', '--registry', '--tag', '--cache', '-w', '--workspace', '--omit', '--include', '--userconfig', '--loglevel', '--network-timeout', '--modules-folder', '--cache-folder', '--mutex'],
  gem: ['-v', '--version', '-i', '--install-dir', '-n', '--bindir', '--source', '-s', '-P', '--trust-policy', '--platform', '-g', '--file', '--build-root', '--document', '--env-shebang', '--install-dir', '--target'],
  go: ['-o', '-ldflags', '-gcflags', '-tags', '-mod', '-modfile', '-p', '-pkgdir', '-asmflags', '-buildmode', '-compiler', '-gccgoflags', '-installsuffix', '-overlay', '-pgo', '-toolexec'],
};
const sets = Object.fromEntries(Object.entries(VALUE_FLAGS).map(([k, v]) => [k, new Set(v)])) as Record<string, Set<string>>;

function firstPositional(args: string[], flags: Set<string>): { action: string; index: number } {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('-')) {
      if (!a.includes('=') && flags.has(a)) i++;
      continue;
    }
    return { action: a, index: i };
  }
  return { action: '', index: -1 };
}

export function packageCommand(cmd: SimpleCommand): PackageCommand | undefined {
  const e = effective(cmd);
  let name = e.name;
  let args = e.argv.slice(1);
  let words = e.words.slice(1);
  // python -m pip ..., python3.11 -m pip
  if (/^python(\d(\.\d+)?)?$/.test(name)) {
    const m = args.indexOf('-m');
    if (m < 0 || !/^pip\d?(\.\d+)?$/.test(args[m + 1] ?? '')) return undefined;
    name = 'pip';
    args = args.slice(m + 2);
    words = words.slice(m + 2);
  }
  let manager: Manager;
  let family: string;
  if (name === 'apt-get' || name === 'apt' || name === 'aptitude') (manager = name), (family = 'apt');
  else if (name === 'apk') (manager = 'apk'), (family = 'apk');
  else if (name === 'yum' || name === 'dnf' || name === 'microdnf' || name === 'tdnf' || name === 'dnf5') (manager = name === 'yum' ? 'yum' : name === 'microdnf' ? 'microdnf' : 'dnf'), (family = 'rpm');
  else if (name === 'zypper') (manager = 'zypper'), (family = 'zypper');
  else if (/^pip\d?(\.\d+)?$/.test(name)) (manager = 'pip'), (family = 'pip');
  else if (name === 'pipx') (manager = 'pipx'), (family = 'pip');
  else if (name === 'npm' || name === 'yarn' || name === 'pnpm') (manager = name), (family = 'npm');
  else if (name === 'gem') (manager = 'gem'), (family = 'gem');
  else if (name === 'go') (manager = 'go'), (family = 'go');
  else return undefined;
  const flags = sets[family]!;
  const { action, index } = firstPositional(args, flags);
  let rest = index >= 0 ? args.slice(index + 1) : [];
  let packages: string[] = [];
  let act = normaliseAction(manager, action);
  if (family === 'rpm' && act === 'module') {
    // dnf/yum module install|enable NAME[:STREAM][/PROFILE]
    const sub = firstPositional(rest, flags);
    if (sub.action === 'install' || sub.action === 'enable') {
      act = 'module-install';
      rest = rest.slice(sub.index + 1);
    }
  }
  if (act === 'install' || act === 'module-install') packages = installArguments(manager, rest, flags);
  else if (manager === 'go' && (act === 'get' || act === 'run')) packages = installArguments(manager, rest, flags).slice(0, act === 'run' ? 1 : undefined);
  if (manager === 'zypper' || family === 'rpm') packages = packages.filter((p) => !p.startsWith('-'));
  const env: Record<string, string> = {};
  for (const w of cmd.words.slice(0, e.offset)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(w.text);
    if (m && !w.quoted) env[m[1]!] = m[2]!;
  }
  const pc: PackageCommand = { manager, action: act, args, packages, cmd, env };
  if (index >= 0) pc.actionWord = words[index];
  return pc;
}

/** gem options that take no value (any other option is read as taking one when a bare word follows it) */
const GEM_SWITCHES = new Set([
  '-N', '--no-document', '--no-ri', '--no-rdoc', '--user-install', '--no-user-install', '--conservative', '--minimal-deps',
  '-f', '--force', '--ignore-dependencies', '--local', '-l', '--remote', '-r', '--both', '-b', '--development', '--development-all',
  '--prerelease', '--pre', '--default', '--explain', '--lock', '--no-lock', '--suggestions', '--no-suggestions', '--norc', '-q',
  '--quiet', '-V', '--verbose', '--backtrace', '--debug', '--no-wrappers', '--wrappers', '--format-executable', '-E', '--no-env-shebang',
  '-w', '--ignore-dependencies', '--post-install-message', '--no-post-install-message', '--clear-sources', '--update-sources',
]);

/** The package arguments after an install action, per manager. */
function installArguments(manager: Manager, rest: string[], flags: Set<string>): string[] {
  if (manager !== 'gem') return positionals(rest, flags);
  // gem: everything after `--` goes to the extension build; an unknown option's value is not a gem
  const out: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--') break;
    if (a.startsWith('-') && a.length > 1) {
      if (a.includes('=') || GEM_SWITCHES.has(a)) continue;
      const next = rest[i + 1];
      if (flags.has(a) || (next !== undefined && /^(true|false|yes|no|\d+|\/.*|\..*)$/i.test(next))) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

function normaliseAction(m: Manager, a: string): string {
  if (m === 'apk' && a === 'add') return 'install';
  if ((m === 'yarn' || m === 'pnpm') && a === 'add') return 'install';
  if (m === 'yarn' && a === 'global') return 'global';
  if (m === 'npm' && (a === 'i' || a === 'add' || a === 'isntall' || a === 'in')) return 'install';
  if (m === 'zypper' && (a === 'in' || a === 'install')) return 'install';
  if (m === 'zypper' && (a === 'up' || a === 'update')) return 'update';
  if (m === 'zypper' && (a === 'dup' || a === 'dist-upgrade')) return 'dist-upgrade';
  if (m === 'zypper' && (a === 'clean' || a === 'cc')) return 'clean';
  if (m === 'zypper' && (a === 'ref' || a === 'refresh')) return 'refresh';
  if (m === 'zypper' && (a === 'rm' || a === 'remove')) return 'remove';
  if (m === 'go' && a === 'get') return 'get';
  if (m === 'gem' && a === 'i') return 'install';
  if ((m === 'yum' || m === 'dnf' || m === 'microdnf') && (a === 'in' || a === 'install')) return 'install';
  if ((m === 'yum' || m === 'dnf' || m === 'microdnf') && (a === 'rei' || a === 'reinstall')) return 'reinstall';
  if ((m === 'dnf' || m === 'microdnf') && a === 'up') return 'upgrade';
  if ((m === 'dnf' || m === 'microdnf') && a === 'up-min') return 'upgrade-minimal';
  return a;
}

/** Commands of every package manager in a list of simple commands. */
export function packageCommands(cmds: SimpleCommand[]): PackageCommand[] {
  const out: PackageCommand[] = [];
  for (const c of cmds) {
    const p = packageCommand(c);
    if (p) out.push(p);
  }
  return out;
}

/** A package argument that is a local file, URL or path rather than a registry name. */
export function isLocalOrUrl(p: string): boolean {
  return /^(\.{0,2}\/|~\/|[a-z+]+:\/\/|git\+|file:)/i.test(p) || /\.(deb|rpm|apk|whl|tar|tar\.gz|tgz|zip|gem)$/i.test(p) || p === '.';
}

/** git URLs: git+https://..., git://..., git+ssh://... */
const GIT_URL = /^(git\+[a-z]+:\/\/|git:\/\/|git@)/i;

/** Whether a package argument pins a version, per manager (hadolint's DL3008/DL3018/DL3013/... semantics). */
export function isPinned(m: Manager, pkg: string, args: string[] = []): boolean {
  if (GIT_URL.test(pkg)) {
    // a git dependency is pinned by a ref: pip uses url@ref, npm/yarn url#ref
    if (m === 'pip') return /\.git@|@[^/@:]+(#|$)/.test(pkg.replace(/^[^/]*\/\/[^/@]*@/, ''));
    if (m === 'npm' || m === 'yarn' || m === 'pnpm') return pkg.includes('#');
    return true;
  }
  if (isLocalOrUrl(pkg) || pkg.includes('$')) return true;
  switch (m) {
    case 'apt-get':
    case 'apt':
    case 'aptitude':
      return pkg.includes('=') || pkg.endsWith('.deb');
    case 'apk':
      return /[=~<>]/.test(pkg);
    case 'yum':
    case 'dnf':
    case 'microdnf':
      return /-\d/.test(pkg) || /[<>=]/.test(pkg);
    case 'zypper':
      return /[=<>]/.test(pkg) || pkg.endsWith('.rpm');
    case 'pip':
    case 'pipx':
      // a name on PyPI has no '/': foo/bar is a local directory
      return /(==|>=|<=|~=|!=|===|>|<|@)/.test(pkg) || pkg.includes('/');
    case 'npm':
    case 'yarn':
    case 'pnpm': {
      // @scope/name@1.2 or name@1.2 or git urls with #ref
      const at = pkg.startsWith('@') ? pkg.indexOf('@', 1) : pkg.indexOf('@');
      if (at > 0) return !/^(latest|next)$/.test(pkg.slice(at + 1));
      return /#/.test(pkg);
    }
    case 'gem':
      return /:\S/.test(pkg) || args.some((a) => a === '-v' || a.startsWith('--version'));
    case 'go': {
      if (pkg === '.' || pkg.startsWith('/') || pkg.startsWith('.') || pkg.endsWith('.go')) return true;
      const at = pkg.lastIndexOf('@');
      return at > 0 && pkg.slice(at + 1) !== 'latest' && pkg.slice(at + 1) !== 'none';
    }
  }
}
