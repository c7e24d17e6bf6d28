import { Router, type Request, type Response } from 'express';
import { isSmtError } from '../../core/errors';
import type { PortalUser } from '../../db/entities/portal-user.entity';
import type { HanDeviceService } from '../../han/han-device.service';
import type { HanRequestChannel } from '../../db/entities/han-device-event.entity';
import type { RepOnEsiid } from '../../han/han-access';
import { PORTAL_CHANNEL, type HanPortalAccess, type PortalHanActor } from '../../han/han-portal-access';
import type { HanMessageLogEntry, MessageLogQuery } from '../../han/han-message-log';
import type { Viewer } from '../energy-access';
import { html, type Html } from '../html';
import { csrfField } from '../layout.view';
import { page, pageContext, requireUser } from '../portal-context';
import type { SessionService } from '../session.service';
import { canUse } from '../user-functions';
import { deviceLists, historyTable, meterPanel } from './han.view';

/** The HAN services the portal's pages call (built in portal.wiring.ts). */
export interface PortalHan {
  devices: HanDeviceService;
  access: HanPortalAccess;
  messageLog(query: MessageLogQuery): Promise<HanMessageLogEntry[]>;
  /** The user's own scope (her own meters; a friend's shared meters never count for HAN). */
  viewerOf(user: PortalUser): Promise<Viewer>;
}

/** A rule refusing the request as things stand (rather than a mistyped field). */
const CONFLICTS = new Set<string>(['HAN_DEVICE_LIMIT', 'HAN_DEVICE_DUPLICATE', 'HAN_DEVICE_STATE', 'HAN_METER_MISMATCH']);

/** The most history lines a page shows (newest kept). */
const HISTORY_LINES = 1000;

/**
 * HAN devices in the portal for customers, REP users and TDSP users: the ESI ID's meter and devices,
 * provisioning and deprovisioning, a device's details and the ESI ID's consolidated history. Every
 * request resolves the user's scope from the session (HanPortalAccess) and calls the same HAN service
 * as the REP's SOAP requests.
 */
