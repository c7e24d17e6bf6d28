import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';
import { PortalMeter } from '../db/entities/portal-meter.entity';
import { PortalToken, type PortalTokenPurpose } from '../db/entities/portal-token.entity';
import { PortalUser, type PortalUserKind } from '../db/entities/portal-user.entity';
import type { RegistryService } from '../registry/registry.service';
import { hashPassword, verifyPassword } from '../security/password';
import type { AuditLog } from './audit.log';
import type { LoginGuard } from './login-guard';
import type { Mailer } from './mailer';
import { addCompanyMeter, companyMetersOf } from './company-meters';
import { matchMeter, type MatchedMeter } from './meter-check';
import { loginProblem, passwordProblem } from './password-rules';
import { hash } from './session.service';

export interface Registration {
  firstName: string; middleInitial: string; lastName: string; suffix: string; phone: string;
  email: string; emailAgain: string; language: string; login: string; password: string;
  esiid: string; meterNumber: string; acceptedTerms: boolean;
}

/** What a form got wrong, by field; `cr001` when no smart meter matched. */
export interface FormProblems { fields: Record<string, string>; cr001: boolean }

export type LoginOutcome = { ok: true; user: PortalUser } | { ok: false; lockedUntil: Date | null };

export type NewPortalUser = Omit<PortalUser, 'id' | 'passwordHash' | 'createdAt' | 'admin' | 'functions' | 'companyId' | 'allMeters' | 'pendingEmail'>
  & { password: string; admin?: boolean } & Partial<Pick<PortalUser, 'functions' | 'companyId' | 'allMeters'>>;

/** Stores an account with its password's scrypt hash; callers have checked the rules (registration, `smt portal-user add`, the demo). */
export async function insertPortalUser(db: DataSource, u: NewPortalUser): Promise<PortalUser> {
  const { password, admin, ...rest } = u;
  const row = { functions: 'USAGE,HAN,MESSAGE_LOG', companyId: null, allMeters: true, pendingEmail: '', ...rest, admin: admin === true, passwordHash: await hashPassword(password), createdAt: new Date().toISOString() };
  const inserted = await db.manager.insert(PortalUser, row);
  return { ...row, id: Number(inserted.identifiers[0]!.id) };
}

/** A pending customer account from a registration form; `companyId` for a business customer's administrator. */
export function newCustomer(r: Omit<Registration, 'esiid' | 'meterNumber'>, login: string, companyId: number | null): NewPortalUser {
  return { login, password: r.password, kind: 'CUSTOMER', status: 'PENDING', participantId: null, companyId, admin: companyId !== null, firstName: r.firstName.trim(),
    middleInitial: r.middleInitial.trim(), lastName: r.lastName.trim(), suffix: r.suffix.trim(), phone: r.phone.trim(), email: r.email.trim(), language: r.language };
}

/** What the portal accepts as an email address. */
export const EMAIL_PATTERN = /^[^\s@]{1,64}@[^\s@]{1,189}\.[^\s@]{2,}$/;

const TOKEN_HOURS: Record<PortalTokenPurpose, number> = { CONFIRM: 48, RESET: 1, INVITE: 72, EMAIL: 48 };
/** Checked against when the user ID is unknown, so a failed login costs the same either way. */
const DUMMY_HASH = 'scrypt$16384$8$1$c29tZSBzYWx0IGhlcmU=$ZmFrZSBoYXNoIGZha2UgaGFzaCBmYWtlIGhhc2g=';

/** Portal accounts: registration with its confirmation email, login with lockout, password reset, customers' meters. */
export class AccountsService {
  constructor(private readonly db: DataSource, private readonly registry: RegistryService, private readonly guard: LoginGuard,
    private readonly mailer: Mailer, private readonly audit: AuditLog, private readonly portalUrl: () => string) {}

