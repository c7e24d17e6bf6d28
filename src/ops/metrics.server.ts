import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { errorMessage, SmtError } from '../core/errors';
import type { Logger } from '../core/logger';
import { LoadStatsGauges, removeLoadStatsGauges, type LoadStatsGaugeOptions } from './load-stats-gauges';
import { metricsRegistry } from './platform-metrics';
import { registerQueueGauges } from './queue-gauges';

export interface MetricsServerOptions {
  host: string;
  port: number;
  role: string;
  instance: string;
  db: () => Promise<DataSource>;
  /** Folders this instance writes to: ready only while each accepts a file. */
  folders: string[];
  ftpsRoot: string;
  /** A readiness probe answers within this time, or reports the check that hung. */
  checkTimeoutMs?: number;
  /** The daily load statistics as gauges, read every refreshMs (absent: not exported). */
  loadStats?: Omit<LoadStatsGaugeOptions, 'db'>;
}

export interface RunningMetricsServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The instance's own health and metrics, on a plain-HTTP port apart from the platform's services
 * (bound to 127.0.0.1 by default: a scraper or probe on the host or a sidecar reads it):
 * /healthz  the process answers;
 * /readyz   the database answers and the data folders are writable (503 and the reasons otherwise);
 * /metrics  Prometheus text format.
 */
export async function startMetricsServer(options: MetricsServerOptions, logger: Logger): Promise<RunningMetricsServer> {
  const server = http.createServer((req, res) => {
    const route = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return answer(res, 405, 'only GET\n');
    if (route === '/healthz') return answer(res, 200, 'ok\n');
    if (route === '/readyz') {
      return void readiness(options).then((problems) => answer(res, problems.length ? 503 : 200, problems.length ? `not ready: ${problems.join('; ')}\n` : 'ready\n'));
    }
    if (route === '/metrics') {
      return void metricsRegistry().metrics().then(
        (text) => answer(res, 200, text, metricsRegistry().contentType),
        (error) => {
          logger.warn('metrics: scrape failed', { error: errorMessage(error) });
          answer(res, 503, 'metrics unavailable: the database did not answer\n');
        },
      );
    }
    answer(res, 404, 'not found: /healthz, /readyz and /metrics are served here\n');
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EADDRINUSE' && error.code !== 'EACCES' && error.code !== 'EADDRNOTAVAIL') return reject(error);
      reject(new SmtError('CONFIG_INVALID', `the health and metrics server cannot listen on ${options.host}:${options.port} (${error.code}: ${error.code === 'EADDRINUSE' ? 'another process, perhaps another smt serve on this host, has it' : 'not an address of this host, or not allowed'}); set SMT_METRICS_PORT to another port (each instance on a host needs its own), or 0 to run without it`, { setting: 'SMT_METRICS_PORT' }));
    });
    server.listen(options.port, options.host, () => resolve());
  });
  registerQueueGauges(metricsRegistry(), { db: options.db, ftpsRoot: options.ftpsRoot, role: options.role, instance: options.instance });
  const loadStats = options.loadStats ? new LoadStatsGauges({ db: options.db, ...options.loadStats }, logger) : null;
  if (loadStats) loadStats.start(metricsRegistry());
  else removeLoadStatsGauges(metricsRegistry());
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    port,
    close: async () => {
      await loadStats?.stop();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

function answer(res: http.ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
}

/** What keeps the instance from doing its work; empty when ready. */
async function readiness(options: MetricsServerOptions): Promise<string[]> {
  const budget = options.checkTimeoutMs ?? 5000;
  const checks = [
    within(budget, 'the database', async () => void (await (await options.db()).query('SELECT 1'))),
    ...options.folders.map((folder) => within(budget, folder, () => probeWritable(folder))),
  ];
  return (await Promise.all(checks)).filter((p): p is string => p !== null);
}

async function within(ms: number, what: string, check: () => Promise<void>): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`${what} did not answer within ${ms} ms`), ms)));
  try {
    return await Promise.race([check().then(() => null, (error) => `${what}: ${errorMessage(error)}`), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Writes and removes a small file: a folder that exists but is read-only (a full or remounted disk) is not writable. */
async function probeWritable(folder: string): Promise<void> {
  const probe = path.join(folder, `.readyz-${process.pid}`);
  await fs.promises.writeFile(probe, 'ready\n', { mode: 0o600 });
  await fs.promises.unlink(probe);
}
