import { In, LessThan, LessThanOrEqual, type DataSource } from 'typeorm';
import { chunks } from '../db/bulk-sql';
import { TdspDispatch, type DispatchState } from '../db/entities/tdsp-dispatch.entity';

export interface ClaimedDispatch {
  id: number;
  requestId: string;
  tdspDuns: string;
  operation: string;
  message: Record<string, unknown>;
  attempts: number;
}

export interface DueRow {
  id: number;
  requestId: string;
  tdspDuns: string;
  operation: string;
}

/** What an operator sees of a dispatch (never its message: it may hold an install code). */
export interface DispatchView {
  id: number;
  requestId: string;
  tdspDuns: string;
  operation: string;
  state: DispatchState;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  updatedAt: string;
}

/** Message fields that are secrets: kept only until the dispatch has ended. */
const SECRET_FIELDS = ['installCode'];

/**
 * The outbox's rows: claimed with conditional updates (several workers, even in several processes,
 * never send the same row at once) and finished with the outcome. A claim not finished in time
 * goes back to the queue, so a crash never loses a dispatch.
 */
export class DispatchStore {
  private claims = 0;

  constructor(private readonly db: DataSource, private readonly workerId: string) {}

  /** Due rows, oldest first, without claiming them. */
  async due(now: Date, limit: number): Promise<DueRow[]> {
    return this.db.manager.find(TdspDispatch, {
      select: { id: true, requestId: true, tdspDuns: true, operation: true },
      where: { state: 'PENDING', nextAttemptAt: LessThanOrEqual(now.toISOString()) }, order: { nextAttemptAt: 'ASC', id: 'ASC' }, take: limit,
    });
  }

  /** The due rows of one request to one TDSP (a message's ESI IDs), up to `limit`. */
  async dueOf(row: DueRow, now: Date, limit: number): Promise<number[]> {
    const rows = await this.db.manager.find(TdspDispatch, {
      select: { id: true },
      where: { requestId: row.requestId, tdspDuns: row.tdspDuns, operation: row.operation, state: 'PENDING', nextAttemptAt: LessThanOrEqual(now.toISOString()) },
      order: { id: 'ASC' }, take: limit,
    });
    return rows.map((r) => r.id);
  }

  /** Claims the given rows that are still waiting; returns those this worker got. */
  async claim(ids: number[], now: Date, claimMs: number): Promise<ClaimedDispatch[]> {
    const token = `${this.workerId}#${++this.claims}`;
    const until = new Date(now.getTime() + claimMs).toISOString();
    for (const chunk of chunks(ids, 1000)) {
      await this.db.createQueryBuilder().update(TdspDispatch)
        .set({ state: 'SENDING', claimedBy: token, claimedUntil: until, attempts: () => '"attempts" + 1', updatedAt: now.toISOString() })
        .where({ id: In(chunk), state: 'PENDING' }).execute();
    }
    const rows = await this.db.manager.find(TdspDispatch, { where: { claimedBy: token, state: 'SENDING' }, order: { id: 'ASC' } });
    return rows.map((row) => ({ id: row.id, requestId: row.requestId, tdspDuns: row.tdspDuns, operation: row.operation, message: JSON.parse(row.payload), attempts: row.attempts }));
  }

  /** Sent and answered (accepted or refused), or given up: the rows end, and secrets leave their messages. */
  async finish(dispatches: ClaimedDispatch[], state: Extract<DispatchState, 'DONE' | 'REFUSED' | 'DEAD'>, lastError: string | null, now: Date): Promise<void> {
    const end = { state, lastError: lastError?.slice(0, 500) ?? null, claimedBy: null, claimedUntil: null, updatedAt: now.toISOString() };
    const withSecrets = dispatches.filter((d) => SECRET_FIELDS.some((field) => field in d.message));
    for (const d of withSecrets) {
      const message = { ...d.message };
      for (const field of SECRET_FIELDS) if (field in message) message[field] = '(removed once sent)';
      await this.db.manager.update(TdspDispatch, { id: d.id }, { ...end, payload: JSON.stringify(message) });
    }
    const rest = dispatches.filter((d) => !withSecrets.includes(d)).map((d) => d.id);
    for (const chunk of chunks(rest, 1000)) await this.db.manager.update(TdspDispatch, { id: In(chunk) }, end);
  }

  async retryLater(dispatches: ClaimedDispatch[], at: Date, lastError: string, now: Date): Promise<void> {
    for (const chunk of chunks(dispatches.map((d) => d.id), 1000)) {
      await this.db.manager.update(TdspDispatch, { id: In(chunk) }, {
        state: 'PENDING', nextAttemptAt: at.toISOString(), lastError: lastError.slice(0, 500), claimedBy: null, claimedUntil: null, updatedAt: now.toISOString(),
      });
    }
  }

  /** Claims whose worker stopped: back to the queue (the TDSP treats a repeated request id as the same request). */
  async releaseStale(now: Date): Promise<number> {
    const result = await this.db.manager.update(TdspDispatch, { state: 'SENDING', claimedUntil: LessThan(now.toISOString()) }, {
      state: 'PENDING', claimedBy: null, claimedUntil: null, updatedAt: now.toISOString(),
    });
    return result.affected ?? 0;
  }

  /** For operators: dispatches in the given states, newest first. */
  async list(states: DispatchState[], limit: number): Promise<DispatchView[]> {
    const rows = await this.db.manager.find(TdspDispatch, { where: { state: In(states) }, order: { id: 'DESC' }, take: limit });
    return rows.map((r) => ({
      id: r.id, requestId: r.requestId, tdspDuns: r.tdspDuns, operation: r.operation, state: r.state, attempts: r.attempts,
      nextAttemptAt: r.nextAttemptAt, lastError: r.lastError, updatedAt: r.updatedAt,
    }));
  }
}
