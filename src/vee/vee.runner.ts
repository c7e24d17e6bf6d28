import { intervalsInDay } from '../core/cpt';
import type { Logger } from '../core/logger';
import { timeChangeRejection } from './rules/time-change.rule';
import { checkDay, historyDays } from './vee.rules';
import type { VeeSettings } from './vee-settings';
import { dayStats, decodeDay, VEE_RULES, type VeeDay, type VeeFinding, type VeeHistory, type VeeRuleName } from './vee-day';
import { weekdayOf, wholeDaysOf, type WeekdayRows, type WeekdayTotalsStore } from './weekday-totals';
import type { StoredLoad } from '../ingest/ingest.service';
import type { VeeReads } from './vee-reads';
import type { FileFacts, StoredRecord, VeeStore } from './vee.store';

export type FileFinding = VeeFinding & { tdspDuns: string };

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

function covers(stretches: Stretch[] | undefined, day: string): boolean {
  return (stretches ?? []).some((s) => s.from <= day && (s.to === null || s.to >= day));
}

/** What VEE found in one file: counts per rule (code order), then the findings. */
export interface VeeOutcome {
  fileId: number;
  records: number;
  counts: { code: string; rule: VeeRuleName; count: number }[];
  findings: FileFinding[];
}

/**
 * Runs the VEE rules over the records a file stored, after the file's transaction committed: the
 * records as the load kept them (or read back, for a check run on its own), so what it checks is
 * what REPs are served. It keeps each consumption record's daily total for later days' history. It only adds findings; a failure
 * here is logged and never undoes or delays the load.
 */
