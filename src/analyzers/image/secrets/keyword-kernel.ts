/**
 * The keyword scanner's four-segment loop (`KeywordScanner.scan4`) as a WebAssembly function: the same automaton,
 * the same segments, the same occurrences in the same order, at about twice the bytes per second of the JavaScript
 * loop (0.85 against 1.9 ns a byte on the bench machine). The gain is in the loop's shape, which JavaScript cannot
 * express: no bounds check on the three loads of a step, the table's 16-bit entries are the next state's byte offset
 * (no multiply), and the accepting states lie at or above offset 32768, so one OR of the four states and one
 * comparison tell whether any automaton accepted.
 *
 * The module is a few hundred bytes, written out below instruction by instruction (no toolchain, nothing
 * downloaded). Its memory: the byte-class table (one byte per byte value: its class times 2), the transition table
 * (states x classes, 16-bit byte offsets of the next state's row; the non-accepting states from 0, the accepting
 * ones from 32768), the content (up to `KERNEL_MAX_BYTES`) and the occurrences found (end offset, state's byte
 * offset; up to `KERNEL_MAX_HITS`). A buffer that is too big, or holds more occurrences than that, is scanned by
 * the JavaScript loop instead (the kernel says so with -1), as is an automaton whose tables do not fit the layout.
 */

/** the biggest buffer the kernel scans (the secrets analyzer reads files up to 1 MiB) */
export const KERNEL_MAX_BYTES = 1024 * 1024;
/** the most occurrences one scan may record before it gives the buffer back to the JavaScript loop */
export const KERNEL_MAX_HITS = 16384;
/** memory layout: where the four final states, the class table, the transition table, the content and the hits lie */
const CLASS_AT = 1024;
const TABLE_AT = 2048;
/** an accepting state's row starts at or above this byte offset in the transition table */
const ACCEPT_AT = 32768;
const CONTENT_AT = TABLE_AT + 65536;
const HITS_AT = CONTENT_AT + KERNEL_MAX_BYTES;
const PAGES = Math.ceil((HITS_AT + KERNEL_MAX_HITS * 8) / 65536);

// -- the module, encoded by hand (see the WebAssembly binary format: sections, LEB128 numbers, opcodes) --
const uleb = (n: number): number[] => {
  const o: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    o.push(b);
  } while (n);
  return o;
};
const sleb = (n: number): number[] => {
  const o: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) {
      o.push(b);
      return o;
    }
    o.push(b | 0x80);
  }
};
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => vec([...Buffer.from(s, 'latin1')].map((b) => [b]));
const I32 = 0x7f;
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const tee = (i: number) => [0x22, ...uleb(i)];
const i32c = (n: number) => [0x41, ...sleb(n)];
const ADD = [0x6a];
const SHL = [0x74];
const OR = [0x72];
const AND = [0x71];
const EQ = [0x46];
const GE_U = [0x4f];
const load8 = (offset: number) => [0x2d, 0, ...uleb(offset)];
const load16 = (offset: number) => [0x2f, 1, ...uleb(offset)];
const store = (offset: number) => [0x36, 2, ...uleb(offset)];
const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const IF = [0x04, 0x40];
const END = [0x0b];
const RETURN = [0x0f];
const br = (depth: number) => [0x0c, ...uleb(depth)];
const brIf = (depth: number) => [0x0d, ...uleb(depth)];

/** `count`: if it is at `cap`, return -1; else store (pos, state) as occurrence `count` and add one to it */
function recordCode(count: number, cap: number, pos: number[], state: number): number[] {
  return [
    ...get(count), ...get(cap), ...EQ, ...IF, ...i32c(-1), ...RETURN, ...END,
    ...get(count), ...i32c(3), ...SHL, ...pos, ...store(HITS_AT),
    ...get(count), ...i32c(3), ...SHL, ...get(state), ...store(HITS_AT + 4),
    ...get(count), ...i32c(1), ...ADD, ...set(count),
  ];
}

