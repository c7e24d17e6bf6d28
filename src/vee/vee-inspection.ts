import { intervalsInDay } from '../core/cpt';
import type { StoredLoad } from '../ingest/ingest.service';
import { checkDay, historyDays } from './vee.rules';
import type { VeeSettings } from './vee-settings';
import { dayStats, decodeDay, type VeeDay, type VeeFinding, type VeeHistory } from './vee-day';
import type { VeeReads } from './vee-reads';
import { bucketsOf } from './weekday-buckets';
import { dayNumber, weekdayOf, type WeekdayRows, type WeekdayTotalsStore } from './weekday-totals';
import type { StoredRecord } from './vee.store';

export type FileFinding = VeeFinding & { tdspDuns: string };

/** What the rules found in a file's records, and the counts its quality row keeps. */
export interface Inspection {
  records: number;
  /** Record findings in file order, each under its record's TDSP (the file's sender when unknown). */
  findings: FileFinding[];
  intervals: number;
  estimatedIntervals: number;
  blankIntervals: number;
  /** Intervals estimated (E) in a version the file replaced and actual (A) in the file's. */
  estimatedToActual: number;
}

const EMPTY = new Uint8Array(0);

type Stretch = { from: string; to: string | null };
/** A record as the loader stored it: every field set, with its sender and REP attribute. */
type LoadedRecord = StoredRecord & { senderDuns: string; repDuns: string | null };

/** A file's records with what the rules need around them. */
interface CheckedFile {
  records: readonly StoredRecord[];
  replaced: Map<StoredRecord, StoredRecord>;
  /** The TDSP a record's findings are filed under, when known. */
  tdspOf: (r: StoredRecord) => string | undefined;
  covered: (r: StoredRecord) => boolean;
}

/**
 * Runs the interval rules over a file's stored records, each with its High/Low Usage history (the
 * weekday totals kept before the file), and keeps the file's own days' totals for later files.
 * Reads and writes only through `reads` and `totals`.
 */
export class VeeInspector {
  constructor(
    private readonly reads: VeeReads,
    private readonly totals: WeekdayTotalsStore,
    private readonly settings: VeeSettings,
  ) {}

  /**
   * The records as the load kept them: no read-back of what was just written. A record that names
   * its REP has a REP of record that day (the load found or learnt the stretch), so stretches are
   * read only for the ESI IDs of records that name none; only records that replaced a stored
   * version have that version read (for the E to A count).
   */
  async inspectLoad(load: StoredLoad, fileTdsp: string): Promise<Inspection> {
    const records = load.stored as readonly LoadedRecord[];
    const replaced = load.replacing.size > 0 ? await this.reads.replacedVersions([...load.replacing] as LoadedRecord[]) : new Map<StoredRecord, StoredRecord>();
    const unnamed = new Set<string>();
    for (const r of records) if (r.repDuns === null) unnamed.add(r.esiid);
    const { stretches } = unnamed.size > 0 ? await this.reads.registryFacts([...unnamed]) : { stretches: new Map<string, Stretch[]>() };
    return this.inspect({
      records, replaced, tdspOf: (r) => (r as LoadedRecord).senderDuns,
      covered: (r) => (r as LoadedRecord).repDuns !== null || covers(stretches.get(r.esiid), r.operatingDay),
    }, fileTdsp);
  }

  /** Records read back from the store (a check run on its own, after the load). */
  async inspectStored(records: StoredRecord[], fileTdsp: string): Promise<Inspection> {
    const { tdsp, stretches } = await this.reads.registryFacts([...new Set(records.map((r) => r.esiid))]);
    return this.inspect({
      records, replaced: await this.reads.replacedVersions(records), tdspOf: (r) => tdsp.get(r.esiid), covered: (r) => covers(stretches.get(r.esiid), r.operatingDay),
    }, fileTdsp);
  }

