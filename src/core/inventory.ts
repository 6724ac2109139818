/**
 * The inventory report: a plain, serialisable description of what an image holds (packages, OS, layers).
 * Detectors (src/inventory) produce it; matchers (src/vulndb), the SBOM renderers (src/report) and the
 * service consume only this, never the image.
 */

/** purl types are used as ecosystem identifiers. */
export type Ecosystem = 'deb' | 'apk' | 'rpm' | 'npm' | 'pypi' | 'golang' | 'maven' | 'gem' | 'cargo' | 'composer';

export interface OsInfo {
  /** os-release ID: debian, ubuntu, alpine, rhel, centos, rocky, almalinux, fedora, amzn, ol, ... */
  id: string;
  /** os-release VERSION_ID ("12", "3.20.3") */
  versionId?: string;
  /** debian/ubuntu codename ("bookworm") */
  codename?: string;
  prettyName?: string;
  /** ID_LIKE */
  idLike?: string[];
  /** distroless (no package manager, dpkg status.d) */
  distroless?: boolean;
  /** where it was read from */
  evidence: string;
}

export interface Package {
  name: string;
  version: string;
  ecosystem: Ecosystem;
  purl: string;
  /** OS source package (deb Source, apk origin, rpm source RPM name) */
  sourceName?: string;
  sourceVersion?: string;
  arch?: string;
  epoch?: number;
  release?: string;
  licenses?: string[];
  /** the layer that introduced this package (index; digest = the layer's diff ID when known, else its blob digest) */
  layerIndex?: number;
  layerDigest?: string;
  /** the file the package was read from */
  path: string;
  /** set when the files of this language package belong to an OS package */
  ownedBy?: { ecosystem: Ecosystem; name: string };
  /** Go: toolchain version of the binary ("go1.21.3"), main module path, the binary */
  go?: { toolchain: string; mainModule?: string; binary: string; replacedBy?: string; replaces?: string };
  /** true for packages found only in a lock file (not installed) */
  fromLockfile?: boolean;
  /** dependency of a dev-only path, when a lock file says so */
  dev?: boolean;
  /** OS packages: the installed files (normalised paths, no leading '/') when the database lists them */
  files?: string[];
  /** main module or direct dependency of an app (Go main module, a lock file's root deps) */
  main?: boolean;
}

export interface InventoryReport {
  image?: {
    name: string;
    ref: string;
    kind: string;
    configDigest?: string;
    manifestDigest?: string;
    layers: Array<{ index: number; digest: string; diffId?: string; size?: number; createdBy?: string; base?: boolean }>;
  };
  os?: OsInfo;
  packages: Package[];
  /** non-fatal problems (unsupported formats, truncated databases, ...) */
  warnings: string[];
  /**
   * package databases that were not read to the end (a package-count cap): the packages from them are the first
   * ones only (absent when every database was read whole)
   */
  incomplete?: Array<{ path: string; ecosystem: string; reason: string; limit: number; layerIndex: number }>;
}
