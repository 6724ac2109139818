/**
 * The application layer: Bulwark's use cases as plain async functions that take options and return typed
 * results. The CLI (src/cli) and the server (src/server) are thin callers: flags or HTTP requests in, an app
 * function, a Report (or a typed result) out. Only this layer knows which stages a use case strings together
 * (and which analyzers the layer walker runs: ./analyzers.ts).
 *
 * Each group lives in its own module, so a caller loads only what it uses.
 */
export { packageDetectors, imageScanAnalyzers } from './analyzers.js';
export {
  indexImage,
  markOrigins,
  imageReport,
  auditImage,
  imageInventory,
  imageDigest,
  imageSummary,
  layerWarnings,
  withoutFileLists,
  formatBytes,
  type ImageScanOptions,
  type IndexImageOptions,
  type AuditImageOptions,
  type ImageIndex,
  type ImageSummary,
  type IndexedLayer,
  type VulnerabilityResult,
  type VulnerabilityReportOptions,
} from './image.js';
export { vulnerabilityReport, imageVulnerabilities } from './image-vulnerabilities.js';
export { sbom, sbomReport, packageTable, indexSbom, type SbomOptions } from './sbom.js';
export { auditRegistry, imageSignature, evidenceText, type SignatureResult } from './registry.js';
export { DEFAULT_SOURCES, maxAgeFromConfig, updateDatabase, databaseStatus, matchSavedInventory, whyVulnerability, type DatabaseLocation, type WhyOptions } from './vulnerabilities.js';
export { auditDockerfiles, fixDockerfiles, fixText, auditProject, dockerfileSettings, type DockerfileInput, type DockerfileFix } from './build.js';
export { auditRunArgs, auditCompose, auditContainers, auditInspectFiles, composeFilesFrom, type AuditComposeOptions, type AuditContainersOptions } from './runtime.js';
export { auditHost, type AuditScope, type AuditHostOptions } from './host.js';
export { hardenCompose, hardenRun } from './harden.js';
export { generateSeccompProfile, generateAppArmorProfile, checkProfileFile, recordTarget, type GenerateOptions, type SeccompGeneration, type AppArmorGeneration, type ProfileCheck } from './profiles.js';
export { listRules, explainRule } from './rules.js';
export { versionComparator, compareVersions } from './versions.js';
