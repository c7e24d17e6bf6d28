import { finding, kwh, type DayStats, type VeeDay, type VeeFinding } from '../vee-day';

/**
 * UBP Usage for Inactive Meters: consumption on a day no REP of record served the ESI ID (neither
 * the registry nor a REP= in the record's 00000030 row says one did): energy nobody is billed for.
 */
export function inactiveUsage(day: VeeDay, stats: DayStats): VeeFinding | null {
  if (day.channel !== 4 || day.hasRepOfRecord || stats.totalWh === 0) return null;
  return finding('INACTIVE_USAGE', day, `${kwh(stats.totalWh)} kWh used on a day without a REP of record for the ESI ID (no REP served it that day)`);
}
