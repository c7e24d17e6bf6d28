import crypto from 'node:crypto';
import { In, type DataSource } from 'typeorm';
import { PortalCompanyMeter, PortalMeterGrant } from '../db/entities/portal-company.entity';
import { PortalUser } from '../db/entities/portal-user.entity';
import { hashPassword } from '../security/password';
import { EMAIL_PATTERN, insertPortalUser, type AccountsService } from './accounts.service';
import type { AuditLog } from './audit.log';
import type { Mailer } from './mailer';
import { loginProblem, passwordProblem } from './password-rules';
import { formatFunctions, parseFunctions, PORTAL_FUNCTIONS, type PortalFunction } from './user-functions';

export interface NewUserInput {
  login: string;
  firstName: string;
  lastName: string;
  email: string;
  /** Staff users: the functions granted. */
  functions: PortalFunction[];
  /** Business users: every meter of the company, or only `esiids`. */
  allMeters: boolean;
  esiids: string[];
}

/** A user an administrator manages, with what she may use. */
export interface ManagedUser {
  user: PortalUser;
  functions: Set<PortalFunction>;
  /** Business users who do not see all meters: the ESI IDs granted. */
  esiids: string[];
}

/**
 * What administrators do to the users of their own organization (a REP, a TDSP, the regulator, or a
 * business customer): add them (emailed a link to set a password), disable them, and grant or revoke
 * portal functions (staff) or meters (business). A user of another organization is "not found",
 * whatever id is posted. Every change is a portal audit entry under the administrator's user ID.
 */
export class UserAdminService {
  constructor(private readonly db: DataSource, private readonly accounts: AccountsService, private readonly mailer: Mailer,
    private readonly audit: AuditLog, private readonly portalUrl: () => string) {}

  /** The users of the administrator's organization, by user ID (herself included). */
  async users(admin: PortalUser): Promise<ManagedUser[]> {
    if (!admin.admin) return [];
    const users = await this.db.manager.find(PortalUser, { where: this.sameOrganization(admin), order: { login: 'ASC' } });
    const grants = users.length === 0 ? [] : await this.db.manager.find(PortalMeterGrant, { where: { userId: In(users.map((u) => u.id)) }, order: { esiid: 'ASC' } });
    return users.map((user) => ({ user, functions: parseFunctions(user.functions), esiids: grants.filter((g) => g.userId === user.id).map((g) => g.esiid) }));
  }

  /** One user of the administrator's organization, or null (another organization's user, or no such user). */
  async managed(admin: PortalUser, userId: number): Promise<ManagedUser | null> {
    if (!Number.isSafeInteger(userId)) return null;
    return (await this.users(admin)).find((m) => m.user.id === userId) ?? null;
  }

  /** The ESI IDs of the administrator's company (business administrators). */
  async companyMeters(admin: PortalUser): Promise<PortalCompanyMeter[]> {
    if (admin.companyId === null) return [];
    return this.db.manager.find(PortalCompanyMeter, { where: { companyId: admin.companyId }, order: { esiid: 'ASC' } });
  }

  /** Adds a user and emails her a link to set her password; what is wrong, by field, or null. */
  async add(admin: PortalUser, input: NewUserInput, address: string): Promise<Record<string, string> | null> {
    const problems: Record<string, string> = {};
    const login = input.login.trim().toLowerCase();
    const badLogin = loginProblem(login);
    if (badLogin) problems.login = badLogin;
    else if (await this.db.manager.existsBy(PortalUser, { login })) problems.login = 'This user ID is taken; choose another.';
    if (!input.firstName.trim() || input.firstName.length > 60) problems.firstName = 'Enter the first name (at most 60 characters).';
    if (!input.lastName.trim() || input.lastName.length > 60) problems.lastName = 'Enter the last name (at most 60 characters).';
    if (!EMAIL_PATTERN.test(input.email.trim())) problems.email = 'Enter a valid email address.';
    const business = admin.companyId !== null;
    const functions = business ? [] : this.grantable(admin, input.functions);
    const esiids = business && !input.allMeters ? await this.ownMeters(admin, input.esiids) : [];
    if (business && !input.allMeters && esiids.length === 0) problems.meters = 'Choose the meters the user may see, or all meters.';
    if (!admin.admin) problems.admin = 'Only an administrator adds users.';
    if (Object.keys(problems).length > 0) return problems;
    const user = await insertPortalUser(this.db, {
      // A random password nobody is told: the account stays PENDING until she sets her own from the link.
      login, password: crypto.randomBytes(24).toString('base64url'), kind: admin.kind, status: 'PENDING', participantId: admin.participantId,
      companyId: admin.companyId, allMeters: business ? input.allMeters : true, functions: business ? 'USAGE,HAN' : formatFunctions(functions),
      firstName: input.firstName.trim(), middleInitial: '', lastName: input.lastName.trim(), suffix: '', phone: '', email: input.email.trim(), language: admin.language,
    });
    if (esiids.length > 0) await this.db.manager.insert(PortalMeterGrant, esiids.map((esiid) => ({ userId: user.id, esiid })));
    await this.sendInvite(admin, user);
    const what = business ? (input.allMeters ? 'all meters' : `meters ${esiids.join(' ')}`) : `functions ${formatFunctions(functions) || 'none'}`;
    await this.audit.record('USER_ADDED', admin.login, address, `user ${login}: ${what}`);
    return null;
  }

