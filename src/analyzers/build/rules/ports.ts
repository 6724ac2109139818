import type { Instruction } from '../../../dockerfile/model.js';

export interface PortSpec {
  text: string;
  from: number;
  to: number;
}

/** Ports of an EXPOSE instruction (after substitution); unresolved variables are skipped. */
export function exposedPorts(inst: Instruction): PortSpec[] {
  const out: PortSpec[] = [];
  for (const raw of inst.expanded.split(/\s+/).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(raw);
    if (!m) continue;
    const from = Number(m[1]);
    out.push({ text: raw, from, to: m[2] ? Number(m[2]) : from });
  }
  return out;
}
