/** Which references name an image of the local engine: apart from the source, so that telling them costs no module. */
export function isDockerDaemonRef(ref: string): boolean {
  // docker://NAME is a registry reference (skopeo's transport syntax), not an image of the local engine
  return (ref.startsWith('docker:') && !ref.startsWith('docker://')) || ref.startsWith('docker-daemon:');
}
