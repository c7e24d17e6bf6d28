import fs from 'node:fs';
import path from 'node:path';
import type { App } from '../app';
import { AvailabilityStore } from '../availability/availability.store';
import { missingConsumptionJob } from '../availability/missing-consumption.job';
import { supplementalExtractJob } from '../extracts/supplemental-extract.job';
import { SupplementalExtractService } from '../extracts/supplemental-extract.service';
import { makePrivateDir } from '../core/private-files';
import { InboundFolderWorker } from '../ingest/inbound-folder.worker';
import { LeasedInboundClaims } from '../ops/inbound-claims';
import { instanceId, JobLeaseStore } from '../ops/job-lease.store';
import { withLease } from '../ops/leased-work';
import { PgSessionLocks } from '../ops/session-locks';
import { startMetricsServer } from '../ops/metrics.server';
import type { ServeRole } from '../ops/ops-settings';
import { countIngestedRecords } from '../ops/platform-metrics';
import type { DevelopmentSetup } from '../security/development-setup';
import { PostingScheduler, type DailyJob, type RunExclusive } from '../usage/posting.scheduler';
import type { Logger } from '../core/logger';
import type { UnitRetries } from '../usage/unit-backoff';

/** What one part of `smt serve` started: lines for the banner, and how to stop it after the work in progress. */
export interface StartedPart {
  banner: string[];
  stop(): Promise<void>;
}

/** What each role runs; `all` runs both. */
export const ROLE_PARTS: Record<ServeRole, { api: boolean; worker: boolean }> = {
  all: { api: true, worker: true },
  api: { api: true, worker: false },
  worker: { api: false, worker: true },
};

export function describeRole(role: ServeRole): string {
  const parts = ROLE_PARTS[role];
  const api = 'SOAP, FTPS and the portal';
  const worker = 'report jobs, the TDSP outbox, inbound file loading and the scheduler';
  return `role ${role}: ${[parts.api ? api : null, parts.worker ? worker : null].filter(Boolean).join('; ')}`;
}

/** Every TDSP's inbound/ folder exists from the start, so files can be dropped there before any FTPS login. */
export async function makeInboundFolders(app: App): Promise<void> {
  for (const tdsp of (await (await app.registry()).listParticipants()).filter((p) => p.kind === 'TDSP')) {
    for (const duns of tdsp.duns) await makePrivateDir(path.join(app.ftpsRoot, duns, 'inbound'));
  }
}

/**
 * The worker role: report production, the TDSP outbox, loading uploaded files and the scheduler.
 * Reports and dispatches are claimed row by row in the database; uploaded files and scheduled jobs
 * through leases, so any number of worker instances on one database and one shared folder do each
 * piece of work once.
 */
export async function startWorkerPart(app: App, leases: JobLeaseStore, pollMs: number): Promise<StartedPart & { wakeInbound(): void }> {
  const ingest = await app.ingestService();
  const key = await app.platformKey();
  await fs.promises.mkdir(app.tempDir, { recursive: true, mode: 0o700 });
  const leaseMs = app.config.ops.leaseMs;
  const inbound = new InboundFolderWorker(ingest, app.logger, {
    ftpsRoot: app.ftpsRoot, tempDir: app.tempDir, maxFileBytes: app.config.ingest.maxFileBytes, pollMs,
    platformKey: async () => key.privateKey,
    ownerOf: async (duns) => (await app.registry()).findParticipantByDuns(duns),
    claims: new LeasedInboundClaims(await app.db(), leases, app.logger, leaseMs),
    onLoaded: (s) => countIngestedRecords(s.byCode, s.status, s.total),
  });
  inbound.start();
  const reports = await app.reportWorker();
  await reports.start();
  const scheduler = await workerScheduler(app, leases);
  scheduler.start();
  const dispatch = await app.dispatchWorker();
  await dispatch.start();
  return {
    wakeInbound: () => inbound.wake(),
    banner: [
      `  inbound LSE files: ${app.ftpsRoot}/<TDSP DUNS>/inbound/ (checked every ${pollMs / 1000} s; activity reports in .../reports/)`,
      `  report files:      ${app.ftpsRoot}/<DUNS>/adhoc/ and daily/ (daily postings at the latest ${app.config.reports.dailyPostingTime} CPT; kept ${app.config.reports.retentionDays} days)`,
      `  data quality:      Missing Consumption Reports in <TDSP DUNS>/reports/ from ${app.config.ops.missingConsumptionTime} CPT; supplemental extracts in <DUNS>/extracts/ from ${app.config.ops.extractTime} CPT (daily)`,
      `  platform PGP key:  fingerprint ${key.fingerprint} (smt keys export-public prints it for TDSPs)`,
    ],
    stop: async () => void (await Promise.all([inbound.stop(), reports.stop(), scheduler.stop(), dispatch.stop()])),
  };
}

/**
 * The worker's scheduler: daily postings and retention, and under leases (each once per operating
 * day across the instances on the database) partition upkeep, every TDSP DUNS's Missing Consumption
 * Report and the supplemental extract.
 */
