import https from 'node:https';
import type { StartedPortal } from '../../src/portal/portal.wiring';

/** A plain HTTPS client for the portal, as a script (not a browser) would call it. */
export interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: string }

export function request(url: string, method: 'GET' | 'POST', cookie: string, form?: Record<string, string> | string): Promise<Answer> {
  const body = form === undefined ? '' : typeof form === 'string' ? form : new URLSearchParams(form).toString();
  return new Promise((resolve, reject) => {
    const req = https.request(url, {
      method, rejectUnauthorized: false,
      headers: { cookie, ...(form ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } : {}) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Logs in through the real login form: its session cookie and CSRF token first, then the POST. */
export async function portalLogin(portal: StartedPortal, login: string, password: string): Promise<number> {
  const page = await request(`${portal.url}/login`, 'GET', '');
  const cookie = String((page.headers['set-cookie'] as string[])[0]).split(';')[0]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  return (await request(`${portal.url}/login`, 'POST', cookie, { _csrf: csrf, login, password, next: '/' })).status;
}

