/**
 * Statistics of the last scan, for tests and the bench: the layer walker's (src/image/scan.ts), in a module of their
 * own that loads nothing, so that a scan answered from the image result cache sets them without loading the walker.
 */
export interface ScanStats {
  layersStreamed: number;
  layersFromCache: number;
  /** layers walked in worker threads */
  layersInWorkers: number;
  /** layers stacked while the main thread waited on a worker thread's walk (the rest are stacked after the walk) */
  layersStackedEarly: number;
}

export const lastScanStats: ScanStats = { layersStreamed: 0, layersFromCache: 0, layersInWorkers: 0, layersStackedEarly: 0 };
