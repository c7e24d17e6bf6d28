import { Router, type Request } from 'express';
import type { AccountsService } from '../accounts.service';
import { html } from '../html';
import { csrfField } from '../layout.view';
import { PASSWORD_RULES_TEXT } from '../password-rules';
import { page, pageContext, requireUser, setSessionCookie } from '../portal-context';
import type { SessionService } from '../session.service';

/** Profile (what the account holds) and Change Password; Forgot User ID for everyone. */
export function profileRoutes(accounts: AccountsService, sessions: SessionService, address: (req: Request) => string): Router {
  const router = Router();
  const passwordForm = (res: Parameters<typeof pageContext>[0], problem: string) => html`${problem ? html`<p class="problems" id="password-problem">${problem}</p>` : ''}
<form method="post" action="/profile/password" id="change-password">${csrfField(pageContext(res, sessions))}<p>${PASSWORD_RULES_TEXT}</p>
<label>Current password <input type="password" name="current" id="current" required maxlength="200" autocomplete="current-password"></label>
<label>New password <input type="password" name="password" id="new-password" required maxlength="64" autocomplete="new-password"></label>
<button type="submit">Change password</button></form>`;
  router.get('/profile', (req, res) => {
    const u = requireUser(req, res);
    if (!u) return;
    page(req, res, sessions, 'Profile', html`<dl id="profile"><dt>User ID</dt><dd>${u.login}</dd><dt>Name</dt><dd>${[u.firstName, u.middleInitial, u.lastName, u.suffix].filter(Boolean).join(' ')}</dd>
<dt>Email</dt><dd>${u.email}</dd><dt>Phone</dt><dd>${u.phone || '-'}</dd><dt>Language</dt><dd>${u.language === 'es' ? 'Español' : 'English'}</dd></dl>
<h2>Change password</h2>${passwordForm(res, '')}`);
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
