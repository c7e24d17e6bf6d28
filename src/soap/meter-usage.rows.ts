import type { DailyReadRow, EstimatedActual, IntervalUsageRow, MonthlyUsageRow, ConsumptionSurplusGeneration } from './meter-usage.types';

/**
 * Report rows (the CSV cells, in header order) as the typed elements of the synchronous answers:
 * the same columns, without the spreadsheet apostrophe; blank cells become absent elements.
 */
const esiid = (cell: string): string => cell.replace(/^'/, '');
const optional = <K extends string>(key: K, cell: string): Partial<Record<K, string>> => (cell === '' ? {} : ({ [key]: cell } as Record<K, string>));

export function interval(r: string[]): IntervalUsageRow {
  return {
    esiid: esiid(r[0]), usageDate: r[1], revisionDate: r[2], usageStartTime: r[3], usageEndTime: r[4],
    ...optional('usageKwh', r[5]), ...(r[6] ? { estimatedActual: r[6] as EstimatedActual } : {}),
    consumptionSurplusGeneration: r[7] as ConsumptionSurplusGeneration,
  };
}

export function dailyRead(r: string[]): DailyReadRow {
  return {
    esiid: esiid(r[0]), usageDate: r[1], revisionDate: r[2], ...optional('meterNumber', r[3]),
    ...optional('startReading', r[4]), ...optional('endReading', r[5]), usageKwh: r[6], estimatedActual: r[7] as EstimatedActual,
  };
}

export function monthlyUsage(r: string[]): MonthlyUsageRow {
  return {
    esiid: esiid(r[0]), startDate: r[1], endDate: r[2], actualKwh: r[3], estimatedKwh: r[4], totalKwh: r[5],
    ...optional('meteredKwh', r[6]), revisionDate: r[7],
  };
}
