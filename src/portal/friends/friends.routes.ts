import { Router, type Request, type Response } from 'express';
import type { PortalUser } from '../../db/entities/portal-user.entity';
import { newCustomer, type AccountsService } from '../accounts.service';
import type { Viewer } from '../energy-access';
import { html, type Html } from '../html';
import { csrfField, problemList } from '../layout.view';
import { locals, page, pageContext, requireUser, setSessionCookie } from '../portal-context';
import type { SessionService } from '../session.service';
import type { FriendsService, ShareLine } from './friends.service';
import { PASSWORD_RULES_TEXT } from '../password-rules';

export interface PortalFriends {
  service: FriendsService;
  /** The user's own meters only (what she may share). */
  ownViewerOf(user: PortalUser): Promise<Viewer>;
}

type Form = Record<string, unknown>;
const field = (b: Form, name: string) => (typeof b[name] === 'string' ? (b[name] as string).slice(0, 300) : '');

/** "Friends": invite, see who has access, revoke; and the friend's side: accept by logging in or registering, see what is shared. */
export function friendsRoutes(f: PortalFriends, accounts: AccountsService, sessions: SessionService, address: (req: Request) => string): Router {
  const router = Router();
  const customer = (req: Request, res: Response): PortalUser | null => {
    const user = requireUser(req, res);
    if (user && user.kind !== 'CUSTOMER') return page(req, res.status(403), sessions, 'Friends', html`<p class="problems" id="not-allowed">Friends are for customers.</p>`), null;
    return user;
  };

  async function friendsPage(req: Request, res: Response, user: PortalUser, problem: string): Promise<void> {
    const own = (await f.ownViewerOf(user)).meters;
    const shares = await f.service.sharesOf(user.id);
    const shared = await f.service.sharedWith(user.id);
    const ctx = pageContext(res, sessions);
    const revoke = (s: ShareLine) => html`<form method="post" action="/friends/revoke" class="inline revoke">${csrfField(ctx)}<input type="hidden" name="share" value="${String(s.id)}"><button type="submit">Revoke</button></form>`;
    page(req, res.status(problem ? 400 : 200), sessions, 'Friends', html`${problem ? html`<p class="problems" id="friends-problem">${problem}</p>` : ''}${notice(req)}
<h2>Who has access to my meters</h2>${own.length === 0 ? html`<p>You have no meters to share.</p>` : html`<table id="shares"><thead><tr><th>ESI ID</th><th>Friend</th><th>Status</th><th>Until</th><th></th></tr></thead><tbody>
${shares.map((s) => html`<tr data-share="${String(s.id)}"><td>${s.esiid}</td><td>${s.friendLogin ? `${s.friendLogin} (${s.email})` : s.email}</td><td>${s.status === 'ACTIVE' ? 'has access' : 'invited'}</td><td>${s.endDate}</td><td>${revoke(s)}</td></tr>`)}
</tbody></table>${shares.length === 0 ? html`<p id="no-shares">Nobody else sees your meters.</p>` : ''}
<h2>Invite a friend</h2><form method="post" action="/friends/invite" id="invite">${csrfField(ctx)}<label>Friend's email <input type="email" name="email" id="friend-email" required maxlength="254"></label>
${own.map((m) => html`<label><input type="checkbox" name="esiid" value="${m.esiid}"> ESI ID ${m.esiid}${m.description ? ` (${m.description})` : ''}</label>`)}
<label>Until (inclusive) <input type="date" name="endDate" id="friend-end" required></label><button type="submit" id="invite-submit">Send invitation</button></form>`}
<h2>Shared with me</h2>${shared.length === 0 ? html`<p>Nothing is shared with you.</p>` : html`<ul id="shared-with-me">${shared.map((s) => html`<li>ESI ID ${s.esiid}, shared by ${s.ownerName} until ${s.endDate}:
<a href="/usage/${s.esiid}/interval">15-minute intervals</a> · <a href="/usage/${s.esiid}/daily">daily reads</a> · <a href="/usage/${s.esiid}/monthly">monthly usage</a> · <a href="/green-button/${s.esiid}">Green Button</a></li>`)}</ul>`}`);
  }

  router.get('/friends', async (req, res) => {
    const user = customer(req, res);
    if (user) await friendsPage(req, res, user, '');
  });
  router.post('/friends/invite', async (req, res) => {
    const user = customer(req, res);
    if (!user) return;
    const b = req.body as Form;
    const esiids = (Array.isArray(b.esiid) ? b.esiid : [b.esiid]).filter((e): e is string => typeof e === 'string').slice(0, 50);
    const outcome = await f.service.invite(user, (await f.ownViewerOf(user)).meters, { email: field(b, 'email'), esiids, endDate: field(b, 'endDate') }, address(req));
    if ('problem' in outcome) return friendsPage(req, res, user, outcome.problem);
    res.redirect(303, '/friends?invited=1');
  });
  router.post('/friends/revoke', async (req, res) => {
    const user = customer(req, res);
    if (!user) return;
    if (!(await f.service.revoke(user, Number(field(req.body as Form, 'share')), address(req)))) return friendsPage(req, res, user, 'There is no such access to revoke.');
    res.redirect(303, '/friends?revoked=1');
  });

  router.get('/friends/accept', async (req, res) => {
    const token = String(req.query.token ?? '').slice(0, 100);
    const open = await f.service.peek(token);
    if (!open) return gone(req, res);
    const user = locals(res).user;
    const ctx = pageContext(res, sessions);
    const intro = html`<p id="invitation">${open.owner.firstName} ${open.owner.lastName} shares ${open.esiids.length === 1 ? 'a meter' : `${open.esiids.length} meters`} with you, read-only.</p>`;
    if (user) {
      return page(req, res, sessions, 'Accept an invitation', html`${intro}<form method="post" action="/friends/accept">${csrfField(ctx)}<input type="hidden" name="token" value="${token}">
<button type="submit" id="accept-submit">Accept as ${user.login}</button></form>`);
    }
    page(req, res, sessions, 'Accept an invitation', html`${intro}<p><a id="accept-login" href="/login?next=${encodeURIComponent(`/friends/accept?token=${token}`)}">Log in to accept</a>, or register:</p>${registerForm(ctx, token, open.invite.email, {}, {})}`);
  });
  router.post('/friends/accept', async (req, res) => {
    const user = requireUser(req, res);
    if (!user) return;
    if (!(await f.service.accept(field(req.body as Form, 'token'), user, address(req)))) return gone(req, res);
    res.redirect(303, '/friends?accepted=1');
  });
  router.post('/friends/register', async (req, res) => {
    const b = req.body as Form;
    const token = field(b, 'token');
    const open = await f.service.peek(token);
    if (!open) return gone(req, res);
    const person = { firstName: field(b, 'firstName'), middleInitial: '', lastName: field(b, 'lastName'), suffix: '', phone: '', email: open.invite.email, emailAgain: open.invite.email,
      language: 'en', login: field(b, 'login'), password: field(b, 'password'), acceptedTerms: b.acceptedTerms === 'yes' };
    const problems = await accounts.personProblems(person);
    if (Object.keys(problems).length > 0) return page(req, res.status(400), sessions, 'Accept an invitation', registerForm(pageContext(res, sessions), token, open.invite.email, b, problems));
    // The invitation's link reached this address: it is confirmed, so the account is active at once.
    const user = await accounts.createUser({ ...newCustomer(person, person.login.trim().toLowerCase(), null), status: 'ACTIVE' });
    if (!(await f.service.accept(token, user, address(req)))) return gone(req, res);
    setSessionCookie(res, await sessions.start(user.id));
    res.redirect(303, '/friends?accepted=1');
  });

  function gone(req: Request, res: Response): void {
    page(req, res.status(404), sessions, 'Invitation', html`<p class="problems" id="invitation-gone">This invitation is not valid any more: it was used, revoked or has expired. Ask for a new one.</p>`);
  }
  return router;
}

