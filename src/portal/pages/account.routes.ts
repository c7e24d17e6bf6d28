import { Router, type Request } from 'express';
import type { AccountsService, FormProblems, Registration } from '../accounts.service';
import type { AuditLog } from '../audit.log';
import { html, type Html } from '../html';
import { csrfField, problemList, type PageContext } from '../layout.view';
import { CR001_INTRO, CR001_REASONS } from '../meter-check';
import { PASSWORD_RULES_TEXT } from '../password-rules';
import { locals, page, pageContext, setSessionCookie } from '../portal-context';
import type { SessionService } from '../session.service';

export type Form = Record<string, string | undefined>;

export function cr001(): Html {
  return html`<div class="cr001" id="cr001"><p>${CR001_INTRO}</p><ul>${CR001_REASONS.map((r) => html`<li>${r}</li>`)}</ul></div>`;
}

/** Log in, log out, registration with its confirmation link, forgotten password. */
export function accountRoutes(accounts: AccountsService, sessions: SessionService, audit: AuditLog, address: (req: Request) => string): Router {
  const router = Router();
  const field = (body: Form, name: string) => String(body[name] ?? '').slice(0, 300);

  const loginForm = (ctx: PageContext, message: Html | string, next: string) => html`${message ? html`<p class="problems" id="login-problem">${message}</p>` : ''}
<form method="post" action="/login">${csrfField(ctx)}<input type="hidden" name="next" value="${next}">
<label>User ID <input name="login" id="login" autocomplete="username" required maxlength="64"></label>
<label>Password <input type="password" name="password" id="password" autocomplete="current-password" required maxlength="200"></label>
<button type="submit" id="login-submit">Log in</button></form>
<p><a href="/forgot-password">Forgot your password?</a> · <a href="/forgot-user-id">Forgot your user ID?</a> · <a href="/register">Register</a></p>`;
  const safeNext = (next: unknown) => (typeof next === 'string' && /^\/(?!\/)[\w\-/?=&.%]*$/.test(next) ? next : '/meters');

  router.get('/login', (req, res) => page(req, res, sessions, 'Log in', loginForm(pageContext(res, sessions), '', safeNext(req.query.next))));
  router.post('/login', async (req, res) => {
    const body = req.body as Form;
    const outcome = await accounts.login(field(body, 'login'), field(body, 'password'), address(req));
    if (!outcome.ok) {
      res.status(outcome.lockedUntil ? 429 : 401);
      const message = outcome.lockedUntil
        ? `Too many failed logins: this user ID or your address is locked until ${outcome.lockedUntil.toISOString().slice(0, 16).replace('T', ' ')} UTC.`
        : 'The user ID or password is not correct, or the account is not confirmed yet.';
      return page(req, res, sessions, 'Log in', loginForm(pageContext(res, sessions), message, safeNext(body.next)));
    }
    const sid = await sessions.start(outcome.user.id);
    setSessionCookie(res, sid);
    res.redirect(303, safeNext(body.next));
  });
  router.post('/logout', async (req, res) => {
    const l = locals(res);
    if (l.user) await audit.record('LOGOUT', l.user.login, address(req));
    await sessions.end(l.sid);
    setSessionCookie(res, sessions.newId());
    res.redirect(303, '/');
  });

  router.get('/register', (req, res) => page(req, res, sessions, 'Register', registerForm(pageContext(res, sessions), {}, null)));
  router.post('/register', async (req, res) => {
    const b = req.body as Form;
    const input: Registration = {
      firstName: field(b, 'firstName'), middleInitial: field(b, 'middleInitial'), lastName: field(b, 'lastName'), suffix: field(b, 'suffix'),
      phone: field(b, 'phone'), email: field(b, 'email'), emailAgain: field(b, 'emailAgain'), language: field(b, 'language'), login: field(b, 'login'),
      password: field(b, 'password'), esiid: field(b, 'esiid'), meterNumber: field(b, 'meterNumber'), acceptedTerms: b.acceptedTerms === 'yes',
    };
    const problems = await accounts.register(input, address(req));
    if (problems) return page(req, res.status(400), sessions, 'Register', registerForm(pageContext(res, sessions), b, problems));
    page(req, res, sessions, 'Check your email', html`<p class="notice" id="registered">We sent a message to ${input.email}. Follow its link within 48 hours to complete your registration.</p>`);
  });
  router.get('/confirm', async (req, res) => {
    const ok = await accounts.confirm(String(req.query.token ?? ''), address(req));
    page(req, res.status(ok ? 200 : 400), sessions, ok ? 'Registration complete' : 'Link not valid', ok
      ? html`<p class="notice" id="confirmed">Your registration is complete. <a href="/login">Log in</a>.</p>`
      : html`<p class="problems">This link is not valid any more. Register again, or log in if you already confirmed.</p>`);
  });

  router.get('/forgot-password', (req, res) => page(req, res, sessions, 'Forgot your password?', html`
<form method="post" action="/forgot-password">${csrfField(pageContext(res, sessions))}
<label>User ID or email address <input name="who" id="who" required maxlength="254"></label><button type="submit">Send me a link</button></form>`));
  router.post('/forgot-password', async (req, res) => {
    await accounts.forgotPassword(field(req.body as Form, 'who'), address(req));
    page(req, res, sessions, 'Check your email', html`<p class="notice">If an account matches, we sent it a link to choose a new password. The link works for one hour.</p>`);
  });
  const resetForm = (ctx: PageContext, token: string, problem: string) => html`${problem ? html`<p class="problems">${problem}</p>` : ''}
<form method="post" action="/reset-password">${csrfField(ctx)}<input type="hidden" name="token" value="${token}"><p>${PASSWORD_RULES_TEXT}</p>
<label>New password <input type="password" name="password" id="password" autocomplete="new-password" required maxlength="64"></label><button type="submit">Save</button></form>`;
  router.get('/reset-password', (req, res) => page(req, res, sessions, 'Choose a new password', resetForm(pageContext(res, sessions), String(req.query.token ?? '').slice(0, 100), '')));
  router.post('/reset-password', async (req, res) => {
    const token = field(req.body as Form, 'token');
    const outcome = await accounts.resetPassword(token, field(req.body as Form, 'password'), address(req));
    if ('problem' in outcome) return page(req, res.status(400), sessions, 'Choose a new password', resetForm(pageContext(res, sessions), token, outcome.problem));
    await sessions.endAllOf(outcome.userId);
    page(req, res, sessions, 'Password changed', html`<p class="notice">Your password is changed. <a href="/login">Log in</a>.</p>`);
  });
  return router;
}

