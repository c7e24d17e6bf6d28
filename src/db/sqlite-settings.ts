/**
 * SQLite settings shared by every connection to the embedded database, in a module of their own:
 * threads that only read (report CSV threads) import them without loading TypeORM.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 30_000;
