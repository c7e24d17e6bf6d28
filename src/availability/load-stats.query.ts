import type { DataSource } from 'typeorm';
import { addDays, cptToday, daysFromTo } from '../core/cpt';
import { SmtError } from '../core/errors';

/** A file is late when it brings an operating day more than this many days before the day it was received. */
export const LATE_AFTER_DAYS = 1;
export const MAX_STATS_DAYS = 93;

export interface FileStats {
  fileId: number;
  fileName: string;
  tdspDuns: string;
  status: string;
  fileCode: string | null;
  records: number;
  loaded: number;
  rejectedByCode: Record<string, number>;
  firstDay: string | null;
  lastDay: string | null;
  /** Receipt day in Central Prevailing Time. */
  receivedDay: string;
  receivedAt: string;
  loadedAt: string | null;
  loadSeconds: number | null;
  late: boolean;
  /** From the VEE run of the file; null when VEE did not run on it. */
  intervals: number | null;
  estimatedIntervals: number | null;
  estimatedToActual: number | null;
}

export interface DayStats {
  receivedDay: string;
  tdspDuns: string;
  files: number;
  filesRejected: number;
  records: number;
  loaded: number;
  rejectedByCode: Record<string, number>;
  intervals: number;
  estimatedIntervals: number;
  estimatedToActual: number;
  lateFiles: number;
  medianLoadSeconds: number | null;
}

/** Load statistics from ingest_file (and the VEE run's ingest_file_quality): per file, and per TDSP per receipt day. */
export class LoadStatsQuery {
  constructor(private readonly db: DataSource) {}

  async files(tdspDuns: string[] | null, from: string, to: string): Promise<FileStats[]> {
    if (to < from) throw new SmtError('INPUT_INVALID', `--to ${to} is before --from ${from}`);
    const days = daysFromTo(from, to);
    if (days > MAX_STATS_DAYS) throw new SmtError('INPUT_INVALID', `load statistics cover at most ${MAX_STATS_DAYS} days at a time; ${from} to ${to} is ${days}`);
    // started_at is UTC: a CPT day lies within the UTC days around it; the exact day is decided below.
    const q = this.db.createQueryBuilder()
      .select(['f.id AS id', 'f.file_name AS "fileName"', 'f.sender_duns AS "senderDuns"', 'f.status AS status', 'f.file_code AS "fileCode"',
        'f.total_records AS "totalRecords"', 'f.counts_by_code AS "countsByCode"', 'f.first_day AS "firstDay"', 'f.last_day AS "lastDay"',
        'f.started_at AS "startedAt"', 'f.finished_at AS "finishedAt"', 'q.intervals AS intervals', 'q.estimated_intervals AS "estimatedIntervals"',
        'q.estimated_to_actual AS "estimatedToActual"'])
      .from('ingest_file', 'f').leftJoin('ingest_file_quality', 'q', 'q.file_id = f.id')
      .where('f.started_at >= :lo AND f.started_at < :hi AND f.status IN (:...done)', { lo: addDays(from, -1), hi: addDays(to, 2), done: ['loaded', 'rejected'] })
      .orderBy('f.id');
    if (tdspDuns) q.andWhere('f.sender_duns IN (:...tdspDuns)', { tdspDuns });
    const out: FileStats[] = [];
    for (const r of await q.getRawMany()) {
      const receivedDay = cptToday(new Date(r.startedAt));
      if (receivedDay < from || receivedDay > to) continue;
      const counts = JSON.parse(r.countsByCode || '{}') as Record<string, number>;
      const rejectedByCode = Object.fromEntries(Object.entries(counts).filter(([code]) => code !== '00'));
      const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
      out.push({
        fileId: Number(r.id), fileName: r.fileName, tdspDuns: r.senderDuns ?? '', status: r.status, fileCode: r.fileCode ?? null,
        records: Number(r.totalRecords), loaded: counts['00'] ?? 0, rejectedByCode, firstDay: r.firstDay ?? null, lastDay: r.lastDay ?? null,
        receivedDay, receivedAt: r.startedAt, loadedAt: r.finishedAt ?? null,
        loadSeconds: r.finishedAt ? (Date.parse(r.finishedAt) - Date.parse(r.startedAt)) / 1000 : null,
        late: r.firstDay !== null && r.firstDay !== undefined && r.firstDay < addDays(receivedDay, -LATE_AFTER_DAYS),
        intervals: num(r.intervals), estimatedIntervals: num(r.estimatedIntervals), estimatedToActual: num(r.estimatedToActual),
      });
    }
    return out;
  }
}

export function dayStats(files: FileStats[]): DayStats[] {
  const groups = new Map<string, FileStats[]>();
  for (const f of files) {
    const key = `${f.receivedDay}|${f.tdspDuns}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return [...groups.values()].map((list) => {
    const rejectedByCode: Record<string, number> = {};
    for (const f of list) {
      for (const [code, n] of Object.entries(f.rejectedByCode)) rejectedByCode[code] = (rejectedByCode[code] ?? 0) + n;
      // A file refused whole (F1, F2) refused all its records; an empty or unreadable one has none to count (FILES_REJECTED has it).
      if (f.fileCode && f.records > 0) rejectedByCode[f.fileCode] = (rejectedByCode[f.fileCode] ?? 0) + f.records;
    }
    const seconds = list.map((f) => f.loadSeconds).filter((s): s is number => s !== null).sort((a, b) => a - b);
    return {
      receivedDay: list[0]!.receivedDay, tdspDuns: list[0]!.tdspDuns, files: list.length, filesRejected: list.filter((f) => f.status === 'rejected').length,
      records: sum(list, (f) => f.records), loaded: sum(list, (f) => f.loaded), rejectedByCode: sortedKeys(rejectedByCode),
      intervals: sum(list, (f) => f.intervals ?? 0), estimatedIntervals: sum(list, (f) => f.estimatedIntervals ?? 0),
      estimatedToActual: sum(list, (f) => f.estimatedToActual ?? 0), lateFiles: list.filter((f) => f.late).length,
      medianLoadSeconds: seconds.length === 0 ? null : seconds[Math.floor((seconds.length - 1) / 2)]!,
    };
  }).sort((a, b) => a.receivedDay.localeCompare(b.receivedDay) || a.tdspDuns.localeCompare(b.tdspDuns));
}

function sum<T>(list: T[], f: (t: T) => number): number {
  return list.reduce((s, t) => s + f(t), 0);
}

function sortedKeys(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

/** "03:2 05:1" */
export function codesText(byCode: Record<string, number>): string {
  return Object.entries(byCode).map(([c, n]) => `${c}:${n}`).join(' ');
}

/** Percent with one decimal, '' when nothing was counted. */
export function percent(part: number, whole: number): string {
  return whole === 0 ? '' : String(Math.round((part * 1000) / whole) / 10);
}
