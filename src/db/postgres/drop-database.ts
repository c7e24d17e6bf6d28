import type { Client, PoolClient } from 'pg';

/** insufficient_privilege: FORCE may not end a backend of another role. */
const NOT_PERMITTED = '42501';

/**
 * A scratch database's name as a quoted SQL identifier, for CREATE and DROP DATABASE (which take no
 * parameters). Only lowercase letters, digits and underscores, 1 to 63 of them: nothing to escape,
 * and the same name in a connection URL's path; anything else is refused before it reaches SQL.
 */
export function scratchDatabaseIdentifier(name: string): string {
  if (!/^[a-z0-9_]{1,63}$/.test(name)) {
    throw new Error(`scratch database name ${JSON.stringify(name)} is not allowed: use 1 to 63 lowercase letters, digits and underscores`);
  }
  return `"${name}"`;
}

/** Creates a scratch database, empty or (file copy: quicker than WAL logging for large ones) as a copy of `template`. */
export async function createScratchDatabase(client: Client | PoolClient, name: string, template?: string): Promise<void> {
  const database = scratchDatabaseIdentifier(name);
  await client.query(template === undefined ? `CREATE DATABASE ${database}` : `CREATE DATABASE ${database} TEMPLATE ${scratchDatabaseIdentifier(template)} STRATEGY = FILE_COPY`);
}

/**
 * Drops a scratch database (tests, benchmarks, the soak) with its connections. An autovacuum
 * worker busy in a freshly loaded database belongs to the server's superuser, and FORCE run by an
 * ordinary role may not end it: the drop is then tried again until the worker has left (at most
 * about a minute: autovacuum of a freshly loaded table can take that long), instead of failing the run that owns the database.
 */
export async function dropScratchDatabase(client: Client | PoolClient, name: string): Promise<void> {
  const database = scratchDatabaseIdentifier(name);
  for (let attempt = 1; ; attempt++) {
    try {
      await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== NOT_PERMITTED || attempt >= 240) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
