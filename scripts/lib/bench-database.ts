/**
 * Fills an embedded database the fast way (straight SQL, key order) to the state a live system
 * would be in, for benchmarks and large tests: participants, ESI IDs with their REP, stored days.
 */
import Database from 'better-sqlite3';
import { dayStats } from '../../src/vee/vee-day';
import { bucketFrom, bucketMembers, bucketOf } from '../../src/vee/weekday-buckets';
import { dayNumber, keepDay, weekdayOf } from '../../src/vee/weekday-totals';
import { addDays } from '../../src/core/cpt';
import { ESTIMATED_FLAG } from '../../src/ingest/lse-record';
import { generatedEsiid } from './lse-generator';

export const BENCH_TDSP = '100000001';
export const BENCH_REP = '200000001';

export function registerBenchParticipants(file: string, repPublicKey: string | null = null): void {
  const db = new Database(file);
  db.prepare("INSERT INTO market_participant (name, kind) VALUES ('Bench TDSP', 'TDSP')").run();
  db.prepare("INSERT INTO market_participant (name, kind, pgp_public_key) VALUES ('Bench REP', 'REP', ?)").run(repPublicKey);
  db.exec(`INSERT INTO participant_duns (duns, participant_id) VALUES ('${BENCH_TDSP}', 1), ('${BENCH_REP}', 2);`);
  db.close();
}

/** The first `count` generated ESI IDs, sorted (the order they are stored in). */
export function benchEsiids(count: number): string[] {
  return Array.from({ length: count }, (_, i) => generatedEsiid(i + 1)).sort();
}

/**
 * How the REP of record got into the registry: `imported` (smt registry import: one open stretch
 * per ESI ID) or `learnt` (from the REP= of the stored days' LSE records: one stretch per ESI ID
 * covering exactly those days, as ingest leaves it).
 */
export type BenchRegistryState = 'imported' | 'learnt';

/** Registers the ESI IDs under the bench TDSP and REP, then stores `days` days of 96 intervals from `firstDay`. */
export function prefillDays(file: string, esiids: string[], firstDay: string, days: number, registry: BenchRegistryState = 'imported'): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const ror = registry === 'imported'
    ? db.prepare(`INSERT INTO rep_of_record (esiid, rep_duns, effective_from, effective_to, source) VALUES (?, '${BENCH_REP}', '2000-01-01', NULL, 'registry')`)
    : db.prepare(`INSERT INTO rep_of_record (esiid, rep_duns, effective_from, effective_to, source) VALUES (?, '${BENCH_REP}', '${firstDay}', '${addDays(firstDay, days - 1)}', 'lse')`);
  const esiid = db.prepare(`INSERT OR IGNORE INTO esiid (esiid, tdsp_duns) VALUES (?, '${BENCH_TDSP}')`);
  db.transaction(() => esiids.forEach((id) => (esiid.run(id), ror.run(id))))();
  const insert = db.prepare(`INSERT INTO interval_day (operating_day, channel, esiid, version, interval_count, interval_values,
    origin, transaction_id, file_id) VALUES (?, 4, ?, ?, 96, ?, 'M', ?, 0)`);
  const values = new Int32Array(96).map((_, i) => 100 + ((i * 37) % 900) | (i % 17 === 0 ? ESTIMATED_FLAG : 0));
  const blob = Buffer.from(values.buffer);
  const writeDay = db.transaction((day: string) => {
    const version = Number(`${addDays(day, 1).replace(/-/g, '')}060000`);
    for (const id of esiids) insert.run(day, id, version, blob, `${id}${day}`);
  });
  for (let d = 0; d < days; d++) writeDay(addDays(firstDay, d));
  // The weekday totals a VEE check keeps (src/vee/weekday-totals.ts), as if the days had been loaded with VEE on.
  const totalWh = dayStats(blob, 96).totalWh;
  const daysOf = new Map<number, number[]>();
  for (let d = 0; d < days; d++) {
    const day = addDays(firstDay, d);
    daysOf.set(weekdayOf(day), [...(daysOf.get(weekdayOf(day)) ?? []), dayNumber(day)]);
  }
  // Merged into the buckets an earlier prefill of other days kept.
  const kept = db.prepare('SELECT members FROM vee_weekday_bucket WHERE weekday = ? AND bucket = ?').pluck();
  const keep = db.prepare('INSERT INTO vee_weekday_bucket (weekday, bucket, members) VALUES (?, ?, ?) ON CONFLICT (weekday, bucket) DO UPDATE SET members = excluded.members');
  const buckets = new Map<string, string[]>();
  for (const id of esiids) buckets.set(bucketOf(id), [...(buckets.get(bucketOf(id)) ?? []), id]);
  db.transaction(() => {
    for (const [weekday, dayNumbers] of daysOf) {
      for (const [key, members] of buckets) {
        const stored = kept.get(weekday, key) as Uint8Array | undefined;
        const totals = new Map((stored ? bucketMembers(key, stored) : []).map((m) => [m.esiid, m.totals]));
        for (const id of members) {
          let row = totals.get(id);
          for (const n of dayNumbers) row = keepDay(row, n, totalWh);
          totals.set(id, row!);
        }
        const bucket = bucketFrom([...totals].map(([esiid, t]) => ({ esiid, totals: t })));
        keep.run(weekday, key, bucket);
      }
    }
  })();
  db.close();
}
