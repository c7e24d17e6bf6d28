import type { Pool, PoolClient } from 'pg';
import { addMonths, ensurePartitions, listPartitionMonths, monthOf, monthsBetween, partitionName } from './interval-partitions';

export interface PartitionWindow {
  /** Today's operating day (YYYY-MM-DD). */
  today: string;
  /** The oldest operating day reports may still ask for (YYYY-MM-DD). */
  oldestDay: string;
  /** Months made ahead of today's (default 3): loads and reads never wait on DDL. */
  monthsAhead?: number;
  /** Whole months kept before the oldest day's month (default 1): late requests and clock skew never meet a dropped month. */
  marginMonths?: number;
  /**
   * How long making or detaching a partition may wait for the table lock (default 10 s): past it,
   * upkeep gives up until its next run rather than queue every reader of interval_day behind it.
   */
  lockTimeoutMs?: number;
}

export interface PartitionUpkeepResult {
  created: string[];
  dropped: string[];
}

/**
 * Keeps interval_day's month partitions: makes those of today's month and the months ahead, and
 * detaches and drops those wholly older than the history kept plus the margin. Dropping a month is
 * a catalog change, not a delete of millions of rows: no vacuum debt, no bloat.
 */
export async function upkeepIntervalPartitions(pool: Pool, window: PartitionWindow): Promise<PartitionUpkeepResult> {
  const thisMonth = monthOf(window.today);
  const lockTimeoutMs = Math.max(1, Math.floor(window.lockTimeoutMs ?? 10_000));
  const created = await withLockTimeout(pool, lockTimeoutMs, (client) =>
    ensurePartitions(client, monthsBetween(thisMonth, addMonths(thisMonth, window.monthsAhead ?? 3))));
  const firstKept = addMonths(monthOf(window.oldestDay), -(window.marginMonths ?? 1));
  const dropped: string[] = [];
  for (const month of await listPartitionMonths(pool)) {
    if (month >= firstKept) break;
    await withLockTimeout(pool, lockTimeoutMs, async (client) => {
      await client.query(`ALTER TABLE interval_day DETACH PARTITION ${partitionName(month)}`);
      await client.query(`DROP TABLE ${partitionName(month)}`);
    });
    dropped.push(month);
  }
  return { created, dropped };
}

/** `work` in one transaction whose lock waits end after `ms`. */
async function withLockTimeout<T>(pool: Pool, ms: number, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL lock_timeout = ${ms}`);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
