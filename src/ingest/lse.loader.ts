import type { LseRecord } from './lse-record';
import type { IngestTransaction, IntervalKey, RorStretch, StretchBounds } from './ingest.store';
import { IntervalKeyMap } from './interval-key.map';
import type { RejectedRecord } from './ingest-result';
import type { RecordCode } from './result-codes';
import { dayNeighbours, learnRepOfRecord, type DayNeighbours } from './rep-of-record.stretches';
import type { SenderBinding } from './uploader';

/**
 * Registry facts the loader has read or written, kept across the files of one ingest run so a
 * day's files do not look up the same ESI IDs again. Only valid while every file commits:
 * whoever sees a file roll back throws the cache away.
 */
export class RegistryCache {
  readonly esiidTdsp = new Map<string, string>();
  readonly stretches = new Map<string, RorStretch[]>();

  clear(): void {
    this.esiidTdsp.clear();
    this.stretches.clear();
  }

  /** Bounds memory on very large runs; a cleared cache only costs look-ups. */
  trim(maxEsiids: number): void {
    if (this.esiidTdsp.size > maxEsiids || this.stretches.size > maxEsiids) this.clear();
  }
}

/**
 * Decides each record of one file against what is stored (versions, ESI ID territory, REP of
 * record) and writes the loadable ones. One instance per file, inside the file's transaction.
 */
export class LseFileLoader {
  private readonly byCode = new Map<RecordCode, number>();
  readonly rejected: RejectedRecord[] = [];
  private readonly firstVersions = new IntervalKeyMap<number>();
  private readonly otherVersions = new Set<string>();
  private readonly newestInFile = new IntervalKeyMap<number>();
  private readonly esiidTdsp: Map<string, string>;
  private readonly stretches: Map<string, RorStretch[]>;
  /** Stretches this file created or moved, with their ESI ID and which bounds moved. */
  private readonly changedStretches = new Map<RorStretch, { esiid: string; from: boolean; to: boolean }>();
  private readonly neighbours = new Map<string, DayNeighbours>();
  /** The records stored, in file order, and those of them that replaced a stored older version. */
  readonly stored: LseRecord[] = [];
  readonly replacing = new Set<LseRecord>();
  /** The sender of the first record loaded, else of the first record read. */
  senderDuns: string | null = null;
  loadedAny = false;
  firstDay: string | null = null;
  lastDay: string | null = null;

  constructor(
    private readonly tx: IngestTransaction,
    private readonly fileId: number,
    private readonly senders: SenderBinding,
    /** The oldest operating day within the history kept (YYYY-MM-DD): older records are refused. */
    private readonly oldestDay: string,
    cache: RegistryCache,
  ) {
    this.esiidTdsp = cache.esiidTdsp;
    this.stretches = cache.stretches;
  }

  counts(): Partial<Record<RecordCode, number>> {
    return Object.fromEntries([...this.byCode].sort(([a], [b]) => a.localeCompare(b)));
  }

  async load(batch: LseRecord[]): Promise<void> {
    this.senderDuns ??= batch.find((r) => r.senderDuns)?.senderDuns ?? null;
    const candidates: LseRecord[] = [];
    for (const r of batch) if (this.checkInFile(r)) candidates.push(r);
    await this.lookUp(candidates);
    const versions = await this.tx.latestVersions(candidates as IntervalKey[]);
    const accepted: LseRecord[] = [];
    for (let i = 0; i < candidates.length; i++) {
      if (!this.checkAgainstStore(candidates[i], versions[i])) continue;
      accepted.push(candidates[i]);
      if (versions[i] !== null) this.replacing.add(candidates[i]);
    }
    await this.registerNewEsiids(accepted);
    await this.learnRepsOfRecord(accepted);
    await this.tx.insertIntervals(accepted, this.fileId);
    for (const r of accepted) this.stored.push(r);
    if (!this.loadedAny && accepted.length > 0) {
      this.senderDuns = accepted[0].senderDuns;
      this.loadedAny = true;
    }
    for (const r of accepted) {
      if (this.firstDay === null || r.operatingDay! < this.firstDay) this.firstDay = r.operatingDay;
      if (this.lastDay === null || r.operatingDay! > this.lastDay) this.lastDay = r.operatingDay;
    }
    this.count('00', accepted.length);
  }

  private reject(r: LseRecord, code: RecordCode, reason: string): false {
    this.count(code, 1);
    this.rejected.push({ line: r.line, esiid: r.esiid, operatingDay: r.operatingDay, channel: r.channel, code, reason });
    return false;
  }

  private count(code: RecordCode, n: number): void {
    if (n > 0) this.byCode.set(code, (this.byCode.get(code) ?? 0) + n);
  }

  /** Whether the record may load as far as the file itself tells (else it is rejected). */
  private checkInFile(r: LseRecord): boolean {
    if (r.code !== '00') return this.reject(r, r.code, r.reason ?? '');
    if (this.isRepeat(r as IntervalKey, r.version!)) {
      return this.reject(r, '07', `record at line ${r.line} repeats ESI ID ${r.esiid} channel ${r.channel} ${r.operatingDay} version ${r.version}`);
    }
    // The binding to the uploader: one set look-up per record.
    if (!this.senders.allowed.has(r.senderDuns!)) return this.reject(r, '09', `record at line ${r.line}: ${this.senders.refusal(r.senderDuns)}`);
    if (r.operatingDay! < this.oldestDay) {
      return this.reject(r, '10', `record at line ${r.line}: operating day ${r.operatingDay} is older than the history kept for reports (the oldest day loadable today is ${this.oldestDay})`);
    }
    return true;
  }

