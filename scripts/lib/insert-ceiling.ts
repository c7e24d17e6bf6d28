/**
 * The insert ceiling of bench:ingest: what better-sqlite3 alone does with the rows ingest stores.
 * The files are parsed first (not timed) with the platform's own reader; then the loadable rows go
 * into the same prefilled table with one prepared INSERT per row, one transaction per file, on a
 * connection with the ingest store's settings. The time runs from opening the database to closing
 * it (the WAL checkpoint on close included), as a whole `smt ingest` process pays for both.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { cptTimestamp } from '../../src/core/cpt';
import { LseReader } from '../../src/ingest/lse.reader';
import { applyIngestPragmas } from '../../src/ingest/sqlite-ingest.store';

/** One interval_day row, in the INSERT's column order. */
type Row = [string, number, string, number, number, Buffer, string, string | null, string | null, string, number];

export interface CeilingRows {
  files: Row[][];
  rows: number;
}

/** Parses the files with the platform's reader and keeps the records ingest would load (code 00). */
export function readCeilingRows(files: string[]): CeilingRows {
  const now = Number(cptTimestamp(new Date()));
  const out: Row[][] = [];
  let rows = 0;
  files.forEach((file, fileId) => {
    const reader = new LseReader(now);
    const records = [...reader.push(fs.readFileSync(file)), ...reader.end().records];
    const kept: Row[] = [];
    for (const r of records) {
      if (r.code !== '00') continue;
      kept.push([r.operatingDay!, r.channel!, r.esiid!, r.version!, r.intervalCount, Buffer.from(r.values), r.origin!,
        r.startReading, r.stopReading, r.transactionId!, fileId + 1]);
    }
    rows += kept.length;
    out.push(kept);
  });
  return { files: out, rows };
}

/** Inserts the rows into the database file; returns the seconds taken and the CPU seconds used. */
export function insertCeiling(dbFile: string, rows: CeilingRows): { seconds: number; cpuSeconds: number } {
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const db = new Database(dbFile);
  applyIngestPragmas(db);
  const insert = db.prepare(`INSERT INTO interval_day (operating_day, channel, esiid, version, interval_count, interval_values,
    origin, start_reading, stop_reading, transaction_id, file_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const loadFile = db.transaction((fileRows: Row[]) => {
    for (const row of fileRows) insert.run(row);
  });
  for (const fileRows of rows.files) loadFile(fileRows);
  db.close();
  const used = process.cpuUsage(cpu);
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, cpuSeconds: (used.user + used.system) / 1e6 };
}
