/**
 * SQLite settings shared by every connection to the embedded database, in a module of their own:
 * threads that only read (report CSV threads) import them without loading TypeORM.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 30_000;

/**
 * WAL pages after which a commit checkpoints, the same on every connection that writes: with
 * SQLite's default (1,000) the first small commit of another connection after a file's load (VEE's
 * findings and quality row) paid for checkpointing the whole load, about 90 ms a file.
 */
export const SQLITE_WAL_AUTOCHECKPOINT_PAGES = 16_384;
