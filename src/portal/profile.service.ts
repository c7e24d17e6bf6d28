import type { DataSource } from 'typeorm';
import { PortalUser } from '../db/entities/portal-user.entity';
import { EMAIL_PATTERN, type AccountsService } from './accounts.service';
import type { AuditLog } from './audit.log';
import type { Mailer } from './mailer';

export interface ProfileInput {
  firstName: string;
  middleInitial: string;
  lastName: string;
  suffix: string;
  phone: string;
  language: string;
  email: string;
}

/**
 * Profile editing: name, phone and language change at once; a new email address changes only when
 * the link sent to it is opened (so nobody moves an account to an address she does not hold), and
 * the old address is told that a change was asked.
 */
export class ProfileService {
  constructor(private readonly db: DataSource, private readonly accounts: AccountsService, private readonly mailer: Mailer,
    private readonly audit: AuditLog, private readonly portalUrl: () => string) {}

  /** What is wrong, by field, or what was done. */
  async update(user: PortalUser, p: ProfileInput, address: string): Promise<{ problems: Record<string, string> } | { emailSentTo: string | null }> {
    const problems: Record<string, string> = {};
    if (!p.firstName.trim() || p.firstName.length > 60) problems.firstName = 'Enter your first name (at most 60 characters).';
    if (!p.lastName.trim() || p.lastName.length > 60) problems.lastName = 'Enter your last name (at most 60 characters).';
    if (p.middleInitial.trim().length > 1) problems.middleInitial = 'The middle initial is one letter.';
    if (p.suffix.length > 10) problems.suffix = 'The suffix is at most 10 characters.';
    if (p.phone.length > 40) problems.phone = 'The phone number is at most 40 characters.';
    if (!['en', 'es'].includes(p.language)) problems.language = 'Choose English or Spanish.';
    const email = p.email.trim();
    if (!EMAIL_PATTERN.test(email)) problems.email = 'Enter a valid email address.';
    if (Object.keys(problems).length > 0) return { problems };
    const changes = { firstName: p.firstName.trim(), middleInitial: p.middleInitial.trim(), lastName: p.lastName.trim(), suffix: p.suffix.trim(), phone: p.phone.trim(), language: p.language };
    const changed = (Object.keys(changes) as (keyof typeof changes)[]).filter((k) => user[k] !== changes[k]);
    if (changed.length > 0) {
      await this.db.manager.update(PortalUser, { id: user.id }, changes);
      await this.audit.record('PROFILE_CHANGED', user.login, address, changed.join(', '));
    }
    if (email.toLowerCase() === user.email.toLowerCase()) return { emailSentTo: null };
    await this.db.manager.update(PortalUser, { id: user.id }, { pendingEmail: email });
    const token = await this.accounts.issueToken(user.id, 'EMAIL');
    await this.mailer.send({ to: email, subject: 'Smart Meter Texas: confirm your new email address',
      text: `Hello ${changes.firstName},\n\nTo use this address for user ID ${user.login}, open this link within 48 hours:\n\n${this.portalUrl()}/confirm-email?token=${token}\n\nIf you did not ask for this, ignore this message.\n` });
    await this.mailer.send({ to: user.email, subject: 'Smart Meter Texas: a change of your email address was asked',
      text: `Hello ${changes.firstName},\n\nSomeone logged in as ${user.login} asked to change the account's email address. It changes only when the link sent to the new address is opened. If this was not you, change your password now.\n` });
    await this.audit.record('EMAIL_CHANGE_ASKED', user.login, address, 'link sent to the new address');
    return { emailSentTo: email };
  }

  /** Opens the link sent to a new address: the account's email is that address from now on. False when the link is not valid. */
  async confirmEmail(token: string, address: string): Promise<boolean> {
    const userId = await this.accounts.useToken(token, 'EMAIL');
    const user = userId === null ? null : await this.accounts.user(userId);
    if (!user || !user.pendingEmail) return false;
    await this.db.manager.update(PortalUser, { id: user.id }, { email: user.pendingEmail, pendingEmail: '' });
    await this.audit.record('EMAIL_CHANGED', user.login, address, 'confirmed from the new address');
    return true;
  }
}
