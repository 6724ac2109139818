/** A version that cannot be compared in its ecosystem (the message names the ecosystem, the version and why). */
export class VersionSyntaxError extends Error {
  constructor(
    public readonly ecosystem: string,
    public readonly version: string,
    reason: string,
  ) {
    super(`invalid ${ecosystem} version '${version}': ${reason}`);
    this.name = 'VersionSyntaxError';
  }
}