  async register(r: Registration, address: string): Promise<FormProblems | null> {
    const fields = await this.personProblems(r);
    const login = r.login.trim().toLowerCase();
    if (Object.keys(fields).length > 0) return { fields, cr001: false };
    const meter = await this.checkMeter(r.esiid, r.meterNumber, login, address, 'registration');
    if (!meter) return { fields, cr001: true };
    const user = await this.createUser(newCustomer(r, login, null));
    await this.db.manager.insert(PortalMeter, { userId: user.id, esiid: meter.esiid, description: '', visibleFrom: meter.visibleFrom, registeredAt: new Date().toISOString() });
    await this.sendConfirmation(user);
    await this.audit.record('REGISTER', login, address, `esiid ${meter.esiid}`);
    return null;
  }

  /** What is wrong with the person's part of a registration (residential or a business administrator), by field. */
  async personProblems(r: Omit<Registration, 'esiid' | 'meterNumber'>): Promise<Record<string, string>> {
    const fields: Record<string, string> = {};
    const login = r.login.trim().toLowerCase();
    if (!r.firstName.trim() || r.firstName.length > 60) fields.firstName = 'Enter your first name (at most 60 characters).';
    if (!r.lastName.trim() || r.lastName.length > 60) fields.lastName = 'Enter your last name (at most 60 characters).';
    if (r.middleInitial.length > 1) fields.middleInitial = 'The middle initial is one letter.';
    if (r.suffix.length > 10 || r.phone.length > 40) fields.phone = 'The suffix is at most 10 characters and the phone number 40.';
    if (!EMAIL_PATTERN.test(r.email.trim())) fields.email = 'Enter a valid email address.';
    else if (r.email.trim().toLowerCase() !== r.emailAgain.trim().toLowerCase()) fields.emailAgain = 'The two email addresses differ.';
    if (!['en', 'es'].includes(r.language)) fields.language = 'Choose English or Spanish.';
    const badLogin = loginProblem(login);
    if (badLogin) fields.login = badLogin;
    else if (await this.db.manager.existsBy(PortalUser, { login })) fields.login = 'This user ID is taken; choose another.';
    const badPassword = passwordProblem(r.password, login);
    if (badPassword) fields.password = badPassword;
    if (!r.acceptedTerms) fields.acceptedTerms = 'Accept the Terms and Conditions to register.';
    return fields;
  }

  /** Emails the link that completes a registration (48 hours, once). */
  async sendConfirmation(user: PortalUser): Promise<void> {
    const token = await this.issueToken(user.id, 'CONFIRM');
    await this.mailer.send({ to: user.email, subject: 'Smart Meter Texas: confirm your registration',
      text: `Hello ${user.firstName},\n\nTo complete your registration for user ID ${user.login}, open this link within 48 hours:\n\n${this.portalUrl()}/confirm?token=${token}\n\nIf you did not register, ignore this message.\n` });
  }

  createUser(u: NewPortalUser): Promise<PortalUser> {
    return insertPortalUser(this.db, u);
  }

  /** True when the link was valid: the account is active from now on. */
  async confirm(token: string, address: string): Promise<boolean> {
    const userId = await this.useToken(token, 'CONFIRM');
    if (userId === null) return false;
    await this.db.manager.update(PortalUser, { id: userId, status: 'PENDING' }, { status: 'ACTIVE' });
    await this.audit.record('CONFIRM', (await this.user(userId))?.login ?? '', address);
    return true;
  }

  async login(loginInput: string, password: string, address: string): Promise<LoginOutcome> {
    const login = loginInput.trim().toLowerCase().slice(0, 64);
    const locked = await this.guard.lockedUntil(login, address);
    if (locked) {
      await this.audit.record('LOGIN_LOCKED', login, address, `locked until ${locked.toISOString()}`);
      return { ok: false, lockedUntil: locked };
    }
    const user = await this.db.manager.findOneBy(PortalUser, { login });
    const matches = await verifyPassword(password.slice(0, 200), user?.passwordHash ?? DUMMY_HASH);
    if (!user || !matches || user.status !== 'ACTIVE') {
      const lock = await this.guard.failed(login, address);
      await this.audit.record('LOGIN_FAILED', login, address, !user ? 'unknown user ID' : !matches ? 'wrong password' : `account ${user.status.toLowerCase()}`);
      return { ok: false, lockedUntil: lock };
    }
    await this.guard.succeeded(login);
    await this.audit.record('LOGIN', login, address);
    return { ok: true, user };
  }

