import { SmtError } from '../core/errors';
import { integer } from './config';

type Env = Record<string, string | undefined>;

/** The web portal's settings (see docs/settings.md and docs/portal.md). */
export interface PortalSettings {
  /** 'off': `smt serve` starts no portal. */
  mode: 'on' | 'off';
  host: string;
  port: number;
  /** The address people reach the portal at, for links in emails; default https://localhost:PORT. */
  publicUrl: string | null;
  /** smtp:// or smtps:// URL of the mail server; null: development mail catcher (<data>/mail/). */
  smtpUrl: string | null;
  mailFrom: string;
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  /** Failed logins of one user ID within the window that lock it, and of one address. */
  accountMaxFailures: number;
  addressMaxFailures: number;
  lockMinutes: number;
}

export function portalSettings(env: Env): PortalSettings {
  const smtpUrl = env.SMT_SMTP_URL?.trim() || null;
  if (smtpUrl !== null && !/^smtps?:\/\/[^\s/]+/.test(smtpUrl)) {
    throw new SmtError('CONFIG_INVALID', `Setting SMT_SMTP_URL is "${smtpUrl.replace(/\/\/[^@/]*@/, '//***@')}"; expected smtp://[user:password@]host[:port] or smtps://...`, { setting: 'SMT_SMTP_URL' });
  }
  const publicUrl = env.SMT_PORTAL_PUBLIC_URL?.trim().replace(/\/+$/, '') || null;
  if (publicUrl !== null && !/^https?:\/\/[^\s?#]+$/.test(publicUrl)) {
    throw new SmtError('CONFIG_INVALID', `Setting SMT_PORTAL_PUBLIC_URL is "${publicUrl}"; expected a URL such as https://portal.example.com`, { setting: 'SMT_PORTAL_PUBLIC_URL' });
  }
  const mode = env.SMT_PORTAL?.trim() || 'on';
  if (mode !== 'on' && mode !== 'off') throw new SmtError('CONFIG_INVALID', `Setting SMT_PORTAL is "${mode}"; allowed values: on, off`, { setting: 'SMT_PORTAL' });
  return {
    mode,
    host: env.SMT_PORTAL_HOST?.trim() || '127.0.0.1',
    port: integer(env, 'SMT_PORTAL_PORT', 8444, 0, 65_535),
    publicUrl,
    smtpUrl,
    mailFrom: env.SMT_SMTP_FROM?.trim() || 'Smart Meter Texas <no-reply@smt-platform.invalid>',
    sessionIdleMinutes: integer(env, 'SMT_PORTAL_SESSION_IDLE_MIN', 30, 1, 24 * 60),
    sessionMaxHours: integer(env, 'SMT_PORTAL_SESSION_MAX_H', 12, 1, 24 * 30),
    accountMaxFailures: integer(env, 'SMT_PORTAL_ACCOUNT_MAX_FAILURES', 5, 1, 1000),
    addressMaxFailures: integer(env, 'SMT_PORTAL_ADDRESS_MAX_FAILURES', 30, 1, 100_000),
    lockMinutes: integer(env, 'SMT_PORTAL_LOCK_MIN', 15, 1, 24 * 60),
  };
}
