import type { DataSource } from 'typeorm';
import { PortalAudit } from '../db/entities/portal-audit.entity';

export type AuditEvent = 'LOGIN' | 'LOGIN_FAILED' | 'LOGIN_LOCKED' | 'LOGOUT' | 'EXPORT' | 'REGISTER' | 'CONFIRM' | 'RESET_ASKED' | 'USER_ID_ASKED' | 'PASSWORD_CHANGED' | 'METER_ADDED' | 'METER_REFUSED' | 'USER_ADDED' | 'USER_DISABLED'
  | 'FUNCTION_GRANTED' | 'FUNCTION_REVOKED' | 'METERS_CHANGED' | 'PASSWORD_SET' | 'COMPANY_REGISTERED' | 'PROFILE_CHANGED' | 'EMAIL_CHANGE_ASKED' | 'EMAIL_CHANGED' | 'EXPORT_REQUESTED'
  | 'FRIEND_INVITED' | 'FRIEND_ACCEPTED' | 'FRIEND_REVOKED' | 'INVITE_RESENT';

export interface AuditEntry {
  at: string;
  event: string;
  login: string;
  address: string;
  detail: string;
}

/** The portal's audit log in the platform database: written as things happen, read by `smt audit`. */
export class AuditLog {
  constructor(private readonly db: DataSource, private readonly now: () => Date = () => new Date()) {}

  async record(event: AuditEvent, login: string, address: string, detail = ''): Promise<void> {
    await this.db.manager.insert(PortalAudit, { at: this.now().toISOString(), event, login: login.slice(0, 64), address: address.slice(0, 64), detail: detail.slice(0, 300) });
  }

  /** The latest entries, oldest first; optionally only one event kind, one user ID, or since an instant. */
  async read(filter: { limit: number; event?: string; login?: string; since?: string }): Promise<AuditEntry[]> {
    const query = this.db.manager.createQueryBuilder(PortalAudit, 'a').orderBy('a.id', 'DESC').limit(filter.limit);
    if (filter.event) query.andWhere('a.event = :event', { event: filter.event.toUpperCase() });
    if (filter.login) query.andWhere('a.login = :login', { login: filter.login.toLowerCase() });
    if (filter.since) query.andWhere('a.at >= :since', { since: filter.since });
    const rows = await query.getMany();
    return rows.reverse().map(({ at, event, login, address, detail }) => ({ at, event, login, address, detail }));
  }
}
