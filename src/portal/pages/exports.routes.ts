import fs from 'node:fs';
import { Router, type Request, type Response } from 'express';
import { isSmtError, SmtError } from '../../core/errors';
import type { PortalUser } from '../../db/entities/portal-user.entity';
import type { ReportType } from '../../usage/usage-day';
import type { AuditLog } from '../audit.log';
import type { ExportOrder, ExportService } from '../export.service';
import { html } from '../html';
import { csrfField } from '../layout.view';
import { page, pageContext, requireUser } from '../portal-context';
import type { SessionService } from '../session.service';

const TYPES: Record<string, ReportType> = { interval: 'INTERVAL', daily: 'DAILY', monthly: 'MONTHLY' };
const TYPE_NAMES: Record<ReportType, string> = { INTERVAL: '15-Minute Interval', DAILY: 'Daily Meter Reads', MONTHLY: 'Monthly Usage' };

/** "Exports": request an export (several ESI IDs, or a longer range), see the orders and their status, download what is ready. */
export function exportRoutes(exports: ExportService, sessions: SessionService, audit: AuditLog, address: (req: Request) => string): Router {
  const router = Router();
  const q = (req: Request, name: string) => (typeof req.query[name] === 'string' ? String(req.query[name]).slice(0, 20_000) : '');

  const exportsPage = async (req: Request, res: Response, user: PortalUser, form: Record<string, string>, problem: string, ordered: string) => {
    const orders = await exports.list(user);
    const type = TYPES[form.type ?? ''] ?? 'INTERVAL';
    page(req, res, sessions, 'Exports', html`${ordered ? html`<p class="notice" id="ordered">Your export request has order number <strong>${ordered}</strong>. We will email you when it is ready to download here.</p>` : ''}
${problem ? html`<p class="problems" id="export-problem">${problem}</p>` : ''}
<form method="post" action="/exports" id="export-form">${csrfField(pageContext(res, sessions))}
<label>ESI IDs (one a line, or separated by commas) <textarea name="esiids" id="export-esiids" rows="4" cols="40" maxlength="16000">${form.esiids ?? ''}</textarea></label>
<label>Report <select name="type" id="export-type">${Object.entries(TYPES).map(([k, t]) => html`<option value="${k}"${t === type ? html` selected` : ''}>${TYPE_NAMES[t]}</option>`)}</select></label>
<label>From <input type="date" name="from" id="export-from" value="${form.from ?? ''}" required></label><label>To <input type="date" name="to" id="export-to" value="${form.to ?? ''}" required></label>
${user.kind === 'REP' || user.kind === 'TDSP' ? html`<label><input type="checkbox" name="allVersions" id="export-all-versions" value="yes"${form.allVersions === 'yes' ? html` checked` : ''}> Every version of each day (version updates)</label>` : ''}
<label><input type="checkbox" name="platformEstimates" id="export-estimates" value="yes"${form.platformEstimates === 'yes' ? html` checked` : ''}> Add platform estimates for days without meter data (marked in their own column; interval and daily reports)</label>
<button type="submit" id="export-submit">Request export</button></form>
<h2>Your export requests</h2>
<table id="exports"><tr><th>Order number</th><th>Report</th><th>From</th><th>To</th><th>ESI IDs</th><th>Requested</th><th>Status</th><th>Download</th></tr>
${orders.map((o) => orderRow(o))}</table>`);
  };

  router.get('/exports', async (req, res) => {
    const user = requireUser(req, res);
    if (!user) return;
    await exportsPage(req, res, user, { esiids: q(req, 'esiid'), type: q(req, 'type'), from: q(req, 'from'), to: q(req, 'to') }, '', /^E\d{1,20}$/.test(q(req, 'ordered')) ? q(req, 'ordered') : '');
  });
  router.post('/exports', async (req, res) => {
    const user = requireUser(req, res);
    if (!user) return;
    const b = req.body as Record<string, string | undefined>;
    const form = { esiids: String(b.esiids ?? '').slice(0, 16_000), type: String(b.type ?? ''), from: String(b.from ?? '').slice(0, 10), to: String(b.to ?? '').slice(0, 10), allVersions: b.allVersions === 'yes' ? 'yes' : '',
      platformEstimates: b.platformEstimates === 'yes' ? 'yes' : '' };
    const type = TYPES[form.type];
    try {
      if (!type) throw new SmtError('REPORT_OPTION_INVALID', 'Choose a report: 15-Minute Interval, Daily Meter Reads or Monthly Usage.');
      const order = await exports.request(user, { esiids: form.esiids.split(/[\s,;]+/), type, from: form.from, to: form.to, allVersions: form.allVersions === 'yes', platformEstimates: form.platformEstimates === 'yes' }, address(req));
      if (order.status === 'FAILED') return exportsPage(req, res.status(400), user, form, order.reason, '');
      res.redirect(303, `/exports?ordered=${order.orderNumber}`);
    } catch (error) {
      if (!isSmtError(error)) throw error;
      await exportsPage(req, res.status(400), user, form, (error as Error).message, '');
    }
  });
  router.get('/exports/:order/:n', async (req, res) => {
    const user = requireUser(req, res);
    if (!user) return;
    const found = await exports.order(user, String(req.params.order));
    const file = found && /^\d{1,3}$/.test(String(req.params.n)) ? found.files[Number(req.params.n)] : undefined;
    if (!found || !file) return page(req, res.status(404), sessions, 'Exports', html`<p class="problems" id="no-export">There is no such export among yours. <a href="/exports">Exports</a></p>`);
    await audit.record('EXPORT', user.login, address(req), `order ${found.order.orderNumber} file ${file.fileName}`);
    res.type(file.fileName.endsWith('.asc') ? 'application/pgp-encrypted' : 'application/zip').setHeader('Content-Disposition', `attachment; filename="${file.fileName}"`);
    fs.createReadStream(file.path).on('error', () => res.destroy()).pipe(res);
  });
  return router;
}

function orderRow({ order: o, files }: ExportOrder) {
  const status = o.status === 'PEN' ? 'In progress' : o.status === 'READY' ? 'Ready' : `Failed: ${o.reason}`;
  return html`<tr id="order-${o.orderNumber}"><td>${o.orderNumber}</td><td>${TYPE_NAMES[o.reportType as ReportType] ?? o.reportType}</td><td>${o.startDate}</td><td>${o.endDate}</td><td>${o.esiidCount}</td>
<td>${o.createdAt.slice(0, 16).replace('T', ' ')} UTC</td><td class="status">${status}</td><td>${files.map((f, i) => html`<a class="download" href="/exports/${o.orderNumber}/${i}">${f.fileName}</a> (${f.records} rows) `)}</td></tr>`;
}
