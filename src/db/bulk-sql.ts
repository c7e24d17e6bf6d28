import type { EntityManager } from 'typeorm';

/**
 * Plain SQL for bulk paths (registry import, ingest and daily postings on server databases). TypeORM's query builder spends about 35 µs
 * per row building multi-row statements (100,000 ESI IDs: 3.5 s); the same statements written
 * here with the driver's own placeholders run twenty times faster. Identifiers are double-quoted,
 * which SQLite, PostgreSQL and SQL Server (QUOTED_IDENTIFIER is on by default) all accept.
 */

/** Bound parameters one statement may carry, kept under each database's limit. */
function parameterLimit(manager: EntityManager): number {
  switch (manager.dataSource.options.type) {
    case 'mssql':
      return 2000; // 2,100 per statement
    case 'postgres':
      return 65_000; // 65,535
    default:
      return 32_000; // SQLite's default SQLITE_MAX_VARIABLE_NUMBER is 32,766
  }
}

/** Rows per multi-row INSERT: SQL Server also caps a VALUES list at 1,000 rows. */
export function rowsPerStatement(manager: EntityManager, columns: number): number {
  const rows = Math.floor(parameterLimit(manager) / columns);
  return manager.dataSource.options.type === 'mssql' ? Math.min(1000, rows) : rows;
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function placeholders(manager: EntityManager, count: number, offset: number): string[] {
  return Array.from({ length: count }, (_, i) => manager.dataSource.driver.createParameter(`p${offset + i}`, offset + i));
}

export async function insertRows(manager: EntityManager, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  const head = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES `;
  for (const chunk of chunks(rows, rowsPerStatement(manager, columns.length))) {
    const tuples = chunk.map((_, i) => `(${placeholders(manager, columns.length, i * columns.length).join(', ')})`);
    await manager.query(head + tuples.join(', '), chunk.flat());
  }
}

/** Runs `SELECT … WHERE column IN (…)` over any number of values, chunked under the parameter limit. */
export async function selectWhereIn<T>(manager: EntityManager, select: string, column: string, values: readonly unknown[]): Promise<T[]> {
  const out: T[] = [];
  for (const chunk of chunks(values, parameterLimit(manager))) {
    const rows = await manager.query(`${select} WHERE "${column}" IN (${placeholders(manager, chunk.length, 0).join(', ')})`, [...chunk]);
    out.push(...(rows as T[]));
  }
  return out;
}

export async function deleteWhereIn(manager: EntityManager, table: string, column: string, values: readonly unknown[]): Promise<void> {
  for (const chunk of chunks(values, parameterLimit(manager))) {
    await manager.query(`DELETE FROM "${table}" WHERE "${column}" IN (${placeholders(manager, chunk.length, 0).join(', ')})`, [...chunk]);
  }
}

/**
 * Makes a transaction's first statement a write on one row: PostgreSQL and SQL Server lock the row
 * until commit, and SQLite's transaction becomes the writer at once (no upgrade deadlock later).
 * The row's data is left as it is: read it again after the lock.
 */
export async function lockRow(manager: EntityManager, table: string, column: string, value: unknown): Promise<void> {
  const [p] = placeholders(manager, 1, 0);
  await manager.query(`UPDATE "${table}" SET "${column}" = "${column}" WHERE "${column}" = ${p}`, [value]);
}
