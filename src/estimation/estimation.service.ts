import { In, type DataSource } from 'typeorm';
import { intervalsInDay } from '../core/cpt';
import { PlatformEstimate } from '../db/entities/platform-estimate.entity';
import { AvailabilityStore } from '../availability/availability.store';
import { missingConsumption } from '../availability/missing-consumption.report';
import { decodeDay } from '../vee/vee-day';
import { VeeStore, type StoredRecord } from '../vee/vee.store';
import { selectWhereIn } from '../db/bulk-sql';
import { candidateDays, type ProxyMethod } from './day-type';
import { defaultProfileDay, isLoadProfileClass } from './default-profiles';
import { fitToDay } from './proxy-shape';
import { estimableOnDay } from './estimate-scope';
import type { ReportScope } from '../usage/report-access';

const CHUNK = 500;

/** How an estimate was made, in the order tried: a proxy day of the same day type, a like day, the class's default profile. */
export type EstimateMethod = ProxyMethod | 'DEFAULT_PROFILE';

export interface EstimateOutcome {
  esiid: string;
  operatingDay: string;
  /** null: no whole, all-actual day of the ESI ID's own within 12 months, and no known load profile class. */
  method: EstimateMethod | null;
  /** The proxy day; null for DEFAULT_PROFILE. */
  sourceDay: string | null;
  /** DEFAULT_PROFILE: the class whose default profile shaped the day. */
  loadProfileClass: string | null;
  totalWh: number | null;
  /** An estimate made by an earlier run was kept. */
  existing: boolean;
}

