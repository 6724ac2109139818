/**
 * Docker's default seccomp profile, shipped as data (src/profiles/data/docker-default-seccomp.json) with its
 * provenance; every delta and every "beyond Docker's default" verdict is taken against it.
 */
import { profileData } from '../data.js';
import { parseSeccompProfile, type SeccompProfile } from './profile.js';

export const DOCKER_DEFAULT_SOURCE = {
  repository: 'moby/moby',
  tag: 'docker-v29.7.2',
  commit: '6a43e3d5afddf4111da0f864bbc7cae5d7e95001',
  path: 'vendor/github.com/moby/profiles/seccomp/default.json',
  module: 'github.com/moby/profiles/seccomp v0.2.3',
} as const;

export function dockerDefaultLabel(): string {
  return `Docker's default profile (moby ${DOCKER_DEFAULT_SOURCE.tag}, ${DOCKER_DEFAULT_SOURCE.module})`;
}

let parsed: SeccompProfile | undefined;

export function dockerDefaultProfile(): SeccompProfile {
  if (!parsed) {
    const raw = profileData<unknown>('docker-default-seccomp.json');
    parsed = parseSeccompProfile(JSON.stringify(raw), 'docker-default-seccomp.json').profile;
  }
  return parsed;
}
