import { Router, type Request, type Response } from 'express';
import type { PortalUser } from '../../db/entities/portal-user.entity';
import { html, type Html } from '../html';
import { csrfField, problemList } from '../layout.view';
import { PASSWORD_RULES_TEXT } from '../password-rules';
import { page, pageContext, requireUser } from '../portal-context';
import type { SessionService } from '../session.service';
import type { ManagedUser, UserAdminService } from '../user-admin.service';
import { FUNCTION_NAMES, PORTAL_FUNCTIONS, type PortalFunction } from '../user-functions';

type Form = Record<string, string | string[] | undefined>;

const list = (value: string | string[] | undefined): string[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(String).slice(0, 50);

/** "Users": an administrator adds, disables and grants her organization's users; "Set your password" for the users she adds. */
export function userRoutes(admins: UserAdminService, sessions: SessionService, address: (req: Request) => string): Router {
  const router = Router();
  const requireAdmin = (req: Request, res: Response): PortalUser | null => {
    const user = requireUser(req, res);
    if (user && !user.admin) page(req, res.status(403), sessions, 'Users', html`<p class="problems">Only your organization's portal administrator manages users.</p>`);
    return user?.admin ? user : null;
  };
  const notFound = (req: Request, res: Response) => page(req, res.status(404), sessions, 'No such user', html`<p class="problems" id="no-such-user">There is no such user among yours. <a href="/users">Users</a></p>`);
  const userId = (req: Request) => (/^\d{1,9}$/.test(String(req.params.id)) ? Number(req.params.id) : NaN);

  const functionBoxes = (admin: PortalUser, chosen: Set<PortalFunction>) => PORTAL_FUNCTIONS.filter((f) => !(admin.kind === 'REGULATOR' && f === 'HAN')).map((f) =>
    html`<label><input type="checkbox" name="functions" value="${f}" id="fn-${f}"${chosen.has(f) ? html` checked` : ''}> ${FUNCTION_NAMES[f]}</label>`);
  const meterBoxes = async (admin: PortalUser, all: boolean, chosen: string[]) => html`<label><input type="checkbox" name="allMeters" value="yes" id="allMeters"${all ? html` checked` : ''}> All of the company's meters</label>
${(await admins.companyMeters(admin)).map((m) => html`<label><input type="checkbox" name="esiids" value="${m.esiid}" id="esiid-${m.esiid}"${!all && chosen.includes(m.esiid) ? html` checked` : ''}> ESI ID ${m.esiid}</label>`)}`;
  const grants = (admin: PortalUser, m: ManagedUser) => admin.companyId !== null
    ? (m.user.admin || m.user.allMeters ? 'all meters' : m.esiids.join(', ') || 'no meters')
    : PORTAL_FUNCTIONS.filter((f) => m.functions.has(f) && !(m.user.kind === 'REGULATOR' && f === 'HAN')).join(', ') || 'none';

  const usersPage = async (req: Request, res: Response, admin: PortalUser, problems: Record<string, string>, b: Form) => {
    const users = await admins.users(admin);
    const v = (name: string) => String(b[name] ?? '');
    page(req, res, sessions, 'Users', html`<table id="users"><tr><th>User ID</th><th>Name</th><th>Email</th><th>Status</th><th>${admin.companyId !== null ? 'Meters' : 'Functions'}</th><th></th></tr>
${users.map((m) => html`<tr><td>${m.user.login}${m.user.admin ? ' (administrator)' : ''}</td><td>${m.user.firstName} ${m.user.lastName}</td><td>${m.user.email}</td><td>${m.user.status}</td><td>${grants(admin, m)}</td>
<td>${m.user.id === admin.id ? '' : html`<a href="/users/${m.user.id}" id="manage-${m.user.login}">Manage</a>`}</td></tr>`)}</table>
<h2>Add a user</h2>${problemList(problems)}<form method="post" action="/users" id="add-user">${csrfField(pageContext(res, sessions))}
<label>User ID * <input name="login" id="new-login" required maxlength="40" value="${v('login')}"></label><label>First name * <input name="firstName" id="new-firstName" required maxlength="60" value="${v('firstName')}"></label>
<label>Last name * <input name="lastName" id="new-lastName" required maxlength="60" value="${v('lastName')}"></label><label>Email address * <input type="email" name="email" id="new-email" required maxlength="254" value="${v('email')}"></label>
<fieldset><legend>${admin.companyId !== null ? 'Meters' : 'Portal functions'}</legend>${admin.companyId !== null ? await meterBoxes(admin, true, []) : functionBoxes(admin, new Set(PORTAL_FUNCTIONS))}</fieldset>
<p>The user gets an email with a link to choose a password.</p><button type="submit" id="add-user-submit">Add user</button></form>`);
  };

  router.get('/users', async (req, res) => {
    const admin = requireAdmin(req, res);
    if (admin) await usersPage(req, res, admin, {}, {});
  });
  router.post('/users', async (req, res) => {
    const admin = requireAdmin(req, res);
    if (!admin) return;
    const b = req.body as Form;
    const problems = await admins.add(admin, {
      login: String(b.login ?? '').slice(0, 100), firstName: String(b.firstName ?? '').slice(0, 100), lastName: String(b.lastName ?? '').slice(0, 100),
      email: String(b.email ?? '').slice(0, 300), functions: list(b.functions) as PortalFunction[], allMeters: b.allMeters === 'yes', esiids: list(b.esiids),
    }, address(req));
    if (problems) return usersPage(req, res.status(400), admin, problems, b);
    res.redirect(303, '/users');
  });
  router.get('/users/:id', async (req, res) => {
    const admin = requireAdmin(req, res);
    if (!admin) return;
    const m = await admins.managed(admin, userId(req));
    if (!m || m.user.id === admin.id) return notFound(req, res);
    const ctx = pageContext(res, sessions);
    const grantForm: Html = admin.companyId !== null
      ? html`<form method="post" action="/users/${m.user.id}/meters" id="user-meters">${csrfField(ctx)}<fieldset><legend>Meters</legend>${await meterBoxes(admin, m.user.allMeters, m.esiids)}</fieldset><button type="submit" id="save-grants">Save meter access</button></form>`
      : html`<form method="post" action="/users/${m.user.id}/functions" id="user-functions">${csrfField(ctx)}<fieldset><legend>Portal functions</legend>${functionBoxes(admin, m.functions)}</fieldset><button type="submit" id="save-grants">Save functions</button></form>`;
    page(req, res, sessions, `User ${m.user.login}`, html`<p>${m.user.firstName} ${m.user.lastName}, ${m.user.email}; status <span id="user-status">${m.user.status}</span>.</p>${grantForm}
${m.user.status === 'PENDING' ? html`<form method="post" action="/users/${m.user.id}/invite" id="resend-invite">${csrfField(ctx)}<button type="submit" id="resend-submit">Email a new set-password link</button></form>` : ''}
${m.user.status === 'DISABLED' ? '' : html`<form method="post" action="/users/${m.user.id}/disable" id="disable-user">${csrfField(ctx)}<button type="submit" id="disable-submit">Disable this user</button></form>`}
<p><a href="/users">All users</a></p>`);
  });
  router.post('/users/:id/functions', async (req, res) => {
    const admin = requireAdmin(req, res);
    if (!admin) return;
    if (!(await admins.setFunctions(admin, userId(req), list((req.body as Form).functions) as PortalFunction[], address(req)))) return notFound(req, res);
    res.redirect(303, '/users');
  });
  router.post('/users/:id/meters', async (req, res) => {
    const admin = requireAdmin(req, res);
    if (!admin) return;
    const b = req.body as Form;
    if (!(await admins.setMeters(admin, userId(req), b.allMeters === 'yes', list(b.esiids), address(req)))) return notFound(req, res);
    res.redirect(303, '/users');
  });
  router.post('/users/:id/invite', async (req, res) => {
    const admin = requireAdmin(req, res);
    if (!admin) return;
    if (!(await admins.resendInvite(admin, userId(req), address(req)))) return notFound(req, res);
    res.redirect(303, '/users');
  });
  router.post('/users/:id/disable', async (req, res) => {
    const admin = requireAdmin(req, res);
    if (!admin) return;
    if (!(await admins.disable(admin, userId(req), address(req)))) return notFound(req, res);
    await sessions.endAllOf(userId(req));
    res.redirect(303, '/users');
  });

  const setForm = (res: Response, token: string, problem: string) => html`${problem ? html`<p class="problems" id="set-problem">${problem}</p>` : ''}
<form method="post" action="/set-password" id="set-password">${csrfField(pageContext(res, sessions))}<input type="hidden" name="token" value="${token}"><p>${PASSWORD_RULES_TEXT}</p>
<label>Password <input type="password" name="password" id="password" autocomplete="new-password" required maxlength="64"></label><button type="submit" id="set-password-submit">Save</button></form>`;
  router.get('/set-password', (req, res) => page(req, res, sessions, 'Choose your password', setForm(res, String(req.query.token ?? '').slice(0, 100), '')));
  router.post('/set-password', async (req, res) => {
    const b = req.body as Form;
    const token = String(b.token ?? '').slice(0, 100);
    const outcome = await admins.setPassword(token, String(b.password ?? '').slice(0, 200), address(req));
    if ('problem' in outcome) return page(req, res.status(400), sessions, 'Choose your password', setForm(res, token, outcome.problem));
    page(req, res, sessions, 'Password saved', html`<p class="notice" id="password-set">Your account ${outcome.login} is ready. <a href="/login">Log in</a>.</p>`);
  });
  return router;
}
