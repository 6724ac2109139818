/**
 * What the runtime model carries about a container's seccomp and AppArmor profiles once
 * `resolveProfiles` (./resolve.ts) has read them: the parsed profile, or why it could not be read.
 */
import type { SeccompProfile } from './seccomp/profile.js';
import type { AaDocument } from './apparmor/parse.js';

export interface SeccompRef {
  /** file: a path in a run line / compose file; inline: the JSON the engine stores for a live container; daemon: dockerd's seccomp-profile; k8s: a Localhost profile */
  origin: 'file' | 'inline' | 'daemon' | 'k8s';
  /** the file, for origin file / daemon / k8s */
  path?: string;
  profile?: SeccompProfile;
  /** why the profile could not be read or parsed (Docker would refuse to start the container) */
  error?: string;
  /** unknown syscall names and other oddities that do not stop Docker */
  warnings: string[];
}

export interface AppArmorRef {
  /** the profile name in `apparmor=NAME` */
  name: string;
  /** the file under /etc/apparmor.d that defines it */
  path?: string;
  doc?: AaDocument;
  error?: string;
}
