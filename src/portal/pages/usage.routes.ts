import { Router, type Request } from 'express';
import type { PortalUser } from '../../db/entities/portal-user.entity';
import { isSmtError } from '../../core/errors';
import type { ReportType } from '../../usage/usage-day';
import type { AuditLog } from '../audit.log';
import type { Viewer } from '../energy-access';
import { EnergyDataService, type UsageView } from '../energy-data.service';
import { escapeHtml, html, trusted, type Html } from '../html';
import { page, requireUser } from '../portal-context';
import type { SessionService } from '../session.service';
import { usageChart } from '../usage-chart.view';
import { canUse } from '../user-functions';

const VIEWS: Record<string, { type: ReportType; title: string }> = {
  interval: { type: 'INTERVAL', title: '15-Minute Interval' },
  daily: { type: 'DAILY', title: 'Daily Meter Reads' },
  monthly: { type: 'MONTHLY', title: 'Monthly Usage' },
};

/** The three views of one ESI ID, and "Download CSV" of exactly what a view shows. */
export function usageRoutes(data: EnergyDataService, viewerOf: (user: PortalUser) => Promise<Viewer>, sessions: SessionService, audit: AuditLog, address: (req: Request) => string): Router {
  const router = Router();
  router.get('/usage/:esiid/:view', async (req, res) => {
    const user = requireUser(req, res);
    if (!user) return;
    const kind = VIEWS[req.params.view];
    const esiid = String(req.params.esiid).slice(0, 64);
    if (!kind) return void res.status(404).send('Not found');
    if (!canUse(user, 'USAGE')) return page(req, res.status(403), sessions, kind.title, html`<p class="problems" id="no-function">Your administrator has not given you access to energy data.</p>`);
    const defaults = data.defaultRange(kind.type);
    const from = typeof req.query.from === 'string' ? req.query.from : defaults.from;
    const to = typeof req.query.to === 'string' ? req.query.to : defaults.to;
    let view: UsageView | null;
    try {
      view = await data.view(await viewerOf(user), esiid, kind.type, from, to);
    } catch (error) {
      if (!isSmtError(error)) throw error;
      const exportLink = html` <a id="export-instead" href="/exports?esiid=${esiid}&amp;type=${req.params.view}&amp;from=${from}&amp;to=${to}">Request an export</a>`;
      return page(req, res.status(400), sessions, kind.title, html`${rangeForm(esiid, req.params.view, from, to)}<p class="problems" id="range-problem">${error.message}${error.message.includes('export') ? exportLink : ''}</p>`);
    }
    if (!view) return page(req, res.status(404), sessions, kind.title, html`<p class="problems" id="no-access">No data is available to you for ESI ID ${esiid} in this range.</p>`);
    if (req.query.format === 'csv') {
      await audit.record('EXPORT', user.login, address(req), `${kind.type} ${esiid} ${from}..${to} csv`);
      res.type('text/csv').setHeader('Content-Disposition', `attachment; filename="${esiid}-${req.params.view}-${from}-${to}.csv"`);
      return void res.send(EnergyDataService.csv(view));
    }
    page(req, res, sessions, `${kind.title}: ESI ID ${esiid}`, html`${viewLinks(esiid, from, to)}${rangeForm(esiid, req.params.view, from, to)}
<p><a id="download-csv" href="/usage/${esiid}/${req.params.view}?from=${from}&amp;to=${to}&amp;format=csv">Download CSV</a></p>
<p class="legend"><span class="a"></span>actual <span class="e"></span>estimated</p>${usageChart(view)}${table(view)}`);
  });
  return router;
}

function viewLinks(esiid: string, from: string, to: string): Html {
  return html`<p>${Object.entries(VIEWS).map(([name, v]) => html`<a href="/usage/${esiid}/${name}?from=${from}&amp;to=${to}">${v.title}</a> · `)}<a href="/meters">My Smart Meters</a></p>`;
}

function rangeForm(esiid: string, view: string, from: string, to: string): Html {
  return html`<form method="get" action="/usage/${esiid}/${view}" id="range"><label>From <input type="date" name="from" value="${from}"></label>
<label>To <input type="date" name="to" value="${to}"></label><button type="submit">Show</button></form>`;
}

/**
 * The report file's columns; a day or period without data is shown as such, never skipped. Built as
 * one string with every cell escaped: a 40-day interval table has 3,840 rows, and a template object
 * per cell costs more than the query.
 */
function table(view: UsageView): Html {
  const estimatedColumn = view.type === 'MONTHLY' ? -1 : view.type === 'DAILY' ? 7 : 6;
  let body = '';
  for (const g of view.groups) {
    if (g.rows.length === 0) body += `<tr class="nodata"><td colspan="${view.header.length}">${escapeHtml(g.label)}: no data</td></tr>`;
    for (const r of g.rows) {
      body += r[estimatedColumn] === 'E' ? '<tr class="est">' : '<tr>';
      for (let c = 0; c < r.length; c++) body += `<td>${escapeHtml(r[c]!)}</td>`;
      body += '</tr>';
    }
  }
  return html`<table id="usage"><thead><tr>${view.header.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>${trusted(body)}</tbody></table>`;
}