export class VeeRunner {
  constructor(
    private readonly store: VeeStore,
    /** Where the daily totals the High/Low Usage rule compares with are kept. */
    private readonly totals: WeekdayTotalsStore,
    private readonly settings: VeeSettings,
    private readonly logger: Logger,
    /** Where the check's reads go: the store itself, or a faster adapter for the database. */
    private readonly reads: VeeReads = store,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * null when VEE is off, the file loaded nothing checkable, or the check failed (logged). `load`:
   * what the file stored, as the loader kept it in memory; without it the records are read back.
   */
  async runForFile(fileId: number, load?: StoredLoad): Promise<VeeOutcome | null> {
    if (this.settings.mode === 'off') return null;
    try {
      return await this.check(fileId, load ?? null);
    } catch (error) {
      this.logger.error('vee: checking a loaded file failed; its data is loaded and served unchanged', { fileId, error: (error as Error).message });
      return null;
    }
  }

  private async check(fileId: number, load: StoredLoad | null): Promise<VeeOutcome | null> {
    const facts = await this.store.fileFacts(fileId);
    if (!facts || facts.status !== 'loaded') return null;
    const { records, replaced, tdspOf, covered } = load ? await this.fromLoad(load) : await this.readBack(fileId, facts);
    const fileTdsp = facts.senderDuns ?? '';
    const rejected = (await this.store.rejections(fileId, '03')).map(timeChangeRejection).filter((f): f is VeeFinding => f !== null);
    const weekdays = await this.weekdayRows(records);
    // A file's records mostly share one operating day: its rows and history days are looked up when the day changes.
    let operatingDay = '', rows: WeekdayRows | undefined, historyOfDay: string[] = [], wholeDay = 0;
    const findings: FileFinding[] = [];
    const counts = { intervals: 0, estimatedIntervals: 0, blankIntervals: 0 };
    for (const r of records) {
      // Spelt out rather than spread: a loaded record carries more fields than the rules read.
      const day: VeeDay = {
        esiid: r.esiid, channel: r.channel, operatingDay: r.operatingDay, version: r.version, intervalCount: r.intervalCount, values: r.values,
        startReading: r.startReading, stopReading: r.stopReading, hasRepOfRecord: covered(r),
      };
      const stats = dayStats(r.values, r.intervalCount);
      counts.intervals += r.intervalCount;
      counts.estimatedIntervals += stats.estimated;
      counts.blankIntervals += stats.blanks;
      let history: VeeHistory | undefined;
      if (r.channel === 4) {
        if (r.operatingDay !== operatingDay) {
          operatingDay = r.operatingDay;
          rows = weekdays.get(weekdayOf(operatingDay))!;
          historyOfDay = historyDays(operatingDay, this.settings.historyWeeks);
          wholeDay = intervalsInDay(operatingDay);
        }
        // History is the weekday's totals as they were before this file; then the record's own day is kept.
        const before = rows!.before(r.esiid);
        if (before) history = { days: wholeDaysOf(before, historyOfDay) };
        // Only a whole day (no blank, the day's interval count) is compared with later.
        rows!.keep(r.esiid, r.operatingDay, stats.blanks === 0 && r.intervalCount === wholeDay ? stats.totalWh : null);
      }
      for (const finding of checkDay(day, stats, history, this.settings)) findings.push({ ...finding, tdspDuns: tdspOf(r) ?? fileTdsp });
    }
    for (const finding of rejected) findings.push({ ...finding, tdspDuns: fileTdsp });
    for (const rows of weekdays.values()) await rows.save();
    if (findings.length > 0) await this.store.save(fileId, findings, this.now().toISOString());
    await this.store.saveFileQuality({ fileId, records: records.length, ...counts, estimatedToActual: estimatedToActual(replaced), findings: findings.length, checkedAt: this.now().toISOString() });
    const perRule = (Object.keys(VEE_RULES) as VeeRuleName[])
      .map((rule) => ({ code: VEE_RULES[rule].code, rule, count: findings.filter((f) => f.rule === rule).length }))
      .filter((c) => c.count > 0);
    if (findings.length > 0) this.logger.info('vee: findings on a loaded file', { fileId, records: records.length, findings: findings.length });
    return { fileId, records: records.length, counts: perRule, findings };
  }

  /**
   * The records as the load kept them: no read-back of what was just written. A record that names
   * its REP has a REP of record that day (the load found or learnt the stretch), so stretches are
   * read only for the ESI IDs of records that name none; only records that replaced a stored
   * version have that version read (for the E to A count).
   */
  private async fromLoad(load: StoredLoad): Promise<CheckedFile> {
    const records = load.stored as readonly LoadedRecord[];
    const replaced = load.replacing.size > 0 ? await this.reads.replacedVersions([...load.replacing] as LoadedRecord[]) : new Map<StoredRecord, StoredRecord>();
    const unnamed = new Set<string>();
    for (const r of records) if (r.repDuns === null) unnamed.add(r.esiid);
    const { stretches } = unnamed.size > 0 ? await this.reads.registryFacts([...unnamed]) : { stretches: new Map<string, Stretch[]>() };
    return {
      records, replaced, tdspOf: (r) => (r as LoadedRecord).senderDuns,
      covered: (r) => (r as LoadedRecord).repDuns !== null || covers(stretches.get(r.esiid), r.operatingDay),
    };
  }

  /** The file's records read back from the store (a check run on its own, after the load). */
  private async readBack(fileId: number, facts: FileFacts): Promise<CheckedFile> {
    const records = facts.firstDay && facts.lastDay ? await this.store.fileRecords(fileId, facts.firstDay, facts.lastDay) : [];
    const { tdsp, stretches } = await this.reads.registryFacts([...new Set(records.map((r) => r.esiid))]);
    return { records, replaced: await this.reads.replacedVersions(records), tdspOf: (r) => tdsp.get(r.esiid), covered: (r) => covers(stretches.get(r.esiid), r.operatingDay) };
  }

  /**
   * The weekday rows of the file's consumption records (src/vee/weekday-totals.ts): one read per
   * weekday the file's days fall on, for all its ESI IDs, whose history is then in memory.
   */
  private async weekdayRows(records: readonly StoredRecord[]): Promise<Map<number, WeekdayRows>> {
    const wanted = new Map<number, Set<string>>();
    for (const r of records) {
      if (r.channel !== 4) continue;
      const weekday = weekdayOf(r.operatingDay);
      let set = wanted.get(weekday);
      if (!set) wanted.set(weekday, (set = new Set<string>()));
      set.add(r.esiid);
    }
    const rows = new Map<number, WeekdayRows>();
    for (const [weekday, esiids] of wanted) rows.set(weekday, await this.totals.open(weekday, esiids));
    return rows;
  }
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