/** one step of an automaton: state = table[state + class[content[k + from]]] */
function stepCode(state: number, k: number, from: number | undefined): number[] {
  return [
    ...get(state), ...get(k), ...(from === undefined ? [] : [...get(from), ...ADD]), ...load8(CONTENT_AT), ...load8(CLASS_AT), ...ADD, ...load16(TABLE_AT),
  ];
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  // common(q, a1, a2, a3, b1, b2, b3, count, cap) -> count: the four automata in step over [0, q); their states are
  // left at bytes 0..15. Locals: k, w0..w3.
  const q = 0, a = [-1, 1, 2, 3], b = [-1, 4, 5, 6], count = 7, cap = 8, k = 9, w = [10, 11, 12, 13];
  const pos = (j: number) => (j === 0 ? get(k) : [...get(k), ...get(a[j]!), ...ADD]);
  const accepted = (j: number) => [...get(w[j]!), ...i32c(ACCEPT_AT), ...GE_U];
  const common = [
    ...BLOCK, ...LOOP,
    ...get(k), ...get(q), ...GE_U, ...brIf(1),
    ...[0, 1, 2, 3].flatMap((j) => [...stepCode(w[j]!, k, j === 0 ? undefined : a[j]), ...set(w[j]!)]),
    ...get(w[0]!), ...get(w[1]!), ...OR, ...get(w[2]!), ...OR, ...get(w[3]!), ...OR, ...i32c(ACCEPT_AT), ...GE_U,
    ...IF,
    ...accepted(0), ...IF, ...recordCode(count, cap, pos(0), w[0]!), ...END,
    ...[1, 2, 3].flatMap((j) => [...accepted(j), ...pos(j), ...get(b[j]!), ...GE_U, ...AND, ...IF, ...recordCode(count, cap, pos(j), w[j]!), ...END]),
    ...END,
    ...get(k), ...i32c(1), ...ADD, ...set(k),
    ...br(0), ...END, ...END,
    ...[0, 1, 2, 3].flatMap((j) => [...i32c(0), ...get(w[j]!), ...store(4 * j)]),
    ...get(count), ...END,
  ];
  // tail(state, from, to, lo, count, cap) -> count: one automaton over [from, to), recording what ends at or after
  // lo; its state is left at bytes 0..3. Local: i.
  const st = 0, from = 1, to = 2, lo = 3, tcount = 4, tcap = 5, i = 6;
  const tail = [
    ...get(from), ...set(i),
    ...BLOCK, ...LOOP,
    ...get(i), ...get(to), ...GE_U, ...brIf(1),
    ...stepCode(st, i, undefined), ...tee(st),
    ...i32c(ACCEPT_AT), ...GE_U, ...get(i), ...get(lo), ...GE_U, ...AND, ...IF, ...recordCode(tcount, tcap, get(i), st), ...END,
    ...get(i), ...i32c(1), ...ADD, ...set(i),
    ...br(0), ...END, ...END,
    ...i32c(0), ...get(st), ...store(0),
    ...get(tcount), ...END,
  ];
  const fn = (locals: number, body: number[]) => {
    const bytes = [...vec([[...uleb(locals), I32]]), ...body];
    return [...uleb(bytes.length), ...bytes];
  };
  const sig = (params: number) => [0x60, ...vec(Array.from({ length: params }, () => [I32])), ...vec([[I32]])];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vec([sig(9), sig(6)])),
    ...section(2, vec([[...name('env'), ...name('mem'), 0x02, 0x00, ...uleb(PAGES)]])),
    ...section(3, vec([[0], [1]])),
    ...section(7, vec([[...name('common'), 0x00, 0], [...name('tail'), 0x00, 1]])),
    ...section(10, vec([fn(5, common), fn(1, tail)])),
  ]);
}

let compiled: WebAssembly.Module | null | undefined;
/** `KeywordKernel.shared`: kernels by keyword list, oldest first */
const kernels = new Map<string, KeywordKernel | null>();
const MAX_SHARED = 4;
function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(moduleBytes());
    } catch {
      compiled = null; // no WebAssembly here: the JavaScript loop scans
    }
  }
  return compiled;
}

/**
 * How `scan4` and the kernel cut a buffer of n bytes for four automata: [q, a1, a2, a3, b1, b2, b3], where segment j
 * holds the occurrences that end in [b_j, b_{j+1}) and its automaton starts reading at a_j = b_j - back (`back`: the
 * longest keyword's length - 1; a_0 = b_0 = 0); the four step together over q bytes. Undefined when the buffer is
 * too short to cut (one automaton reads it all).
 */
export function segments(n: number, back: number): [number, number, number, number, number, number, number] | undefined {
  const q = (n / 4) | 0;
  if (q < 64 + back) return undefined;
  return [q, q - back, 2 * q - back, 3 * q - back, q, 2 * q, 3 * q];
}

/** The automaton as `KeywordScanner` builds it: the class table and the states x classes transition table. */
export interface KeywordAutomaton {
  /** transitions: `table[state * classes + class]` is the next state times `classes` */
  table: Uint16Array;
  classOf: Uint8Array;
  classes: number;
  /** states numbered at or above this one are accepting */
  firstAccept: number;
  /** the longest keyword's length in bytes */
  maxLen: number;
}

