import path from 'node:path';
import type { Config } from '../config/config';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import type { ReportRequest } from '../db/entities/report-request.entity';
import { readPublicKey } from '../delivery/pgp';
import { publishStaged, ReportFileWriter } from '../delivery/report-file.writer';
import type { RegistryService } from '../registry/registry.service';
import { FreeSpaceGuard, FreeSpaceLowError } from './free-space.guard';
import { ReportClaimLost, type ReportJobStore } from './report-job.store';
import { REPORT_FAILURES } from './report-request.service';
import { REPORT_NAMES, reportHeader, type ReportJob } from './report.generator';
import type { ReportType } from './usage-day';
import type { ReportCsvProducer } from './report-csv.producer';

export type ReportWorkerOptions = Omit<Config['reports'], 'dailyPostingTime'> & {
  ftpsRoot: string;
  /** CSV bytes written between two free-space checks while a report is written (default 64 MiB; 0: after every chunk). */
  spaceCheckBytes?: number;
};

/** Where the plain zips of a portal export (customers, the regulator) go: beside the FTPS tree, out of every DUNS's reach. */
export function portalExportFolder(ftpsRoot: string, correlationId: string): string {
  return path.join(path.dirname(ftpsRoot), 'portal-exports', correlationId);
}

/** A free-space check (a statfs call) every 64 MiB of CSV costs nothing next to writing them. */
const SPACE_CHECK_BYTES = 64 * 1024 * 1024;

/**
 * Produces queued report requests: claims one, streams it from the database through CSV, zip and
 * PGP into the requester's folder, and publishes its files all at once. A crash before publishing
 * re-runs the request; a crash while publishing finishes it — either way exactly one set of files.
 * While the FTPS folders' file system is short of space, nothing is claimed, and a report being
 * written stops and waits in the queue again.
 */
export class ReportWorker {
  private stopped = true;
  private loops: Promise<void>[] = [];
  /** One per sleeping loop, so stop() and new work reach every loop. */
  private readonly wakers = new Set<() => void>();
  private readonly space: FreeSpaceGuard;

  constructor(
    private readonly jobs: ReportJobStore,
    private readonly registry: RegistryService,
    private readonly csv: ReportCsvProducer,
    private readonly logger: Logger,
    private readonly options: ReportWorkerOptions,
  ) {
    this.space = new FreeSpaceGuard(options.ftpsRoot, () => this.options.minFreeBytes, logger);
  }

  /** True while production waits for free space (the log says so once). */
  get pausedForSpace(): boolean {
    return this.space.isPaused;
  }

