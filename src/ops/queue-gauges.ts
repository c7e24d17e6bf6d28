import fs from 'node:fs';
import path from 'node:path';
import { Gauge, type Registry } from 'prom-client';
import type { DataSource } from 'typeorm';

/** What the gauges read at scrape time: the shared database and this instance's view of the FTPS tree. */
export interface GaugeSources {
  db: () => Promise<DataSource>;
  ftpsRoot: string;
  role: string;
  instance: string;
}

/**
 * Gauges read when Prometheus scrapes: the queues are shared by every instance on the database, so
 * each instance reports the same depths (alert on max(), not sum()). Only cheap, indexed counts.
 */
export function registerQueueGauges(registry: Registry, sources: GaugeSources): void {
  // A process starting a second server (tests) reads its newest sources.
  for (const name of ['smt_instance_info', 'smt_report_jobs', 'smt_outbox_dispatches', 'smt_oldest_claim_age_seconds', 'smt_inbound_files_waiting']) registry.removeSingleMetric(name);
  const query = async <T>(sql: string): Promise<T[]> => (await sources.db()).query(sql);
  new Gauge({
    name: 'smt_instance_info', help: 'This instance: its serve role and id', labelNames: ['role', 'instance'] as const, registers: [registry],
    collect() {
      this.set({ role: sources.role, instance: sources.instance }, 1);
    },
  });
  new Gauge({
    name: 'smt_report_jobs', help: 'Report requests by state (queued: waiting for a worker; running: claimed; publishing: files made, being delivered)',
    labelNames: ['state'] as const, registers: [registry],
    async collect() {
      const rows = await query<{ status: string; n: string | number }>("SELECT status, count(*) AS n FROM report_request WHERE status IN ('PEN', 'PRC', 'PUB') GROUP BY status");
      const by = new Map(rows.map((r) => [r.status, Number(r.n)]));
      this.set({ state: 'queued' }, by.get('PEN') ?? 0);
      this.set({ state: 'running' }, by.get('PRC') ?? 0);
      this.set({ state: 'publishing' }, by.get('PUB') ?? 0);
    },
  });
  new Gauge({
    name: 'smt_outbox_dispatches', help: 'TDSP outbox rows by state (pending: the backlog; sending: claimed; dead: given up, the dead letters)',
    labelNames: ['state'] as const, registers: [registry],
    async collect() {
      const rows = await query<{ state: string; n: string | number }>("SELECT state, count(*) AS n FROM tdsp_dispatch WHERE state IN ('PENDING', 'SENDING', 'DEAD') GROUP BY state");
      const by = new Map(rows.map((r) => [r.state, Number(r.n)]));
      for (const state of ['PENDING', 'SENDING', 'DEAD']) this.set({ state: state.toLowerCase() }, by.get(state) ?? 0);
    },
  });
  new Gauge({
    name: 'smt_oldest_claim_age_seconds', help: 'Age of the oldest claim still held, by queue (report: a request in production; dispatch: a call to a TDSP; lease: a scheduled job or an uploaded file)',
    labelNames: ['queue'] as const, registers: [registry],
    async collect() {
      const now = Date.now();
      const age = (at: string | null | undefined): number => (at ? Math.max(0, (now - Date.parse(at)) / 1000) : 0);
      const [report] = await query<{ at: string | null }>("SELECT min(claimed_at) AS at FROM report_request WHERE status = 'PRC'");
      const [dispatch] = await query<{ at: string | null }>("SELECT min(updated_at) AS at FROM tdsp_dispatch WHERE state = 'SENDING'");
      const [lease] = await query<{ at: string | null }>(`SELECT min(acquired_at) AS at FROM job_lease WHERE holder IS NOT NULL AND expires_at >= '${new Date(now).toISOString()}'`);
      this.set({ queue: 'report' }, age(report?.at));
      this.set({ queue: 'dispatch' }, age(dispatch?.at));
      this.set({ queue: 'lease' }, age(lease?.at));
    },
  });
  new Gauge({
    name: 'smt_inbound_files_waiting', help: 'Uploaded files waiting in the TDSPs\' inbound folders (complete uploads only)', registers: [registry],
    async collect() {
      this.set(await inboundWaiting(sources.ftpsRoot));
    },
  });
}

async function inboundWaiting(ftpsRoot: string): Promise<number> {
  let n = 0;
  const folders = await fs.promises.readdir(ftpsRoot).catch(() => [] as string[]);
  for (const duns of folders) {
    const names = await fs.promises.readdir(path.join(ftpsRoot, duns, 'inbound')).catch(() => [] as string[]);
    n += names.filter((name) => !name.startsWith('.')).length;
  }
  return n;
}
