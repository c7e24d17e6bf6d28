import type { VeeSettings } from '../vee-settings';
import { finding, intervalLabel, kwh, type DecodedDay, type VeeDay, type VeeFinding } from '../vee-day';

/** UBP Pulse Overflow: an interval above what the meter can register in 15 minutes (`maxIntervalKwh`). */
export function pulseOverflow(day: VeeDay, decoded: DecodedDay, settings: VeeSettings): VeeFinding | null {
  const maxWh = Math.round(settings.maxIntervalKwh * 1000);
  let over = 0, worst = -1;
  for (let i = 0; i < decoded.wh.length; i++) {
    const v = decoded.wh[i];
    if (v === null || v <= maxWh) continue;
    over++;
    if (worst < 0 || v > decoded.wh[worst]!) worst = i;
  }
  if (over === 0) return null;
  return finding('PULSE_OVERFLOW', day,
    `the interval ending ${intervalLabel(day.operatingDay, worst, day.intervalCount)} reads ${kwh(decoded.wh[worst]!)} kWh, ` +
    `more than a meter can register in 15 minutes (${kwh(maxWh)} kWh)${over > 1 ? `; ${over} intervals are over that day` : ''}`);
}
