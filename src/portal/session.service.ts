import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';
import { LessThan } from 'typeorm';
import { PortalSession } from '../db/entities/portal-session.entity';

export interface SessionOptions {
  idleMs: number;
  maxMs: number;
  now: () => number;
}

/**
 * Browser sessions. Every browser holds a random id in a cookie; a logged-in one also has a row in
 * portal_session keyed by the id's SHA-256. CSRF tokens are an HMAC of the id under a key derived
 * from the server's private key, so anonymous forms (login, registration) are protected without a
 * row per visitor, and every instance sharing the server certificate agrees on them.
 */
export class SessionService {
  private lastSweep = 0;

  constructor(private readonly db: DataSource, private readonly csrfKey: Buffer, private readonly options: SessionOptions) {}

  static csrfKeyFrom(serverPrivateKeyPem: string): Buffer {
    return Buffer.from(crypto.hkdfSync('sha256', Buffer.from(serverPrivateKeyPem), Buffer.alloc(0), 'smt-portal-csrf', 32));
  }

  newId(): string {
    return crypto.randomBytes(32).toString('base64url');
  }

  csrfToken(sessionId: string): string {
    return crypto.createHmac('sha256', this.csrfKey).update(sessionId).digest('base64url');
  }

  csrfValid(sessionId: string, token: unknown): boolean {
    if (typeof token !== 'string' || token.length > 100) return false;
    const expected = Buffer.from(this.csrfToken(sessionId));
    const given = Buffer.from(token);
    return given.length === expected.length && crypto.timingSafeEqual(given, expected);
  }

  /** Starts a logged-in session under a fresh id (never the one the browser had: no fixation). */
  async start(userId: number): Promise<string> {
    const id = this.newId();
    const now = this.options.now();
    await this.db.manager.insert(PortalSession, { tokenHash: hash(id), userId, createdAt: iso(now), lastSeenAt: iso(now), expiresAt: iso(now + this.options.maxMs) });
    return id;
  }

  /** The user of a live session, or null; touching it keeps it alive for another idle period. */
  async userOf(sessionId: string): Promise<number | null> {
    const now = this.options.now();
    this.sweepNowAndThen(now);
    const row = await this.db.manager.findOneBy(PortalSession, { tokenHash: hash(sessionId) });
    if (!row) return null;
    if (row.expiresAt <= iso(now) || Date.parse(row.lastSeenAt) + this.options.idleMs <= now) {
      await this.db.manager.delete(PortalSession, { tokenHash: row.tokenHash });
      return null;
    }
    // One write a minute at most per session, not one per page.
    if (now - Date.parse(row.lastSeenAt) > 60_000) await this.db.manager.update(PortalSession, { tokenHash: row.tokenHash }, { lastSeenAt: iso(now) });
    return row.userId;
  }

  async end(sessionId: string): Promise<void> {
    await this.db.manager.delete(PortalSession, { tokenHash: hash(sessionId) });
  }

  /** Every session of a user ends (after a password change or reset). */
  async endAllOf(userId: number): Promise<void> {
    await this.db.manager.delete(PortalSession, { userId });
  }

  private sweepNowAndThen(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    void this.db.manager.delete(PortalSession, { expiresAt: LessThan(iso(now)) }).catch(() => undefined);
  }
}

export function hash(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
