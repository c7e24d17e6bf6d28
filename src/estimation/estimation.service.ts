import type { DataSource } from 'typeorm';
import { intervalsInDay } from '../core/cpt';
import { PlatformEstimate } from '../db/entities/platform-estimate.entity';
import { AvailabilityStore } from '../availability/availability.store';
import { missingConsumption } from '../availability/missing-consumption.report';
import { decodeDay } from '../vee/vee-day';
import { VeeStore, type StoredRecord } from '../vee/vee.store';
import { candidateDays, type ProxyMethod } from './day-type';
import { fitToDay } from './proxy-shape';

const CHUNK = 500;

export interface EstimateOutcome {
  esiid: string;
  operatingDay: string;
  /** null: no whole, all-actual day of the ESI ID's own within 12 months. */
  method: ProxyMethod | null;
  sourceDay: string | null;
  totalWh: number | null;
  /** An estimate made by an earlier run was kept. */
  existing: boolean;
}

/**
 * Platform estimates for the days a TDSP's Missing Consumption Report lists: a proxy day from the
 * ESI ID's own whole, all-actual history within 12 months (same day type first, then like days),
 * fitted to the missing day's interval count. Estimates go to platform_estimate, never to
 * interval_day: reports and daily files serve TDSP data only.
 */
export class EstimationService {
  private readonly records: VeeStore;

  constructor(private readonly db: DataSource, private readonly now: () => Date = () => new Date()) {
    this.records = new VeeStore(db);
  }

  async estimateMissing(tdspDuns: string, reportDay: string): Promise<EstimateOutcome[]> {
    const report = await missingConsumption(new AvailabilityStore(this.db), tdspDuns, reportDay);
    const repo = this.db.getRepository(PlatformEstimate);
    const outcomes: EstimateOutcome[] = [];
    const byDay = new Map<string, string[]>();
    for (const row of report.rows) byDay.set(row.operatingDay, [...(byDay.get(row.operatingDay) ?? []), row.esiid]);
    for (const [day, esiids] of byDay) {
      const kept = new Map((await repo.findBy({ operatingDay: day })).map((e) => [e.esiid, e]));
      const proxies = await this.proxiesFor(day, esiids.filter((e) => !kept.has(e)));
      for (const esiid of esiids) {
        const earlier = kept.get(esiid);
        if (earlier) {
          outcomes.push({ esiid, operatingDay: day, method: earlier.method as ProxyMethod, sourceDay: earlier.sourceDay, totalWh: earlier.totalWh, existing: true });
          continue;
        }
        const proxy = proxies.get(esiid);
        if (!proxy) {
          outcomes.push({ esiid, operatingDay: day, method: null, sourceDay: null, totalWh: null, existing: false });
          continue;
        }
        const wh = fitToDay(proxy.wh, proxy.day, day);
        const totalWh = wh.reduce((s, v) => s + v, 0);
        await repo.insert({ esiid, operatingDay: day, tdspDuns, method: proxy.method, sourceDay: proxy.day,
          intervalCount: wh.length, intervalWh: wh.join(','), totalWh, createdAt: this.now().toISOString() });
        outcomes.push({ esiid, operatingDay: day, method: proxy.method, sourceDay: proxy.day, totalWh, existing: false });
      }
    }
    return outcomes;
  }

  /**
   * Each ESI ID's proxy for one missing day: the first candidate day stored whole and all actual
   * (newest version). The ESI IDs missing that day share the candidates, so each candidate day is
   * one indexed read for all those still without a proxy; the reads stop when none is left.
   */
  private async proxiesFor(day: string, esiids: string[]): Promise<Map<string, { day: string; method: ProxyMethod; wh: number[] }>> {
    const found = new Map<string, { day: string; method: ProxyMethod; wh: number[] }>();
    let open = esiids;
    for (const candidate of candidateDays(day)) {
      if (open.length === 0) break;
      for (let i = 0; i < open.length; i += CHUNK) {
        for (const stored of await this.records.newestOf(candidate.day, 4, open.slice(i, i + CHUNK))) {
          if (isWholeActual(stored, candidate.day)) found.set(stored.esiid, { day: candidate.day, method: candidate.method, wh: decodeDay({ ...stored, hasRepOfRecord: true }).wh as number[] });
        }
      }
      open = open.filter((e) => !found.has(e));
    }
    return found;
  }
}

function isWholeActual(r: StoredRecord, day: string): boolean {
  const d = decodeDay({ ...r, hasRepOfRecord: true });
  return r.intervalCount === intervalsInDay(day) && d.blanks === 0 && d.estimatedCount === 0;
}
