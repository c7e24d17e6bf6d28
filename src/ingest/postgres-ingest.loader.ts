import { randomBytes } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';

const ATTEMPTS = 5;

/**
 * The mark of this instance on the loads it starts (ingest_file.loader): the key of a session
 * advisory lock (one-key bigint form) held on a pool connection of its own for as long as the
 * instance lives. A killed process's connection closes and frees the lock at once, so another
 * instance starting up can tell a crashed load (its key free) from one still running (its key held).
 */
export class PostgresLoaderLock {
  private held: { client: PoolClient; key: string } | null = null;
  private taking: Promise<string> | null = null;

  constructor(private readonly pool: Pool) {}

  /** This instance's key, taking the lock first if it does not hold it (or lost it with its connection). */
  key(): Promise<string> {
    if (this.held) return Promise.resolve(this.held.key);
    this.taking ??= this.take().finally(() => (this.taking = null));
    return this.taking;
  }

  async release(): Promise<void> {
    const held = this.held;
    this.held = null;
    if (!held) return;
    try {
      await held.client.query('SELECT pg_advisory_unlock($1::bigint)', [held.key]);
      held.client.release();
    } catch (error) {
      held.client.release(error as Error);
    }
  }

  private async take(): Promise<string> {
    const client = await this.pool.connect();
    try {
      for (let i = 0; i < ATTEMPTS; i++) {
        // About 60 random bits (below 10^18, so any stored key fits a bigint): two live instances
        // drawing the same key is not a practical concern, and one that did would find it held and draw again.
        const key = (randomBytes(8).readBigUInt64BE() % 10n ** 18n).toString();
        const { rows } = await client.query('SELECT pg_try_advisory_lock($1::bigint) AS ok', [key]);
        if (rows[0].ok !== true) continue;
        const held = { client, key };
        // A connection lost (server restart, network) loses the lock: it goes back to the pool as
        // broken (the pool would not discard a checked-out client on its own) and the next load takes a new key.
        client.on('error', (error) => {
          if (this.held !== held) return;
          this.held = null;
          client.release(error);
        });
        this.held = held;
        return key;
      }
      throw new Error(`no free ingest loader key after ${ATTEMPTS} attempts`);
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
  }
}

/**
 * Marks the loads left `loading` by processes that are gone: rows without a loader (older versions)
 * and rows whose loader's lock is free. A lock held by a live instance makes the try fail, so its
 * load is left alone. The locks tried are transaction-level and end with the statement.
 */
export const MARK_INTERRUPTED_SQL = `UPDATE ingest_file SET status = 'interrupted' WHERE status = 'loading'
  AND (CASE WHEN loader ~ '^[0-9]{1,18}$' THEN pg_try_advisory_xact_lock(loader::bigint) ELSE true END)`;
