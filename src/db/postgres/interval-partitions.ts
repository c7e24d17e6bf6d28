/**
 * interval_day on PostgreSQL is partitioned by month of operating day (see docs/postgres.md for why
 * a month). A month's partition is named interval_day_pYYYY_MM and holds [YYYY-MM-01, next month).
 */

/** Anything that runs SQL: a pg Client/PoolClient, a Pool, or a TypeORM QueryRunner through an adapter. */
export interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const PARTITION = /^interval_day_p(\d{4})_(\d{2})$/;

/** YYYY-MM of a YYYY-MM-DD day. */
export function monthOf(day: string): string {
  return day.slice(0, 7);
}

/** The month `n` months after (or before, n < 0) a YYYY-MM month. */
export function addMonths(month: string, n: number): string {
  const m = MONTH.exec(month);
  if (!m) throw new Error(`not a YYYY-MM month: ${month}`);
  const index = Number(m[1]) * 12 + Number(m[2]) - 1 + n;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export function partitionName(month: string): string {
  return `interval_day_p${month.replace('-', '_')}`;
}

/** The month a partition name stands for, or null when the table is not one of ours. */
export function partitionMonth(table: string): string | null {
  const m = PARTITION.exec(table);
  return m ? `${m[1]}-${m[2]}` : null;
}

/** Every month from `first` to `last`, both included. */
export function monthsBetween(first: string, last: string): string[] {
  const out: string[] = [];
  for (let m = first; m <= last; m = addMonths(m, 1)) out.push(m);
  return out;
}

export function createPartitionSql(month: string): string {
  addMonths(month, 0); // validates: the month becomes part of an identifier
  return `CREATE TABLE IF NOT EXISTS ${partitionName(month)} PARTITION OF interval_day
    FOR VALUES FROM ('${month}-01') TO ('${addMonths(month, 1)}-01')`;
}

/** The month partitions interval_day has now, oldest first. */
export async function listPartitionMonths(db: SqlRunner): Promise<string[]> {
  const { rows } = await db.query(`SELECT c.relname AS name FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'interval_day'::regclass`);
  return rows.map((r) => partitionMonth(String(r.name))).filter((m): m is string => m !== null).sort();
}

/** Creates the partitions of the months given that are missing. */
export async function ensurePartitions(db: SqlRunner, months: Iterable<string>): Promise<string[]> {
  const have = new Set(await listPartitionMonths(db));
  const created: string[] = [];
  for (const month of [...new Set(months)].sort()) {
    if (have.has(month)) continue;
    await db.query(createPartitionSql(month));
    created.push(month);
  }
  return created;
}
