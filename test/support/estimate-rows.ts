import path from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import type { CliHarness } from './cli-harness';

/** The stored platform estimates of a harness's platform, (ESI ID, day) sorted, read straight from its database (SQLite file or PostgreSQL). */
export async function storedEstimates(cli: CliHarness): Promise<{ esiid: string; day: string }[]> {
  const sql = 'SELECT "esiid", "operating_day" AS "day" FROM "platform_estimate" ORDER BY "esiid", "operating_day"';
  if (!cli.env.SMT_DB_URL) {
    const db = new Database(path.join(cli.dataDir, 'smt.sqlite'), { readonly: true });
    try {
      return db.prepare(sql).all() as { esiid: string; day: string }[];
    } finally {
      db.close();
    }
  }
  const client = new Client({ connectionString: cli.env.SMT_DB_URL });
  await client.connect();
  try {
    return (await client.query(sql)).rows.map((r) => ({ esiid: r.esiid, day: String(r.day) }));
  } finally {
    await client.end();
  }
}
