import type { Logger } from '../core/logger';
import type { StoredLoad } from '../ingest/ingest.service';
import { timeChangeRejection } from './rules/time-change.rule';
import type { VeeSettings } from './vee-settings';
import { VEE_RULES, type VeeFinding, type VeeRuleName } from './vee-day';
import type { FileFinding, VeeInspector } from './vee-inspection';
import type { VeeStore } from './vee.store';

export type { FileFinding } from './vee-inspection';

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
 * what REPs are served, and keeps the findings and the file's quality figures. It only adds
 * findings; a failure here is logged and never undoes or delays the load.
 */
export class VeeRunner {
  constructor(
    private readonly store: VeeStore,
    private readonly inspector: VeeInspector,
    private readonly settings: VeeSettings,
    private readonly logger: Logger,
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
    const fileTdsp = facts.senderDuns ?? '';
    const inspection = load ? await this.inspector.inspectLoad(load, fileTdsp)
      : await this.inspector.inspectStored(facts.firstDay && facts.lastDay ? await this.store.fileRecords(fileId, facts.firstDay, facts.lastDay) : [], fileTdsp);
    const rejected = (await this.store.rejections(fileId, '03')).map(timeChangeRejection).filter((f): f is VeeFinding => f !== null);
    const findings: FileFinding[] = [...inspection.findings, ...rejected.map((f) => ({ ...f, tdspDuns: fileTdsp }))];
    if (findings.length > 0) await this.store.save(fileId, findings, this.now().toISOString());
    const { records, intervals, estimatedIntervals, blankIntervals, estimatedToActual } = inspection;
    await this.store.saveFileQuality({ fileId, records, intervals, estimatedIntervals, blankIntervals, estimatedToActual, findings: findings.length, checkedAt: this.now().toISOString() });
    const perRule = (Object.keys(VEE_RULES) as VeeRuleName[])
      .map((rule) => ({ code: VEE_RULES[rule].code, rule, count: findings.filter((f) => f.rule === rule).length }))
      .filter((c) => c.count > 0);
    if (findings.length > 0) this.logger.info('vee: findings on a loaded file', { fileId, records, findings: findings.length });
    return { fileId, records, counts: perRule, findings };
  }
}
