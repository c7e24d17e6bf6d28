import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { AuditLog, type AuditEntry } from '../../src/portal/audit.log';
import { StaffAccountsService, type Employer } from '../../src/portal/staff-accounts.service';
import type { PortalWorld } from './portal-world';

/** Browser steps the portal's later suites share: pages, screenshots, login, the mail catcher's links. */
export class BrowserKit {
  private shot = 0;
  constructor(private readonly world: PortalWorld, private readonly prefix: string) {}

  async newPage(): Promise<Page> {
    const context = await this.world.browser.createBrowserContext();
    const page = await context.newPage();
    await page.setViewport({ width: 1100, height: 900 });
    return page;
  }

  async snap(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(this.world.shots, `${this.prefix}-${String(++this.shot).padStart(2, '0')}-${name}.png`), fullPage: true });
  }

  async go(page: Page, pathAndQuery: string): Promise<number> {
    const response = await page.goto(`${this.world.portal.url}${pathAndQuery}`, { waitUntil: 'load' });
    return response!.status();
  }

  async logIn(page: Page, login: string, password: string): Promise<number> {
    await this.go(page, '/login');
    await page.type('#login', login);
    await page.type('#password', password);
    const [response] = await Promise.all([page.waitForNavigation(), page.click('#login-submit')]);
    return response!.status();
  }

  async submit(page: Page, selector: string): Promise<number> {
    const [response] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
    return response!.status();
  }

  /** Posts a form the way a hand-made request would (a real session and CSRF token, chosen fields); the response status. */
  async post(page: Page, action: string, fields: Record<string, string | string[]>): Promise<number> {
    const csrf = await page.$eval('input[name=_csrf]', (e) => (e as HTMLInputElement).value);
    return page.evaluate(async (url, body) => (await fetch(url, { method: 'POST', body: new URLSearchParams(body), redirect: 'manual' })).status,
      action, [['_csrf', csrf], ...Object.entries(fields).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => [k, x]))] as [string, string][]);
  }

  text(page: Page, selector: string): Promise<string> {
    return page.$eval(selector, (e) => (e as HTMLElement).innerText);
  }

  /** Opens the newest caught message to `to` and follows its link. */
  async followMailLink(page: Page, to: string): Promise<void> {
    await this.go(page, '/dev/mail');
    const href = await page.$$eval('#mail a', (links, who) => links.find((a) => (a.closest('li,tr')?.textContent ?? '').includes(who))?.getAttribute('href') ?? null, to);
    if (!href) throw new Error(`no mail to ${to}`);
    await this.go(page, href);
    await this.submit(page, 'a.mail-link');
  }

  async staffAdmin(employer: Employer, login: string, password: string): Promise<void> {
    const db = await this.world.app.db();
    await new StaffAccountsService(db, new AuditLog(db)).add({ employer, login, email: `${login}@example.test`, firstName: 'Ada', lastName: 'Admin', admin: true }, password, 'test');
  }

  async audit(event: string): Promise<AuditEntry[]> {
    return new AuditLog(await this.world.app.db()).read({ limit: 500, event });
  }
}
