import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type * as soap from 'soap';
import { addDays, cptToday } from '../../src/core/cpt';
import { appendInstallCodeCrc } from '../../src/han/install-code';
import { usDate } from '../../src/usage/report-format';
import { CliHarness } from '../support/cli-harness';
import { call, DEMO_ESIIDS, eventually, HanHarness, type FaultSeen } from '../support/han-harness';
import { validateAgainstXsd } from '../support/xsd-validate';

const REP_A = '200000001';
const REP_B = '200000007';
const [E1, E2, E3] = DEMO_ESIIDS as [string, string, string];
/** Well-formed (17 digits) but never registered. */
const NOWHERE = '10443729999999999';
const CODE = appendInstallCodeCrc('1122334455667788');
const BEHAVIOUR = {
  provisioning: [{ status: 'Device Added', delayMs: 0 }],
  deprovisioning: [{ status: 'Device Removed', delayMs: 0 }],
  messages: { statuses: [{ code: 'ACK', delayMs: 0 }, { code: 'CON', delayMs: 10 }] },
};

interface LogEntry {
  RequestID: string;
  MessageCancellationID?: string;
  ESIID: string;
  EventCategoryID: string;
  StatusCode: string;
}

const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const head = (duns: string) => ({ trans_id: 'T-trust', requestorID: 'ops', requesterAuthenticationID: duns });
const meterOf = (esiid: string) => `M000000${DEMO_ESIIDS.indexOf(esiid) + 1}`;

function startHarness(prefix: string, settings: Record<string, string> = {}): HanHarness {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.writeFileSync(path.join(dataDir, 'mock-behaviour.json'), JSON.stringify(BEHAVIOUR));
  return new HanHarness(dataDir, { SMT_MOCK_TDSP_BEHAVIOUR: path.join(dataDir, 'mock-behaviour.json'), ...settings });
}

async function statusOf(harness: HanHarness, esiid: string, mac: string): Promise<string | undefined> {
  const rows = await (await harness.app.db()).query(`SELECT "status" FROM "han_device" WHERE "esiid" = '${esiid}' AND "mac" = '${mac}'`);
  return rows[0]?.status;
}

function reaches(harness: HanHarness, esiid: string, mac: string, status: string): Promise<string> {
  return eventually(`${mac} to be ${status}`, async () => ((await statusOf(harness, esiid, mac)) === status ? status : undefined));
}

async function provisioned(harness: HanHarness, client: soap.Client, duns: string, esiid: string, mac: string, description?: string): Promise<void> {
  const answer = await call(client, 'ProvisionHanDevice', {
    ...head(duns), esiid, meterNumber: meterOf(esiid), macAddress: mac, installCode: CODE, ...(description ? { deviceDescription: description } : {}),
  });
  expect(answer.fault).to.equal(undefined);
  await reaches(harness, esiid, mac, 'Device Added');
}

