import { parentPort, workerData } from 'node:worker_threads';
import { fuzzTarget, type FuzzOptions } from './runner.js';
import { loadTarget } from './targets/index.js';

const { name, opts, shared } = workerData as { name: string; opts: FuzzOptions; shared: SharedArrayBuffer };
const target = await loadTarget(name);
parentPort!.postMessage({ ready: true });
const result = await fuzzTarget(target, { ...opts, shared, onProgress: (progress) => parentPort!.postMessage({ progress }) });
parentPort!.postMessage({ result });