  /** Whether this version of the key was read before in the file; notes it otherwise. */
  private isRepeat(key: IntervalKey, version: number): boolean {
    // Most keys come once per file: their first version is a number in a map, and only a key read
    // again in another version costs a string in a set.
    const first = this.firstVersions.get(key);
    if (first === undefined) {
      this.firstVersions.set(key, version);
      return false;
    }
    if (first === version) return true;
    const other = `${key.operatingDay}|${key.channel}|${key.esiid}|${version}`;
    if (this.otherVersions.has(other)) return true;
    this.otherVersions.add(other);
    return false;
  }

  private async lookUp(records: LseRecord[]): Promise<void> {
    const unknown = [...new Set(records.map((r) => r.esiid!).filter((e) => !this.esiidTdsp.has(e)))];
    if (unknown.length === 0) return;
    for (const [esiid, tdsp] of await this.tx.esiidTdsps(unknown)) this.esiidTdsp.set(esiid, tdsp);
  }

  private checkAgainstStore(r: LseRecord, stored: number | null): boolean {
    const key = r as IntervalKey;
    const owner = this.esiidTdsp.get(r.esiid!);
    if (owner !== undefined && owner !== r.senderDuns) {
      return this.reject(r, '09', `record at line ${r.line}: ESI ID ${r.esiid} belongs to TDSP ${owner}, not sender ${r.senderDuns}`);
    }
    const newest = Math.max(stored ?? 0, this.newestInFile.get(key) ?? 0);
    if (r.version! < newest) {
      return this.reject(r, '05', `record at line ${r.line}: version ${r.version} is older than loaded version ${newest}`);
    }
    if (r.version === stored) {
      return this.reject(r, '08', `record at line ${r.line}: version ${r.version} of ESI ID ${r.esiid} channel ${r.channel} ${r.operatingDay} is already loaded`);
    }
    this.newestInFile.set(key, r.version!);
    return true;
  }

  private async registerNewEsiids(records: LseRecord[]): Promise<void> {
    const rows: { esiid: string; tdspDuns: string }[] = [];
    for (const r of records) {
      if (this.esiidTdsp.has(r.esiid!)) continue;
      this.esiidTdsp.set(r.esiid!, r.senderDuns!);
      rows.push({ esiid: r.esiid!, tdspDuns: r.senderDuns! });
    }
    if (rows.length > 0) await this.tx.registerEsiids(rows);
  }

  private async learnRepsOfRecord(records: LseRecord[]): Promise<void> {
    const unknown = new Set<string>();
    for (const r of records) if (r.repDuns && !this.stretches.has(r.esiid!)) unknown.add(r.esiid!);
    if (unknown.size > 0) for (const [esiid, list] of await this.tx.repsOfRecord([...unknown])) this.stretches.set(esiid, list);
    for (const r of records) {
      if (!r.repDuns) continue;
      const day = r.operatingDay!;
      let around = this.neighbours.get(day);
      if (!around) this.neighbours.set(day, (around = dayNeighbours(day)));
      for (const stretch of learnRepOfRecord(this.stretches.get(r.esiid!)!, r.repDuns, day, around)) {
        let moved = this.changedStretches.get(stretch);
        if (!moved) this.changedStretches.set(stretch, (moved = { esiid: r.esiid!, from: false, to: false }));
        // A stored stretch grows by the day at one end: forward (its end is now the day) or backward.
        if (stretch.effectiveTo === day) moved.to = true;
        else moved.from = true;
      }
    }
  }

  /**
   * Writes what the file taught about REPs of record, in bulk: new stretches one by one (few), and
   * stored stretches grouped by the bound that moved (a day's file extends most of them to that day).
   */
  async saveStretches(): Promise<void> {
    const added: { esiid: string; stretch: RorStretch }[] = [];
    const moves = new Map<string, { bounds: StretchBounds; ids: number[] }>();
    const move = (bounds: StretchBounds, id: number) => {
      const key = JSON.stringify(bounds);
      const group = moves.get(key);
      if (group) group.ids.push(id);
      else moves.set(key, { bounds, ids: [id] });
    };
    for (const [stretch, moved] of this.changedStretches) {
      if (stretch.id === null) added.push({ esiid: moved.esiid, stretch });
      else if (!moved.from) move({ effectiveTo: stretch.effectiveTo }, stretch.id);
      else if (!moved.to) move({ effectiveFrom: stretch.effectiveFrom }, stretch.id);
      else move({ effectiveFrom: stretch.effectiveFrom, effectiveTo: stretch.effectiveTo }, stretch.id);
    }
    if (added.length > 0) await this.tx.addLseStretches(added);
    for (const { bounds, ids } of moves.values()) await this.tx.moveStretches(ids, bounds);
    this.changedStretches.clear();
  }
}
