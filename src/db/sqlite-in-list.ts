import type Database from 'better-sqlite3';

/**
 * Statements with an IN list (`#` in the SQL stands for its n placeholders), prepared once per SQL
 * and list length: the embedded database's readers and writers look ESI IDs up in chunks.
 */
export class InListStatements {
  private readonly prepared = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  get(sql: string, n: number): Database.Statement {
    const key = `${sql}|${n}`;
    let stmt = this.prepared.get(key);
    if (!stmt) {
      stmt = this.db.prepare(sql.replace('#', Array(n).fill('?').join(',')));
      this.prepared.set(key, stmt);
    }
    return stmt;
  }
}
