import type { DataSource, EntityManager } from 'typeorm';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';
import { SeenSignature } from '../db/entities/seen-signature.entity';
import type { ReplayGuard } from './replay-cache';

export interface SeenSignatureOptions {
  /** Rows kept at most; past it the records closest to expiry are dropped at the next sweep (and logged). */
  maxEntries: number;
  /** How often expired rows are purged (checked as requests come). Default one minute. */
  sweepIntervalMs?: number;
}

const SWEEP_INTERVAL_MS = 60_000;

/**
 * The replay records in the database (table seen_signature): every `smt serve` on the database
 * sees what the others accepted, and a restart forgets nothing. One atomic insert-if-absent per
 * message, so of two processes racing on the same signature exactly one accepts it. Expired rows
 * are purged about once a minute, and the table is held to `maxEntries` rows. On SQLite the
 * statement runs autocommit on the platform's one connection: a transaction of its own would hold
 * the write lock across an await, and better-sqlite3 waits for a lock synchronously, so another
 * connection in the process (ingest's) could block the event loop until the busy timeout.
 */
export class SeenSignatureStore implements ReplayGuard {
  private lastSweep = 0;
  private sweeping: Promise<void> | null = null;
  private readonly sweepIntervalMs: number;

  constructor(private readonly db: DataSource, private readonly logger: Logger, private readonly options: SeenSignatureOptions) {
    if (!(Number.isInteger(options.maxEntries) && options.maxEntries >= 1)) throw new RangeError('maxEntries must be a whole number of at least 1');
    this.sweepIntervalMs = options.sweepIntervalMs ?? SWEEP_INTERVAL_MS;
  }

  async seen(digest: string, expires: Date, now: Date): Promise<boolean> {
    this.sweepNowAndThen(now);
    // Already past its lifetime: the verifier refuses such a message, and a record would be purged at once.
    if (expires.getTime() < now.getTime()) return false;
    const inserted = await insertIfAbsent(this.db.manager, digest, expires.toISOString(), now.toISOString());
    return !inserted;
  }

  /** Purges expired rows, then holds the table to the cap by dropping the records closest to expiry. */
  async sweep(now: Date): Promise<{ expired: number; dropped: number }> {
    const expired = await this.db.manager.createQueryBuilder().delete().from(SeenSignature)
      .where('expires_at < :now', { now: now.toISOString() }).execute();
    let dropped = 0;
    const count = await this.db.manager.count(SeenSignature);
    if (count > this.options.maxEntries) {
      const edge = await this.db.manager.createQueryBuilder(SeenSignature, 's').select('s.expiresAt', 'at')
        .orderBy('s.expiresAt', 'DESC').offset(this.options.maxEntries).limit(1).getRawOne<{ at: string }>();
      if (edge) {
        const result = await this.db.manager.createQueryBuilder().delete().from(SeenSignature).where('expires_at <= :at', { at: edge.at }).execute();
        dropped = result.affected ?? 0;
        this.logger.warn('soap: replay records dropped before they expired, so those messages could be replayed; raise SMT_SOAP_REPLAY_MAX_ENTRIES', { dropped, rows: count, maxEntries: this.options.maxEntries });
      }
    }
    return { expired: expired.affected ?? 0, dropped };
  }

  /** Waits for a sweep under way (before the database closes). */
  async close(): Promise<void> {
    await this.sweeping;
  }

  private sweepNowAndThen(now: Date): void {
    if (this.sweeping || now.getTime() - this.lastSweep < this.sweepIntervalMs) return;
    this.lastSweep = now.getTime();
    this.sweeping = this.sweep(now).then(() => undefined, (error: unknown) => {
      if (this.db.isInitialized) this.logger.warn('soap: replay records could not be purged', { error: errorMessage(error) });
    }).finally(() => (this.sweeping = null));
  }
}

/**
 * Records the digest unless a live record exists (an expired one is taken over), in one statement;
 * true when this call recorded it. SQLite (3.35+) and PostgreSQL: INSERT … ON CONFLICT … RETURNING;
 * SQL Server: MERGE … WITH (HOLDLOCK) … OUTPUT.
 */
async function insertIfAbsent(manager: EntityManager, digest: string, expiresAt: string, now: string): Promise<boolean> {
  const driver = manager.dataSource.driver;
  const [d, e, n] = [0, 1, 2].map((i) => driver.createParameter(`p${i}`, i));
  const sql = manager.dataSource.options.type === 'mssql'
    ? `MERGE "seen_signature" WITH (HOLDLOCK) AS t USING (SELECT ${d} AS "digest", ${e} AS "expires_at") AS s ON t."digest" = s."digest"
       WHEN NOT MATCHED THEN INSERT ("digest", "expires_at") VALUES (s."digest", s."expires_at")
       WHEN MATCHED AND t."expires_at" < ${n} THEN UPDATE SET "expires_at" = s."expires_at"
       OUTPUT inserted."digest";`
    : `INSERT INTO "seen_signature" ("digest", "expires_at") VALUES (${d}, ${e})
       ON CONFLICT ("digest") DO UPDATE SET "expires_at" = excluded."expires_at" WHERE "seen_signature"."expires_at" < ${n}
       RETURNING "digest"`;
  // Each driver answers a statement that returns rows with the array of those rows.
  const rows: unknown = await manager.query(sql, [digest, expiresAt, now]);
  return Array.isArray(rows) && rows.length === 1;
}
