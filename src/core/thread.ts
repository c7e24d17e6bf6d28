import path from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread on a module of this code base. The sources run as TypeScript, so the
 * thread first loads the same runtime hook the main thread uses.
 */
export function startThread(modulePath: string, workerData: unknown = null): Worker {
  const bootstrap = path.join(__dirname, 'thread-bootstrap.js');
  return new Worker(bootstrap, { workerData: { modulePath, data: workerData } });
}
