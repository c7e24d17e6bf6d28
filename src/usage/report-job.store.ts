import type { DataSource } from 'typeorm';
import { LessThan } from 'typeorm';
import { ReportFile } from '../db/entities/report-file.entity';
import { ReportRequest } from '../db/entities/report-request.entity';

export interface StagedFile {
  fileName: string;
  path: string;
  partialPath: string;
  records: number;
  bytes: number;
}

/**
 * Claims and finishes report jobs. A claim is a conditional update, so two workers (processes
 * sharing a server database) never take the same request; a claim whose worker stops renewing it
 * goes back to the queue.
 */
export class ReportJobStore {
  constructor(private readonly db: DataSource, private readonly workerId: string) {}

  async claim(now: Date): Promise<ReportRequest | null> {
    const repo = this.db.getRepository(ReportRequest);
    for (let tries = 0; tries < 5; tries++) {
      const candidate = await repo.findOne({ where: { status: 'PEN' }, order: { id: 'ASC' } });
      if (!candidate) return null;
      const result = await repo.update({ id: candidate.id, status: 'PEN' }, {
        status: 'PRC', claimedBy: this.workerId, claimedAt: now.toISOString(), attempts: candidate.attempts + 1,
      });
      if (result.affected === 1) return { ...candidate, status: 'PRC', attempts: candidate.attempts + 1 };
    }
    return null;
  }

  async renew(requestId: number, now: Date): Promise<void> {
    await this.db.getRepository(ReportRequest).update({ id: requestId, claimedBy: this.workerId }, { claimedAt: now.toISOString() });
  }

  /** Requests whose worker died mid-report go back to the queue. */
  async releaseStale(olderThan: Date): Promise<number> {
    const result = await this.db.getRepository(ReportRequest).update({ status: 'PRC', claimedAt: LessThan(olderThan.toISOString()) }, { status: 'PEN', claimedBy: null });
    return result.affected ?? 0;
  }

  /** Records the finished files, then marks the request as publishing: from here on it completes without regenerating. */
  async stage(requestId: number, files: StagedFile[], records: number, now: Date): Promise<void> {
    await this.db.transaction(async (m) => {
      await m.getRepository(ReportFile).delete({ requestId });
      for (const f of files) await m.getRepository(ReportFile).insert({ requestId, ...f, createdAt: now.toISOString(), deletedAt: null });
      await m.getRepository(ReportRequest).update({ id: requestId }, { status: 'PUB', recordCount: records });
    });
  }

  async filesOf(requestId: number): Promise<ReportFile[]> {
    return this.db.getRepository(ReportFile).find({ where: { requestId }, order: { id: 'ASC' } });
  }

  async publishing(): Promise<ReportRequest[]> {
    return this.db.getRepository(ReportRequest).find({ where: { status: 'PUB' }, order: { id: 'ASC' } });
  }

  async finish(requestId: number, status: string, reason: string | null, now: Date, expiresAt: Date | null): Promise<void> {
    await this.db.getRepository(ReportRequest).update({ id: requestId }, {
      status, statusReason: reason, finishedAt: now.toISOString(), expiresAt: expiresAt?.toISOString() ?? null, claimedBy: null,
    });
  }
}