/**
 * Platform estimates for the days a TDSP's Missing Consumption Report lists: a proxy day from the
 * ESI ID's own whole, all-actual history within 12 months (same day type first, then like days),
 * fitted to the missing day's interval count; without one, the default profile of the ESI ID's load
 * profile class (default-profiles.ts), when the registry knows the class. Estimates go to platform_estimate, never to
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
      const fresh = esiids.filter((e) => !kept.has(e));
      const proxies = await this.proxiesFor(day, fresh);
      const classes = await this.classesOf(fresh.filter((e) => !proxies.has(e)));
      for (const esiid of esiids) {
        const earlier = kept.get(esiid);
        if (earlier) {
          outcomes.push({ esiid, operatingDay: day, method: earlier.method as EstimateMethod, sourceDay: earlier.sourceDay || null,
            loadProfileClass: earlier.loadProfileClass ?? null, totalWh: earlier.totalWh, existing: true });
          continue;
        }
        const proxy = proxies.get(esiid);
        const profileClass = classes.get(esiid);
        if (!proxy && !profileClass) {
          outcomes.push({ esiid, operatingDay: day, method: null, sourceDay: null, loadProfileClass: null, totalWh: null, existing: false });
          continue;
        }
        const { stored, existing } = await this.storeFirst(this.shape(esiid, day, tdspDuns, proxy, profileClass));
        outcomes.push({ esiid, operatingDay: day, method: stored.method as EstimateMethod, sourceDay: stored.sourceDay || null,
          loadProfileClass: stored.loadProfileClass ?? null, totalWh: stored.totalWh, existing });
      }
    }
    return outcomes;
  }

  /**
   * Estimates for those of `esiids` that `scope` may see on `day` (estimate-scope.ts: for a REP, the
   * days one of its DUNS is REP of record; an inactive day for nobody) and that have no consumption
   * record of the TDSP and no stored estimate, made now and stored (a report that asks for platform
   * estimates, before it is built: usage/estimating-csv.producer.ts); the number made. Reads are by
   * key, CHUNK ESI IDs at a time; an estimate another process stores first is kept, this one dropped.
   */
  async estimateDay(day: string, esiids: readonly string[], scope: ReportScope): Promise<number> {
    const fresh: string[] = [];
    for (let i = 0; i < esiids.length; i += CHUNK) {
      const chunk = esiids.slice(i, i + CHUNK);
      const present = await this.db.createQueryBuilder().select('i.esiid', 'esiid').distinct(true).from('interval_day', 'i')
        .where('i.operating_day = :day AND i.channel = 4 AND i.esiid IN (:...chunk)', { day, chunk }).getRawMany<{ esiid: string }>();
      const stored = await this.db.getRepository(PlatformEstimate).find({ where: { operatingDay: day, esiid: In(chunk) }, select: { esiid: true } });
      const known = new Set([...present.map((r) => r.esiid), ...stored.map((e) => e.esiid)]);
      fresh.push(...chunk.filter((e) => !known.has(e)));
    }
    const tdspOf = fresh.length === 0 ? new Map<string, string>() : estimableOnDay(scope, day, fresh, await this.records.registryFacts(fresh));
    const active = fresh.filter((e) => tdspOf.has(e));
    if (active.length === 0) return 0;
    const proxies = await this.proxiesFor(day, active);
    const classes = await this.classesOf(active.filter((e) => !proxies.has(e)));
    const rows = active.filter((e) => proxies.has(e) || classes.has(e)).map((e) => this.shape(e, day, tdspOf.get(e)!, proxies.get(e), classes.get(e)));
    for (let i = 0; i < rows.length; i += 100) await this.db.createQueryBuilder().insert().into(PlatformEstimate).values(rows.slice(i, i + 100)).orIgnore().execute();
    return rows.length;
  }

  /**
   * Stores `made` unless an estimate of its (day, ESI ID) landed first (a report's estimateDay, or
   * another run, between this run's read and now): then that one is kept and returned as existing.
   */
  private async storeFirst(made: Omit<PlatformEstimate, 'id'>): Promise<{ stored: Omit<PlatformEstimate, 'id'>; existing: boolean }> {
    const repo = this.db.getRepository(PlatformEstimate);
    try {
      await repo.insert(made);
      return { stored: made, existing: false };
    } catch (err) {
      // The key (operating_day, esiid) refused it, whatever the database calls that; any other failure is thrown as it was.
      const first = await repo.findOneBy({ operatingDay: made.operatingDay, esiid: made.esiid });
      if (!first) throw err;
      return { stored: first, existing: true };
    }
  }

  /** A proxy day fitted to `day`, else the class's default profile for it, as a row to store. */
  private shape(esiid: string, day: string, tdspDuns: string, proxy: { day: string; method: ProxyMethod; wh: number[] } | undefined,
    profileClass: Parameters<typeof defaultProfileDay>[0] | undefined): Omit<PlatformEstimate, 'id'> {
    const wh = proxy ? fitToDay(proxy.wh, proxy.day, day) : defaultProfileDay(profileClass!, day);
    const made = proxy ? { method: proxy.method, sourceDay: proxy.day, loadProfileClass: null } : { method: 'DEFAULT_PROFILE', sourceDay: '', loadProfileClass: profileClass! };
    return { esiid, operatingDay: day, tdspDuns, ...made, intervalCount: wh.length, intervalWh: wh.join(','), totalWh: wh.reduce((s, v) => s + v, 0), createdAt: this.now().toISOString() };
  }

  /**
   * Each ESI ID's proxy for one missing day: the first candidate day stored whole and all actual
   * (newest version). The ESI IDs missing that day share the candidates, so each candidate day is
   * one indexed read for all those still without a proxy; the reads stop when none is left.
   */
  protected async proxiesFor(day: string, esiids: string[]): Promise<Map<string, { day: string; method: ProxyMethod; wh: number[] }>> {
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

  /** The known load profile classes of ESI IDs (a class the platform has no default profile for counts as unknown). */
  private async classesOf(esiids: string[]): Promise<Map<string, Parameters<typeof defaultProfileDay>[0]>> {
    if (esiids.length === 0) return new Map();
    const rows = await selectWhereIn<{ esiid: string; cls: string | null }>(this.db.manager, 'SELECT "esiid", "load_profile_class" AS "cls" FROM "esiid"', 'esiid', esiids);
    const out = new Map<string, Parameters<typeof defaultProfileDay>[0]>();
    for (const r of rows) if (r.cls !== null && isLoadProfileClass(r.cls)) out.set(r.esiid, r.cls);
    return out;
  }
}

function isWholeActual(r: StoredRecord, day: string): boolean {
  const d = decodeDay({ ...r, hasRepOfRecord: true });
  return r.intervalCount === intervalsInDay(day) && d.blanks === 0 && d.estimatedCount === 0;
}
