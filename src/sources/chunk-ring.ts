/**
 * Read buffers that one stream reuses in turn, instead of a fresh 1 MiB allocation per chunk (2,000 of them for a
 * 2 GB layer, each freed only by a later garbage collection: CPU in the allocator and the kernel's page faults,
 * and resident memory the allocator keeps). Only for a consumer that holds no chunk past the next ones: the
 * uncompressed tar reader, whose entries' chunks are valid until the next chunk is pulled (LayerEntry.chunks,
 * `transient`) and whose consumers copy what they keep. A compressed stream's chunks are held by the
 * decompressor, so the layer reader enables the ring only after it has seen an uncompressed tar. The count is
 * small on purpose: a consumer that broke the rule would see other bytes at once, in the tests, not by chance.
 */
export class ChunkRing {
  /** set by a reader that takes its buffers from the ring once enabled (readRange); others ignore the ring */
  accepted = false;
  enabled = false;
  private readonly bufs: Buffer[] = [];
  private next = 0;
  constructor(
    readonly size = 1024 * 1024,
    readonly count = 3,
  ) {}
  /** the next buffer in turn, `want` bytes long (want <= size) */
  take(want: number): Buffer {
    const i = this.next;
    this.next = (i + 1) % this.count;
    const b = (this.bufs[i] ??= Buffer.allocUnsafeSlow(this.size));
    return want === b.length ? b : b.subarray(0, want);
  }
}
