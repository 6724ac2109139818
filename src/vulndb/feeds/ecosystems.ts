/**
 * Mapping between OSV ecosystem names, purl types (the inventory's ecosystems) and DB namespaces,
 * and package-name normalisation per ecosystem. Importers and matchers both use these, so a name
 * is normalised the same way on both sides.
 */

export const DEBIAN_CODENAMES: Record<string, string> = {
  '7': 'wheezy',
  '8': 'jessie',
  '9': 'stretch',
  '10': 'buster',
  '11': 'bullseye',
  '12': 'bookworm',
  '13': 'trixie',
  '14': 'forky',
  '15': 'duke',
};

/** OSV ecosystem -> { ecosystem (purl type), namespace } ; undefined when unsupported. */
export function osvEcosystem(eco: string): { ecosystem: string; namespace: string } | undefined {
  const [base, ...rest] = eco.split(':');
  const suffix = rest.join(':');
  switch (base) {
    case 'Go':
      return { ecosystem: 'golang', namespace: '' };
    case 'PyPI':
      return { ecosystem: 'pypi', namespace: '' };
    case 'npm':
      return { ecosystem: 'npm', namespace: '' };
    case 'Maven':
      return { ecosystem: 'maven', namespace: '' };
    case 'crates.io':
      return { ecosystem: 'cargo', namespace: '' };
    case 'RubyGems':
      return { ecosystem: 'gem', namespace: '' };
    case 'Packagist':
      return { ecosystem: 'composer', namespace: '' };
    case 'NuGet':
      return { ecosystem: 'nuget', namespace: '' };
    case 'Hex':
      return { ecosystem: 'hex', namespace: '' };
    case 'Pub':
      return { ecosystem: 'pub', namespace: '' };
    case 'Debian': {
      if (!suffix) return undefined;
      const code = DEBIAN_CODENAMES[suffix] ?? suffix.toLowerCase();
      return { ecosystem: 'deb', namespace: `debian:${code}` };
    }
    case 'Ubuntu': {
      // "Ubuntu:22.04:LTS", "Ubuntu:Pro:18.04:LTS"
      const ver = rest.find((p) => /^\d+\.\d+$/.test(p));
      if (!ver) return undefined;
      return { ecosystem: 'deb', namespace: `ubuntu:${ver}${rest.includes('Pro') ? ':pro' : ''}` };
    }
    case 'Alpine': {
      const m = /^v?(\d+\.\d+)/.exec(suffix);
      if (!m) return undefined;
      return { ecosystem: 'apk', namespace: `alpine:v${m[1]}` };
    }
    default:
      return undefined;
  }
}

/** Package name as stored and looked up, per ecosystem (PEP 503 for PyPI, lower case for npm/pypi/composer). */
export function normaliseName(ecosystem: string, name: string): string {
  switch (ecosystem) {
    case 'pypi':
      return name.toLowerCase().replace(/[-_.]+/g, '-');
    case 'npm':
    case 'composer':
    case 'nuget':
      return name.toLowerCase();
    default:
      return name;
  }
}