describe('HAN trust: REP-of-record days, one fault for unknown and foreign ESI IDs, cancellation ids', function () {
  this.timeout(120_000);
  const harness = startHarness('smt-han-trust-');
  let repA: soap.Client;
  let repB: soap.Client;

  before(async () => {
    await harness.start();
    repA = await harness.client('HAN', harness.files(harness.participant('REP')));
    repB = await harness.client('HAN', await harness.addParticipant('Switch REP', 'REP', REP_B));
    await provisioned(harness, repA, REP_A, E3, '00124B00000C0003');
  });
  after(async () => {
    await harness.stop();
    fs.rmSync(harness.dataDir, { recursive: true, force: true });
  });

  it('after a REP switch, the new REP sees only its own days of the device history, and not the old REP\'s descriptions', async () => {
    await provisioned(harness, repA, REP_A, E1, '00124B00000A0001', 'old REP thermostat');
    await provisioned(harness, repA, REP_A, E1, '00124B00000A0002', 'old REP pool pump');
    expect((await call(repA, 'DeprovisionHanDevice', { ...head(REP_A), esiid: E1, macAddress: '00124B00000A0002' })).fault).to.equal(undefined);
    await reaches(harness, E1, '00124B00000A0002', 'Device Removed');
    // What REP A did, it did before the switch: its events move three days back.
    const past = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const db = await harness.app.db();
    await db.query(`UPDATE "han_device_event" SET "recorded_at" = '${past}', "status_at" = '${past}' WHERE "device_id" IN (SELECT "id" FROM "han_device" WHERE "esiid" = '${E1}')`);
    await db.query(`UPDATE "han_device" SET "status_at" = '${past}' WHERE "esiid" = '${E1}'`);
    const today = cptToday();
    await harness.importRegistry('switch.csv', ['esiid,rep_duns,effective_from,effective_to', `${E1},${REP_A},2024-01-01,${addDays(today, -1)}`, `${E1},${REP_B},${today},`]);

    const history = await call<{ entry?: unknown }>(repB, 'GetHanDeviceHistory', { ...head(REP_B), esiid: E1 });
    expect(history.fault).to.equal(undefined);
    expect(validateAgainstXsd(history.raw).errors).to.equal('');
    expect(asList(history.result!.entry)).to.deep.equal([]);

    const details = await call<{ device: { deviceDescription?: string; installCode: string; deviceStatus: string; history?: unknown } }>(
      repB, 'GetHanDeviceDetails', { ...head(REP_B), esiid: E1, macAddress: '00124B00000A0001' });
    expect(details.fault).to.equal(undefined);
    expect(validateAgainstXsd(details.raw).errors).to.equal('');
    expect(details.result!.device.deviceStatus).to.equal('Device Added');
    expect(details.result!.device.deviceDescription).to.equal(undefined);
    expect(details.result!.device.installCode).to.match(/^\*+$/);
    expect(asList(details.result!.device.history)).to.deep.equal([]);
    expect(details.raw).to.not.contain('old REP');
    const gone = await call(repB, 'GetHanDeviceDetails', { ...head(REP_B), esiid: E1, macAddress: '00124B00000A0002' });
    expect(gone.fault?.code).to.equal('HAN_DEVICE_NOT_FOUND');

    await provisioned(harness, repB, REP_B, E1, '00124B00000B0001', 'new REP display');
    const own = await call<{ entry?: { macAddress: string; deviceStatus: string }[] }>(repB, 'GetHanDeviceHistory', { ...head(REP_B), esiid: E1 });
    expect(asList(own.result!.entry).map((e) => `${e.macAddress} ${e.deviceStatus}`)).to.deep.equal(['00124B00000B0001 Add Acknowledged', '00124B00000B0001 Device Added']);
    const ownDetails = await call<{ device: { deviceDescription?: string } }>(repB, 'GetHanDeviceDetails', { ...head(REP_B), esiid: E1, macAddress: '00124B00000B0001' });
    expect(ownDetails.result!.device.deviceDescription).to.equal('new REP display');

    const formerRep = await call(repA, 'GetHanDeviceHistory', { ...head(REP_A), esiid: E1 });
    const unknown = await call(repA, 'GetHanDeviceHistory', { ...head(REP_A), esiid: NOWHERE });
    expect(anonymous(formerRep.fault, E1)).to.deep.equal(anonymous(unknown.fault, NOWHERE));
  });

  it('answers an ESI ID of another REP and one that does not exist with the same fault in every HAN operation', async () => {
    const mac = '00124B00000F0001';
    const lce = { deviceClass: 1, durationMinutes: 30, criticality: 3 };
    const price = { providerId: 1, rateLabel: 'Peak', trailingDigits: 2, priceTier: 1, price: 10 };
    const operations: [string, (esiid: string) => Record<string, unknown>][] = [
      ['GetMeterInfo', (esiid) => ({ esiid })],
      ['GetHanDeviceHistory', (esiid) => ({ esiid })],
      ['GetHanDeviceDetails', (esiid) => ({ esiid, macAddress: mac })],
      ['ProvisionHanDevice', (esiid) => ({ esiid, meterNumber: 'M0000002', macAddress: mac, installCode: CODE })],
      ['DeprovisionHanDevice', (esiid) => ({ esiid, macAddress: mac })],
      ['SendTextMessage', (esiid) => ({ esiid: [esiid], text: 'hello' })],
      ['SendLoadControlEvent', (esiid) => ({ esiid: [esiid], ...lce })],
      ['SendPriceMessage', (esiid) => ({ esiid: [esiid], ...price })],
      ['CancelAllLoadControlEvents', (esiid) => ({ esiid: [esiid] })],
    ];
    for (const [operation, args] of operations) {
      const foreign = await call(repB, operation, { ...head(REP_B), ...args(E2) });
      const unknown = await call(repB, operation, { ...head(REP_B), ...args(NOWHERE) });
      expect(foreign.fault, operation).to.not.equal(undefined);
      expect(anonymous(foreign.fault, E2), operation).to.deep.equal(anonymous(unknown.fault, NOWHERE));
      expect(faultElement(foreign.raw).replace(E2, 'X'), operation).to.equal(faultElement(unknown.raw).replace(NOWHERE, 'X'));
    }
    // REP B serves E1 now: naming it with a foreign and an unknown one lists both alike.
    const mixed = await call(repB, 'SendTextMessage', { ...head(REP_B), esiid: [E1, E2, NOWHERE], text: 'hello' });
    const swapped = await call(repB, 'SendTextMessage', { ...head(REP_B), esiid: [E1, NOWHERE, E2], text: 'hello' });
    expect(mixed.fault?.message).to.contain(E2).and.to.contain(NOWHERE);
    expect(mixed.fault?.code).to.equal(swapped.fault?.code);
  });

  it('answers a cancellation with the cancelled message\'s requestId and its own messageCancellationId, and logs it under both', async () => {
    const event = await call<{ requestId: string }>(repA, 'SendLoadControlEvent', { ...head(REP_A), esiid: [E3], deviceClass: 1, durationMinutes: 60, criticality: 3 });
    const cancel = await call<{ requestId: string; messageCancellationId: string }>(repA, 'CancelLoadControlEvent', { ...head(REP_A), requestId: event.result!.requestId });
    expect(cancel.fault).to.equal(undefined);
    expect(validateAgainstXsd(cancel.raw).errors).to.equal('');
    expect(cancel.result!.requestId).to.equal(event.result!.requestId);
    expect(cancel.result!.messageCancellationId).to.be.a('string').and.not.equal(event.result!.requestId);
    const cle = await cancellationRows(event.result!.requestId, 'CLE');
    expect(cle.every((e) => e.RequestID === event.result!.requestId && e.MessageCancellationID === cancel.result!.messageCancellationId)).to.equal(true);
    expect(cle.map((e) => e.StatusCode)).to.deep.equal(['RQA', 'ACK', 'CON']);
    const byCancellation = await log(REP_A, { requestId: cancel.result!.messageCancellationId });
    expect(byCancellation.map((e) => e.EventCategoryID)).to.deep.equal(['CLE', 'CLE', 'CLE']);

    const text = await call<{ requestId: string }>(repA, 'SendTextMessage', { ...head(REP_A), esiid: [E3], text: 'Outage tonight', durationMinutes: 60 });
    const cancelText = await call<{ requestId: string; messageCancellationId: string }>(repA, 'CancelTextMessage', { ...head(REP_A), requestId: text.result!.requestId });
    expect(cancelText.result!.requestId).to.equal(text.result!.requestId);
    const csm = await cancellationRows(text.result!.requestId, 'CSM');
    expect(csm.every((e) => e.RequestID === text.result!.requestId && e.MessageCancellationID === cancelText.result!.messageCancellationId)).to.equal(true);

    const second = await call<{ requestId: string }>(repA, 'SendLoadControlEvent', { ...head(REP_A), esiid: [E3], deviceClass: 2, durationMinutes: 60, criticality: 3 });
    const all = await call<{ requestId: string; messageCancellationId: string; cancelledRequestId?: string | string[] }>(repA, 'CancelAllLoadControlEvents', { ...head(REP_A), esiid: [E3] });
    expect(all.fault).to.equal(undefined);
    expect(validateAgainstXsd(all.raw).errors).to.equal('');
    expect(asList(all.result!.cancelledRequestId)).to.deep.equal([second.result!.requestId]);
    const cal = await cancellationRows(second.result!.requestId, 'CAL');
    expect(cal.every((e) => e.RequestID === second.result!.requestId && e.MessageCancellationID === all.result!.messageCancellationId)).to.equal(true);

    const csv = await CliHarness.at(harness.dataDir).run('han-log', '--duns', REP_A, '--from', usDate(cptToday()), '--to', usDate(cptToday()), '--request-id', event.result!.requestId);
    expect(csv.status, csv.err).to.equal(0);
    const cleLines = csv.out.split('\r\n').filter((l) => l.split(',')[8] === 'CLE');
    expect(cleLines.length).to.equal(3);
    expect(cleLines.every((l) => l.split(',')[2] === event.result!.requestId && l.split(',')[3] === cancel.result!.messageCancellationId)).to.equal(true);
  });

  async function log(duns: string, filter: Record<string, string>): Promise<LogEntry[]> {
    const client = duns === REP_A ? repA : repB;
    const answer = await call<{ entry?: LogEntry | LogEntry[] }>(client, 'GetHanMessageLog', { ...head(duns), startDate: usDate(cptToday()), endDate: usDate(cptToday()), ...filter });
    if (answer.fault) throw new Error(`${answer.fault.code}: ${answer.fault.message}`);
    return asList(answer.result!.entry);
  }

  /** The log filtered by the cancelled message's RequestID, once the cancellation is confirmed: its rows of `category`. */
  function cancellationRows(requestId: string, category: string): Promise<LogEntry[]> {
    return eventually(`the ${category} rows under ${requestId}`, async () => {
      const rows = (await log(REP_A, { requestId })).filter((e) => e.EventCategoryID === category);
      return rows.some((e) => e.StatusCode === 'CON') ? rows : undefined;
    });
  }
});

