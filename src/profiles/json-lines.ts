/**
 * A strict JSON parser (RFC 8259) that also records the line of every value, so findings about a seccomp
 * profile can point at the line that allows a syscall. Errors carry line and column. Linear in the input;
 * nesting depth is bounded.
 */

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${message} at line ${line}, column ${column}`);
  }
}

export interface JsonWithLines {
  value: unknown;
  /** line (1-based) of the value at a dotted path: `syscalls.3.names.0`; '' is the document */
  lineOf(path: string): number | undefined;
}

const MAX_DEPTH = 256;

export function parseJsonWithLines(text: string): JsonWithLines {
  const lines = new Map<string, number>();
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const n = text.length;

  const fail = (msg: string): never => {
    throw new JsonSyntaxError(msg, line, i - lineStart + 1);
  };
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0d) i++;
      else if (c === 0x0a) {
        i++;
        line++;
        lineStart = i;
      } else break;
    }
  };
  const str = (): string => {
    // at the opening quote
    i++;
    let out = '';
    let start = i;
    for (;;) {
      if (i >= n) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(start, i);
        i++;
        return out;
      }
      if (c < 0x20) fail('control character in string');
      if (c === 0x5c) {
        out += text.slice(start, i);
        const e = text[i + 1];
        i += 2;
        switch (e) {
          case '"':
            out += '"';
            break;
          case '\\':
            out += '\\';
            break;
          case '/':
            out += '/';
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'u': {
            const hex = text.slice(i, i + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
            out += String.fromCharCode(parseInt(hex, 16));
            i += 4;
            break;
          }
          default:
            i -= 1;
            fail('bad escape');
        }
        start = i;
        continue;
      }
      i++;
    }
  };
  const num = (): number => {
    const m = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
    m.lastIndex = i;
    const r = m.exec(text);
    if (!r) return fail('unexpected character');
    i += r[0].length;
    return Number(r[0]);
  };
  const value = (path: string, depth: number): unknown => {
    ws();
    if (i >= n) fail('unexpected end of input');
    if (depth > MAX_DEPTH) fail('nesting too deep');
    lines.set(path, line);
    const c = text[i];
    const child = (k: string | number) => (path === '' ? String(k) : `${path}.${k}`);
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a double-quoted property name');
        const key = str();
        ws();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        const v = value(child(key), depth + 1);
        Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value(child(arr.length), depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return str();
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    return num();
  };
  // a UTF-8 byte order mark is tolerated, as most JSON readers do
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  const v = value('', 0);
  ws();
  if (i < n) fail('unexpected content after the JSON value');
  return { value: v, lineOf: (p) => lines.get(p) };
}
