/** Errors of the registry client: all are user-facing (one line, exit 2), never a stack trace. */
import { InputError } from '../core/errors.js';

export class RegistryError extends InputError {
  constructor(
    message: string,
    /** HTTP status when the registry answered, undefined for transport errors */
    readonly status?: number,
    /** the registry's error code (MANIFEST_UNKNOWN, UNAUTHORIZED, ...) when it sent one */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

/** The first error of a registry's JSON error body: `{"errors":[{"code":"...","message":"..."}]}`. */
export function registryErrorText(body: Buffer | undefined): { code?: string; message?: string } {
  if (!body || body.length === 0 || body.length > 64 * 1024) return {};
  try {
    const doc = JSON.parse(body.toString('utf8')) as { errors?: Array<{ code?: unknown; message?: unknown }> };
    const e = Array.isArray(doc?.errors) ? doc.errors[0] : undefined;
    if (!e) return {};
    const out: { code?: string; message?: string } = {};
    if (typeof e.code === 'string') out.code = e.code.slice(0, 100);
    if (typeof e.message === 'string') out.message = oneLine(e.message, 200);
    return out;
  } catch {
    return {};
  }
}

/** Make text from a peer safe for a one-line message: no control characters, bounded length. */
export function oneLine(s: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const t = s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}
