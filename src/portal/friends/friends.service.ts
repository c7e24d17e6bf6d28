import crypto from 'node:crypto';
import { In, IsNull, type DataSource } from 'typeorm';
import { addDays, cptToday, isDay } from '../../core/cpt';
import { PortalFriend, PortalFriendInvite } from '../../db/entities/portal-friend.entity';
import { PortalMeter } from '../../db/entities/portal-meter.entity';
import { PortalUser } from '../../db/entities/portal-user.entity';
import { EMAIL_PATTERN } from '../accounts.service';
import type { AuditLog } from '../audit.log';
import type { Mailer } from '../mailer';
import { hash } from '../session.service';

/** An invitation's link works this long, once. */
export const INVITE_DAYS = 7;
/** The furthest end date a customer may give: a year from today. */
export const MAX_SHARE_DAYS = 366;
/** Meters in one invitation, and open shares a customer may have at once (a cost bound on every page). */
export const MAX_METERS_PER_INVITE = 10;
export const MAX_OPEN_SHARES = 100;

/** A meter shared with the friend: what she sees and until when. */
export interface SharedMeter {
  esiid: string;
  /** The owner's first visible day of the meter: a friend never sees further back than the owner. */
  visibleFrom: string;
  endDate: string;
  ownerName: string;
}

/** A line of the owner's "who has access" list. */
export interface ShareLine {
  id: number;
  esiid: string;
  email: string;
  friendLogin: string | null;
  status: 'INVITED' | 'ACTIVE';
  endDate: string;
}

export type InviteOutcome = { ok: true } | { problem: string };

/**
 * Friends: a customer shares some of her own meters, read-only, with a person she invites by email,
 * until an end date; she sees who has access and revokes it at once. Access is read from the table on
 * every request (never cached), so a revocation or an end date takes effect on the friend's next page.
 */
export class FriendsService {
  constructor(private readonly db: DataSource, private readonly mailer: Mailer, private readonly audit: AuditLog,
    private readonly portalUrl: () => string, private readonly now: () => Date = () => new Date()) {}

  async invite(owner: PortalUser, ownMeters: readonly PortalMeter[], input: { email: string; esiids: string[]; endDate: string }, address: string): Promise<InviteOutcome> {
    const email = input.email.trim().toLowerCase();
    const today = cptToday(this.now());
    const esiids = [...new Set(input.esiids)];
    if (!EMAIL_PATTERN.test(email)) return { problem: 'Enter your friend\'s email address.' };
    if (email === owner.email.trim().toLowerCase()) return { problem: 'Enter your friend\'s email address, not your own.' };
    if (esiids.length === 0) return { problem: 'Choose at least one of your meters.' };
    if (esiids.length > MAX_METERS_PER_INVITE) return { problem: `Choose at most ${MAX_METERS_PER_INVITE} meters.` };
    if (!esiids.every((e) => ownMeters.some((m) => m.esiid === e))) return { problem: 'Choose among your own meters.' };
    if (!isDay(input.endDate) || input.endDate < today) return { problem: `Choose an end date from today (${today}) on.` };
    if (input.endDate > addDays(today, MAX_SHARE_DAYS - 1)) return { problem: `Choose an end date at most a year away (${addDays(today, MAX_SHARE_DAYS - 1)}).` };
    if ((await this.db.manager.countBy(PortalFriend, { ownerUserId: owner.id, status: In(['INVITED', 'ACTIVE']) })) + esiids.length > MAX_OPEN_SHARES) {
      return { problem: `You share at most ${MAX_OPEN_SHARES} meters at once; revoke some first.` };
    }
    const token = crypto.randomBytes(32).toString('base64url');
    const at = this.now().toISOString();
    await this.db.transaction(async (m) => {
      const inserted = await m.insert(PortalFriendInvite, { tokenHash: hash(token), ownerUserId: owner.id, email, expiresAt: new Date(this.now().getTime() + INVITE_DAYS * 86_400_000).toISOString(), usedAt: null, createdAt: at });
      const inviteId = Number(inserted.identifiers[0]!.id);
      for (const esiid of esiids) await m.insert(PortalFriend, { inviteId, ownerUserId: owner.id, friendUserId: null, esiid, endDate: input.endDate, status: 'INVITED', createdAt: at, changedAt: at });
    });
    await this.mailer.send({ to: email, subject: `Smart Meter Texas: ${owner.firstName} shares energy data with you`,
      text: `Hello,\n\n${owner.firstName} ${owner.lastName} invites you to see the energy use of ${esiids.length === 1 ? 'a meter' : `${esiids.length} meters`} on Smart Meter Texas, read-only, until ${input.endDate}.\n\n`
        + `To accept, open this link within ${INVITE_DAYS} days and log in or register:\n\n${this.portalUrl()}/friends/accept?token=${token}\n\nThe link works once. If you do not know ${owner.firstName}, ignore this message.\n` });
    await this.audit.record('FRIEND_INVITED', owner.login, address, `${email} ${esiids.join(',')} until ${input.endDate}`);
    return { ok: true };
  }