  /** Sends a reset link when the user ID or email belongs to an active account; says nothing either way. */
  async forgotPassword(loginOrEmail: string, address: string): Promise<void> {
    const key = loginOrEmail.trim().toLowerCase().slice(0, 254);
    const users = (await this.db.manager.find(PortalUser, { where: [{ login: key }, { email: key }], take: 5 })).filter((u) => u.status === 'ACTIVE');
    for (const user of users) {
      const token = await this.issueToken(user.id, 'RESET');
      await this.mailer.send({ to: user.email, subject: 'Smart Meter Texas: reset your password',
        text: `Hello ${user.firstName},\n\nTo choose a new password for user ID ${user.login}, open this link within an hour:\n\n${this.portalUrl()}/reset-password?token=${token}\n\nIf you did not ask for this, ignore this message: your password is unchanged.\n` });
    }
    await this.audit.record('RESET_ASKED', key.slice(0, 64), address, users.length > 0 ? 'link sent' : 'no active account');
  }

  /** Emails the user IDs of the active accounts with this address; says nothing either way. */
  async forgotUserId(emailInput: string, address: string): Promise<void> {
    const email = emailInput.trim().slice(0, 254);
    const users = email.includes('@') ? (await this.db.manager.find(PortalUser, { where: { email }, take: 20 })).filter((u) => u.status === 'ACTIVE') : [];
    if (users.length > 0) {
      await this.mailer.send({ to: users[0]!.email, subject: 'Smart Meter Texas: your user ID',
        text: `Hello,\n\nThe user ID${users.length > 1 ? 's' : ''} registered with this email address: ${users.map((u) => u.login).join(', ')}\n\nLog in at ${this.portalUrl()}/login\n` });
    }
    await this.audit.record('USER_ID_ASKED', email.slice(0, 64), address, users.length > 0 ? 'sent' : 'no active account');
  }

  /** Changes a logged-in user's password after checking the current one; null when done. */
  async changePassword(user: PortalUser, current: string, next: string, address: string): Promise<string | null> {
    if (!(await verifyPassword(current.slice(0, 200), user.passwordHash))) {
      await this.guard.failed(user.login, address);
      return 'The current password is not correct.';
    }
    const problem = passwordProblem(next, user.login);
    if (problem) return problem;
    await this.db.manager.update(PortalUser, { id: user.id }, { passwordHash: await hashPassword(next) });
    await this.audit.record('PASSWORD_CHANGED', user.login, address, 'changed when logged in');
    return null;
  }

  /** The user whose password changed (her sessions should end), or what is wrong. */
  async resetPassword(token: string, password: string, address: string): Promise<{ userId: number } | { problem: string }> {
    const row = await this.db.manager.findOneBy(PortalToken, { tokenHash: hash(token), purpose: 'RESET' });
    const user = row && row.expiresAt > new Date().toISOString() ? await this.user(row.userId) : null;
    if (!user) return { problem: 'This link is not valid any more: ask for a new one.' };
    const problem = passwordProblem(password, user.login);
    if (problem) return { problem };
    if ((await this.useToken(token, 'RESET')) === null) return { problem: 'This link is not valid any more: ask for a new one.' };
    await this.db.manager.update(PortalUser, { id: user.id }, { passwordHash: await hashPassword(password) });
    await this.audit.record('PASSWORD_CHANGED', user.login, address, 'reset by email');
    return { userId: user.id };
  }

