import { randomBytes } from 'node:crypto';
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
  /** The claim this worker holds on the row: only its holder may end the row or put it back. */
  claim: string;
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
  /** Claim tokens are unique to this store: a restarted process with the same host name and pid (pid 1 in a container) never repeats one. */
  private readonly tokenPrefix: string;

  constructor(private readonly db: DataSource, workerId: string) {
    this.tokenPrefix = `${workerId.slice(0, 70)}:${randomBytes(6).toString('hex')}`;
  }

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
    const token = `${this.tokenPrefix}#${++this.claims}`;
    const until = new Date(now.getTime() + claimMs).toISOString();
    for (const chunk of chunks(ids, 1000)) {
      await this.db.createQueryBuilder().update(TdspDispatch)
        .set({ state: 'SENDING', claimedBy: token, claimedUntil: until, attempts: () => '"attempts" + 1', updatedAt: now.toISOString() })
        .where({ id: In(chunk), state: 'PENDING' }).execute();
    }
    const rows = await this.db.manager.find(TdspDispatch, { where: { claimedBy: token, state: 'SENDING' }, order: { id: 'ASC' } });
    return rows.map((row) => ({ id: row.id, requestId: row.requestId, tdspDuns: row.tdspDuns, operation: row.operation, message: JSON.parse(row.payload), attempts: row.attempts, claim: token }));
  }

  /**
   * Sent and answered (accepted or refused), or given up: the rows end, and secrets leave their
   * messages. Only rows this worker still holds change: a claim that lapsed went back to the queue
   * and may now be another worker's, whose outcome is the one that counts. Returns the rows ended.
   */
  async finish(dispatches: ClaimedDispatch[], state: Extract<DispatchState, 'DONE' | 'REFUSED' | 'DEAD'>, lastError: string | null, now: Date): Promise<ClaimedDispatch[]> {
    const end = { state, lastError: lastError?.slice(0, 500) ?? null, claimedBy: null, claimedUntil: null, updatedAt: now.toISOString() };
    const ended: ClaimedDispatch[] = [];
    const withSecrets = dispatches.filter((d) => SECRET_FIELDS.some((field) => field in d.message));
    for (const d of withSecrets) {
      const message = { ...d.message };
      for (const field of SECRET_FIELDS) if (field in message) message[field] = '(removed once sent)';
      if ((await this.updateHeld([d], { ...end, payload: JSON.stringify(message) })).has(d.id)) ended.push(d);
    }
    ended.push(...(await this.heldOnly(dispatches.filter((d) => !withSecrets.includes(d)), end)));
    return ended;
  }

  /** Back to the queue for a later attempt; like finish(), only rows this worker still holds. Returns those put back. */
  async retryLater(dispatches: ClaimedDispatch[], at: Date, lastError: string, now: Date): Promise<ClaimedDispatch[]> {
    return this.heldOnly(dispatches, {
      state: 'PENDING', nextAttemptAt: at.toISOString(), lastError: lastError.slice(0, 500), claimedBy: null, claimedUntil: null, updatedAt: now.toISOString(),
    });
  }

  /** Applies `set` to the rows still held under their claims (one claim per batch, as claim() hands them out). */
  private async heldOnly(dispatches: ClaimedDispatch[], set: Partial<TdspDispatch>): Promise<ClaimedDispatch[]> {
    const byClaim = new Map<string, ClaimedDispatch[]>();
    for (const d of dispatches) byClaim.set(d.claim, [...(byClaim.get(d.claim) ?? []), d]);
    const changed: ClaimedDispatch[] = [];
    for (const list of byClaim.values()) {
      for (const chunk of chunks(list, 1000)) {
        const ids = await this.updateHeld(chunk, set);
        changed.push(...chunk.filter((d) => ids.has(d.id)));
      }
    }
    return changed;
  }

  /**
   * A conditional update: only rows still SENDING under the batch's claim. Returns the ids it changed,
   * as the statement itself reports them (RETURNING / OUTPUT), so a row another worker ended at the
   * same moment with the same outcome is never taken for one of this worker's.
   */
  private async updateHeld(batch: ClaimedDispatch[], set: Partial<TdspDispatch>): Promise<Set<number>> {
    const update = this.db.createQueryBuilder().update(TdspDispatch).set(set)
      .where({ id: In(batch.map((d) => d.id)), state: 'SENDING', claimedBy: batch[0]!.claim });
    let rows: { id: number | string }[];
    if (this.db.driver.isReturningSqlSupported('update')) {
      rows = (await update.returning(['id']).execute()).raw ?? []; // PostgreSQL RETURNING, SQL Server OUTPUT
    } else {
      // TypeORM's SQLite driver does not write RETURNING, but SQLite runs it (since 3.35; better-sqlite3 12 bundles 3.5x).
      const [sql, parameters] = update.getQueryAndParameters();
      rows = await this.db.query(`${sql} RETURNING "id"`, parameters);
    }
    return new Set(rows.map((r) => Number(r.id)));
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
