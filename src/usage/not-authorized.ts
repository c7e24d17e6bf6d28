/**
 * How a stored report request keeps the ESI IDs its requester may not see: the first NAU_KEPT in
 * the order asked, one per line, and when there were more a last line `+N` (N more, not kept). An
 * ESI ID is letters and digits only, so the count line never reads as one. The SubmitUsageRequest
 * answer lists every one of them from memory; what is stored is bounded, so a requester cannot fill
 * the database with lists of 50,000 ESI IDs it may not see.
 */
export const NAU_KEPT = 100;

export function keptNotAuthorized(esiids: readonly string[]): string {
  const kept = esiids.slice(0, NAU_KEPT);
  return esiids.length > NAU_KEPT ? [...kept, `+${esiids.length - NAU_KEPT}`].join('\n') : kept.join('\n');
}

/** The kept ESI IDs and how many there were in all (rows stored before the bound kept every one: the count is their number). */
export function readNotAuthorized(stored: string): { listed: string[]; count: number } {
  if (stored === '') return { listed: [], count: 0 };
  const lines = stored.split('\n');
  const last = lines[lines.length - 1];
  if (!last.startsWith('+')) return { listed: lines, count: lines.length };
  const listed = lines.slice(0, -1);
  return { listed, count: listed.length + Number(last.slice(1)) };
}