export async function workerScheduler(app: App, leases: JobLeaseStore, checkMs = 60_000): Promise<PostingScheduler> {
  const { exclusive, retries } = schedulerLeases(leases, app.logger, app.config.ops.leaseMs);
  return new PostingScheduler(await app.dailyPostings(), await app.retention(), app.logger, {
    postingTime: app.config.reports.dailyPostingTime, checkMs,
  }, exclusive, await dailyJobs(app), retries);
}

/** The scheduler's leases `scheduler:<job>[:<unit>]`, and a failing unit's backoff kept on its lease row so every instance waits it out. */
export function schedulerLeases(leases: JobLeaseStore, logger: Logger, leaseMs: number): { exclusive: RunExclusive; retries: UnitRetries } {
  return {
    exclusive: (name, work, period) => withLease(leases, logger, `scheduler:${name}`, leaseMs, work, period),
    retries: { get: (name) => leases.retry(`scheduler:${name}`), set: (name, retry) => leases.setRetry(`scheduler:${name}`, retry) },
  };
}

/** Daily jobs beside retention: partition upkeep on PostgreSQL (none on the other engines), then the data-quality reports and extracts. */
async function dailyJobs(app: App): Promise<DailyJob[]> {
  const upkeep = await app.partitionUpkeep();
  const db = await app.db();
  const registry = await app.registry();
  return [
    ...(upkeep ? [upkeep] : []),
    missingConsumptionJob(new AvailabilityStore(db), () => tdspDunsOf(app), app.ftpsRoot, app.config.ops.missingConsumptionTime),
    supplementalExtractJob(new SupplementalExtractService(db, registry, app.ftpsRoot, app.logger), app.config.ops.extractTime),
  ];
}

/** Every registered TDSP DUNS, in order. */
async function tdspDunsOf(app: App): Promise<string[]> {
  return (await (await app.registry()).listParticipants()).filter((p) => p.kind === 'TDSP').flatMap((p) => p.duns).sort();
}

/** The API role: the SOAP server, the FTPS site and the portal (and in development the mock TDSP). */
export async function startApiPart(app: App, setup: DevelopmentSetup, runsMock: boolean, onUpload: () => void): Promise<StartedPart> {
  const soap = await app.startSoapServer();
  const mockEndpoint = runsMock ? await app.startDevelopmentMockTdsp(setup) : null;
  const ftps = await app.startFtpsServer(() => onUpload());
  const portal = app.config.portal.mode === 'on' ? await app.startPortal() : null;
  const c = app.config;
  return {
    banner: [
      `  SOAP (mutual TLS): https://${c.soap.host}:${soap.port}/MeterUsage and /HAN (WSDL: ?wsdl); TDSPs call back at ${app.soapPublicUrl()}/TdspCallback`,
      ...(mockEndpoint ? [`  mock TDSP:         ${mockEndpoint} (the demo TDSP's HAN endpoint; behaviour: ${c.mockTdsp.behaviourFile ?? 'built-in, SMT_MOCK_TDSP_BEHAVIOUR=FILE changes it'})`] : []),
      `  FTPS (explicit TLS): ftp://${c.ftps.host}:${ftps.port} (log in with the entity name and its password: smt entity set-password NAME)`,
      `  FTPS for integrators: ${c.ftps.publicUrl} (SMT_FTPS_PUBLIC_URL: what starter kits name; curl --ssl-reqd)`,
      ...(portal ? [`  web portal:        ${portal.url}/${portal.demoLogins ? ` (demo logins demo-customer, demo-rep, demo-tdsp, demo-regulator: passwords in ${portal.demoLogins})` : ''}`] : []),
      ...(portal?.mailDir ? [`  portal mail:       caught in ${portal.mailDir} (no SMT_SMTP_URL), listed at ${portal.url}/dev/mail`] : []),
    ],
    stop: async () => undefined, // the servers close with the app
  };
}

/** The instance's /healthz, /readyz and /metrics port, unless SMT_METRICS_PORT is 0 or off. */
export async function startHealthPart(app: App, role: ServeRole, instance: string): Promise<StartedPart> {
  const { metricsHost, metricsPort } = app.config.ops;
  if (metricsPort === null) return { banner: ['  health and metrics: off (SMT_METRICS_PORT)'], stop: async () => undefined };
  for (const folder of [app.ftpsRoot, app.tempDir]) await makePrivateDir(folder);
  const server = await startMetricsServer({
    host: metricsHost, port: metricsPort, role, instance, db: () => app.db(),
    folders: [app.config.dataDir, app.ftpsRoot, app.tempDir], ftpsRoot: app.ftpsRoot,
    loadStats: { tdspDuns: () => tdspDunsOf(app), refreshMs: app.config.ops.loadStatsRefreshMs, days: app.config.ops.loadStatsDays },
  }, app.logger);
  return { banner: [`  health, metrics:   ${server.url}/healthz, /readyz, /metrics (Prometheus)`], stop: () => server.close() };
}

/** The lease store of this instance (one id for its whole life); on PostgreSQL, leases are held with advisory locks. */
export async function instanceLeases(app: App): Promise<JobLeaseStore> {
  const db = await app.db();
  return new JobLeaseStore(db, instanceId(), app.config.db.type === 'postgres' ? new PgSessionLocks(db) : null);
}