describe('HAN message rate limit per REP, kept in the database', function () {
  this.timeout(120_000);
  const harness = startHarness('smt-han-rate-', { SMT_HAN_MESSAGES_PER_MINUTE: '3' });
  const REP_C = '200000009';
  let repA: soap.Client;
  let repC: soap.Client;

  before(async () => {
    await harness.start();
    repA = await harness.client('HAN', harness.files(harness.participant('REP')));
    const filesC = await harness.addParticipant('Rate REP', 'REP', REP_C);
    repC = await harness.client('HAN', filesC);
    const today = cptToday();
    await harness.importRegistry('switch.csv', ['esiid,rep_duns,effective_from,effective_to', `${E2},${REP_A},2024-01-01,${addDays(today, -1)}`, `${E2},${REP_C},${today},`]);
    await provisioned(harness, repA, REP_A, E1, '00124B00000A0011');
    await provisioned(harness, repC, REP_C, E2, '00124B00000C0011');
  });
  after(async () => {
    await harness.stop();
    fs.rmSync(harness.dataDir, { recursive: true, force: true });
  });

  it('refuses a REP\'s message requests over the limit, saying when to retry, while another REP is unaffected, also after a restart', async () => {
    const send = (client: soap.Client, duns: string, esiid: string) => call<{ requestId: string }>(client, 'SendTextMessage', { ...head(duns), esiid: [esiid], text: 'hi' });
    for (let i = 0; i < 3; i++) expect((await send(repA, REP_A, E1)).fault).to.equal(undefined);
    const refused = await send(repA, REP_A, E1);
    expect(refused.fault?.code).to.equal('HAN_RATE_LIMITED');
    expect(refused.fault?.message).to.match(/3 HAN message requests in the last 60 s.*retry after \d{4}-\d\d-\d\dT[\d:.]+Z/);
    expect(validateAgainstXsd(refused.raw, 'smtFault').errors).to.equal('');
    const cancelRefused = await call(repA, 'CancelAllLoadControlEvents', { ...head(REP_A), esiid: [E1] });
    expect(cancelRefused.fault?.code).to.equal('HAN_RATE_LIMITED');
    expect((await send(repC, REP_C, E2)).fault).to.equal(undefined);

    await harness.stop();
    await harness.start();
    repA = await harness.client('HAN', harness.files(harness.participant('REP')));
    expect((await send(repA, REP_A, E1)).fault?.code).to.equal('HAN_RATE_LIMITED');
  });
});

/** The soap:Fault element of a signed answer (the signature around it differs from answer to answer). */
function faultElement(raw: string): string {
  const fault = /<soap:Fault>.*<\/soap:Fault>/s.exec(raw)?.[0];
  expect(fault, raw).to.be.a('string');
  return fault!;
}

/** A fault with the ESI ID it names replaced, so two faults about different ESI IDs compare. */
function anonymous(fault: FaultSeen | undefined, esiid: string): FaultSeen | undefined {
  return fault && { code: fault.code, message: fault.message.split(esiid).join('<ESIID>') };
}