  private async inspect({ records, replaced, tdspOf, covered }: CheckedFile, fileTdsp: string): Promise<Inspection> {
    const weekdays = await this.weekdayRows(records);
    // A file's records mostly share one operating day: its rows and history days are looked up when the day changes.
    let operatingDay = '', rows: WeekdayRows | undefined, historyOfDay: string[] = [], historyNumbers: number[] = [], wholeDay = 0;
    const out: Inspection = { records: records.length, findings: [], intervals: 0, estimatedIntervals: 0, blankIntervals: 0, estimatedToActual: estimatedToActual(replaced) };
    // One day object for every record, set field by field: the rules read it while they run and copy what a finding keeps.
    const day: VeeDay = { esiid: '', channel: 0, operatingDay: '', version: 0, intervalCount: 0, values: EMPTY, startReading: null, stopReading: null, hasRepOfRecord: false };
    for (const r of records) {
      day.esiid = r.esiid;
      day.channel = r.channel;
      day.operatingDay = r.operatingDay;
      day.version = r.version;
      day.intervalCount = r.intervalCount;
      day.values = r.values;
      day.startReading = r.startReading;
      day.stopReading = r.stopReading;
      day.hasRepOfRecord = covered(r);
      const stats = dayStats(r.values, r.intervalCount);
      out.intervals += r.intervalCount;
      out.estimatedIntervals += stats.estimated;
      out.blankIntervals += stats.blanks;
      let history: VeeHistory | undefined;
      if (r.channel === 4) {
        if (r.operatingDay !== operatingDay) {
          operatingDay = r.operatingDay;
          rows = weekdays.get(weekdayOf(operatingDay))!;
          historyOfDay = historyDays(operatingDay, this.settings.historyWeeks);
          historyNumbers = historyOfDay.map(dayNumber);
          wholeDay = intervalsInDay(operatingDay);
        }
        // History is the weekday's totals as they were before this file; then the record's own day is kept.
        history = rows!.history(r.esiid, historyOfDay, historyNumbers);
        // Only a whole day (no blank, the day's interval count) is compared with later.
        rows!.keep(r.esiid, r.operatingDay, stats.blanks === 0 && r.intervalCount === wholeDay ? stats.totalWh : null);
      }
      for (const finding of checkDay(day, stats, history, this.settings)) out.findings.push({ ...finding, tdspDuns: tdspOf(r) ?? fileTdsp });
    }
    for (const weekdayRows of weekdays.values()) await weekdayRows.save();
    return out;
  }

  /**
   * The weekday rows of the file's consumption records (src/vee/weekday-totals.ts): one read per
   * weekday the file's days fall on, for all its ESI IDs, whose history is then in memory.
   */
  private async weekdayRows(records: readonly StoredRecord[]): Promise<Map<number, WeekdayRows>> {
    const wanted = new Map<number, string[]>();
    let day = '', esiids: string[] = [];
    for (const r of records) {
      if (r.channel !== 4) continue;
      if (r.operatingDay !== day) {
        day = r.operatingDay;
        const weekday = weekdayOf(day);
        if (!wanted.has(weekday)) wanted.set(weekday, []);
        esiids = wanted.get(weekday)!;
      }
      esiids.push(r.esiid);
    }
    const rows = new Map<number, WeekdayRows>();
    for (const [weekday, esiids] of wanted) rows.set(weekday, await this.totals.open(weekday, bucketsOf(esiids)));
    return rows;
  }
}

function covers(stretches: Stretch[] | undefined, day: string): boolean {
  return (stretches ?? []).some((s) => s.from <= day && (s.to === null || s.to >= day));
}

/** Intervals estimated (E) in the version a record replaced and actual (A) in the record: supplemental files at work. */
function estimatedToActual(replaced: Map<StoredRecord, StoredRecord>): number {
  let count = 0;
  for (const [newer, older] of replaced) {
    const now = decodeDay({ ...newer, hasRepOfRecord: true }), before = decodeDay({ ...older, hasRepOfRecord: true });
    for (let i = 0; i < Math.min(now.wh.length, before.wh.length); i++) {
      if (before.wh[i] !== null && before.estimated[i] && now.wh[i] !== null && !now.estimated[i]) count++;
    }
  }
  return count;
}
