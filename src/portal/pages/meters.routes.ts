import { Router, type Request } from 'express';
import type { AccountsService } from '../accounts.service';
import { html } from '../html';
import { csrfField } from '../layout.view';
import { page, pageContext, requireUser } from '../portal-context';
import type { SessionService } from '../session.service';
import { cr001 } from './account.routes';

/** "My Smart Meters" for customers (and "Add a Smart Meter"); an ESI ID look-up for REP, TDSP and regulatory users. */
export function meterRoutes(accounts: AccountsService, sessions: SessionService, address: (req: Request) => string): Router {
  const router = Router();
  const links = (esiid: string) => html`<a href="/usage/${esiid}/interval">15-minute intervals</a> · <a href="/usage/${esiid}/daily">daily reads</a> · <a href="/usage/${esiid}/monthly">monthly usage</a>`;
  router.get('/meters', async (req, res) => {
    const user = requireUser(req, res);
    if (!user) return;
    if (user.kind !== 'CUSTOMER') {
      return page(req, res, sessions, 'Energy data', html`<form method="get" action="/meters/go" id="lookup"><label>ESI ID <input name="esiid" id="esiid" required maxlength="64"></label>
<select name="view"><option value="interval">15-Minute Interval</option><option value="daily">Daily Meter Reads</option><option value="monthly">Monthly Usage</option></select>
<button type="submit">Show</button></form>`);
    }
    const meters = await accounts.meters(user.id);
    page(req, res, sessions, 'My Smart Meters', html`<ul id="meters">${meters.map((m) => html`<li>ESI ID ${m.esiid}${m.description ? ` (${m.description})` : ''}: ${links(m.esiid)} <small>data from ${m.visibleFrom}</small></li>`)}</ul>
${user.companyId === null || user.admin ? html`<p><a href="/meters/add">Add a Smart Meter</a></p>` : ''}`);
  });
  router.get('/meters/go', (req, res) => {
    const esiid = String(req.query.esiid ?? '').trim();
    const view = ['interval', 'daily', 'monthly'].includes(String(req.query.view)) ? String(req.query.view) : 'daily';
    res.redirect(303, /^[A-Za-z0-9]{1,64}$/.test(esiid) ? `/usage/${esiid}/${view}` : '/meters');
  });
  const addForm = (res: Parameters<typeof pageContext>[0], refused: boolean) => html`${refused ? cr001() : ''}
<form method="post" action="/meters/add" id="add-meter">${csrfField(pageContext(res, sessions))}<label>Description <input name="description" maxlength="60"></label>
<label>ESI ID * <input name="esiid" id="esiid" required maxlength="64"></label><label>Meter number * <input name="meterNumber" id="meterNumber" required maxlength="40"></label>
<p>If your meter number starts with a letter, enter the number without the letter.</p><button type="submit">Add</button></form>`;
  router.get('/meters/add', (req, res) => {
    if (requireUser(req, res)) page(req, res, sessions, 'Add a Smart Meter', addForm(res, false));
  });
  router.post('/meters/add', async (req, res) => {
    const user = requireUser(req, res);
    if (!user) return;
    const b = req.body as Record<string, string>;
    if (user.companyId !== null && !user.admin) {
      return page(req, res.status(403), sessions, 'Add a Smart Meter', html`<p class="problems" id="not-company-admin">Your company's meters are added by its portal administrator.</p>`);
    }
    if (user.kind !== 'CUSTOMER' || !(await accounts.addMeter(user, String(b.esiid ?? ''), String(b.meterNumber ?? ''), String(b.description ?? ''), address(req)))) {
      return page(req, res.status(400), sessions, 'Add a Smart Meter', addForm(res, true));
    }
    res.redirect(303, '/meters');
  });
  return router;
}
