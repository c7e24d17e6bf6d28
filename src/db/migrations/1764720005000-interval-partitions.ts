import type { MigrationInterface, QueryRunner } from 'typeorm';
import { addMonths, createPartitionSql, monthsBetween } from '../postgres/interval-partitions';

/** Months made ahead of the current one when the table is first partitioned (upkeep keeps it so). */
const MONTHS_AHEAD = 2;

/**
 * PostgreSQL only: interval_day becomes a table partitioned by month of operating day (see
 * docs/postgres.md), with its rows moved over. The day and ESI ID columns take the "C" collation:
 * byte order, the order the embedded database and the report builders sort ESI IDs in, and cheaper
 * comparisons in the primary key. Other databases keep their table: this migration does nothing there.
 */
export class IntervalPartitions1764720005000 implements MigrationInterface {
  name = 'IntervalPartitions1764720005000';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.options.type !== 'postgres') return;
    await q.query('ALTER TABLE interval_day RENAME TO interval_day_unpartitioned');
    await q.query('ALTER INDEX interval_day_pkey RENAME TO interval_day_unpartitioned_pkey');
    await q.query(intervalDayDdl('PARTITION BY RANGE (operating_day)'));
    const [range] = await q.query('SELECT min(operating_day) AS first, max(operating_day) AS last FROM interval_day_unpartitioned');
    const thisMonth = new Date().toISOString().slice(0, 7);
    const months = new Set(monthsBetween(thisMonth, addMonths(thisMonth, MONTHS_AHEAD)));
    if (range?.first) for (const m of monthsBetween(range.first.slice(0, 7), range.last.slice(0, 7))) months.add(m);
    for (const month of [...months].sort()) await q.query(createPartitionSql(month));
    await q.query('INSERT INTO interval_day SELECT * FROM interval_day_unpartitioned');
    await q.query('DROP TABLE interval_day_unpartitioned');
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.options.type !== 'postgres') return;
    await q.query('ALTER TABLE interval_day RENAME TO interval_day_partitioned');
    await q.query('ALTER INDEX interval_day_pkey RENAME TO interval_day_partitioned_pkey');
    await q.query(intervalDayDdl(''));
    await q.query('INSERT INTO interval_day SELECT * FROM interval_day_partitioned');
    await q.query('DROP TABLE interval_day_partitioned'); // drops its partitions with it
  }
}

function intervalDayDdl(tail: string): string {
  return `CREATE TABLE interval_day (
    operating_day VARCHAR(10) COLLATE "C" NOT NULL,
    channel INTEGER NOT NULL,
    esiid VARCHAR(64) COLLATE "C" NOT NULL,
    version BIGINT NOT NULL,
    interval_count INTEGER NOT NULL,
    interval_values BYTEA NOT NULL,
    origin VARCHAR(4) NOT NULL,
    start_reading VARCHAR(20),
    stop_reading VARCHAR(20),
    transaction_id VARCHAR(64) NOT NULL,
    file_id INTEGER NOT NULL,
    CONSTRAINT interval_day_pkey PRIMARY KEY (operating_day, channel, esiid, version)
  ) ${tail}`;
}

