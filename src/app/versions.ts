/** `bulwark version compare`: the version order vulnerability matching uses, one ecosystem at a time. */
import { InputError, UserError } from '../core/errors.js';
import { findComparator, supportedEcosystems, type VersionComparator } from '../vulndb/version/index.js';

/** The comparator of an ecosystem (purl types and OSV names accepted); a UserError names the known ones. */
export function versionComparator(name: string | undefined): VersionComparator {
  if (!name) throw new UserError(`--ecosystem is required (${supportedEcosystems().join(', ')}, go)`);
  const c = findComparator(name);
  if (!c) throw new UserError(`unknown ecosystem '${name}' (${supportedEcosystems().join(', ')}, go)`);
  return c;
}

/** -1, 0 or 1: `a` below, equal to or above `b`; an unparsable version is an InputError prefixed with `where`. */
export function compareVersions(c: VersionComparator, a: string, b: string, where = ''): -1 | 0 | 1 {
  try {
    const r = c.compare(a, b);
    return r < 0 ? -1 : r > 0 ? 1 : 0;
  } catch (e) {
    throw new InputError(`${where}${(e as Error).message}`);
  }
}
