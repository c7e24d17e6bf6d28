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

/** One participant's turn in the queue: its oldest waiting request of one kind, and when it was last served. */
interface Turn {
  participantId: number;
  kind: string;
  firstId: number;
  lastServed: string | null;
}

/**
 * Claims and finishes report jobs. A claim is a conditional update, so two workers (processes
 * sharing a server database) never take the same request; a claim whose worker stops renewing it
 * goes back to the queue.
 *
 * Claims take turns between participants: daily postings first (bounded: two per REP DUNS and
 * operating day), then ad-hoc requests; within each, the participant served least recently (the
 * latest claimed_at of any of its requests, renewed while one is in production), and its oldest
 * request. One participant's backlog never holds back another's next request.
 */
export class ReportJobStore {
  constructor(private readonly db: DataSource, private readonly workerId: string) {}

  async claim(now: Date): Promise<ReportRequest | null> {
    const repo = this.db.getRepository(ReportRequest);
    for (let tries = 0; tries < 5; tries++) {
      const next = await this.nextTurn();
      if (!next) return null;
      // Another worker may have taken it since: the update only succeeds while it is still waiting; then look again.
      const result = await repo.createQueryBuilder().update(ReportRequest)
        .set({ status: 'PRC', claimedBy: this.workerId, claimedAt: now.toISOString(), attempts: () => 'attempts + 1' })
        .where('id = :id AND status = :status', { id: next.firstId, status: 'PEN' })
        .execute();
      if (result.affected === 1) return repo.findOneByOrFail({ id: next.firstId });
    }
    return null;
  }

  /** The request whose turn it is, or null when none is waiting. */
  private async nextTurn(): Promise<Turn | null> {
    const rows: { participantId: number | string; kind: string; firstId: number | string; lastServed: string | null }[] = await this.db.query(
      `SELECT w.participant_id AS "participantId", w.kind AS "kind", w.first_id AS "firstId",
         (SELECT max(s.claimed_at) FROM report_request s WHERE s.participant_id = w.participant_id) AS "lastServed"
       FROM (SELECT participant_id, kind, min(id) AS first_id FROM report_request WHERE status = 'PEN' GROUP BY participant_id, kind) w`,
    );
    const turns: Turn[] = rows.map((r) => ({ participantId: Number(r.participantId), kind: r.kind, firstId: Number(r.firstId), lastServed: r.lastServed }));
    turns.sort((a, b) => rank(a) - rank(b) || compareText(a.lastServed ?? '', b.lastServed ?? '') || a.firstId - b.firstId);
    return turns[0] ?? null;
  }

  /** A request whose production stopped for want of disk space waits again, keeping its place among its participant's. */
  async requeue(requestId: number): Promise<void> {
    await this.db.getRepository(ReportRequest).update({ id: requestId, claimedBy: this.workerId }, { status: 'PEN', claimedBy: null });
  }

  async renew(requestId: number, now: Date): Promise<void> {
    await this.db.getRepository(ReportRequest).update({ id: requestId, claimedBy: this.workerId }, { claimedAt: now.toISOString() });
  }

  /** Requests whose worker died mid-report go back to the queue. */
  async releaseStale(olderThan: Date): Promise<number> {
    const result = await this.db.getRepository(ReportRequest).update({ status: 'PRC', claimedAt: LessThan(olderThan.toISOString()) }, { status: 'PEN', claimedBy: null });
    return result.affected ?? 0;
  }

  /**
   * Records the finished files, then marks the request as publishing: from here on it completes
   * without regenerating. Only while this worker still holds the claim: a worker whose claim lapsed
   * (released as stale while it was still producing) learns it here, and another worker's files stand.
   */
  async stage(requestId: number, files: StagedFile[], records: number, now: Date): Promise<void> {
    await this.db.transaction(async (m) => {
      const held = await m.getRepository(ReportRequest).update({ id: requestId, status: 'PRC', claimedBy: this.workerId }, { status: 'PUB', recordCount: records });
      if (held.affected !== 1) throw new ReportClaimLost(requestId);
      await m.getRepository(ReportFile).delete({ requestId });
      for (const f of files) await m.getRepository(ReportFile).insert({ requestId, ...f, createdAt: now.toISOString(), deletedAt: null });
    });
  }

  async filesOf(requestId: number): Promise<ReportFile[]> {
    return this.db.getRepository(ReportFile).find({ where: { requestId }, order: { id: 'ASC' } });
  }

  async publishing(): Promise<ReportRequest[]> {
    return this.db.getRepository(ReportRequest).find({ where: { status: 'PUB' }, order: { id: 'ASC' } });
  }

  /**
   * Ends a request: a published one ('0') whoever completes it (its files are staged), a failed one
   * only while this worker holds its claim.
   */
  async finish(requestId: number, status: string, reason: string | null, now: Date, expiresAt: Date | null): Promise<void> {
    const held = status === '0' ? { id: requestId, status: 'PUB' } : { id: requestId, status: 'PRC', claimedBy: this.workerId };
    await this.db.getRepository(ReportRequest).update(held, {
      status, statusReason: reason, finishedAt: now.toISOString(), expiresAt: expiresAt?.toISOString() ?? null, claimedBy: null,
    });
  }
}

/** The worker producing a request no longer holds its claim: another worker produces it. */
export class ReportClaimLost extends Error {
  constructor(readonly requestId: number) {
    super(`report request ${requestId} was claimed by another worker while this one produced it`);
  }
}

/** Daily postings go before ad-hoc requests. */
function rank(turn: Turn): number {
  return turn.kind === 'daily' ? 0 : 1;
}

/** ISO times compare as plain text (never served sorts first). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
