/**
 * A task process of `bulwark serve`: indexes images and refreshes the vulnerability database off the
 * server's event loop, one task at a time, over the IPC channel. It exits when the server goes away (the
 * channel closes), so a killed server leaves no orphan working on.
 */
import { UserError } from '../core/errors.js';
import type { TaskRequest, TaskResponse } from './tasks.js';

function send(msg: TaskResponse): void {
  process.send?.(msg);
}

async function run(req: TaskRequest): Promise<TaskResponse> {
  try {
    if (req.kind === 'index') {
      const [{ indexImage }, { lastScanStats }] = await Promise.all([import('../app/image.js'), import('../image/scan.js')]);
      const t0 = Date.now();
      const index = await indexImage(req.ref, req.options);
      return { id: req.id, ok: true, index, stats: { ms: Date.now() - t0, layersStreamed: lastScanStats.layersStreamed, layersFromCache: lastScanStats.layersFromCache } };
    }
    const { updateDatabase } = await import('../app/vulnerabilities.js');
    // a server's database is defined by its source list: an update rebuilds it from exactly these sources
    const update = await updateDatabase({ cacheDir: req.cacheDir, sources: req.sources, replace: true });
    return { id: req.id, ok: true, update };
  } catch (e) {
    const err = e as Error;
    return { id: req.id, ok: false, error: err?.message ?? String(e), permanent: err instanceof UserError };
  }
}

process.on('message', (req: TaskRequest) => {
  void run(req).then(send);
});
process.on('disconnect', () => process.exit(0));
