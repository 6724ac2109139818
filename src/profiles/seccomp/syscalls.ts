/**
 * Syscall names: libseccomp's table (src/syscalls.csv, every architecture), shipped as data with its
 * commit (src/profiles/data/SOURCES.md). A name in no column is one libseccomp cannot resolve; runc then
 * skips the rule for it.
 */
import { profileData } from '../data.js';

interface SyscallTable {
  source: string;
  commit: string;
  kernel: string;
  columns: ['x86_64', 'x86'];
  /** name → [x86_64 number, x86 number] (null where the architecture has no such syscall) */
  syscalls: Record<string, [number | null, number | null]>;
}

let table: Map<string, [number | null, number | null]> | undefined;

function names(): Map<string, [number | null, number | null]> {
  table ??= new Map(Object.entries(profileData<SyscallTable>('syscalls.json').syscalls));
  return table;
}

export function isKnownSyscall(name: string): boolean {
  return names().has(name);
}

/** Does the x86_64 ABI have this syscall? (Docker's default profile also lists 32-bit and other-arch names.) */
export function onX86_64(name: string): boolean {
  const e = names().get(name);
  return e !== undefined && e[0] !== null;
}

/** x86_64 syscall number → name. */
export function x86_64Name(nr: number): string | undefined {
  for (const [n, [a]] of names()) if (a === nr) return n;
  return undefined;
}

export function syscallTableSource(): { source: string; commit: string; kernel: string } {
  const t = profileData<SyscallTable>('syscalls.json');
  return { source: t.source, commit: t.commit, kernel: t.kernel };
}
