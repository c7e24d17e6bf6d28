import { BLANK_INTERVAL, ESTIMATED_FLAG } from '../../../src/ingest/lse-record';
import type { VeeDay } from '../../../src/vee/vee-day';

/** A stored record for the rules: kWh per interval (null blank), 'E' marks where estimated. */
export function veeDay(values: (number | null)[], options: Partial<Omit<VeeDay, 'values' | 'intervalCount'>> & { estimated?: number[] } = {}): VeeDay {
  const packed = new Int32Array(values.length);
  const estimated = new Set(options.estimated ?? []);
  values.forEach((v, i) => {
    packed[i] = v === null ? BLANK_INTERVAL : Math.round(v * 1000) | (estimated.has(i) ? ESTIMATED_FLAG : 0);
  });
  return {
    esiid: options.esiid ?? '10443720000000001',
    channel: options.channel ?? 4,
    operatingDay: options.operatingDay ?? '2026-07-14',
    version: options.version ?? 20260715060000,
    intervalCount: values.length,
    values: new Uint8Array(packed.buffer),
    startReading: options.startReading ?? null,
    stopReading: options.stopReading ?? null,
    hasRepOfRecord: options.hasRepOfRecord ?? true,
  };
}

export const repeat = (n: number, kwh: number | null): (number | null)[] => Array.from({ length: n }, () => kwh);

/** 2026's time-change days in Central Prevailing Time. */
export const SPRING_FORWARD = '2026-03-08';
export const FALL_BACK = '2026-11-01';
