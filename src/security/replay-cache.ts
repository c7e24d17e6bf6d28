/**
 * Refuses a signed message the second time: `seen` records a message's signature digest until the
 * message expires and says whether it was recorded already. Implementations: the database store
 * (src/security/seen-signature.store.ts), which every process on the database shares and a restart
 * keeps, for the platform; the in-memory ReplayCache below for servers without a database (the mock TDSP).
 */
export interface ReplayGuard {
  /** True if `digest` was recorded and has not expired (a replay); otherwise records it until `expires`, atomically. */
  seen(digest: string, expires: Date, now: Date): Promise<boolean>;
}

/**
 * Remembers the signatures of accepted messages in this process's memory until they expire. Memory
 * is bounded: expired records go first, and past `maxEntries` the oldest records are dropped (counted
 * in `droppedUnexpired`, which should stay at zero: raise the cap if it does not).
 */
export class ReplayCache implements ReplayGuard {
  /** digest -> expiry (ms); a Map iterates in insertion order, which is close to expiry order. */
  private readonly entries = new Map<string, number>();
  private insertsSinceSweep = 0;
  droppedUnexpired = 0;

  constructor(private readonly maxEntries = 200_000) {
    if (!(maxEntries >= 1)) throw new RangeError('maxEntries must be at least 1');
  }

  get size(): number {
    return this.entries.size;
  }

  seen(digest: string, expires: Date, now: Date): Promise<boolean> {
    return Promise.resolve(this.seenNow(digest, expires, now));
  }

  /** `seen`, answered at once. */
  seenNow(digest: string, expires: Date, now: Date): boolean {
    const at = now.getTime();
    const known = this.entries.get(digest);
    if (known !== undefined && known >= at) return true;
    if (known !== undefined) this.entries.delete(digest);
    if (expires.getTime() < at) return false;
    this.evictExpired(at);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.droppedUnexpired++;
    }
    this.entries.set(digest, expires.getTime());
    return false;
  }

  /**
   * Drops expired records from the front; now and then (or when full) sweeps everything, since a
   * record with a long lifetime near the front would otherwise shelter expired ones behind it.
   */
  private evictExpired(at: number): void {
    for (const [digest, expiry] of this.entries) {
      if (expiry >= at) break;
      this.entries.delete(digest);
    }
    if (++this.insertsSinceSweep < 10_000 && this.entries.size < this.maxEntries) return;
    this.insertsSinceSweep = 0;
    for (const [digest, expiry] of this.entries) {
      if (expiry < at) this.entries.delete(digest);
    }
  }
}
