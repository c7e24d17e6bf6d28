import type { ListEntry } from './virtual-fs';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SIX_MONTHS_MS = 182 * 86_400_000;

/** YYYYMMDDHHMMSS in UTC, as MDTM and the MLSx modify fact carry it (RFC 3659). */
export function ftpTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** A machine-readable MLSD/MLST line: facts, a space, the name. */
export function mlsxLine(entry: ListEntry): string {
  const facts = [`type=${entry.type}`, ...(entry.type === 'file' ? [`size=${entry.size}`] : []), `modify=${ftpTimestamp(entry.modified)}`, `perm=${entry.perm}`];
  return `${facts.join(';')}; ${entry.name}`;
}

/** An `ls -l` style LIST line, the format every client parses; times in UTC. */
export function unixListLine(entry: ListEntry, now: Date): string {
  const mode = entry.type === 'dir' ? 'drwxr-x---' : `-${entry.perm.includes('r') ? 'r' : '-'}${entry.perm.includes('d') ? 'w' : '-'}-r-----`;
  const d = entry.modified;
  const recent = Math.abs(now.getTime() - d.getTime()) < SIX_MONTHS_MS;
  const time = recent ? `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}` : ` ${d.getUTCFullYear()}`;
  const date = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${time}`;
  return `${mode} 1 smt smt ${String(entry.size).padStart(12)} ${date} ${entry.name}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
