import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DataSource } from 'typeorm';

/**
 * The pg pool under TypeORM's PostgreSQL driver: bulk paths (COPY, cursors) take plain clients from
 * it, so a process keeps one pool and one connection limit.
 */
export function postgresPool(db: DataSource): Pool {
  if (db.options.type !== 'postgres') throw new Error(`a PostgreSQL pool was asked of a ${db.options.type} data source`);
  const pool = (db.driver as unknown as { master?: Pool }).master;
  if (!pool) throw new Error('the PostgreSQL data source is not connected');
  return pool;
}

/** Sends one COPY … FROM STDIN payload (e.g. from BinaryCopyWriter) and waits for the server's answer. */
export async function copyIn(client: PoolClient, sql: string, payload: Buffer): Promise<void> {
  await pipeline(Readable.from([payload]), client.query(copyFrom(sql)));
}

/** Runs `work` in one transaction on one client of the pool; rolls back and rethrows on failure. */
export async function inPgTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((e: Error) => (broken = e));
    throw error;
  } finally {
    // A client whose rollback failed is in an unknown state: the pool drops it instead of reusing it.
    client.release(broken);
  }
}
