export type HanCapability = 'YES' | 'NO' | 'UNKNOWN';

/**
 * Whether a meter supports HAN provisioning: meters with old firmware fail it, so a meter's firmware
 * is compared with the oldest version its TDSP registered as supporting HAN (dotted numbers).
 */
export function hanCapability(firmware: string | null, minimum: string | null): { capable: HanCapability; reason: string } {
  if (minimum === null) return { capable: 'UNKNOWN', reason: 'the TDSP has not registered which firmware supports HAN provisioning' };
  if (firmware === null) return { capable: 'UNKNOWN', reason: 'the meter\'s firmware version is not registered' };
  const order = compareVersions(firmware, minimum);
  if (order === null) return { capable: 'UNKNOWN', reason: `the firmware version "${firmware}" cannot be compared with ${minimum}` };
  return order >= 0
    ? { capable: 'YES', reason: `firmware ${firmware} is ${minimum} or newer` }
    : { capable: 'NO', reason: `firmware ${firmware} is older than ${minimum}, the oldest that supports HAN provisioning: ask the TDSP for a firmware upgrade` };
}

function parseVersion(text: string): number[] | null {
  return /^\d+(\.\d+)*$/.test(text.trim()) ? text.trim().split('.').map(Number) : null;
}

/** Compares dotted version numbers (4.2 < 4.10); null when either is not one. */
export function compareVersions(left: string, right: string): number | null {
  const a = parseVersion(left);
  const b = parseVersion(right);
  if (a === null || b === null) return null;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
