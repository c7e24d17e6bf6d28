import { SmtError } from '../core/errors';

type Env = Record<string, string | undefined>;

/**
 * Thresholds of the VEE rules (docs/data-quality.md). Each setting carries the name of the
 * Uniform Business Practices rule it tunes; the defaults suit residential and small commercial
 * AMS meters delivering 15-minute kWh.
 */
export interface VeeSettings {
  /** 'off': no rule runs at ingest (smt vee then lists what was found before). */
  mode: 'on' | 'off';
  /** Sum Check: allowed difference between the intervals' sum and the register, kWh ... */
  sumToleranceKwh: number;
  /** ... or percent of the register's difference, whichever is larger. */
  sumTolerancePct: number;
  /** Spike Check: an interval this many times the day's other intervals' average ... */
  spikeFactor: number;
  /** ... and at least this many kWh. */
  spikeMinKwh: number;
  /** Consecutive Zeros: zero intervals in a row, for a meter with a REP of record, that make a finding. */
  zeroSpanHours: number;
  /** High/Low Usage: the day against the average of the same weekday in the previous weeks. */
  historyWeeks: number;
  historyMinDays: number;
  highUsageFactor: number;
  lowUsageFactor: number;
  /** Below this history average (kWh a day) the comparison says nothing useful. */
  historyMinKwh: number;
  /** Pulse Overflow: the most a meter can register in one 15-minute interval, kWh. */
  maxIntervalKwh: number;
  /** Estimated share: percent of E intervals in one record above which it is flagged. */
  estimatedSharePct: number;
}

export const DEFAULT_VEE_SETTINGS: VeeSettings = {
  mode: 'on',
  sumToleranceKwh: 1,
  sumTolerancePct: 2,
  spikeFactor: 10,
  spikeMinKwh: 2,
  zeroSpanHours: 24,
  historyWeeks: 4,
  historyMinDays: 2,
  highUsageFactor: 3,
  lowUsageFactor: 0.2,
  historyMinKwh: 2,
  maxIntervalKwh: 50,
  estimatedSharePct: 25,
};

export function veeSettings(env: Env): VeeSettings {
  const d = DEFAULT_VEE_SETTINGS;
  const mode = env.SMT_VEE_MODE?.trim() || d.mode;
  if (mode !== 'on' && mode !== 'off') throw invalid('SMT_VEE_MODE', `is "${mode}"; allowed values: on, off`);
  const settings: VeeSettings = {
    mode,
    sumToleranceKwh: decimal(env, 'SMT_VEE_SUM_TOLERANCE_KWH', d.sumToleranceKwh, 0, 1_000),
    sumTolerancePct: decimal(env, 'SMT_VEE_SUM_TOLERANCE_PCT', d.sumTolerancePct, 0, 100),
    spikeFactor: decimal(env, 'SMT_VEE_SPIKE_FACTOR', d.spikeFactor, 1.5, 1_000),
    spikeMinKwh: decimal(env, 'SMT_VEE_SPIKE_MIN_KWH', d.spikeMinKwh, 0, 10_000),
    zeroSpanHours: decimal(env, 'SMT_VEE_ZERO_SPAN_HOURS', d.zeroSpanHours, 0.25, 25),
    historyWeeks: decimal(env, 'SMT_VEE_HISTORY_WEEKS', d.historyWeeks, 1, 12),
    historyMinDays: decimal(env, 'SMT_VEE_HISTORY_MIN_DAYS', d.historyMinDays, 1, 12),
    highUsageFactor: decimal(env, 'SMT_VEE_HIGH_USAGE_FACTOR', d.highUsageFactor, 1, 1_000),
    lowUsageFactor: decimal(env, 'SMT_VEE_LOW_USAGE_FACTOR', d.lowUsageFactor, 0, 1),
    historyMinKwh: decimal(env, 'SMT_VEE_HISTORY_MIN_KWH', d.historyMinKwh, 0, 1_000_000),
    maxIntervalKwh: decimal(env, 'SMT_VEE_MAX_INTERVAL_KWH', d.maxIntervalKwh, 0.001, 1_000_000),
    estimatedSharePct: decimal(env, 'SMT_VEE_ESTIMATED_SHARE_PCT', d.estimatedSharePct, 0, 100),
  };
  for (const name of ['SMT_VEE_HISTORY_WEEKS', 'SMT_VEE_HISTORY_MIN_DAYS'] as const) {
    const value = name === 'SMT_VEE_HISTORY_WEEKS' ? settings.historyWeeks : settings.historyMinDays;
    if (!Number.isInteger(value)) throw invalid(name, `is ${value}; expected a whole number`);
  }
  if (settings.historyMinDays > settings.historyWeeks) {
    throw invalid('SMT_VEE_HISTORY_MIN_DAYS', `(${settings.historyMinDays}) is more than SMT_VEE_HISTORY_WEEKS (${settings.historyWeeks}): no day could ever be compared`);
  }
  return settings;
}

function decimal(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = env[name]?.trim();
  if (!value) return fallback;
  if (!/^\d+(\.\d+)?$/.test(value)) throw invalid(name, `is "${value}"; expected a number such as ${fallback}`);
  const n = Number(value);
  if (n < min || n > max) throw invalid(name, `is ${n}; expected ${min} to ${max}`);
  return n;
}

function invalid(name: string, problem: string): SmtError {
  return new SmtError('CONFIG_INVALID', `Setting ${name} ${problem}`, { setting: name });
}
