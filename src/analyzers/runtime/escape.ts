/**
 * Escape paths: combinations of settings that hand the host to whoever controls the container. Each escape
 * rule (rules/escape-*.ts) explains the attack step by step (in the message and in evidence.steps).
 */
import type { ContainerSpec } from '../../runtime/model.js';

export function steps(list: string[]): string {
  return list.map((s, i) => `${i + 1}) ${s}`).join(' ');
}

export function hasCap(spec: ContainerSpec, cap: string): boolean {
  return spec.capAdd.includes(cap) || spec.capAdd.includes('ALL');
}

export function capIndex(spec: ContainerSpec, cap: string): string {
  const i = spec.capAdd.indexOf(cap);
  return `capAdd.${i >= 0 ? i : spec.capAdd.indexOf('ALL')}`;
}
