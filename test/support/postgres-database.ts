import { Client } from 'pg';
import { createScratchDatabase, dropScratchDatabase } from '../../src/db/postgres/drop-database';

/**
 * A throwaway database on the PostgreSQL server SMT_TEST_POSTGRES_URL names (a role that may create
 * databases; .ci/run starts one). Null on developer machines without it; CI always provides it.
 */
export async function createTestDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> } | null> {
  const server = process.env.SMT_TEST_POSTGRES_URL;
  if (!server) {
    if (process.env.CI) throw new Error('SMT_TEST_POSTGRES_URL is not set; .ci/run starts PostgreSQL and sets it');
    return null;
  }
  const database = `${prefix}_${process.pid}_${Date.now()}`;
  await admin(server, (c) => createScratchDatabase(c, database));
  const url = new URL(server);
  url.pathname = `/${database}`;
  return { url: url.toString(), drop: () => admin(server, (c) => dropScratchDatabase(c, database)) };
}

async function admin(server: string, work: (client: Client) => Promise<unknown>): Promise<void> {
  const client = new Client({ connectionString: server });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
