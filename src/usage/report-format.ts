/**
 * How report cells are written, in one place so the interval, daily and monthly files agree.
 * Every cell leaves here as a string: csv-stringify turns numbers and dates into surprises
 * (float artefacts, epoch milliseconds).
 */

/** 'YYYY-MM-DD' → 'MM/DD/YYYY'. */
export function usDate(day: string): string {
  return `${day.slice(5, 7)}/${day.slice(8, 10)}/${day.slice(0, 4)}`;
}

/** A YYYYMMDDHHMMSS version → 'MM/DD/YYYY HH:MM:SS'. */
export function revisionDate(version: number): string {
  const t = String(version).padStart(14, '0');
  return `${t.slice(4, 6)}/${t.slice(6, 8)}/${t.slice(0, 4)} ${t.slice(8, 10)}:${t.slice(10, 12)}:${t.slice(12, 14)}`;
}

/** Integer Wh → kWh with exactly 3 decimals, built from digits so no float rounding can creep in. */
export function kwh3(wh: number | bigint): string {
  // Interval values are small integers: plain arithmetic is exact there and far cheaper than BigInt.
  if (typeof wh === 'number' && Number.isSafeInteger(wh)) {
    const magnitude = Math.abs(wh);
    const fraction = magnitude % 1000;
    return `${wh < 0 ? '-' : ''}${(magnitude - fraction) / 1000}.${fraction < 10 ? '00' : fraction < 100 ? '0' : ''}${fraction}`;
  }
  const value = BigInt(wh);
  const sign = value < 0n ? '-' : '';
  const magnitude = value < 0n ? -value : value;
  return `${sign}${magnitude / 1000n}.${String(magnitude % 1000n).padStart(3, '0')}`;
}

/** The leading apostrophe keeps spreadsheet programs from turning a long ESI ID into 1.04E+16. */
export function esiidCell(esiid: string): string {
  return `'${esiid}`;
}

/**
 * A register read as the TDSP sent it (digits, optional decimals: see lse-record.builder.ts) →
 * integer Wh. BigInt because registers are up to 20 characters; more than 3 decimals round half up.
 */
export function readingWh(reading: string): bigint {
  const [whole, fraction = ''] = reading.split('.');
  const wh = BigInt(whole || '0') * 1000n + BigInt(fraction.slice(0, 3).padEnd(3, '0'));
  return fraction.length > 3 && fraction[3] >= '5' ? wh + 1n : wh;
}

/** A register read cell: empty when the TDSP sent none. */
export function readingCell(reading: string | null): string {
  return reading === null ? '' : kwh3(readingWh(reading));
}
