/**
 * The database keys the matchers look a package up by, for callers that index inventories by them (the
 * service re-matches, after a database update, only the packages whose keys the change set names):
 * distro packages by source name in the image's release namespace, language packages by normalised name
 * (namespace ''), Go binaries also by `stdlib` for their toolchain. Packages a matcher skips (language
 * packages owned by an OS package, an unknown release) have no key.
 */
import type { InventoryReport, Package } from '../../inventory/types.js';
import { normaliseName } from '../feeds/ecosystems.js';
import { DISTRO_ECOSYSTEMS, distroKey } from './distro.js';
import { withGoStdlib } from './lang.js';
import { distroNamespace } from './namespace.js';

export interface MatchKey {
  ecosystem: string;
  namespace: string;
  name: string;
}

export function matchKeys(inv: InventoryReport): Array<{ pkg: Package; key: MatchKey }> {
  const out: Array<{ pkg: Package; key: MatchKey }> = [];
  const ns = distroNamespace(inv.os).namespace;
  for (const pkg of withGoStdlib(inv.packages)) {
    if (DISTRO_ECOSYSTEMS.has(pkg.ecosystem)) {
      if (ns) out.push({ pkg, key: { ecosystem: pkg.ecosystem, namespace: ns, name: distroKey(pkg).key } });
    } else if (!pkg.ownedBy) {
      out.push({ pkg, key: { ecosystem: pkg.ecosystem, namespace: '', name: normaliseName(pkg.ecosystem, pkg.name) } });
    }
  }
  return out;
}