export class KeywordKernel {
  private readonly u8: Uint8Array;
  private readonly i32: Int32Array;
  private readonly common: (...args: number[]) => number;
  private readonly tail: (...args: number[]) => number;
  /** the byte offset of a row, as a state number: (offset - ACCEPT_AT) / rowBytes + firstAccept, for accepting rows */
  private readonly rowBytes: number;
  private readonly firstAccept: number;
  private readonly back: number;

  /**
   * The kernel of the automaton of these keywords (`key`: the keyword list, which decides the automaton), shared by
   * every scanner of the thread built from the same list: a scan makes a matcher per image for the config strings,
   * and a kernel holds 1.25 MiB. The last few lists are kept. Undefined where there is no kernel (see `for`).
   */
  static shared(key: string, a: KeywordAutomaton): KeywordKernel | undefined {
    let k = kernels.get(key);
    if (k === undefined) {
      k = KeywordKernel.for(a) ?? null;
      if (kernels.size >= MAX_SHARED) kernels.delete(kernels.keys().next().value!);
      kernels.set(key, k);
    }
    return k ?? undefined;
  }

  /** The kernel for an automaton, or undefined when there is no WebAssembly or its tables do not fit the layout. */
  static for(a: KeywordAutomaton): KeywordKernel | undefined {
    const rowBytes = a.classes * 2;
    const states = a.table.length / a.classes;
    // the non-accepting rows below ACCEPT_AT, the accepting ones from it, all inside the 64 KiB of the table
    if (a.firstAccept * rowBytes > ACCEPT_AT || ACCEPT_AT + (states - a.firstAccept) * rowBytes > 65536) return undefined;
    const mod = kernelModule();
    if (!mod) return undefined;
    try {
      return new KeywordKernel(a, mod, rowBytes, states);
    } catch {
      return undefined;
    }
  }

  private constructor(a: KeywordAutomaton, mod: WebAssembly.Module, rowBytes: number, states: number) {
    const mem = new WebAssembly.Memory({ initial: PAGES, maximum: PAGES });
    const exports = new WebAssembly.Instance(mod, { env: { mem } }).exports as Record<string, (...args: number[]) => number>;
    this.common = exports.common!;
    this.tail = exports.tail!;
    this.u8 = new Uint8Array(mem.buffer);
    this.i32 = new Int32Array(mem.buffer);
    this.rowBytes = rowBytes;
    this.firstAccept = a.firstAccept;
    this.back = a.maxLen - 1;
    const rowOf = (s: number) => (s >= a.firstAccept ? ACCEPT_AT + (s - a.firstAccept) * rowBytes : s * rowBytes);
    const table = new Uint16Array(mem.buffer, TABLE_AT, 32768);
    for (let s = 0; s < states; s++) {
      const row = rowOf(s) / 2;
      for (let c = 0; c < a.classes; c++) table[row + c] = rowOf(a.table[s * a.classes + c]! / a.classes);
    }
    for (let v = 0; v < 256; v++) this.u8[CLASS_AT + v] = a.classOf[v]! * 2;
  }

  /**
   * Scans `buf` as `KeywordScanner.scan4` does and returns how many occurrences it found (read them with `endAt` and
   * `stateAt`, in scan4's order), or -1 when the buffer is too big or holds too many occurrences for the kernel.
   */
  scan(buf: Uint8Array): number {
    const n = buf.length;
    if (n > KERNEL_MAX_BYTES) return -1;
    this.u8.set(buf, CONTENT_AT);
    const cap = KERNEL_MAX_HITS;
    const seg = segments(n, this.back);
    if (!seg) return this.tail(0, 0, n, 0, 0, cap);
    const [q, a1, a2, a3, b1, b2, b3] = seg;
    let count = this.common(q, a1, a2, a3, b1, b2, b3, 0, cap);
    const i32 = this.i32;
    const w1 = i32[1]!;
    const w2 = i32[2]!;
    const w3 = i32[3]!;
    if (count >= 0) count = this.tail(i32[0]!, q, b1, 0, count, cap);
    if (count >= 0) count = this.tail(w1, a1 + q, b2, b1, count, cap);
    if (count >= 0) count = this.tail(w2, a2 + q, b3, b2, count, cap);
    if (count >= 0) count = this.tail(w3, a3 + q, n, b3, count, cap);
    return count;
  }

  /** the end offset (inclusive) of occurrence `j` of the last scan */
  endAt(j: number): number {
    return this.i32[(HITS_AT >> 2) + 2 * j]!;
  }

  /** the automaton's state (as `KeywordScanner` numbers them) at occurrence `j` of the last scan */
  stateAt(j: number): number {
    return this.firstAccept + (this.i32[(HITS_AT >> 2) + 2 * j + 1]! - ACCEPT_AT) / this.rowBytes;
  }
}
