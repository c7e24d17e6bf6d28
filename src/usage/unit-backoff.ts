/** How a scheduled unit that failed waits: its failures in a row and the time before which it is not tried again. */
export interface UnitRetry {
  failures: number;
  /** ISO 8601 UTC. */
  nextAttempt: string;
}

/**
 * Where the scheduler keeps each unit's backoff (by the unit's lease name). It is read and written
 * while the unit's lease is held, so with the leases in the database every instance waits the same
 * backoff; without leases (one process) it is kept in memory.
 */
export interface UnitRetries {
  get(name: string): Promise<UnitRetry | null>;
  /** Records a backoff, or with null clears it. */
  set(name: string, retry: UnitRetry | null): Promise<void>;
}

export function memoryRetries(): UnitRetries {
  const kept = new Map<string, UnitRetry>();
  return {
    get: async (name) => kept.get(name) ?? null,
    set: async (name, retry) => void (retry ? kept.set(name, retry) : kept.delete(name)),
  };
}

/** The longest a failing unit waits between attempts. */
export const MAX_BACKOFF_MS = 3_600_000;

/** The wait after the `failures`-th failure in a row: one check interval, doubling each time, at most an hour. */
export function backoffMs(failures: number, checkMs: number, maxMs = MAX_BACKOFF_MS): number {
  return Math.min(maxMs, checkMs * 2 ** Math.min(Math.max(failures - 1, 0), 30));
}

/** A unit still inside its backoff: not tried at this check. */
export class BackingOff extends Error {
  constructor(readonly nextAttempt: string) {
    super(`backing off until ${nextAttempt}`);
  }
}

/** A unit's run failed: the cause and its new backoff. */
export class UnitFailed extends Error {
  constructor(override readonly cause: unknown, readonly retry: UnitRetry) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}
