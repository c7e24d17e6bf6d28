import type { DataSource } from 'typeorm';
import type { UsageDay } from './usage-day';
import type { EsiidFacts, UsageSource } from './usage.source';

/** Parameters per statement stay well inside every server's limit (SQL Server: 2,100). */
const IN_LIST = 1_000;
const LOOKUP_LIMIT = 5_000;

/** Report reads on a database server through TypeORM; rows come back sorted like the SQLite path. */
export class TypeormUsageSource implements UsageSource {
  private readonly meters = new Map<string, string | null>();

  constructor(private readonly db: DataSource) {}

  async *dayRows(day: string, channel: 1 | 4, esiids: ReadonlySet<string>): AsyncIterable<UsageDay> {
    const select = () => this.db.createQueryBuilder()
      .select(['esiid', 'version', 'interval_count AS "intervalCount"', 'interval_values AS "values"', 'start_reading AS "startReading"',
        'stop_reading AS "stopReading"', 'file_id AS "fileId"'])
      .from('interval_day', 'i')
      .where('operating_day = :day AND channel = :channel', { day, channel })
      .orderBy('esiid').addOrderBy('version');
    const raw: Record<string, unknown>[] = [];
    if (esiids.size > LOOKUP_LIMIT) {
      raw.push(...(await select().getRawMany()).filter((r) => esiids.has(r.esiid as string)));
    } else {
      const sorted = [...esiids].sort();
      for (let i = 0; i < sorted.length; i += IN_LIST) {
        raw.push(...(await select().andWhere('esiid IN (:...part)', { part: sorted.slice(i, i + IN_LIST) }).getRawMany()));
      }
    }
    yield* raw.map((r) => ({
      esiid: r.esiid as string, operatingDay: day, channel, version: Number(r.version), intervalCount: Number(r.intervalCount),
      values: r.values as Buffer, startReading: (r.startReading as string | null) ?? null, stopReading: (r.stopReading as string | null) ?? null,
      meterNumber: this.meters.get(r.esiid as string) ?? null, fileId: Number(r.fileId),
    }));
  }

  async facts(esiids: string[]): Promise<Map<string, EsiidFacts>> {
    const facts = new Map<string, EsiidFacts>();
    for (let i = 0; i < esiids.length; i += IN_LIST) {
      const part = esiids.slice(i, i + IN_LIST);
      const registered = await this.db.createQueryBuilder()
        .select(['esiid', 'tdsp_duns AS "tdsp"', 'meter_number AS "meter"', 'read_cycle AS "cycle"']).from('esiid', 'e')
        .where('esiid IN (:...part)', { part }).getRawMany();
      for (const r of registered) {
        facts.set(r.esiid, { tdspDuns: r.tdsp, meterNumber: r.meter ?? null, readCycle: r.cycle === null ? null : Number(r.cycle), stretches: [] });
        this.meters.set(r.esiid, r.meter ?? null);
      }
      const stretches = await this.db.createQueryBuilder()
        .select(['esiid', 'rep_duns AS "repDuns"', 'effective_from AS "from"', 'effective_to AS "to"']).from('rep_of_record', 'r')
        .where('esiid IN (:...part)', { part }).orderBy('effective_from').getRawMany();
      for (const { esiid, ...stretch } of stretches) facts.get(esiid)?.stretches.push(stretch);
    }
    return facts;
  }

  async close(): Promise<void> {}
}
