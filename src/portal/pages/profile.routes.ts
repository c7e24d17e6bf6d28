import { Router, type Request } from 'express';
import type { PortalUser } from '../../db/entities/portal-user.entity';
import type { AccountsService } from '../accounts.service';
import { html, trusted } from '../html';
import { csrfField, problemList } from '../layout.view';
import { PASSWORD_RULES_TEXT } from '../password-rules';
import { page, pageContext, requireUser, setSessionCookie } from '../portal-context';
import type { ProfileService } from '../profile.service';
import type { SessionService } from '../session.service';

/** Profile (what the account holds, and editing it), Change Password; Forgot User ID for everyone. */
export function profileRoutes(accounts: AccountsService, profiles: ProfileService, sessions: SessionService, address: (req: Request) => string): Router {
  const router = Router();
  const profileForm = (res: Parameters<typeof pageContext>[0], u: PortalUser, b: Record<string, string>, problems: Record<string, string>) => {
    const v = (name: keyof PortalUser & string) => b[name] ?? String(u[name] ?? '');
    const input = (name: keyof PortalUser & string, label: string, extra: string) => html`<label>${label} <input name="${name}" id="profile-${name}" value="${v(name)}" ${trusted(extra)}></label>`;
    return html`${problemList(problems)}<form method="post" action="/profile" id="profile-form">${csrfField(pageContext(res, sessions))}
${input('firstName', 'First name *', 'required maxlength="60"')}${input('middleInitial', 'Middle initial', 'maxlength="1"')}${input('lastName', 'Last name *', 'required maxlength="60"')}
${input('suffix', 'Suffix', 'maxlength="10"')}${input('phone', 'Phone (with extension)', 'maxlength="40"')}
<label>Language preference <select name="language" id="profile-language"><option value="en">English</option><option value="es"${v('language') === 'es' ? html` selected` : ''}>Español</option></select></label>
${input('email', 'Email address *', 'type="email" required maxlength="254"')}<p>A new email address is used once you open the link we send to it.</p>
<button type="submit" id="profile-submit">Save profile</button></form>`;
  };
  const passwordForm = (res: Parameters<typeof pageContext>[0], problem: string) => html`${problem ? html`<p class="problems" id="password-problem">${problem}</p>` : ''}
<form method="post" action="/profile/password" id="change-password">${csrfField(pageContext(res, sessions))}<p>${PASSWORD_RULES_TEXT}</p>
<label>Current password <input type="password" name="current" id="current" required maxlength="200" autocomplete="current-password"></label>
<label>New password <input type="password" name="password" id="new-password" required maxlength="64" autocomplete="new-password"></label>
<button type="submit">Change password</button></form>`;
  router.get('/profile', (req, res) => {
    const u = requireUser(req, res);
    if (!u) return;
    page(req, res, sessions, 'Profile', html`<dl id="profile"><dt>User ID</dt><dd>${u.login}</dd><dt>Name</dt><dd>${[u.firstName, u.middleInitial, u.lastName, u.suffix].filter(Boolean).join(' ')}</dd>
<dt>Email</dt><dd>${u.email}${u.pendingEmail ? html` <small id="pending-email">(${u.pendingEmail} waits for its confirmation link)</small>` : ''}</dd><dt>Phone</dt><dd>${u.phone || '-'}</dd><dt>Language</dt><dd>${u.language === 'es' ? 'Español' : 'English'}</dd></dl>
<h2>Edit profile</h2>${profileForm(res, u, {}, {})}
<h2>Change password</h2>${passwordForm(res, '')}`);
  });
  router.post('/profile', async (req, res) => {
    const u = requireUser(req, res);
    if (!u) return;
    const b = Object.fromEntries(['firstName', 'middleInitial', 'lastName', 'suffix', 'phone', 'language', 'email'].map((k) => [k, String((req.body as Record<string, unknown>)[k] ?? '').slice(0, 300)]));
    const outcome = await profiles.update(u, { firstName: b.firstName!, middleInitial: b.middleInitial!, lastName: b.lastName!, suffix: b.suffix!, phone: b.phone!, language: b.language!, email: b.email! }, address(req));
    if ('problems' in outcome) return page(req, res.status(400), sessions, 'Edit profile', profileForm(res, u, b, outcome.problems));
    page(req, res, sessions, 'Profile saved', html`<p class="notice" id="profile-saved">Your profile is saved.${outcome.emailSentTo ? html` We sent a link to ${outcome.emailSentTo}: your email address changes when you open it (within 48 hours).` : ''} <a href="/profile">Profile</a></p>`);
  });
  router.get('/confirm-email', async (req, res) => {
    const ok = await profiles.confirmEmail(String(req.query.token ?? '').slice(0, 100), address(req));
    page(req, res.status(ok ? 200 : 400), sessions, ok ? 'Email address changed' : 'Link not valid', ok
      ? html`<p class="notice" id="email-changed">Your email address is changed.</p>`
      : html`<p class="problems">This link is not valid any more. Ask for the change again from your profile.</p>`);
  });
  router.post('/profile/password', async (req, res) => {
    const u = requireUser(req, res);
    if (!u) return;
    const b = req.body as Record<string, string | undefined>;
    const problem = await accounts.changePassword(u, String(b.current ?? ''), String(b.password ?? ''), address(req));
    if (problem) return page(req, res.status(400), sessions, 'Change password', passwordForm(res, problem));
    // Every other session of the account ends; this browser goes on under a new session.
    await sessions.endAllOf(u.id);
    setSessionCookie(res, await sessions.start(u.id));
    page(req, res, sessions, 'Password changed', html`<p class="notice" id="password-changed">Your password is changed; your other sessions have ended.</p>`);
  });
  router.get('/forgot-user-id', (req, res) => page(req, res, sessions, 'Forgot your user ID?', html`
<form method="post" action="/forgot-user-id">${csrfField(pageContext(res, sessions))}
<label>Email address <input type="email" name="email" id="email" required maxlength="254"></label><button type="submit">Email me my user ID</button></form>`));
  router.post('/forgot-user-id', async (req, res) => {
    await accounts.forgotUserId(String((req.body as Record<string, unknown>).email ?? ''), address(req));
    page(req, res, sessions, 'Check your email', html`<p class="notice">If an account uses this address, we sent it the user ID.</p>`);
  });
  return router;
}