  /** Sends a new set-password link to a user who has not set her password yet (the first may have expired). False when not hers or not pending. */
  async resendInvite(admin: PortalUser, userId: number, address: string): Promise<boolean> {
    const managed = await this.managed(admin, userId);
    if (!managed || managed.user.status !== 'PENDING') return false;
    await this.sendInvite(admin, managed.user);
    await this.audit.record('INVITE_RESENT', admin.login, address, `user ${managed.user.login}`);
    return true;
  }

  private async sendInvite(admin: PortalUser, user: PortalUser): Promise<void> {
    const token = await this.accounts.issueToken(user.id, 'INVITE');
    await this.mailer.send({ to: user.email, subject: 'Smart Meter Texas: your new account',
      text: `Hello ${user.firstName},\n\n${admin.firstName} ${admin.lastName} made you a Smart Meter Texas account with user ID ${user.login}.\nTo choose your password, open this link within 72 hours:\n\n${this.portalUrl()}/set-password?token=${token}\n` });
  }

  /** False when the user is not one of the administrator's (or is herself). */
  async disable(admin: PortalUser, userId: number, address: string): Promise<boolean> {
    const managed = await this.managed(admin, userId);
    if (!managed || managed.user.id === admin.id) return false;
    if (managed.user.status !== 'DISABLED') {
      await this.db.manager.update(PortalUser, { id: userId }, { status: 'DISABLED' });
      await this.audit.record('USER_DISABLED', admin.login, address, `user ${managed.user.login}`);
    }
    return true;
  }

  /** Grants and revokes staff functions so the user has exactly `wanted`; one audit entry per change. False when not hers. */
  async setFunctions(admin: PortalUser, userId: number, wanted: PortalFunction[], address: string): Promise<boolean> {
    const managed = await this.managed(admin, userId);
    if (!managed || admin.companyId !== null) return false;
    const next = new Set(this.grantable(admin, wanted));
    await this.db.manager.update(PortalUser, { id: userId }, { functions: formatFunctions(next) });
    for (const fn of PORTAL_FUNCTIONS) {
      if (next.has(fn) && !managed.functions.has(fn)) await this.audit.record('FUNCTION_GRANTED', admin.login, address, `user ${managed.user.login}: ${fn}`);
      if (!next.has(fn) && managed.functions.has(fn)) await this.audit.record('FUNCTION_REVOKED', admin.login, address, `user ${managed.user.login}: ${fn}`);
    }
    return true;
  }

  /** Sets a business user's meters (all, or the chosen ones of the company); audited. False when not hers. */
  async setMeters(admin: PortalUser, userId: number, allMeters: boolean, esiids: string[], address: string): Promise<boolean> {
    const managed = await this.managed(admin, userId);
    if (!managed || admin.companyId === null || managed.user.admin) return false;
    const chosen = allMeters ? [] : await this.ownMeters(admin, esiids);
    await this.db.transaction(async (m) => {
      await m.update(PortalUser, { id: userId }, { allMeters });
      await m.delete(PortalMeterGrant, { userId });
      if (chosen.length > 0) await m.insert(PortalMeterGrant, chosen.map((esiid) => ({ userId, esiid })));
    });
    await this.audit.record('METERS_CHANGED', admin.login, address, `user ${managed.user.login}: ${allMeters ? 'all meters' : chosen.join(' ') || 'no meters'}`);
    return true;
  }

  /** An invited user sets her password from the emailed link; her account is active from then on. */
  async setPassword(token: string, password: string, address: string): Promise<{ login: string } | { problem: string }> {
    const userId = await this.accounts.peekToken(token, 'INVITE');
    const user = userId === null ? null : await this.accounts.user(userId);
    if (!user || user.status !== 'PENDING') return { problem: 'This link is not valid any more: ask your administrator for a new account.' };
    const problem = passwordProblem(password, user.login);
    if (problem) return { problem };
    if ((await this.accounts.useToken(token, 'INVITE')) === null) return { problem: 'This link is not valid any more: ask your administrator for a new account.' };
    await this.db.manager.update(PortalUser, { id: user.id, status: 'PENDING' }, { passwordHash: await hashPassword(password), status: 'ACTIVE' });
    await this.audit.record('PASSWORD_SET', user.login, address, 'first password, from the invitation');
    return { login: user.login };
  }

  private sameOrganization(admin: PortalUser): object {
    if (admin.companyId !== null) return { companyId: admin.companyId };
    if (admin.kind === 'REGULATOR') return { kind: 'REGULATOR' };
    return { kind: admin.kind, participantId: admin.participantId ?? -1 };
  }

  /** The regulator never acts on HAN devices, so HAN is not granted to its users. */
  private grantable(admin: PortalUser, functions: PortalFunction[]): PortalFunction[] {
    return PORTAL_FUNCTIONS.filter((f) => functions.includes(f) && !(admin.kind === 'REGULATOR' && f === 'HAN'));
  }

  private async ownMeters(admin: PortalUser, esiids: string[]): Promise<string[]> {
    const own = new Set((await this.companyMeters(admin)).map((m) => m.esiid));
    return [...new Set(esiids)].filter((e) => own.has(e)).sort();
  }
}
