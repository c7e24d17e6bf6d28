import type { DataSource, QueryRunner } from 'typeorm';

/** A lock held by one database session: it ends when released, or when the session ends (the process died). */
export interface SessionLock {
  release(): Promise<void>;
}

export interface SessionLocks {
  /** The lock on `name`, or null when another session holds it. */
  tryLock(name: string): Promise<SessionLock | null>;
}

/** Advisory lock class of the platform's leases (the first key of the two-key form). */
const LEASE_LOCK_CLASS = 1_764_720;

/**
 * PostgreSQL advisory locks, each on a connection of its own for as long as it is held. Unlike a
 * lease row, such a lock cannot lapse while its holder lives (however long a pause), and it is
 * freed the moment the holder's connection closes: a process killed with SIGKILL hands its work on
 * at once, and a slow one never sees its work taken. Names are hashed to 32 bits, so two names may
 * share a lock now and then: one waits for the other, nothing runs twice.
 */
export class PgSessionLocks implements SessionLocks {
  constructor(private readonly db: DataSource) {}

  async tryLock(name: string): Promise<SessionLock | null> {
    const runner: QueryRunner = this.db.createQueryRunner();
    await runner.connect();
    try {
      const [row] = await runner.query('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [LEASE_LOCK_CLASS, name]);
      if (row?.ok !== true) {
        await runner.release();
        return null;
      }
    } catch (error) {
      await runner.release();
      throw error;
    }
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        try {
          await runner.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LEASE_LOCK_CLASS, name]);
        } finally {
          await runner.release();
        }
      },
    };
  }
}
