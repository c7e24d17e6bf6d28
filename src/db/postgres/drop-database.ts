import type { Client, PoolClient } from 'pg';

/** insufficient_privilege: FORCE may not end a backend of another role. */
const NOT_PERMITTED = '42501';

/**
 * Drops a scratch database (tests, benchmarks, the soak) with its connections. An autovacuum
 * worker busy in a freshly loaded database belongs to the server's superuser, and FORCE run by an
 * ordinary role may not end it: the drop is then tried again until the worker has left (at most
 * about a minute: autovacuum of a freshly loaded table can take that long), instead of failing the run that owns the database.
 */
export async function dropScratchDatabase(client: Client | PoolClient, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== NOT_PERMITTED || attempt >= 240) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
