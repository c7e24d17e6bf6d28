import fs from 'node:fs';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { IsNull, LessThan } from 'typeorm';
import type { Logger } from '../core/logger';
import { ReportFile } from '../db/entities/report-file.entity';
import { ReportRequest } from '../db/entities/report-request.entity';
import { PARTIAL_PREFIX } from './atomic-write';
import { REPORT_FAILURES } from '../usage/report-request.service';

/** Partial files older than this belong to a writer that died; nobody will finish them. */
const STALE_PARTIAL_MS = 6 * 3_600_000;

export interface RetentionResult {
  filesDeleted: number;
  requestsExpired: number;
  partialsRemoved: number;
  processedRemoved: number;
}

/**
 * Keeps the FTPS folders (and the portal's export folders) to their retention: delivered report files
 * and processed uploads older than the retention period are deleted (and logged), their requests
 * marked expired (EXP); abandoned partial files go too.
 */
export class RetentionService {
  constructor(
    private readonly db: DataSource,
    private readonly ftpsRoot: string,
    private readonly retentionDays: number,
    private readonly logger: Logger,
  ) {}

  async run(now: Date = new Date()): Promise<RetentionResult> {
    const cutoff = new Date(now.getTime() - this.retentionDays * 86_400_000);
    const files = await this.db.getRepository(ReportFile).find({ where: { createdAt: LessThan(cutoff.toISOString()), deletedAt: IsNull() } });
    const requestIds = new Set<number>();
    for (const file of files) {
      await fs.promises.rm(file.path, { force: true });
      await this.db.getRepository(ReportFile).update({ id: file.id }, { deletedAt: now.toISOString() });
      requestIds.add(file.requestId);
      this.logger.info('retention: report file deleted', { file: file.fileName, path: file.path, createdAt: file.createdAt });
    }
    let requestsExpired = 0;
    for (const id of requestIds) {
      const left = await this.db.getRepository(ReportFile).countBy({ requestId: id, deletedAt: IsNull() });
      if (left > 0) continue;
      await this.db.getRepository(ReportRequest).update({ id, status: '0' }, { status: 'EXP', statusReason: REPORT_FAILURES.EXP });
      requestsExpired++;
    }
    const { partialsRemoved, processedRemoved } = await this.sweepFolders(now, cutoff);
    return { filesDeleted: files.length, requestsExpired, partialsRemoved, processedRemoved };
  }

  private async sweepFolders(now: Date, cutoff: Date): Promise<{ partialsRemoved: number; processedRemoved: number }> {
    const counts = { partialsRemoved: 0, processedRemoved: 0 };
    if (fs.existsSync(this.ftpsRoot)) {
      for (const duns of await fs.promises.readdir(this.ftpsRoot)) {
        for (const folder of ['adhoc', 'daily', 'reports', 'processed']) await this.sweepFolder(path.join(this.ftpsRoot, duns, folder), folder === 'processed' || folder === 'reports', now, cutoff, counts);
      }
    }
    // The portal's plain-zip exports (usage/report.worker.ts portalExportFolder): one folder per request, removed once empty.
    const portalRoot = path.join(path.dirname(this.ftpsRoot), 'portal-exports');
    if (fs.existsSync(portalRoot)) {
      for (const request of await fs.promises.readdir(portalRoot)) {
        const dir = path.join(portalRoot, request);
        if (!(await fs.promises.lstat(dir)).isDirectory()) continue;
        await this.sweepFolder(dir, false, now, cutoff, counts);
        if ((await fs.promises.readdir(dir)).length === 0) await fs.promises.rmdir(dir).catch(() => undefined);
      }
    }
    return counts;
  }

  private async sweepFolder(dir: string, uploads: boolean, now: Date, cutoff: Date, counts: { partialsRemoved: number; processedRemoved: number }): Promise<void> {
    if (!fs.existsSync(dir)) return;
    for (const name of await fs.promises.readdir(dir)) {
      const file = path.join(dir, name);
      const stat = await fs.promises.lstat(file);
      if (!stat.isFile()) continue;
      const stalePartial = name.startsWith(PARTIAL_PREFIX) && now.getTime() - stat.mtimeMs > STALE_PARTIAL_MS;
      const oldUpload = uploads && stat.mtimeMs < cutoff.getTime();
      if (!stalePartial && !oldUpload) continue;
      await fs.promises.rm(file, { force: true });
      if (stalePartial) counts.partialsRemoved++;
      else counts.processedRemoved++;
      this.logger.info('retention: file deleted', { path: file, reason: stalePartial ? 'abandoned partial file' : 'older than retention' });
    }
  }
}