  /** The open invitation of a token (unused, unexpired, with a meter still invited), without using it. */
  async peek(token: string): Promise<{ invite: PortalFriendInvite; owner: PortalUser; esiids: string[] } | null> {
    if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    const invite = await this.db.manager.findOneBy(PortalFriendInvite, { tokenHash: hash(token), usedAt: IsNull() });
    if (!invite || invite.expiresAt <= this.now().toISOString()) return null;
    const rows = await this.db.manager.findBy(PortalFriend, { inviteId: invite.id, status: 'INVITED' });
    const owner = await this.db.manager.findOneBy(PortalUser, { id: invite.ownerUserId, status: 'ACTIVE' });
    return rows.length === 0 || !owner ? null : { invite, owner, esiids: rows.map((r) => r.esiid) };
  }

  /** Uses the token for the friend (a customer account that is not the owner's); false when it is not valid any more. */
  async accept(token: string, friend: PortalUser, address: string): Promise<boolean> {
    const open = await this.peek(token);
    if (!open || friend.kind !== 'CUSTOMER' || friend.id === open.owner.id) return false;
    const at = this.now().toISOString();
    const accepted = await this.db.transaction(async (m) => {
      // Conditional, so two tabs (or two people) racing with one link cannot both use it.
      const used = await m.update(PortalFriendInvite, { id: open.invite.id, usedAt: IsNull() }, { usedAt: at });
      if ((used.affected ?? 0) !== 1) return false;
      await m.update(PortalFriend, { inviteId: open.invite.id, status: 'INVITED' }, { friendUserId: friend.id, status: 'ACTIVE', changedAt: at });
      return true;
    });
    if (accepted) await this.audit.record('FRIEND_ACCEPTED', friend.login, address, `invitation of ${open.owner.login}: ${open.esiids.join(',')}`);
    return accepted;
  }

  /** The meters shared with a friend today: active, not past their end date, still the owner's and the owner still active. */
  async sharedWith(friendUserId: number): Promise<SharedMeter[]> {
    const today = cptToday(this.now());
    const rows = (await this.db.manager.findBy(PortalFriend, { friendUserId, status: 'ACTIVE' })).filter((r) => r.endDate >= today);
    const shared: SharedMeter[] = [];
    for (const r of rows.slice(0, MAX_OPEN_SHARES)) {
      const meter = await this.db.manager.findOneBy(PortalMeter, { userId: r.ownerUserId, esiid: r.esiid });
      const owner = await this.db.manager.findOneBy(PortalUser, { id: r.ownerUserId, status: 'ACTIVE' });
      if (meter && owner) shared.push({ esiid: r.esiid, visibleFrom: meter.visibleFrom, endDate: r.endDate, ownerName: `${owner.firstName} ${owner.lastName}` });
    }
    return shared;
  }

  /** Who has (or is invited to) each of the owner's meters, until when. */
  async sharesOf(ownerUserId: number): Promise<ShareLine[]> {
    const today = cptToday(this.now());
    const rows = (await this.db.manager.find(PortalFriend, { where: { ownerUserId, status: In(['INVITED', 'ACTIVE']) }, order: { esiid: 'ASC', id: 'ASC' }, take: MAX_OPEN_SHARES }))
      .filter((r) => r.endDate >= today);
    const invites = new Map((await this.db.manager.findBy(PortalFriendInvite, { id: In([...new Set(rows.map((r) => r.inviteId))]) })).map((i) => [i.id, i]));
    const friends = new Map((await this.db.manager.findBy(PortalUser, { id: In(rows.flatMap((r) => (r.friendUserId === null ? [] : [r.friendUserId]))) })).map((u) => [u.id, u]));
    return rows.map((r) => ({ id: r.id, esiid: r.esiid, email: invites.get(r.inviteId)?.email ?? '', friendLogin: r.friendUserId === null ? null : friends.get(r.friendUserId)?.login ?? null,
      status: r.status as 'INVITED' | 'ACTIVE', endDate: r.endDate }));
  }

  /** Ends one share at once; only the owner's own, and only once. */
  async revoke(owner: PortalUser, shareId: number, address: string): Promise<boolean> {
    const row = Number.isSafeInteger(shareId) ? await this.db.manager.findOneBy(PortalFriend, { id: shareId, ownerUserId: owner.id, status: In(['INVITED', 'ACTIVE']) }) : null;
    if (!row) return false;
    const done = await this.db.manager.update(PortalFriend, { id: row.id, status: row.status }, { status: 'REVOKED', changedAt: this.now().toISOString() });
    if ((done.affected ?? 0) !== 1) return false;
    await this.audit.record('FRIEND_REVOKED', owner.login, address, `${row.esiid} share ${row.id}${row.friendUserId === null ? ' (not yet accepted)' : ''}`);
    return true;
  }
}
