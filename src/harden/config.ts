/** Hardening defaults, overridable in `.bulwark.yaml` section `harden`. */
import { z } from 'zod';
import { configSection, type BulwarkConfig } from '../core/config.js';

export const hardenSchema = z
  .object({
    /** memory limit for services without one (docker size: 256m, 1g) */
    memory: z.string().regex(/^\d+(\.\d+)?[bkmgBKMG]?$/).optional(),
    /** CPU limit for services without one */
    cpus: z.union([z.number().positive(), z.string().regex(/^\d+(\.\d+)?$/)]).optional(),
    /** PIDs limit for services without one */
    pids: z.number().int().positive().optional(),
    /** size of the /tmp and /run tmpfs mounts */
    tmpfsSize: z.string().regex(/^\d+[kmgKMG]?$/).optional(),
    /** ports to leave published on all interfaces: `SERVICE` (every port of it) or `SERVICE:PORT` (published or target port) */
    publicPorts: z.array(z.string()).optional(),
    /** address ports are bound to (default 127.0.0.1) */
    bindAddress: z.string().optional(),
    /** settings hardening leaves in place on purpose: `SETTING[=REASON]` (as --keep) */
    keep: z.array(z.string()).optional(),
  })
  .strict();

export interface HardenSettings {
  memory: string;
  cpus: string;
  pids: number;
  tmpfsSize: string;
  publicPorts: string[];
  bindAddress: string;
  keep: string[];
  /** seccomp profile to apply: service name → path ('*' = every service / the run line); from --seccomp-profile */
  seccompProfiles?: Record<string, string>;
}

export const HARDEN_DEFAULTS: HardenSettings = {
  memory: '256m',
  cpus: '0.5',
  pids: 200,
  tmpfsSize: '64m',
  publicPorts: [],
  bindAddress: '127.0.0.1',
  keep: [],
};

export function hardenSettings(cfg: BulwarkConfig | undefined, over: Partial<HardenSettings> = {}): HardenSettings {
  const sec = cfg ? configSection(cfg, 'harden', hardenSchema) : undefined;
  return {
    ...HARDEN_DEFAULTS,
    ...(sec ? Object.fromEntries(Object.entries(sec).filter(([, v]) => v !== undefined)) : {}),
    ...(sec?.cpus !== undefined ? { cpus: String(sec.cpus) } : {}),
    ...over,
  } as HardenSettings;
}

/** Is this port of this service marked public in the config? */
export function isPublic(settings: HardenSettings, service: string, ports: Array<string | undefined>): boolean {
  return settings.publicPorts.some((p) => p === service || ports.some((x) => x !== undefined && p === `${service}:${x}`));
}

/** The seccomp profile `harden` writes for this service (or the run line), if one was given. */
export function seccompProfileFor(settings: HardenSettings, service = '*'): string | undefined {
  return settings.seccompProfiles?.[service] ?? settings.seccompProfiles?.['*'];
}
