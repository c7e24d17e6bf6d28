import { Router, type Request } from 'express';
import { isSmtError } from '../../core/errors';
import type { PortalUser } from '../../db/entities/portal-user.entity';
import type { AuditLog } from '../audit.log';
import type { Viewer } from '../energy-access';
import { EnergyDataService } from '../energy-data.service';
import { html, type Html } from '../html';
import { page, requireUser } from '../portal-context';
import type { SessionService } from '../session.service';
import { espiFeed } from './espi-feed';
import { GREEN_BUTTON_MAX_DAYS, greenButtonData } from './green-button.service';

const ESIID = /^[A-Za-z0-9]{1,64}$/;

/** Green Button "Download My Data" for customers and their friends: ESPI Atom feed or CSV of a chosen range of one meter. */
export function greenButtonRoutes(energy: EnergyDataService, viewerOf: (user: PortalUser) => Promise<Viewer>,
  sessions: SessionService, audit: AuditLog, address: (req: Request) => string, baseUrl: () => string): Router {
  const router = Router();
  const customer = (req: Request, res: Parameters<typeof requireUser>[1]): PortalUser | null => {
    const user = requireUser(req, res);
    if (user && user.kind !== 'CUSTOMER') {
      page(req, res.status(403), sessions, 'Download My Data', html`<p class="problems" id="not-allowed">Green Button downloads are for customers and the friends they share meters with.</p>`);
      return null;
    }
    return user;
  };

  router.get('/green-button', async (req, res) => {
    const user = customer(req, res);
    if (!user) return;
    const meters = (await viewerOf(user)).meters;
    page(req, res, sessions, 'Download My Data', html`<p>Green Button: your 15-minute data as an ESPI (NAESB REQ.21) file that energy apps read, or as CSV.</p>
<ul id="gb-meters">${meters.map((m) => html`<li><a href="/green-button/${m.esiid}">ESI ID ${m.esiid}</a>${m.description ? ` (${m.description})` : ''}</li>`)}</ul>
${meters.length === 0 ? html`<p>No meters yet.</p>` : ''}`);
  });

  router.get('/green-button/:esiid', async (req, res) => {
    const user = customer(req, res);
    if (!user) return;
    const esiid = String(req.params.esiid);
    if (!ESIID.test(esiid) || !(await viewerOf(user)).meters.some((m) => m.esiid === esiid)) return noData(req, res, esiid);
    const { from, to } = energy.defaultRange('DAILY');
    page(req, res, sessions, `Download My Data: ESI ID ${esiid}`, form(esiid, from, to));
  });

  router.get('/green-button/:esiid/download', async (req, res) => {
    const user = customer(req, res);
    if (!user) return;
    const esiid = String(req.params.esiid);
    const from = String(req.query.from ?? '').slice(0, 10);
    const to = String(req.query.to ?? '').slice(0, 10);
    const format = req.query.format === 'csv' ? 'csv' : 'xml';
    if (!ESIID.test(esiid)) return noData(req, res, esiid);
    let data;
    try {
      data = await greenButtonData(energy, await viewerOf(user), esiid, from, to);
    } catch (error) {
      if (!isSmtError(error)) throw error;
      return page(req, res.status(400), sessions, `Download My Data: ESI ID ${esiid}`, html`${form(esiid, from, to)}<p class="problems" id="range-problem">${error.message}</p>`);
    }
    if (!data) return noData(req, res, esiid);
    await audit.record('EXPORT', user.login, address(req), `GREEN_BUTTON ${esiid} ${from}..${to} ${format}`);
    const name = `${esiid}-green-button-${from}-${to}`;
    if (format === 'csv') {
      res.type('text/csv').setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
      return void res.send(EnergyDataService.csv(data.view));
    }
    const selfHref = `${baseUrl().replace(/\/+$/, '')}/green-button/${esiid}/download?from=${from}&to=${to}`;
    res.type('application/atom+xml').setHeader('Content-Disposition', `attachment; filename="${name}.xml"`);
    res.send(espiFeed({ esiid, baseUrl: baseUrl(), selfHref, generatedAt: new Date(), days: data.days }));
  });

  function noData(req: Request, res: Parameters<typeof requireUser>[1], esiid: string): void {
    page(req, res.status(404), sessions, 'Download My Data', html`<p class="problems" id="no-access">No data is available to you for ESI ID ${esiid.slice(0, 64)}.</p>`);
  }
  return router;
}

function form(esiid: string, from: string, to: string): Html {
  return html`<form method="get" action="/green-button/${esiid}/download" id="gb-form"><label>From <input type="date" name="from" id="gb-from" value="${from}"></label>
<label>To <input type="date" name="to" id="gb-to" value="${to}"></label>
<label><input type="radio" name="format" value="xml" checked> Green Button (ESPI XML)</label><label><input type="radio" name="format" value="csv" id="gb-csv"> CSV</label>
<p>At most ${GREEN_BUTTON_MAX_DAYS} days, within your 13-month history. Blank intervals are left out; estimated ones are marked.</p>
<button type="submit" id="gb-download">Download</button></form>`;
}
