import { Gauge, type Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { dayStats, LoadStatsQuery, type DayStats } from '../availability/load-stats.query';
import { addDays, cptToday, daysFromTo } from '../core/cpt';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/logger';

export interface LoadStatsGaugeOptions {
  db: () => Promise<DataSource>;
  /** The registered TDSP DUNS: the only values the tdsp_duns label takes (files from any other sender count as "other"). */
  tdspDuns: () => Promise<string[]>;
  refreshMs: number;
  /** Receipt days exported: days_ago 0 (today so far) to days − 1. */
  days: number;
}

/** One TDSP DUNS's figures for one receipt day, as exported. */
interface Row {
  tdspDuns: string;
  daysAgo: string;
  stats: Omit<DayStats, 'receivedDay' | 'tdspDuns' | 'medianLoadSeconds'>;
}

const NAMES = ['smt_load_files', 'smt_load_files_rejected', 'smt_load_records', 'smt_load_records_loaded', 'smt_load_records_rejected',
  'smt_load_estimated_share', 'smt_load_estimated_to_actual', 'smt_load_late_files', 'smt_load_stats_refreshed_timestamp_seconds'];
/** Result codes are two characters (00, 03, F2 …): anything else would be a label value nobody bounded. */
const CODE = /^[0-9A-Z]{2}$/;

/**
 * The daily load statistics of `smt stats` as gauges, per registered TDSP DUNS and receipt day
 * (days_ago), rejects also per result code: never an ESI ID, a file name or a free text, so the
 * series stay few. The figures are read every `refreshMs` by a timer, not at scrape time: a scrape
 * reads the last figures (smt_load_stats_refreshed_timestamp_seconds says from when).
 */
export class LoadStatsGauges {
  private rows: Row[] = [];
  private refreshedAt: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly options: LoadStatsGaugeOptions, private readonly logger: Logger) {}

  /** Registers the gauges, reads the figures once now and then every refreshMs; stop() ends it. */
  start(registry: Registry): void {
    this.register(registry);
    const next = (): void => {
      this.running = this.refresh().then(() => {
        if (this.timer !== null) this.timer = setTimeout(next, this.options.refreshMs).unref();
      });
    };
    this.timer = setTimeout(next, 0).unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Reads the figures; on failure keeps the last ones (the refresh timestamp stops moving) and logs why. */
  async refresh(now = new Date()): Promise<void> {
    try {
      const today = cptToday(now);
      const first = addDays(today, -(this.options.days - 1));
      const [files, registered] = await Promise.all([new LoadStatsQuery(await this.options.db()).files(null, first, today), this.options.tdspDuns()]);
      const known = new Set(registered);
      const rows = new Map<string, Row>();
      const row = (tdspDuns: string, daysAgo: string): Row => {
        const key = `${tdspDuns}|${daysAgo}`;
        let found = rows.get(key);
        if (!found) rows.set(key, (found = { tdspDuns, daysAgo, stats: emptyStats() }));
        return found;
      };
      for (const duns of [...known].sort()) for (let ago = 0; ago < this.options.days; ago++) row(duns, String(ago));
      for (const day of dayStats(files)) {
        const daysAgo = String(daysFromTo(day.receivedDay, today) - 1);
        add(row(known.has(day.tdspDuns) ? day.tdspDuns : 'other', daysAgo).stats, day);
      }
      this.rows = [...rows.values()];
      this.refreshedAt = now.getTime();
    } catch (error) {
      this.logger.warn('metrics: load statistics not refreshed; the last figures stay', { error: errorMessage(error) });
    }
  }

  private register(registry: Registry): void {
    removeLoadStatsGauges(registry);
    const labelNames = ['tdsp_duns', 'days_ago'] as const;
    const gauge = (name: string, help: string, value: (s: Row['stats']) => number | null): void => {
      const rows = () => this.rows;
      new Gauge({
        name, help, labelNames, registers: [registry],
        collect() {
          this.reset();
          for (const r of rows()) {
            const v = value(r.stats);
            if (v !== null) this.set({ tdsp_duns: r.tdspDuns, days_ago: r.daysAgo }, v);
          }
        },
      });
    };
    const day = 'by receipt day in Central Prevailing Time (days_ago 0: today so far)';
    gauge('smt_load_files', `LSE files received from a TDSP DUNS, ${day}`, (s) => s.files);
    gauge('smt_load_files_rejected', `LSE files refused whole (F1, F2 …), ${day}`, (s) => s.filesRejected);
    gauge('smt_load_records', `LSE records received, ${day}`, (s) => s.records);
    gauge('smt_load_records_loaded', `LSE records loaded (result code 00), ${day}`, (s) => s.loaded);
    gauge('smt_load_estimated_share', `Share (0 to 1) of the stored intervals the TDSP marked estimated (E), ${day}; absent when no interval was stored`,
      (s) => (s.intervals === 0 ? null : s.estimatedIntervals / s.intervals));
    gauge('smt_load_estimated_to_actual', `Estimated (E) intervals replaced by actual (A) ones, ${day}`, (s) => s.estimatedToActual);
    gauge('smt_load_late_files', `Files bringing an operating day more than a day before their receipt, ${day}`, (s) => s.lateFiles);
    const rows = () => this.rows;
    new Gauge({
      name: 'smt_load_records_rejected', help: `LSE records refused, by result code (a file refused whole counts its records under its file code), ${day}`,
      labelNames: ['tdsp_duns', 'days_ago', 'code'] as const, registers: [registry],
      collect() {
        this.reset();
        for (const r of rows()) for (const [code, n] of Object.entries(r.stats.rejectedByCode)) this.set({ tdsp_duns: r.tdspDuns, days_ago: r.daysAgo, code }, n);
      },
    });
    const refreshedAt = () => this.refreshedAt;
    new Gauge({
      name: 'smt_load_stats_refreshed_timestamp_seconds', help: 'When this instance last read the load statistics (Unix time; 0: not yet)', registers: [registry],
      collect() {
        const at = refreshedAt();
        this.set(at === null ? 0 : at / 1000);
      },
    });
  }
}

/** A process starting a second metrics server (tests) exports only the newest server's figures, or none. */
export function removeLoadStatsGauges(registry: Registry): void {
  for (const name of NAMES) registry.removeSingleMetric(name);
}

function emptyStats(): Row['stats'] {
  return { files: 0, filesRejected: 0, records: 0, loaded: 0, rejectedByCode: {}, intervals: 0, estimatedIntervals: 0, estimatedToActual: 0, lateFiles: 0 };
}

function add(into: Row['stats'], day: DayStats): void {
  into.files += day.files;
  into.filesRejected += day.filesRejected;
  into.records += day.records;
  into.loaded += day.loaded;
  into.intervals += day.intervals;
  into.estimatedIntervals += day.estimatedIntervals;
  into.estimatedToActual += day.estimatedToActual;
  into.lateFiles += day.lateFiles;
  for (const [code, n] of Object.entries(day.rejectedByCode)) {
    const label = CODE.test(code) ? code : 'other';
    into.rejectedByCode[label] = (into.rejectedByCode[label] ?? 0) + n;
  }
}
