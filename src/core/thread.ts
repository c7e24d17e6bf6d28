import path from 'node:path';
import { Worker, type ResourceLimits } from 'node:worker_threads';

/**
 * Starts a worker thread on a module of this code base. The sources run as TypeScript, so the
 * thread first loads the same runtime hook the main thread uses.
 */
export function startThread(modulePath: string, resourceLimits?: ResourceLimits): Worker {
  const bootstrap = path.join(__dirname, 'thread-bootstrap.js');
  return new Worker(bootstrap, { workerData: { modulePath }, resourceLimits });
}
