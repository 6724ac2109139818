/**
 * A layer whose bytes arrive over a MessagePort from the thread that holds the connection: how a registry
 * stream reaches the walker's worker threads. The main thread only receives (HTTP, TLS) and forwards chunks; the
 * worker hashes, decompresses, parses and analyses, so a registry pull is walked two layers at once on two
 * cores, as a layout on disk is.
 *
 * Pull-based, so the connection is opened only when a worker starts on the layer and never runs ahead of it by
 * more than WINDOW answers: the worker sends `open` (a fresh stream: a second pass for hard links opens again)
 * and `pull`s; the main side answers each pull with the next CHUNK bytes or more (many socket reads in one
 * message), `end` or `error`. Every message carries the
 * stream's generation, so a late answer for a closed stream is dropped.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { UserError } from '../core/errors.js';

type Request = { op: 'open' | 'pull' | 'close'; gen: number };
type Answer = { gen: number } & ({ op: 'chunk'; chunk: Uint8Array } | { op: 'end' } | { op: 'error'; message: string; user: boolean; exitCode?: number });

/** answers in flight per stream, each of at least CHUNK bytes: enough to keep the socket busy while the worker works */
const WINDOW = 4;
const CHUNK = 256 * 1024;

export interface ServedPort {
  /** the end to hand to the worker (transfer it) */
  port: MessagePort;
  close(): void;
}

/** Main side: answer `open` with a new `open()` stream, and each `pull` with its next chunk. */
export function servePort(open: () => AsyncIterable<Buffer>): ServedPort {
  const { port1, port2 } = new MessageChannel();
  let gen = -1;
  let it: AsyncIterator<Buffer> | undefined;
  let finished = false;
  let chain: Promise<void> = Promise.resolve();
  const stop = () => {
    const cur = it;
    it = undefined;
    void cur?.return?.().catch(() => undefined);
  };
  port1.on('message', (m: Request) => {
    if (m.op === 'open') {
      stop();
      gen = m.gen;
      finished = false;
      it = open()[Symbol.asyncIterator]();
      return;
    }
    if (m.op === 'close') {
      if (m.gen === gen) stop();
      return;
    }
    if (m.gen !== gen || !it || finished) return;
    const mine = gen;
    const src = it;
    chain = chain.then(() => fill(mine, src));
  });
  /** answer one pull: at least CHUNK bytes (fewer at the end), so that a message carries many socket reads */
  async function fill(mine: number, src: AsyncIterator<Buffer>): Promise<void> {
    if (mine !== gen || finished) return;
    const parts: Buffer[] = [];
    let n = 0;
    let ended = false;
    try {
      while (n < CHUNK) {
        const r = await src.next();
        if (r.done) {
          ended = true;
          break;
        }
        parts.push(r.value);
        n += r.value.byteLength;
      }
    } catch (e) {
      if (mine !== gen || finished) return;
      finished = true;
      const err = e as Error;
      port1.postMessage({ gen: mine, op: 'error', message: err?.message ?? String(e), user: e instanceof UserError, ...(e instanceof UserError ? { exitCode: e.exitCode } : {}) } satisfies Answer);
      return;
    }
    if (mine !== gen || finished) return;
    if (n > 0) {
      // one buffer of its own: socket chunks are views into shared pools, which cannot be transferred
      const chunk = new Uint8Array(n);
      let at = 0;
      for (const p of parts) {
        chunk.set(p, at);
        at += p.byteLength;
      }
      port1.postMessage({ gen: mine, op: 'chunk', chunk } satisfies Answer, [chunk.buffer]);
    }
    if (ended) {
      finished = true;
      port1.postMessage({ gen: mine, op: 'end' } satisfies Answer);
    }
  }
  port1.unref();
  return {
    port: port2,
    close() {
      stop();
      port1.close();
    },
  };
}

let nextGen = 0;

/** Worker side: the bytes of one pass over the layer. */
export async function* portChunks(port: MessagePort): AsyncGenerator<Buffer> {
  const gen = nextGen++;
  const queue: Answer[] = [];
  let wake: (() => void) | undefined;
  const onMessage = (m: Answer) => {
    if (m.gen !== gen) return;
    queue.push(m);
    wake?.();
  };
  const onClose = () => {
    queue.push({ gen, op: 'error', message: 'the layer stream was closed before its end', user: false });
    wake?.();
  };
  port.on('message', onMessage);
  port.once('close', onClose);
  port.postMessage({ op: 'open', gen } satisfies Request);
  for (let i = 0; i < WINDOW; i++) port.postMessage({ op: 'pull', gen } satisfies Request);
  let done = false;
  try {
    for (;;) {
      while (queue.length === 0) await new Promise<void>((r) => (wake = r));
      wake = undefined;
      const m = queue.shift()!;
      if (m.op === 'chunk') {
        port.postMessage({ op: 'pull', gen } satisfies Request);
        yield Buffer.from(m.chunk.buffer, m.chunk.byteOffset, m.chunk.byteLength);
      } else if (m.op === 'end') {
        done = true;
        return;
      } else {
        done = true;
        throw m.user ? new UserError(m.message, m.exitCode ?? 2) : new Error(m.message);
      }
    }
  } finally {
    if (!done) port.postMessage({ op: 'close', gen } satisfies Request);
    port.off('message', onMessage);
    port.off('close', onClose);
  }
}
