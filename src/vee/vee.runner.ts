import { intervalsInDay } from '../core/cpt';
import type { Logger } from '../core/logger';
import { timeChangeRejection } from './rules/time-change.rule';
import { checkDay, historyDays } from './vee.rules';
import type { VeeSettings } from './vee-settings';
import { decodeDay, packedTotals, VEE_RULES, type VeeFinding, type VeeHistory, type VeeRuleName } from './vee-day';
import type { FileFacts, StoredRecord, VeeStore } from './vee.store';

export type FileFinding = VeeFinding & { tdspDuns: string };

/** What VEE found in one file: counts per rule (code order), then the findings. */
export interface VeeOutcome {
  fileId: number;
  records: number;
  counts: { code: string; rule: VeeRuleName; count: number }[];
  findings: FileFinding[];
}

/**
 * Runs the VEE rules over the records a file stored, after the file's transaction committed: it
 * reads the rows back, so what it checks is what REPs are served. It only adds findings; a failure
 * here is logged and never undoes or delays the load.
 */
export class VeeRunner {
  constructor(
    private readonly store: VeeStore,
    private readonly settings: VeeSettings,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * null when VEE is off, the file loaded nothing checkable, or the check failed (logged). `sent`:
   * the file's parsed records, when the caller has them: only their keys are used, to read the
   * stored rows back by the interval store's key instead of scanning the file's days.
   */
  async runForFile(fileId: number, sent?: readonly { esiid: string | null; channel: number | null; operatingDay: string | null; code: string }[][]): Promise<VeeOutcome | null> {
    if (this.settings.mode === 'off') return null;
    try {
      return await this.check(fileId, sent === undefined ? null : keysOf(sent));
    } catch (error) {
      this.logger.error('vee: checking a loaded file failed; its data is loaded and served unchanged', { fileId, error: (error as Error).message });
      return null;
    }
  }

  private async check(fileId: number, keys: Map<string, Set<string>> | null): Promise<VeeOutcome | null> {
    const facts = await this.store.fileFacts(fileId);
    if (!facts || facts.status !== 'loaded') return null;
    const { records, replaced } = await this.stored(fileId, facts, keys);
    const rejected = (await this.store.rejections(fileId, '03')).map(timeChangeRejection).filter((f): f is VeeFinding => f !== null);
    const esiids = [...new Set([...records.map((r) => r.esiid), ...rejected.map((f) => f.esiid)])];
    const { tdsp, stretches } = await this.store.registryFacts(esiids);
    const histories = await this.histories(records);
    const found: VeeFinding[] = [];
    for (const r of records) {
      const covered = (stretches.get(r.esiid) ?? []).some((s) => s.from <= r.operatingDay && (s.to === null || s.to >= r.operatingDay));
      found.push(...checkDay({ ...r, hasRepOfRecord: covered }, histories.get(r), this.settings));
    }
    found.push(...rejected);
    const findings = found.map((f) => ({ ...f, tdspDuns: tdsp.get(f.esiid) ?? facts.senderDuns ?? '' }));
    if (findings.length > 0) await this.store.save(fileId, findings, this.now().toISOString());
    await this.store.saveFileQuality({ fileId, records: records.length, ...intervalCounts(records), estimatedToActual: estimatedToActual(replaced), findings: findings.length, checkedAt: this.now().toISOString() });
    const counts = (Object.keys(VEE_RULES) as VeeRuleName[])
      .map((rule) => ({ code: VEE_RULES[rule].code, rule, count: findings.filter((f) => f.rule === rule).length }))
      .filter((c) => c.count > 0);
    if (findings.length > 0) this.logger.info('vee: findings on a loaded file', { fileId, records: records.length, findings: findings.length });
    return { fileId, records: records.length, counts, findings };
  }

  /** The file's stored records and the versions they replaced: by key when the parsed keys are known, else by scanning the file's days. */
  private async stored(fileId: number, facts: FileFacts, keys: Map<string, Set<string>> | null): Promise<{ records: StoredRecord[]; replaced: Map<StoredRecord, StoredRecord> }> {
    if (!facts.firstDay || !facts.lastDay) return { records: [], replaced: new Map() };
    if (keys) return this.store.fileRecordsByKey(fileId, keys);
    const records = await this.store.fileRecords(fileId, facts.firstDay, facts.lastDay);
    return { records, replaced: await this.store.replacedVersions(records) };
  }

  /**
   * Each consumption record's history: its ESI ID's whole days on the same weekday of the previous
   * weeks. Each history day is read by the interval store's key for the file's ESI IDs only (in
   * chunks), so the cost follows the file's size, not how many ESI IDs the platform holds.
   */
  private async histories(records: StoredRecord[]): Promise<Map<StoredRecord, VeeHistory>> {
    // A file holds few operating days: their history days are worked out once each.
    const daysOf = new Map<string, string[]>();
    const wanted = new Map<string, Set<string>>();
    for (const r of records) {
      if (r.channel !== 4) continue;
      let days = daysOf.get(r.operatingDay);
      if (!days) daysOf.set(r.operatingDay, (days = historyDays(r.operatingDay, this.settings.historyWeeks)));
      for (const day of days) {
        let set = wanted.get(day);
        if (!set) wanted.set(day, (set = new Set<string>()));
        set.add(r.esiid);
      }
    }
    const totals = new Map<string, Map<string, number>>();
    for (const [day, esiids] of wanted) {
      const ofDay = new Map<string, number>();
      totals.set(day, ofDay);
      for (const stored of await this.store.newestOnDayOf(day, [...esiids])) {
        const t = packedTotals(stored.values, stored.intervalCount);
        if (t.blanks === 0 && stored.intervalCount === intervalsInDay(day)) ofDay.set(stored.esiid, t.totalWh);
      }
    }
    const histories = new Map<StoredRecord, VeeHistory>();
    for (const r of records) {
      if (r.channel !== 4) continue;
      const days: VeeHistory['days'] = [];
      for (const d of daysOf.get(r.operatingDay)!) {
        const wh = totals.get(d)!.get(r.esiid);
        if (wh !== undefined) days.push({ operatingDay: d, kwh: wh / 1000 });
      }
      histories.set(r, { days });
    }
    return histories;
  }
}

function intervalCounts(records: StoredRecord[]): { intervals: number; estimatedIntervals: number; blankIntervals: number } {
  let intervals = 0, estimatedIntervals = 0, blankIntervals = 0;
  for (const r of records) {
    const t = packedTotals(r.values, r.intervalCount);
    intervals += r.intervalCount;
    estimatedIntervals += t.estimated;
    blankIntervals += t.blanks;
  }
  return { intervals, estimatedIntervals, blankIntervals };
}

/** day|channel -> ESI IDs of the records that passed parsing (the loader may still have refused some: the read-back filters by file). */
function keysOf(sent: readonly { esiid: string | null; channel: number | null; operatingDay: string | null; code: string }[][]): Map<string, Set<string>> {
  const keys = new Map<string, Set<string>>();
  for (const batch of sent) {
    for (const r of batch) {
      if (r.code !== '00' || r.esiid === null || r.channel === null || r.operatingDay === null) continue;
      const key = `${r.operatingDay}|${r.channel}`;
      let set = keys.get(key);
      if (!set) keys.set(key, (set = new Set()));
      set.add(r.esiid);
    }
  }
  return keys;
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
