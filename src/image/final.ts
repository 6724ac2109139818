/**
 * Stack the layers: apply OCI whiteouts (`.wh.NAME`, opaque `.wh..wh..opq`) to get the final filesystem,
 * keeping per-file attribution (the layer that added or last changed each path) and the files a later layer
 * hid (deleted, replaced, or masked by an opaque directory) — those are still extractable from their layer.
 * Whiteouts of a layer apply to the layers below it only, never to entries of the same layer.
 */
import type { EntryMeta } from '../sources/types.js';
import type { FinalFile, HiddenFile, LayerResult } from './types.js';

function removeUnder(final: Map<string, FinalFile>, prefixes: Set<string>, includeSelf: boolean, hiddenBy: number, how: HiddenFile['how'], hidden: HiddenFile[]): void {
  if (prefixes.size === 0) return;
  // a few prefixes (the usual case): a startsWith per prefix, no substring made per path and ancestor
  const few = prefixes.size <= 16 ? [...prefixes].filter((q) => q !== '').map((q) => `${q}/`) : undefined;
  for (const [p, f] of final) {
    let hit = includeSelf && prefixes.has(p);
    if (!hit && few) {
      for (const q of few) {
        if (p.startsWith(q)) {
          hit = true;
          break;
        }
      }
    } else if (!hit) {
      let i = p.lastIndexOf('/');
      while (i > 0) {
        if (prefixes.has(p.slice(0, i))) {
          hit = true;
          break;
        }
        i = p.lastIndexOf('/', i - 1);
      }
    }
    if (hit) {
      final.delete(p);
      if (f.meta.type !== 'dir') hidden.push({ meta: f.meta, layerIndex: f.layerIndex, hiddenBy, how });
    }
  }
}

/**
 * The stack, one layer at a time in layer order: `stackLayers` adds them all at once; a scan adds each layer as
 * soon as it and every layer below it are walked (while a worker thread is still walking a later one).
 */
export class LayerStack {
  readonly final = new Map<string, FinalFile>();
  readonly hidden: HiddenFile[] = [];
  /** how many layers have been added: the next one to add is layer `added` */
  added = 0;

  add(l: LayerResult): void {
    const { final, hidden } = this;
    const idx = l.layer.index ?? this.added;
    this.added++;
    removeUnder(final, new Set(l.opaqueDirs), false, idx, 'opaque', hidden);
    removeUnder(final, new Set(l.whiteouts), true, idx, 'whiteout', hidden);
    const replacedDirs = new Set<string>();
    for (const meta of l.entries) {
      const prev = final.get(meta.path);
      if (prev && prev.layerIndex !== idx) {
        if (prev.meta.type !== 'dir') hidden.push({ meta: prev.meta, layerIndex: prev.layerIndex, hiddenBy: idx, how: 'overwritten' });
        else if (meta.type !== 'dir') replacedDirs.add(meta.path);
      }
      final.set(meta.path, { meta, layerIndex: idx });
    }
    if (replacedDirs.size) {
      // a directory replaced by a file or symlink takes its lower-layer contents with it
      const kept = new Map<string, FinalFile>();
      for (const p of replacedDirs) kept.set(p, final.get(p)!);
      removeUnder(final, replacedDirs, false, idx, 'overwritten', hidden);
      for (const [p, f] of kept) final.set(p, f);
    }
  }
}

export function stackLayers(layers: LayerResult[]): { final: Map<string, FinalFile>; hidden: HiddenFile[] } {
  const stack = new LayerStack();
  for (const l of layers) stack.add(l);
  return { final: stack.final, hidden: stack.hidden };
}

/**
 * Resolve a path in the final filesystem the way the kernel would inside a chroot: symlinks are followed
 * (at most 40 hops), `..` never climbs above the root, absolute targets restart at the image root.
 * Returns the final file reached, or undefined (dangling, loop, or missing).
 */
export function resolveFinal(final: Map<string, FinalFile>, path: string): FinalFile | undefined {
  let hops = 0;
  let todo = path.split('/').filter((p) => p && p !== '.');
  const done: string[] = [];
  while (todo.length) {
    const part = todo.shift()!;
    if (part === '..') {
      done.pop();
      continue;
    }
    const cur = [...done, part].join('/');
    const f = final.get(cur);
    if (!f) return undefined;
    if (f.meta.type === 'symlink' && f.meta.linkname !== undefined) {
      if (++hops > 40) return undefined;
      const target = f.meta.linkname;
      const parts = target.split('/').filter((p) => p && p !== '.');
      if (target.startsWith('/')) done.length = 0;
      todo = [...parts, ...todo];
      continue;
    }
    done.push(part);
  }
  return done.length ? final.get(done.join('/')) : undefined;
}

/** Convenience for analyzers and checks: does the final filesystem hold this path (after symlinks)? */
export function finalMeta(final: Map<string, FinalFile>, path: string): EntryMeta | undefined {
  return resolveFinal(final, path)?.meta;
}
