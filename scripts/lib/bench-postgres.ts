/**
 * PostgreSQL for the benchmarks' `--db postgres`: a database per measurement, cloned from a template
 * that holds exactly the rows of the embedded benchmark database (copied table by table), so both
 * engines load into, or report from, the same stored state.
 */
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { ensurePartitions } from '../../src/db/postgres/interval-partitions';
import { createScratchDatabase, dropScratchDatabase } from '../../src/db/postgres/drop-database';

/** The server the benchmark creates its databases on: --pg-url, else SMT_BENCH_POSTGRES_URL, else SMT_TEST_POSTGRES_URL. */
export function benchServerUrl(flag: string | undefined): string {
  const url = flag || process.env.SMT_BENCH_POSTGRES_URL || process.env.SMT_TEST_POSTGRES_URL;
  if (!url) throw new Error('--db postgres needs a server: --pg-url postgres://user:password@host:5432/postgres (a role that may create databases), or SMT_BENCH_POSTGRES_URL');
  return url;
}

export function databaseUrl(server: string, name: string): string {
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new, empty database; or a copy of `template` (file copy: quicker than WAL logging for large ones). */
export async function createDatabase(server: string, name: string, template?: string): Promise<string> {
  await withClient(server, (c) => createScratchDatabase(c, name, template || undefined));
  return databaseUrl(server, name);
}

export async function dropDatabase(server: string, name: string): Promise<void> {
  await withClient(server, (c) => dropScratchDatabase(c, name));
}

const COPIED_TABLES = ['market_participant', 'participant_duns', 'esiid', 'rep_of_record', 'interval_day', 'vee_weekday_bucket'];

/**
 * Copies the benchmark tables of an embedded database into a migrated PostgreSQL one through text
 * COPY, then sets the id sequences past the copied ids and refreshes the planner's statistics.
 */
export async function copySqliteToPostgres(sqliteFile: string, url: string, tables = COPIED_TABLES): Promise<void> {
  const lite = new Database(sqliteFile, { readonly: true });
  try {
    await withClient(url, async (pg) => {
      for (const table of tables) {
        const pgColumns = new Set((await pg.query('SELECT column_name FROM information_schema.columns WHERE table_name = $1', [table])).rows.map((r) => r.column_name as string));
        const columns = (lite.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name).filter((c) => pgColumns.has(c));
        if (table === 'interval_day') {
          const days = lite.prepare('SELECT DISTINCT substr(operating_day, 1, 7) FROM interval_day').pluck().all() as string[];
          await ensurePartitions(pg, days);
        }
        const rows = lite.prepare(`SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM ${table}`).raw().iterate() as IterableIterator<unknown[]>;
        await pipeline(Readable.from(copyLines(rows)), pg.query(copyFrom(`COPY ${table} (${columns.map((c) => `"${c}"`).join(', ')}) FROM STDIN`)));
        if (columns.includes('id')) await pg.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), coalesce(max(id), 0) + 1, false) FROM ${table}`);
      }
      await pg.query('ANALYZE');
    });
  } finally {
    lite.close();
  }
}

/** Rows as COPY text, about 1 MB a chunk. */
function* copyLines(rows: IterableIterator<unknown[]>): Generator<string> {
  let chunk = '';
  for (const row of rows) {
    chunk += row.map(copyField).join('\t') + '\n';
    if (chunk.length > 1 << 20) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return '\\\\x' + Buffer.from(value).toString('hex');
  return String(value).replace(/[\\\t\n\r]/g, (ch) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[ch]!);
}