function registerForm(ctx: PageContext, b: Form, problems: FormProblems | null): Html {
  const input = formInput(b);
  return html`${problems?.cr001 ? cr001() : ''}${problemList(problems?.fields ?? {})}
<p>Registering a business with several meters? <a href="/register/business">Register a business customer</a>.</p>
<form method="post" action="/register" id="register">${csrfField(ctx)}
${personFields(b)}
<fieldset><legend>Your smart meter</legend>${input('esiid', 'ESI ID *', html`required maxlength="64"`)}${input('meterNumber', 'Meter number *', html`required maxlength="40"`)}
<p>If your meter number starts with a letter, enter the number without the letter.</p></fieldset>
<label><input type="checkbox" name="acceptedTerms" id="acceptedTerms" value="yes"> I accept the <a href="/terms">Terms and Conditions</a> *</label>
<button type="submit" id="register-submit">Register</button></form>`;
}

export function formInput(b: Form) {
  const v = (name: string) => String(b[name] ?? '');
  return (name: string, label: string, extra: Html | string = '') => html`<label>${label} <input name="${name}" id="${name}" value="${name === 'password' ? '' : v(name)}" ${extra}></label>`;
}

/** The person's part of a registration form (residential customer or business administrator). */
export function personFields(b: Form): Html {
  const v = (name: string) => String(b[name] ?? '');
  const input = formInput(b);
  return html`${input('firstName', 'First name *', html`required maxlength="60"`)}${input('middleInitial', 'Middle initial', html`maxlength="1"`)}
${input('lastName', 'Last name *', html`required maxlength="60"`)}${input('suffix', 'Suffix', html`maxlength="10"`)}
${input('phone', 'Phone (with extension)', html`maxlength="40"`)}${input('email', 'Email address *', html`type="email" required maxlength="254"`)}
${input('emailAgain', 'Re-enter email address *', html`type="email" required maxlength="254"`)}
<label>Language preference * <select name="language" id="language"><option value="en">English</option><option value="es"${v('language') === 'es' ? html` selected` : ''}>Español</option></select></label>
${input('login', 'User ID *', html`required maxlength="40" autocomplete="username"`)}
<label>Password * <input type="password" name="password" id="password" required maxlength="64" autocomplete="new-password"></label><p>${PASSWORD_RULES_TEXT}</p>`;
}
