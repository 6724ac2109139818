/**
 * Every fuzz target: one file each (tar.ts, dockerfile.ts, ...) plus one line here. Targets load lazily, so a
 * run of one target imports only the code it exercises.
 */
import type { FuzzTarget } from '../harness.js';

type Loader = () => Promise<FuzzTarget<any>>;

export const TARGETS: ReadonlyArray<{ name: string; load: Loader }> = [
  { name: 'tar', load: async () => (await import('./tar.js')).default },
  { name: 'dockerfile', load: async () => (await import('./dockerfile.js')).default },
  { name: 'shell', load: async () => (await import('./shell.js')).default },
  { name: 'compose', load: async () => (await import('./compose.js')).default },
  { name: 'interpolate', load: async () => (await import('./interpolate.js')).default },
  { name: 'dpkg', load: async () => (await import('./dpkg.js')).default },
  { name: 'apk', load: async () => (await import('./apk.js')).default },
  { name: 'rpm-header', load: async () => (await import('./rpm.js')).rpmHeader },
  { name: 'rpm-bdb', load: async () => (await import('./rpm.js')).rpmBdb },
  { name: 'rpm-sqlite', load: async () => (await import('./rpm.js')).rpmSqlite },
  { name: 'npm', load: async () => (await import('./npm.js')).default },
  { name: 'python', load: async () => (await import('./python.js')).default },
  { name: 'golang', load: async () => (await import('./golang.js')).default },
  { name: 'osv', load: async () => (await import('./feeds.js')).osv },
  { name: 'secdb', load: async () => (await import('./feeds.js')).secdb },
  { name: 'debian', load: async () => (await import('./feeds.js')).debian },
  { name: 'runargs', load: async () => (await import('./runargs.js')).default },
  { name: 'versions', load: async () => (await import('./versions.js')).default },
  { name: 'emitters', load: async () => (await import('./emitters.js')).default },
];

export async function loadTarget(name: string): Promise<FuzzTarget<any>> {
  const t = TARGETS.find((x) => x.name === name);
  if (!t) throw new Error(`no fuzz target '${name}' (targets: ${TARGETS.map((x) => x.name).join(', ')})`);
  const target = await t.load();
  if (target.name !== name) throw new Error(`fuzz/targets/index.ts: '${name}' loads target '${target.name}'`);
  return target;
}
