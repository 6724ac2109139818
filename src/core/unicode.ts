/**
 * `s` with every lone UTF-16 surrogate replaced by U+FFFD (String.prototype.toWellFormed, ES2024). Strings from
 * JSON input can hold lone surrogates (a `"\ud800"` escape); encodeURIComponent throws a URIError on them.
 */
export function wellFormed(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}
