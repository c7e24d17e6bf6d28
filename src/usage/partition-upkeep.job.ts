import type { DataSource } from 'typeorm';
import { cptToday } from '../core/cpt';
import { postgresPool } from '../db/postgres/pg-pool';
import { upkeepIntervalPartitions, type PartitionUpkeepResult } from '../db/postgres/partition-upkeep';
import { historyStart } from './report-request.rules';

/**
 * The scheduler's daily partition upkeep on PostgreSQL (a DailyJob of posting.scheduler.ts): months
 * ahead made, months past the 48 months of interval history plus a margin month dropped.
 */
export class PartitionUpkeepJob {
  readonly name = 'partition-upkeep';

  constructor(private readonly db: DataSource, private readonly options: { monthsAhead?: number; marginMonths?: number } = {}) {}

  async run(now: Date): Promise<PartitionUpkeepResult> {
    const today = cptToday(now);
    return upkeepIntervalPartitions(postgresPool(this.db), { today, oldestDay: historyStart('INTERVAL', today), ...this.options });
  }
}
