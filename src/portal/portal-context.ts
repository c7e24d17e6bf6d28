import type { NextFunction, Request, Response } from 'express';
import type { PortalUser } from '../db/entities/portal-user.entity';
import { html, type Html } from './html';
import { layout, type PageContext } from './layout.view';
import type { SessionService } from './session.service';

/** `__Host-`: the browser only keeps it when Secure, without Domain, on path /. */
export const SESSION_COOKIE = '__Host-smt-session';

export interface PortalLocals {
  sid: string;
  user: PortalUser | null;
  development: boolean;
}

export function locals(res: Response): PortalLocals {
  return res.locals as PortalLocals;
}

export function setSessionCookie(res: Response, sid: string): void {
  res.setHeader('Set-Cookie', `${SESSION_COOKIE}=${sid}; Path=/; Secure; HttpOnly; SameSite=Lax`);
}

function cookieValue(req: Request, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}

/**
 * Finds the browser's session (making an anonymous one when it has none or a malformed one), its
 * user when logged in, and refuses every POST whose form does not carry the session's CSRF token.
 */
export function sessionMiddleware(sessions: SessionService, userOf: (id: number) => Promise<PortalUser | null>, development: boolean) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    let sid = cookieValue(req, SESSION_COOKIE);
    let user: PortalUser | null = null;
    if (sid === null || !/^[A-Za-z0-9_-]{43}$/.test(sid)) {
      sid = sessions.newId();
      setSessionCookie(res, sid);
    } else {
      const userId = await sessions.userOf(sid);
      user = userId === null ? null : await userOf(userId);
      if (user && user.status !== 'ACTIVE') user = null;
    }
    Object.assign(res.locals, { sid, user, development } satisfies PortalLocals);
    if (req.method === 'POST' && !sessions.csrfValid(sid, (req.body as Record<string, unknown> | undefined)?._csrf)) {
      res.status(403);
      page(req, res, sessions, 'Form refused', htmlText('This form has expired or did not come from this site. Go back, reload the page and try again.'));
      return;
    }
    next();
  };
}

function htmlText(text: string): Html {
  return html`<p class="problems">${text}</p>`;
}

export function pageContext(res: Response, sessions: SessionService): PageContext {
  const l = locals(res);
  return { csrf: sessions.csrfToken(l.sid), login: l.user?.login ?? null, kind: l.user?.kind ?? null, admin: l.user?.admin === true, development: l.development };
}

export function page(_req: Request, res: Response, sessions: SessionService, title: string, content: Html): void {
  res.type('html').send(layout(pageContext(res, sessions), title, content).text);
}

/** The logged-in user, or a redirect to the login page (then null). */
export function requireUser(req: Request, res: Response): PortalUser | null {
  const user = locals(res).user;
  if (!user) res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl.slice(0, 300))}`);
  return user;
}
