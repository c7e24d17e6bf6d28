import { Router } from 'express';
import { addDays, cptToday, isDay } from '../../core/cpt';
import { isSmtError } from '../../core/errors';
import { EVENT_CATEGORIES } from '../../db/entities/han-message.entity';
import { LOG_COLUMNS, type HanMessageLogEntry } from '../../han/han-message-log';
import { csvChunk, csvHeader } from '../../usage/report-csv';
import { escapeHtml, html, trusted, type Html } from '../html';
import { page, requireUser } from '../portal-context';
import type { SessionService } from '../session.service';
import { canUse } from '../user-functions';
import type { PortalHan } from './han.routes';

/** The most lines the page draws; the CSV carries everything the filter matched (the log's own bound applies). */
const ON_SCREEN = 2000;

/**
 * A REP's HAN messaging log: the GetHanMessageLog filter (dates of sending, ESI ID, request or
 * cancellation id, event category) on one of the REP's own DUNS, and the same columns as CSV.
 */
export function messageLogRoutes(han: PortalHan, sessions: SessionService): Router {
  const router = Router();
  router.get('/han-log', async (req, res) => {
    const user = requireUser(req, res);
    if (!user) return;
    if (user.kind !== 'REP' || !canUse(user, 'MESSAGE_LOG')) {
      return page(req, res.status(403), sessions, 'HAN messaging log', html`<p class="problems" id="not-allowed">The HAN messaging log is for REP users with access to it.</p>`);
    }
    const duns = [...(await han.viewerOf(user)).duns].sort();
    const q = (name: string) => (typeof req.query[name] === 'string' ? (req.query[name] as string).trim().slice(0, 64) : '');
    const today = cptToday();
    const filter = { duns: q('duns') || duns[0] || '', from: q('from') || addDays(today, -6), to: q('to') || today, esiid: q('esiid'), requestId: q('requestId'), category: q('category') };
    const form = filterForm(filter, duns);
    const problem = (text: string) => page(req, res.status(400), sessions, 'HAN messaging log', html`${form}<p class="problems" id="log-problem">${text}</p>`);
    if (!duns.includes(filter.duns)) return problem('Choose one of your own DUNS numbers.');
    if (!isDay(filter.from) || !isDay(filter.to)) return problem('Enter real dates (YYYY-MM-DD).');
    if (filter.category && !(EVENT_CATEGORIES as readonly string[]).includes(filter.category)) return problem(`The event category is one of ${EVENT_CATEGORIES.join(', ')}.`);
    let entries: HanMessageLogEntry[];
    try {
      entries = await han.messageLog({ repDuns: filter.duns, from: filter.from, to: filter.to, esiid: filter.esiid || undefined, requestId: filter.requestId || undefined, category: filter.category || undefined });
    } catch (error) {
      if (!isSmtError(error)) throw error;
      return problem(error.message);
    }
    if (req.query.format === 'csv') {
      res.type('text/csv').setHeader('Content-Disposition', `attachment; filename="han-message-log-${filter.duns}-${filter.from}-${filter.to}.csv"`);
      return void res.send(logCsv(entries));
    }
    const csvHref = `/han-log?${new URLSearchParams({ ...filter, format: 'csv' }).toString()}`;
    page(req, res, sessions, 'HAN messaging log', html`${form}<p>${entries.length} entries. <a id="log-csv" href="${csvHref}">Export CSV</a></p>${logTable(entries.slice(0, ON_SCREEN))}
${entries.length > ON_SCREEN ? html`<p>The first ${ON_SCREEN} are shown; the CSV has all of them.</p>` : ''}`);
  });
  return router;
}

/** The log's columns in GetHanMessageLog's order; an absent value is an empty cell. */
export function logCsv(entries: HanMessageLogEntry[]): string {
  return csvHeader([...LOG_COLUMNS]) + csvChunk(entries.map((e) => LOG_COLUMNS.map((c) => (e[c] === null ? '' : String(e[c])))));
}

function logTable(entries: HanMessageLogEntry[]): Html {
  let body = '';
  for (const e of entries) body += `<tr>${LOG_COLUMNS.map((c) => `<td>${escapeHtml(e[c] === null ? '' : String(e[c]))}</td>`).join('')}</tr>`;
  return html`<table id="message-log"><thead><tr>${LOG_COLUMNS.map((c) => html`<th>${c}</th>`)}</tr></thead><tbody>${trusted(body)}</tbody></table>`;
}

function filterForm(f: Record<string, string>, duns: string[]): Html {
  return html`<form method="get" action="/han-log" id="log-filter"><label>DUNS <select name="duns">${duns.map((d) => html`<option${d === f.duns ? trusted(' selected') : ''}>${d}</option>`)}</select></label>
<label>From <input type="date" name="from" value="${f.from}"></label><label>To <input type="date" name="to" value="${f.to}"></label>
<label>ESI ID <input name="esiid" id="log-esiid" value="${f.esiid}" maxlength="64"></label><label>Request or cancellation ID <input name="requestId" value="${f.requestId}" maxlength="64"></label>
<label>Event category <select name="category"><option value="">any</option>${EVENT_CATEGORIES.map((c) => html`<option${c === f.category ? trusted(' selected') : ''}>${c}</option>`)}</select></label>
<button type="submit" id="log-show">Show</button></form>`;
}