  async start(): Promise<void> {
    await this.recover();
    this.stopped = false;
    this.loops = Array.from({ length: this.options.concurrency }, () => this.loop());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of this.wakers) wake();
    await Promise.all(this.loops);
  }

  /** Finishes what a crash left publishing, and re-queues requests whose worker stopped. */
  async recover(now = new Date()): Promise<void> {
    for (const request of await this.jobs.publishing()) await this.publish(request, now);
    await this.releaseStale(now);
  }

  private async releaseStale(now: Date): Promise<void> {
    const released = await this.jobs.releaseStale(new Date(now.getTime() - this.options.claimTimeoutMs));
    if (released > 0) this.logger.warn('report: re-queued requests whose worker stopped', { requests: released });
  }

  /** Claims and produces one request; false when none is waiting or production is paused for want of space. */
  async runOnce(now = new Date()): Promise<boolean> {
    if (!(await this.space.roomToProduce())) return false;
    const request = await this.jobs.claim(now);
    if (!request) return false;
    const heartbeat = setInterval(() => void this.jobs.renew(request.id, new Date()).catch(() => undefined), Math.max(250, this.options.claimTimeoutMs / 4));
    try {
      await this.produce(request, now);
    } catch (error) {
      if (error instanceof FreeSpaceLowError) {
        await this.jobs.requeue(request.id);
        return false;
      }
      if (error instanceof ReportClaimLost) {
        this.logger.warn('report: claim lapsed during production; the worker now holding it delivers the report', { correlationId: request.correlationId });
        return true;
      }
      this.logger.error('report: request failed', { correlationId: request.correlationId, error: errorMessage(error), stack: (error as Error).stack });
      await this.jobs.finish(request.id, 'ERR', REPORT_FAILURES.ERR, new Date(), null);
    } finally {
      clearInterval(heartbeat);
    }
    return true;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const worked = await this.runOnce().catch((error) => {
        this.logger.error('report: worker loop error', { error: errorMessage(error) });
        return false;
      });
      if (!worked && !this.stopped) {
        // Claims of workers that stopped renewing them (a crashed process) go back to the queue while this one waits.
        await this.releaseStale(new Date()).catch((error: unknown) => this.logger.error('report: re-queueing stale claims failed', { error: errorMessage(error) }));
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            this.wakers.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, this.options.pollMs);
          this.wakers.add(wake);
        });
      }
    }
  }

  private async produce(request: ReportRequest, now: Date): Promise<void> {
    const portal = request.kind === 'portal';
    const participant = portal ? null : await this.registry.findParticipantByDuns(request.requesterDuns);
    if (!portal && !participant?.pgpPublicKey) {
      await this.jobs.finish(request.id, 'NOKEY', REPORT_FAILURES.NOKEY, new Date(), null);
      this.logger.warn('report: requester has no PGP key; nothing delivered', { correlationId: request.correlationId, duns: request.requesterDuns });
      return;
    }
    const type = request.reportType as ReportType;
    const job: ReportJob = {
      reportType: type, startDate: request.startDate, endDate: request.endDate,
      version: request.version as ReportJob['version'], readingType: request.readingType as ReportJob['readingType'],
      esiids: request.esiids ? request.esiids.split('\n') : [],
      // A portal export's ESI IDs and first day were chosen by the person's rights when it was asked (ReportRequestService.submitPortal).
      scope: participant ? { participantId: participant.id, kind: participant.kind, duns: new Set(participant.duns) } : { kind: 'ALL' },
      revisionsAfterFileId: request.revisionsAfterFileId,
      platformEstimates: request.platformEstimates === true,
    };
    const writer = new ReportFileWriter({
      folder: participant ? path.join(this.options.ftpsRoot, request.requesterDuns, request.kind === 'daily' ? 'daily' : 'adhoc') : portalExportFolder(this.options.ftpsRoot, request.correlationId),
      reportName: REPORT_NAMES[type], duns: request.requesterDuns,
      recipientKey: participant ? await readPublicKey(participant.pgpPublicKey!, `the PGP key of ${participant.name}`) : null,
      header: reportHeader(type, job.platformEstimates), maxCsvBytes: this.options.maxFileCsvBytes, createdAt: new Date(request.createdAt),
      compressionLevel: this.options.compressionLevel,
    });
    let records = 0;
    let uncheckedBytes = 0;
    const checkEvery = this.options.spaceCheckBytes ?? SPACE_CHECK_BYTES;
    try {
      for await (const chunk of this.csv.chunks(job)) {
        if (chunk.records > 0) await writer.write(chunk.csv, chunk.records);
        records += chunk.records;
        uncheckedBytes += chunk.csv.length;
        if (uncheckedBytes < checkEvery) continue;
        uncheckedBytes = 0;
        if (!(await this.space.roomToProduce())) throw new FreeSpaceLowError();
      }
      const staged = await writer.closeStaged();
      await this.jobs.stage(request.id, staged, records, new Date());
    } catch (error) {
      await writer.abort();
      throw error;
    }
    await this.publish({ ...request, recordCount: records }, now);
  }

  private async publish(request: ReportRequest, now: Date): Promise<void> {
    const files = await this.jobs.filesOf(request.id);
    await publishStaged(files);
    const expires = new Date(Date.now() + this.options.retentionDays * 86_400_000);
    await this.jobs.finish(request.id, '0', null, new Date(), expires);
    this.logger.info('report: delivered', {
      correlationId: request.correlationId, duns: request.requesterDuns, files: files.map((f) => f.fileName), records: request.recordCount, startedAt: now.toISOString(),
    });
  }
}