  /** "Add a Smart Meter": false (show CR001) when no smart meter matches. */
  async addMeter(user: PortalUser, esiid: string, meterNumber: string, description: string, address: string): Promise<boolean> {
    // A business customer's meters are the company's; only its administrator adds them.
    if (user.companyId !== null && !user.admin) return false;
    const meter = await this.checkMeter(esiid, meterNumber, user.login, address, 'add a smart meter');
    if (!meter) return false;
    if (user.companyId !== null) {
      await addCompanyMeter(this.db.manager, user.companyId, meter, description);
      await this.audit.record('METER_ADDED', user.login, address, `esiid ${meter.esiid} for the company`);
      return true;
    }
    if (!(await this.db.manager.existsBy(PortalMeter, { userId: user.id, esiid: meter.esiid }))) {
      await this.db.manager.insert(PortalMeter, { userId: user.id, esiid: meter.esiid, description: description.trim().slice(0, 60), visibleFrom: meter.visibleFrom, registeredAt: new Date().toISOString() });
    }
    await this.audit.record('METER_ADDED', user.login, address, `esiid ${meter.esiid}`);
    return true;
  }

  /** The meters a customer sees: her own (residential), or her company's (all, or those granted to her). */
  async meters(userId: number): Promise<PortalMeter[]> {
    const user = await this.user(userId);
    if (user && user.companyId !== null) return companyMetersOf(this.db.manager, user);
    return this.db.manager.find(PortalMeter, { where: { userId }, order: { esiid: 'ASC' } });
  }

  user(id: number): Promise<PortalUser | null> {
    return this.db.manager.findOneBy(PortalUser, { id });
  }

  async anyUser(kind?: PortalUserKind): Promise<boolean> {
    return this.db.manager.existsBy(PortalUser, kind ? { kind } : {});
  }

  /**
   * A meter check counts as a failure against the address when nothing matches, and a locked
   * address gets no check at all: ESI IDs are printed on bills, meter numbers are short, and
   * guessing pairs here must cost as much as guessing passwords.
   */
  async checkMeter(esiid: string, meterNumber: string, login: string, address: string, where: string): Promise<MatchedMeter | null> {
    const locked = await this.guard.addressLockedUntil(address);
    const meter = locked ? null : await matchMeter(this.registry, esiid, meterNumber);
    if (meter) return meter;
    if (!locked) await this.guard.addressFailed(address);
    await this.audit.record('METER_REFUSED', login, address, `${where}${locked ? `: address locked until ${locked.toISOString()}` : ''}`);
    return null;
  }

  /** A one-time link token of `purpose` for the user; only its hash is stored. */
  async issueToken(userId: number, purpose: PortalTokenPurpose): Promise<string> {
    const token = crypto.randomBytes(32).toString('base64url');
    await this.db.manager.insert(PortalToken, { tokenHash: hash(token), userId, purpose, expiresAt: new Date(Date.now() + TOKEN_HOURS[purpose] * 3_600_000).toISOString() });
    return token;
  }

  /** The user of a valid token without consuming it (to show a form before the token is used), or null. */
  async peekToken(token: string, purpose: PortalTokenPurpose): Promise<number | null> {
    if (typeof token !== 'string' || token.length > 100) return null;
    const row = await this.db.manager.findOneBy(PortalToken, { tokenHash: hash(token), purpose });
    return row && row.expiresAt > new Date().toISOString() ? row.userId : null;
  }

  /** Consumes a valid token: its user, or null. */
  async useToken(token: string, purpose: PortalTokenPurpose): Promise<number | null> {
    if (typeof token !== 'string' || token.length > 100) return null;
    const row = await this.db.manager.findOneBy(PortalToken, { tokenHash: hash(token), purpose });
    if (!row) return null;
    const deleted = await this.db.manager.delete(PortalToken, { tokenHash: row.tokenHash });
    return row.expiresAt > new Date().toISOString() && (deleted.affected ?? 1) > 0 ? row.userId : null;
  }
}
