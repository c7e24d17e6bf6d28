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
 * logged-in participants use, and the login deadline frees what a flood from many addresses holds.
 */
export class SessionAdmission {
  private open = 0;
  private waiting = 0;
  private readonly waitingPerIp = new Map<string, number>();
  private refusals = 0;
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
    let refusal: string | null = null;
    if (this.open >= this.limits.maxConnections) refusal = `The server has ${this.open} connections, its maximum; try again later`;
    else if (fromIp >= this.limits.maxConnectionsPerIp) refusal = `Your address already has ${fromIp} connections that have not logged in (at most ${this.limits.maxConnectionsPerIp}); log in on one or close it`;
    else if (this.waiting >= this.maxWaiting) refusal = `Too many connections are waiting to log in (${this.waiting}); try again shortly`;
    if (refusal !== null) {
      this.noteRefusal(ip, refusal);
      return { refusal };
    }
    this.open++;
    this.waiting++;
    this.waitingPerIp.set(ip, fromIp + 1);
    return new AdmissionSlot(() => this.leaveWaiting(ip), () => this.open--);
  }

  close(): void {
    if (this.refusalLog) clearTimeout(this.refusalLog);
    this.flushRefusals();
  }

  private leaveWaiting(ip: string): void {
    this.waiting--;
    const left = (this.waitingPerIp.get(ip) ?? 1) - 1;
    if (left > 0) this.waitingPerIp.set(ip, left);
    else this.waitingPerIp.delete(ip);
  }

  private noteRefusal(ip: string, reason: string): void {
    this.refusals++;
    this.lastRefusal = { ip, reason };
    if (this.refusalLog) return;
    this.flushRefusals();
    this.refusalLog = setTimeout(() => {
      this.refusalLog = null;
      this.flushRefusals();
    }, REFUSAL_LOG_INTERVAL_MS);
    this.refusalLog.unref();
  }

  private flushRefusals(): void {
    if (this.refusals === 0 || !this.lastRefusal) return;
    this.logger.warn('ftps: connections refused', {
      refused: this.refusals, lastIp: this.lastRefusal.ip, lastReason: this.lastRefusal.reason,
      open: this.open, waitingToLogIn: this.waiting, ...this.limits,
    });
    this.refusals = 0;
  }
}

/** One admitted connection's slot: it stops counting as waiting once logged in, and frees the slot once closed. */
export class AdmissionSlot {
  private waiting = true;
  private held = true;

  constructor(private readonly leaveWaiting: () => void, private readonly free: () => void) {}

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
