import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import type { StartedPortal } from '../../src/portal/portal.wiring';
import { request } from '../support/portal-client';

/** What an outsider can post to the portal before any session or CSRF work: small forms only. */
describe('portal request limits', function () {
  this.timeout(60_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-portal-limits-'));
  let app: App;
  let portal: StartedPortal;

  before(async () => {
    app = createApp(loadConfig({ SMT_DATA_DIR: dir, SMT_PORTAL_PORT: '0', SMT_LOG_LEVEL: 'error' }));
    portal = await app.startPortal();
  });
  after(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a form over 16 KB, or with more than 50 fields, with a plain 413 and nothing else', async () => {
    const large = await request(`${portal.url}/login`, 'POST', '', `login=${'a'.repeat(17 * 1024)}`);
    expect(large.status).to.equal(413);
    expect(large.body).to.equal('Request refused.');
    const many = await request(`${portal.url}/login`, 'POST', '', Array.from({ length: 60 }, (_, i) => `f${i}=x`).join('&'));
    expect(many.status).to.equal(413);
    expect(many.body).to.equal('Request refused.');
  });

  it('refuses a small form without its CSRF token (403), so the limits are the only work done for it', async () => {
    const answer = await request(`${portal.url}/login`, 'POST', '', { login: 'demo-customer', password: 'x' });
    expect(answer.status).to.equal(403);
  });
});
