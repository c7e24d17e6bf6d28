import fs from 'node:fs';
import os from 'node:os';

/**
 * Which process holds a load on the embedded database (ingest_file.loader): the host, the pid and,
 * where /proc tells it, the process's start time, so a pid the system later gives to another process
 * is not mistaken for the loader. Every process sharing the database file runs on one host.
 */
export function localLoader(pid = process.pid): string {
  const started = processStart(pid);
  return `${os.hostname()}:${pid}${started === null ? '' : `:${started}`}`;
}

/**
 * Whether the process a loader names is still running on this host. Only a mark this host wrote and
 * whose process is alive (with the same start time, when known) counts as live; a mark of another
 * host, an unreadable one or none at all does not: its load is interrupted.
 */
export function isLiveLocalLoader(loader: string | null): boolean {
  const m = loader === null ? null : /^([^:]+):(\d+)(?::(\d+))?$/.exec(loader);
  if (!m || m[1] !== os.hostname()) return false;
  const pid = Number(m[2]);
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false; // EPERM: alive, someone else's
  }
  return m[3] === undefined || processStart(pid) === m[3];
}

/** The start time of a process in clock ticks after boot (field 22 of /proc/<pid>/stat), or null. */
function processStart(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}
