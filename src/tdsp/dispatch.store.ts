import { In, LessThan, LessThanOrEqual, type DataSource } from 'typeorm';
import { TdspDispatch, type DispatchState } from '../db/entities/tdsp-dispatch.entity';

export interface ClaimedDispatch {
  id: number;
  requestId: string;
  tdspDuns: string;
  operation: string;
  message: Record<string, unknown>;
  attempts: number;
}

/** Message fields that are secrets: kept only until the dispatch has ended. */
const SECRET_FIELDS = ['installCode'];

/**
 * The outbox's rows: claimed with conditional updates (several workers, even in several processes,
 * never send the same row at once) and finished with the outcome. A claim not finished in time
 * goes back to the queue, so a crash never loses a dispatch.
 */
export class DispatchStore {
  constructor(private readonly db: DataSource, private readonly workerId: string) {}

  async claim(now: Date, limit: number, claimMs: number): Promise<ClaimedDispatch[]> {
    const due = await this.db.manager.find(TdspDispatch, {
      where: { state: 'PENDING', nextAttemptAt: LessThanOrEqual(now.toISOString()) }, order: { nextAttemptAt: 'ASC', id: 'ASC' }, take: limit,
    });
    const claimed: ClaimedDispatch[] = [];
    const until = new Date(now.getTime() + claimMs).toISOString();
    for (const row of due) {
      const result = await this.db.manager.update(TdspDispatch, { id: row.id, state: 'PENDING' }, {
        state: 'SENDING', claimedBy: this.workerId, claimedUntil: until, attempts: row.attempts + 1, updatedAt: now.toISOString(),
      });
      if (result.affected === 1) {
        claimed.push({ id: row.id, requestId: row.requestId, tdspDuns: row.tdspDuns, operation: row.operation, message: JSON.parse(row.payload), attempts: row.attempts + 1 });
      }
    }
    return claimed;
  }

  /** Sent and answered (accepted or refused), or given up: the row ends, and its secrets are dropped. */
  async finish(dispatch: ClaimedDispatch, state: Extract<DispatchState, 'DONE' | 'REFUSED' | 'DEAD'>, lastError: string | null, now: Date): Promise<void> {
    const message = { ...dispatch.message };
    for (const field of SECRET_FIELDS) if (field in message) message[field] = '(removed once sent)';
    await this.db.manager.update(TdspDispatch, { id: dispatch.id }, {
      state, lastError: lastError?.slice(0, 500) ?? null, payload: JSON.stringify(message), claimedBy: null, claimedUntil: null, updatedAt: now.toISOString(),
    });
  }

  async retryLater(dispatch: ClaimedDispatch, at: Date, lastError: string, now: Date): Promise<void> {
    await this.db.manager.update(TdspDispatch, { id: dispatch.id }, {
      state: 'PENDING', nextAttemptAt: at.toISOString(), lastError: lastError.slice(0, 500), claimedBy: null, claimedUntil: null, updatedAt: now.toISOString(),
    });
  }

  /** Claims whose worker stopped: back to the queue (the TDSP treats a repeated request id as the same request). */
  async releaseStale(now: Date): Promise<number> {
    const result = await this.db.manager.update(TdspDispatch, { state: 'SENDING', claimedUntil: LessThan(now.toISOString()) }, {
      state: 'PENDING', claimedBy: null, claimedUntil: null, updatedAt: now.toISOString(),
    });
    return result.affected ?? 0;
  }

  /** For operators: dispatches in the given states, newest first. */
  async list(states: DispatchState[], limit: number): Promise<TdspDispatch[]> {
    return this.db.manager.find(TdspDispatch, { where: { state: In(states) }, order: { id: 'DESC' }, take: limit });
  }
}
