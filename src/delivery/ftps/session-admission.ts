import type { Logger } from '../../core/logger';

export interface AdmissionLimits {
  /** Control connections at once, logged in or not. */
  maxConnections: number;
  /** Connections from one address that have not logged in yet. */
  maxConnectionsPerIp: number;
}

/** How often the refusals of a flood are summed up in the log, instead of one line per connection. */
const REFUSAL_LOG_INTERVAL_MS = 10_000;

/**
 * Who may hold a control connection. Connections that have not logged in share at most half of
 * the slots, and at most `maxConnectionsPerIp` from one address: a flood can never take the slots
 * logged-in participants use. When those slots are full, a new connection takes the place of the
 * oldest one that has not even started TLS (a client sends AUTH TLS right after the greeting), so a
 * plain flood from many addresses cannot keep clients out; the login deadline frees the rest.
 */
export class SessionAdmission {
  private open = 0;
  /** Connections not logged in, oldest first. */
  private readonly waiting = new Set<AdmissionSlot>();
  private readonly waitingPerIp = new Map<string, number>();
  private refusals = 0;
  private evictions = 0;
  private lastRefusal: { ip: string; reason: string } | null = null;
  private refusalLog: NodeJS.Timeout | null = null;

  constructor(readonly limits: AdmissionLimits, private readonly logger: Logger) {}

  /** Connections that have not logged in may hold this many slots; the rest are kept for logged-in sessions. */
  get maxWaiting(): number {
    return Math.max(1, Math.floor(this.limits.maxConnections / 2));
  }

  /** A slot for a new connection from `ip`, or the text of the 421 it gets instead. */
  admit(ip: string): AdmissionSlot | { refusal: string } {
    const fromIp = this.waitingPerIp.get(ip) ?? 0;
    const refusal = fromIp >= this.limits.maxConnectionsPerIp
      ? `Your address already has ${fromIp} connections that have not logged in (at most ${this.limits.maxConnectionsPerIp}); log in on one or close it`
      : this.makeRoom();
    if (refusal !== null) {
      this.noteRefusal(ip, refusal);
      return { refusal };
    }
    this.open++;
    this.waitingPerIp.set(ip, fromIp + 1);
    const slot: AdmissionSlot = new AdmissionSlot(() => this.leaveWaiting(slot, ip), () => this.open--);
    this.waiting.add(slot);
    return slot;
  }

  close(): void {
    if (this.refusalLog) clearTimeout(this.refusalLog);
    this.flushRefusals();
  }

  /** Null when a slot is free (closing the oldest connection that has not started TLS if need be), else why not. */
  private makeRoom(): string | null {
    const full = this.open >= this.limits.maxConnections || this.waiting.size >= this.maxWaiting;
    if (!full) return null;
    const oldestPlain = [...this.waiting].find((slot) => !slot.tlsStarted);
    if (!oldestPlain) {
      return this.open >= this.limits.maxConnections
        ? `The server has ${this.open} connections, its maximum; try again later`
        : `Too many connections are waiting to log in (${this.waiting.size}); try again shortly`;
    }
    this.evictions++;
    this.scheduleLog();
    oldestPlain.evict();
    return null;
  }

  private leaveWaiting(slot: AdmissionSlot, ip: string): void {
    this.waiting.delete(slot);
    const left = (this.waitingPerIp.get(ip) ?? 1) - 1;
    if (left > 0) this.waitingPerIp.set(ip, left);
    else this.waitingPerIp.delete(ip);
  }

  private noteRefusal(ip: string, reason: string): void {
    this.refusals++;
    this.lastRefusal = { ip, reason };
    this.scheduleLog();
  }

  private scheduleLog(): void {
    if (this.refusalLog) return;
    this.flushRefusals();
    this.refusalLog = setTimeout(() => {
      this.refusalLog = null;
      this.flushRefusals();
    }, REFUSAL_LOG_INTERVAL_MS);
    this.refusalLog.unref();
  }

  private flushRefusals(): void {
    if (this.refusals === 0 && this.evictions === 0) return;
    this.logger.warn('ftps: connections refused', {
      refused: this.refusals, lastIp: this.lastRefusal?.ip, lastReason: this.lastRefusal?.reason,
      closedToMakeRoom: this.evictions, open: this.open, waitingToLogIn: this.waiting.size, ...this.limits,
    });
    this.refusals = 0;
    this.evictions = 0;
    this.lastRefusal = null;
  }
}

/** One admitted connection's slot: it stops counting as waiting once logged in, and frees the slot once closed. */
export class AdmissionSlot {
  /** The connection sent AUTH TLS: it is no longer the first to go when room is needed. */
  tlsStarted = false;
  private waiting = true;
  private held = true;
  private onEvict: () => void = () => undefined;

  constructor(private readonly leaveWaiting: () => void, private readonly free: () => void) {}

  /** What closing the connection to make room does (the slot itself is freed first). */
  whenEvicted(close: () => void): void {
    this.onEvict = close;
  }

  evict(): void {
    this.release();
    this.onEvict();
  }

  loggedIn(): void {
    if (!this.waiting) return;
    this.waiting = false;
    this.leaveWaiting();
  }

  release(): void {
    this.loggedIn();
    if (!this.held) return;
    this.held = false;
    this.free();
  }
}
