/**
 * Feed documents come from the network: every field may have any JSON type. Importers read fields through
 * these, so a list that is not an array reads as empty and a string that is not a string reads as absent
 * (the record is then skipped or counted as malformed), never a TypeError half-way through an import.
 */

/** `v` when it is an array, else an empty one */
export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** `v` when it is a string, else undefined */
export function text(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** `v` when it is a non-array object, else undefined */
export function record(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
