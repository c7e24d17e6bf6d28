import type { PoolClient } from 'pg';
import { keysByDayChannel, type DayChannel, type IntervalKey, type RorStretch } from './ingest.store';

/**
 * The look-ups of one file's load on PostgreSQL, each batch's in as few round trips as the loader's
 * order allows: on a busy server a round trip costs more than the index probes it carries.
 *
 * - Versions: whether a day and channel holds any stored row is asked once per file, for all the
 *   file's days before it writes a row (foreseeDays; asked later, a day the file is writing would
 *   make the server visit each of its uncommitted rows); a day the database holds nothing of (a
 *   TDSP's daily file, the usual case) then needs no look-up at all, and the others one array-bound
 *   read each.
 * - Registry: the TDSP of the batch's unknown ESI IDs and their REP-of-record stretches come in one
 *   statement; the stretches wait here until the loader asks for them (it does so for the same ESI
 *   IDs, after the version checks of the same batch), and are dropped at the batch's end.
 *
 * Everything read is committed state (see PostgresIngestStore.inTransaction): under the ingest lock
 * no other load writes interval_day, and what this file writes the loader keeps in memory itself.
 */
export class PostgresIngestReads {
  /** `day|channel` → whether committed rows exist, as read before this file wrote any of it. */
  private readonly dayChannelStored = new Map<string, boolean>();
  /** Stretches read with the ESI IDs' TDSPs, not yet handed to the loader. */
  private readonly prefetched = new Map<string, RorStretch[]>();

  constructor(private readonly client: () => PoolClient) {}

  /** Asks, for every day and channel not asked yet, whether committed rows exist (one statement). */
  async foreseeDays(pairs: DayChannel[]): Promise<void> {
    const unknown = pairs.filter((p) => !this.dayChannelStored.has(p.day + '|' + p.channel));
    if (unknown.length === 0) return;
    const { rows } = await this.client().query({
      // The first key in the primary key's order, not EXISTS: EXISTS drops an ORDER BY, and without one the
      // planner may answer by scanning the month's partition from its start for a day stored at its end.
      text: `SELECT g.d, g.c, (SELECT i.esiid FROM interval_day i WHERE i.operating_day = g.d AND i.channel = g.c
          ORDER BY i.operating_day, i.channel, i.esiid LIMIT 1) IS NOT NULL
        FROM unnest($1::text[], $2::int[]) AS g(d, c)`,
      values: [unknown.map((p) => p.day), unknown.map((p) => p.channel)],
      rowMode: 'array',
    });
    for (const [day, channel, stored] of rows as [string, number, boolean][]) this.dayChannelStored.set(day + '|' + channel, stored);
  }

  async latestVersions(keys: IntervalKey[]): Promise<(number | null)[]> {
    const groups = keysByDayChannel(keys);
    await this.foreseeDays([...groups.values()]);
    const found = new Map<string, number>();
    for (const [g, { day, channel, esiids }] of groups) {
      if (!this.dayChannelStored.get(g)) continue;
      const { rows } = await this.client().query({
        text: 'SELECT esiid, max(version) AS v FROM interval_day WHERE operating_day = $1 AND channel = $2 AND esiid = ANY($3::text[]) GROUP BY esiid',
        values: [day, channel, esiids],
        rowMode: 'array',
      });
      for (const [esiid, v] of rows as [string, string][]) found.set(g + '|' + esiid, Number(v));
    }
    if (found.size === 0) return keys.map(() => null);
    return keys.map((k) => found.get(k.operatingDay + '|' + k.channel + '|' + k.esiid) ?? null);
  }

  /** The TDSP of each registered ESI ID asked; their stretches are kept for repsOfRecord. */
  async esiidTdsps(esiids: string[]): Promise<Map<string, string>> {
    const { rows } = await this.client().query({
      text: `SELECT esiid, tdsp_duns, NULL::int, NULL, NULL, NULL, NULL FROM esiid WHERE esiid = ANY($1::text[])
        UNION ALL SELECT esiid, NULL, id, rep_duns, effective_from, effective_to, source FROM rep_of_record WHERE esiid = ANY($1::text[])`,
      values: [esiids],
      rowMode: 'array',
    });
    const tdsps = new Map<string, string>();
    for (const e of esiids) this.prefetched.set(e, []);
    for (const [esiid, tdsp, id, repDuns, effectiveFrom, effectiveTo, source] of rows) {
      if (tdsp !== null) tdsps.set(esiid, tdsp);
      else this.prefetched.get(esiid)!.push({ id: Number(id), repDuns, effectiveFrom, effectiveTo, source });
    }
    return tdsps;
  }

  /** The batch's records are written: stretches read for it and not asked for are read again if ever needed. */
  endBatch(): void {
    this.prefetched.clear();
  }

  /** Each ESI ID's stretches in order of their start: those read with its TDSP, else read now. */
  async repsOfRecord(esiids: string[]): Promise<Map<string, RorStretch[]>> {
    const found = new Map<string, RorStretch[]>();
    const missing: string[] = [];
    for (const e of esiids) {
      const list = this.prefetched.get(e);
      if (list) {
        found.set(e, list);
        this.prefetched.delete(e);
      } else {
        found.set(e, []);
        missing.push(e);
      }
    }
    if (missing.length > 0) {
      const { rows } = await this.client().query({
        text: 'SELECT esiid, id, rep_duns, effective_from, effective_to, source FROM rep_of_record WHERE esiid = ANY($1::text[])',
        values: [missing],
        rowMode: 'array',
      });
      for (const [esiid, id, repDuns, effectiveFrom, effectiveTo, source] of rows) {
        found.get(esiid)!.push({ id: Number(id), repDuns, effectiveFrom, effectiveTo, source });
      }
    }
    for (const list of found.values()) if (list.length > 1) list.sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
    return found;
  }
}