export function hanRoutes(han: PortalHan, sessions: SessionService): Router {
  const router = Router();
  const refuse = (req: Request, res: Response, text: string) => page(req, res.status(403), sessions, 'HAN devices', html`<p class="problems" id="not-allowed">${text}</p>`);

  /** The session's user as a HAN actor, or null (and a refusal page) when she has no HAN function. */
  async function actorOf(req: Request, res: Response): Promise<PortalHanActor | null> {
    const user = requireUser(req, res);
    if (!user) return null;
    if (user.kind === 'REGULATOR' || !canUse(user, 'HAN')) return refuse(req, res, 'Your account does not manage HAN devices.'), null;
    const v = await han.viewerOf(user);
    return { kind: user.kind, participantId: v.participantId, duns: [...v.duns], meters: v.meters.map((m) => ({ esiid: m.esiid, visibleFrom: m.visibleFrom })) };
  }

  /** Runs a page on the actor's scope of the ESI ID; a refusal or a rule's message becomes the page's problem. */
  async function onEsiid(req: Request, res: Response, work: (actor: PortalHanActor, esiid: string) => Promise<void>): Promise<void> {
    const actor = await actorOf(req, res);
    if (!actor) return;
    try {
      await work(actor, String(req.params.esiid));
    } catch (error) {
      if (!isSmtError(error)) throw error;
      page(req, res.status(statusOf(error.code)), sessions, 'HAN devices', html`<p class="problems" id="han-problem">${error.message}</p><p><a href="/han">HAN devices</a></p>`);
    }
  }

  router.get('/han', async (req, res) => {
    const actor = await actorOf(req, res);
    if (!actor) return;
    const lookup = html`<form method="get" action="/han/go" id="han-lookup"><label>ESI ID <input name="esiid" id="han-esiid" required maxlength="64"></label><button type="submit">Show</button></form>`;
    page(req, res, sessions, 'HAN devices', actor.kind === 'CUSTOMER'
      ? html`<ul id="han-meters">${actor.meters.map((m) => html`<li><a href="/han/${m.esiid}">ESI ID ${m.esiid}</a></li>`)}</ul>`
      : html`${lookup}${actor.kind === 'REP' ? html`<p><a href="/han-log">HAN messaging log</a></p>` : ''}`);
  });
  router.get('/han/go', (req, res) => {
    const esiid = String(req.query.esiid ?? '').trim();
    res.redirect(303, /^[A-Za-z0-9]{1,64}$/.test(esiid) ? `/han/${esiid}` : '/han');
  });

  /** The ESI ID's page; after a refused request, the rule's message above it and the form's MAC and description kept (never the install code). */
  async function esiidPage(req: Request, res: Response, scope: RepOnEsiid, refused?: { message: string; mac: string; description: string }): Promise<void> {
    const devices = await han.devices.devicesOn(scope);
    const ctx = pageContext(res, sessions);
    const removeForm = (mac: string) => html`<form method="post" action="/han/${scope.esiid.esiid}/deprovision" class="inline deprovision">${csrfField(ctx)}<input type="hidden" name="mac" value="${mac}"><button type="submit">Remove</button></form>`;
    page(req, res, sessions, `HAN devices: ESI ID ${scope.esiid.esiid}`, html`${refused ? html`<p class="problems" id="han-problem">${refused.message}</p>` : notice(req)}${meterPanel(han.devices.meterInfoOn(scope))}
${deviceLists(scope.esiid.esiid, devices, removeForm)}<p><a href="/han/${scope.esiid.esiid}/history" id="han-history-link">Device history of this ESI ID</a></p>
<h2>Add a device</h2>${provisionForm(ctx, scope.esiid.esiid, refused?.mac ?? '', refused?.description ?? '')}`);
  }

  /** A request on the ESI ID: done, a redirect to its page; refused by a rule, the page with the rule's message. */
  const request = (work: (scope: RepOnEsiid, channel: HanRequestChannel, form: Record<string, string>) => Promise<string>) => (req: Request, res: Response) => onEsiid(req, res, async (actor, esiid) => {
    const scope = await han.access.scope(actor, esiid);
    const b = req.body as Record<string, unknown>;
    const form = Object.fromEntries(['mac', 'installCode', 'description'].map((k) => [k, typeof b[k] === 'string' ? (b[k] as string).slice(0, k === 'description' ? 100 : 60) : '']));
    try {
      res.redirect(303, `/han/${scope.esiid.esiid}?${await work(scope, PORTAL_CHANNEL[actor.kind], form)}`);
    } catch (error) {
      if (!isSmtError(error)) throw error;
      await esiidPage(req, res.status(statusOf(error.code)), scope, { message: error.message, mac: form.mac!.slice(0, 40), description: form.description!.slice(0, 60) });
    }
  });

  router.get('/han/:esiid', (req, res) => onEsiid(req, res, async (actor, esiid) => esiidPage(req, res, await han.access.scope(actor, esiid))));
  router.post('/han/:esiid/provision', request(async (scope, channel, form) => {
    const result = await han.devices.provisionOn(scope, { meterNumber: scope.esiid.meterNumber ?? '', macAddress: form.mac!, installCode: form.installCode!, description: form.description! }, channel);
    return `added=${result.mac}`;
  }));
  router.post('/han/:esiid/deprovision', request(async (scope, channel, form) => `removed=${(await han.devices.deprovisionOn(scope, form.mac!, channel)).mac}`));

  router.get('/han/:esiid/device/:mac', (req, res) => onEsiid(req, res, async (actor, esiid) => {
    const scope = await han.access.scope(actor, esiid);
    const d = await han.devices.detailsOn(scope, String(req.params.mac).slice(0, 40));
    page(req, res, sessions, `HAN device ${d.mac}`, html`<dl id="device-details"><dt>MAC address</dt><dd id="device-mac">${d.mac}</dd><dt>Install code</dt><dd id="device-install-code">${d.installCodeMasked}</dd>
<dt>Status</dt><dd id="device-status">${d.status}</dd><dt>Description</dt><dd>${d.description ?? ''}</dd><dt>ESI ID</dt><dd>${d.esiid}</dd></dl>
<h2>Provisioning history</h2>${historyTable(d.history.slice(-HISTORY_LINES))}<p><a href="/han/${d.esiid}">Back to the devices</a></p>`);
  }));

  router.get('/han/:esiid/history', (req, res) => onEsiid(req, res, async (actor, esiid) => {
    const history = await han.devices.historyOn(await han.access.scope(actor, esiid));
    page(req, res, sessions, `Device history: ESI ID ${history.esiid}`, html`${historyTable(history.entries.slice(-HISTORY_LINES))}<p><a href="/han/${history.esiid}">Back to the devices</a></p>`);
  }));
  return router;
}

function notice(req: Request): Html {
  const mac = (key: string) => (typeof req.query[key] === 'string' && /^[0-9A-F]{16}$/.test(req.query[key]) ? req.query[key] : null);
  if (mac('added')) return html`<p class="notice" id="han-notice">Device ${mac('added')} is Add Acknowledged: the request went to the TDSP.</p>`;
  if (mac('removed')) return html`<p class="notice" id="han-notice">Device ${mac('removed')} is Remove Acknowledged: the request went to the TDSP.</p>`;
  return html``;
}

/** 404 for what the user may not see, 409 for a rule refusing the request as things stand, 400 for a mistyped field. */
function statusOf(code: string): number {
  return code === 'NOT_FOUND' || code === 'HAN_DEVICE_NOT_FOUND' ? 404 : CONFLICTS.has(code) ? 409 : 400;
}

function provisionForm(ctx: ReturnType<typeof pageContext>, esiid: string, mac: string, description: string): Html {
  return html`<form method="post" action="/han/${esiid}/provision" id="provision" autocomplete="off">${csrfField(ctx)}
<label>MAC address (16 hex digits) <input name="mac" id="han-mac" required maxlength="40" value="${mac}"></label>
<label>Install code (with its CRC) <input name="installCode" id="han-install-code" required maxlength="60" autocomplete="off"></label>
<label>Description <input name="description" id="han-description" maxlength="60" value="${description}"></label><button type="submit" id="provision-submit">Add device</button></form>`;
}