function notice(req: Request): Html {
  const text = req.query.invited ? 'Invitation sent.' : req.query.revoked ? 'Access revoked.' : req.query.accepted ? 'Invitation accepted: the shared meters are below.' : '';
  return text ? html`<p class="notice" id="friends-notice">${text}</p>` : html``;
}

function registerForm(ctx: ReturnType<typeof pageContext>, token: string, email: string, b: Form, problems: Record<string, string>): Html {
  const v = (name: string) => field(b, name);
  return html`${problemList(problems)}<form method="post" action="/friends/register" id="friend-register">${csrfField(ctx)}<input type="hidden" name="token" value="${token}">
<p>Email: ${email}</p><label>First name <input name="firstName" id="firstName" value="${v('firstName')}" required maxlength="60"></label>
<label>Last name <input name="lastName" id="lastName" value="${v('lastName')}" required maxlength="60"></label>
<label>User ID <input name="login" id="login" value="${v('login')}" required maxlength="64" autocomplete="username"></label>
<p>${PASSWORD_RULES_TEXT}</p><label>Password <input type="password" name="password" id="password" required maxlength="200" autocomplete="new-password"></label>
<label><input type="checkbox" name="acceptedTerms" value="yes" id="acceptedTerms"> I accept the <a href="/terms">Terms and Conditions</a></label>
<button type="submit" id="friend-register-submit">Register and accept</button></form>`;
}
