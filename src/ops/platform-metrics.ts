import type { Counter, Histogram, Registry } from 'prom-client';

/**
 * The counters and histograms the platform's code feeds, per process. They live in one module so
 * that code anywhere (ingest, SOAP security, reports) can count with a plain function call and
 * without a metrics object threaded through it; the gauges read from the database at scrape time are
 * added by metrics.server.ts to the same registry.
 */
interface PlatformMetrics {
  registry: Registry;
  ingestRecords: Counter<'outcome'>;
  ingestFiles: Counter<'status'>;
  reportDuration: Histogram<'status'>;
  refusals: Counter<'layer' | 'reason'>;
}

let made: PlatformMetrics | null = null;

/**
 * Made on first use: prom-client takes about 15 ms to load, which the commands that never count
 * (most of them) should not pay at start-up.
 */
function metrics(): PlatformMetrics {
  if (made) return made;
  const { Counter, Histogram, Registry, collectDefaultMetrics } = require('prom-client') as typeof import('prom-client');
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'smt_process_' });
  const ingestRecords = new Counter({
    name: 'smt_ingest_records_total', help: 'LSE records processed by this instance, by outcome (loaded: result code 00; other: any other code or a rejected file)',
    labelNames: ['outcome'] as const, registers: [registry],
  });
  const ingestFiles = new Counter({
    name: 'smt_ingest_files_total', help: 'LSE files processed by this instance, by status', labelNames: ['status'] as const, registers: [registry],
  });
  const reportDuration = new Histogram({
    name: 'smt_report_duration_seconds', help: 'From claiming a report request to finishing it, by outcome status (0: delivered)',
    labelNames: ['status'] as const, buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800], registers: [registry],
  });
  const refusals = new Counter({
    name: 'smt_security_refusals_total', help: 'Calls refused by layer (tls: handshake; client: certificate or address; ws-security: the signed message) and reason',
    labelNames: ['layer', 'reason'] as const, registers: [registry],
  });
  // Series that exist from the start, so dashboards and alerts see zeros rather than nothing.
  for (const outcome of ['loaded', 'other']) ingestRecords.inc({ outcome }, 0);
  for (const status of ['loaded', 'rejected']) ingestFiles.inc({ status }, 0);
  reportDuration.zero({ status: '0' });
  made = { registry, ingestRecords, ingestFiles, reportDuration, refusals };
  return made;
}

/** The registry /metrics serves: these series, and the gauges metrics.server.ts adds. */
export function metricsRegistry(): Registry {
  return metrics().registry;
}

/**
 * Counts LSE records processed (call once per file, with the file's record counts by result code;
 * `smt serve` calls it from the inbound folder worker for every file it loads).
 */
export function countIngestedRecords(byCode: Record<string, number>, fileStatus: 'loaded' | 'rejected', totalIfRejected = 0): void {
  const { ingestFiles, ingestRecords } = metrics();
  ingestFiles.inc({ status: fileStatus });
  if (fileStatus === 'rejected') {
    if (totalIfRejected > 0) ingestRecords.inc({ outcome: 'other' }, totalIfRejected);
    return;
  }
  for (const [code, n] of Object.entries(byCode)) if (n > 0) ingestRecords.inc({ outcome: code === '00' ? 'loaded' : 'other' }, n);
}

/** Records how long one report request took, claim to finish. */
export function observeReportDuration(seconds: number, status: string): void {
  metrics().reportDuration.observe({ status }, seconds);
}

export type RefusalLayer = 'tls' | 'client' | 'ws-security';

/** Counts a refused call; `reason` must come from a small fixed set (an error code, a category), never free text. */
export function countRefusal(layer: RefusalLayer, reason: string): void {
  metrics().refusals.inc({ layer, reason });
}

/** The TLS refusal categories, from the operator-facing reason text of tls-refusal-log.ts. */
export function tlsRefusalCategory(reason: string): string {
  if (reason.startsWith('the client closed')) return 'closed-early';
  if (reason.startsWith('the client sent no client certificate')) return 'no-certificate';
  if (reason.startsWith('the client certificate is not from')) return 'unknown-ca';
  if (reason.startsWith('the client certificate is outside')) return 'expired';
  if (reason.startsWith('not a TLS')) return 'not-tls';
  if (reason.startsWith('the handshake did not finish')) return 'timeout';
  return 'other';
}

/** Times report jobs from claim to finish, whatever worker runs them (a wrapper around the job store's two calls). */
export function meterReportJobs<T extends { claim(now: Date): Promise<{ id: number } | null>; finish(id: number, status: string, ...rest: never[]): Promise<void> }>(jobs: T): T {
  const started = new Map<number, number>();
  const claim = jobs.claim.bind(jobs);
  const finish = jobs.finish.bind(jobs) as (id: number, status: string, ...rest: unknown[]) => Promise<void>;
  jobs.claim = (async (now: Date) => {
    const request = await claim(now);
    if (request) started.set(request.id, Date.now());
    return request;
  }) as T['claim'];
  jobs.finish = (async (id: number, status: string, ...rest: unknown[]) => {
    await finish(id, status, ...rest);
    const at = started.get(id);
    started.delete(id);
    if (at !== undefined) observeReportDuration((Date.now() - at) / 1000, status);
  }) as T['finish'];
  return jobs;
}
