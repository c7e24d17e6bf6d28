import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type * as soap from 'soap';
import { cptToday } from '../../src/core/cpt';
import { appendInstallCodeCrc } from '../../src/han/install-code';
import { usDate } from '../../src/usage/report-format';
import { CliHarness } from '../support/cli-harness';
import { call, DEMO_ESIIDS, eventually, HanHarness } from '../support/han-harness';
import type { ClientFiles } from '../support/soap-harness';
import { validateAgainstXsd } from '../support/xsd-validate';

const REP = '200000001';
const [E1, E2, E3, E4, E5] = DEMO_ESIIDS as [string, string, string, string, string];
const DEVICES: [string, string][] = [[E1, '00124B0000000B01'], [E2, '0FF0000000000B02'], [E3, 'FA11000000000B03'], [E4, '5111000000000B04']];

interface LogEntry {
  RequestID: string;
  MessageCancellationID?: string;
  ESIID: string;
  DeviceMACAddr?: string;
  EventCategoryID: string;
  StatusCode: string;
  StatusDesc?: string;
}

const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const usToday = () => usDate(cptToday());

describe('HAN messages through the SOAP server, the outbox and the mock TDSP', function () {
  this.timeout(120_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-han-messages-'));
  const behaviour = path.join(dataDir, 'mock-behaviour.json');
  fs.writeFileSync(behaviour, JSON.stringify({
    provisioning: [{ status: 'Device Added', delayMs: 0 }],
    messages: {
      statuses: [{ code: 'ACK', delayMs: 0 }, { code: 'STR', delayMs: 10 }, { code: 'CON', delayMs: 10 }],
      rules: [
        { when: { macPrefix: '0FF0' }, then: 'opt-out' },
        { when: { macPrefix: '5111' }, then: 'never-confirm' },
        { when: { macPrefix: 'FA11' }, then: 'fail', reason: 'device did not answer' },
        { when: { operation: 'DeliverPriceMessage', esiidPrefix: '10443720000000004' }, then: 'reject', reason: 'no price signals on this meter' },
      ],
    },
  }));
  const harness = new HanHarness(dataDir, { SMT_MOCK_TDSP_BEHAVIOUR: behaviour });
  let han: soap.Client;
  const head = { trans_id: 'T-m', requestorID: 'ops', requesterAuthenticationID: REP };

  const log = async (filter: Record<string, string> = {}) => {
    const answer = await call<{ entry?: LogEntry | LogEntry[] }>(han, 'GetHanMessageLog', { ...head, startDate: usToday(), endDate: usToday(), ...filter });
    if (answer.fault) throw new Error(`${answer.fault.code}: ${answer.fault.message}`);
    expect(validateAgainstXsd(answer.raw).errors).to.equal('');
    return asList(answer.result!.entry);
  };
  const codesOf = (entries: LogEntry[], esiid: string) => entries.filter((e) => e.ESIID === esiid).map((e) => e.StatusCode);
  const until = (requestId: string, check: (entries: LogEntry[]) => boolean) =>
    eventually(`the log of ${requestId}`, async () => {
      const entries = await log({ requestId });
      return check(entries) ? entries : undefined;
    });
  const refusal = async (operation: string, args: Record<string, unknown>) => (await call(han, operation, { ...head, ...args })).fault;

  before(async () => {
    await harness.start();
    han = await harness.client('HAN', harness.files(harness.participant('REP')));
    for (const [esiid, mac] of DEVICES) {
      const answer = await call(han, 'ProvisionHanDevice', { ...head, esiid, meterNumber: `M000000${DEMO_ESIIDS.indexOf(esiid) + 1}`, macAddress: mac, installCode: appendInstallCodeCrc('1122334455667788') });
      expect(answer.fault).to.equal(undefined);
    }
    await eventually('every device added', async () => {
      const rows = await (await harness.app.db()).query(`SELECT COUNT(*) AS "n" FROM "han_device" WHERE "status" = 'Device Added'`);
      return Number(rows[0].n) === DEVICES.length ? true : undefined;
    });
  });
  after(async () => {
    await harness.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers a text message: RQA, then ACK, STR and CON from the TDSP', async () => {
    const answer = await call<{ requestId: string; messageId: string; esiidsDispatched: string }>(han, 'SendTextMessage', { ...head, esiid: [E1], text: 'Peak prices 4-7 pm today', durationMinutes: 120, confirmationRequired: true });
    expect(answer.fault).to.equal(undefined);
    expect(validateAgainstXsd(answer.raw).errors).to.equal('');
    expect(answer.result).to.include({ esiidsDispatched: '1' });
    const entries = await until(answer.result!.requestId, (e) => e.some((x) => x.StatusCode === 'CON'));
    expect(codesOf(entries, E1)).to.deep.equal(['RQA', 'ACK', 'STR', 'CON']);
    expect(entries.every((e) => e.EventCategoryID === 'STM')).to.equal(true);
    expect(entries.find((e) => e.StatusCode === 'CON')!.DeviceMACAddr).to.equal('00124B0000000B01');
  });

  it('sends a load control event to every ESI ID: an opt-out, a failure, one that never confirms, and one without a device', async () => {
    const answer = await call<{ requestId: string; issuerEventId: string; esiidsDispatched: string; esiidWithoutDevice: string | string[] }>(han, 'SendLoadControlEvent', {
      ...head, esiid: [E1, E2, E3, E4, E5], deviceClass: 1, durationMinutes: 60, criticality: 3, averageLoadAdjustmentPercentage: -20, randomizeStart: true,
    });
    expect(answer.fault).to.equal(undefined);
    expect(answer.result).to.include({ esiidsDispatched: '4' });
    expect(asList(answer.result!.esiidWithoutDevice)).to.deep.equal([E5]);
    const entries = await until(answer.result!.requestId, (e) => codesOf(e, E1).includes('CON') && codesOf(e, E2).includes('OPT') && codesOf(e, E3).includes('FLR'));
    expect(codesOf(entries, E1)).to.deep.equal(['RQA', 'ACK', 'STR', 'CON']);
    expect(codesOf(entries, E2)).to.deep.equal(['RQA', 'ACK', 'STR', 'OPT']);
    expect(entries.find((e) => e.ESIID === E3 && e.StatusCode === 'FLR')!.StatusDesc).to.equal('device did not answer');
    expect(codesOf(entries, E4)).to.deep.equal(['RQA', 'ACK', 'STR']);
    expect(codesOf(entries, E5)).to.deep.equal(['FLR']);
    expect(entries.find((e) => e.ESIID === E5)!.StatusDesc).to.contain('no HAN device in Device Added status');
  });

  it('reports an opt-out of a mandatory (emergency) event as invalid', async () => {
    const answer = await call<{ requestId: string }>(han, 'SendLoadControlEvent', { ...head, esiid: [E2], deviceClass: 1, durationMinutes: 30, criticality: 7 });
    const entries = await until(answer.result!.requestId, (e) => codesOf(e, E2).includes('OPT'));
    expect(entries.find((e) => e.StatusCode === 'OPT')!.StatusDesc).to.contain('invalid opt-out: the event is mandatory');
  });

  it('delivers a price message', async () => {
    const answer = await call<{ requestId: string; issuerEventId: string }>(han, 'SendPriceMessage', {
      ...head, esiid: [E1], providerId: 42, rateLabel: 'Peak', trailingDigits: 4, priceTier: 2, numberOfPriceTiers: 3, price: 1234, durationMinutes: 240,
    });
    expect(answer.fault).to.equal(undefined);
    expect(Number(answer.result!.issuerEventId)).to.be.greaterThan(0);
    const entries = await until(answer.result!.requestId, (e) => codesOf(e, E1).includes('CON'));
    expect(entries.every((e) => e.EventCategoryID === 'PRM')).to.equal(true);
  });

  it('logs FLR with the TDSP\'s reason for every ESI ID of a call the TDSP refused', async () => {
    const answer = await call<{ requestId: string }>(han, 'SendPriceMessage', {
      ...head, esiid: [E4], providerId: 42, rateLabel: 'Peak', trailingDigits: 4, priceTier: 1, price: 999,
    });
    const entries = await until(answer.result!.requestId, (e) => codesOf(e, E4).includes('FLR'));
    expect(codesOf(entries, E4)).to.deep.equal(['RQA', 'FLR']);
    expect(entries.find((e) => e.StatusCode === 'FLR')!.StatusDesc).to.contain('no price signals on this meter');
  });

  it('refuses a reused issuer event id, ESI IDs it cannot send to, and a log range it cannot read', async () => {
    const first = await call<{ issuerEventId: string }>(han, 'SendLoadControlEvent', { ...head, esiid: [E1], deviceClass: 1, durationMinutes: 5, criticality: 2 });
    const reused = await refusal('SendLoadControlEvent', { esiid: [E1], deviceClass: 1, durationMinutes: 5, criticality: 2, issuerEventId: first.result!.issuerEventId });
    expect(reused?.message).to.match(new RegExp(`issuerEventId ${first.result!.issuerEventId} was already used by request`));
    expect((await refusal('SendTextMessage', { esiid: ['10-44'], text: 'hi' }))?.message).to.contain('is not an ESI ID');
    const unknown = await refusal('SendTextMessage', { esiid: [E1, '99999999999999999'], text: 'hi' });
    expect(unknown?.code).to.equal('HAN_NOT_REP_OF_RECORD');
    expect(unknown?.message).to.contain('99999999999999999');
    const backwards = (await call(han, 'GetHanMessageLog', { ...head, startDate: '11/02/2026', endDate: '11/01/2026' })).fault;
    expect(backwards?.code).to.equal('REPORT_DATES_INVALID');
    expect((await call(han, 'GetHanMessageLog', { ...head, startDate: '01/01/2025', endDate: '01/02/2026' })).fault?.message).to.contain('at most 366 days');
  });

  it('cancels a running load control event once, and refuses an unknown or finished one', async () => {
    const event = await call<{ requestId: string; issuerEventId: string }>(han, 'SendLoadControlEvent', { ...head, esiid: [E1], deviceClass: 4, durationMinutes: 90, criticality: 2 });
    const cancel = await call<{ requestId: string; messageCancellationId: string; esiidsDispatched: string }>(han, 'CancelLoadControlEvent', { ...head, requestId: event.result!.requestId, randomizeEnd: true });
    expect(cancel.fault).to.equal(undefined);
    expect(validateAgainstXsd(cancel.raw).errors).to.equal('');
    expect(cancel.result!.esiidsDispatched).to.equal('1');
    expect(cancel.result!.requestId).to.equal(event.result!.requestId);
    const entries = await until(cancel.result!.messageCancellationId, (e) => codesOf(e, E1).includes('CON'));
    expect(entries.every((e) => e.EventCategoryID === 'CLE' && e.MessageCancellationID === cancel.result!.messageCancellationId)).to.equal(true);
    expect(codesOf(entries, E1)).to.deep.equal(['RQA', 'ACK', 'CON']);
    expect((await refusal('CancelLoadControlEvent', { issuerEventId: event.result!.issuerEventId }))?.code).to.equal('HAN_EVENT_FINISHED');
    expect((await refusal('CancelLoadControlEvent', { issuerEventId: 12345 }))?.code).to.equal('HAN_EVENT_UNKNOWN');
    expect((await refusal('CancelLoadControlEvent', {}))?.message).to.contain('requestId or by issuerEventId');
  });

  it('cancels all load control events of an ESI ID, and a text message', async () => {
    const all = await call<{ requestId: string; messageCancellationId: string }>(han, 'CancelAllLoadControlEvents', { ...head, esiid: [E1, E5] });
    expect(all.fault).to.equal(undefined);
    const entries = await until(all.result!.messageCancellationId, (e) => codesOf(e, E1).includes('CON'));
    expect(entries.every((e) => e.EventCategoryID === 'CAL' && e.MessageCancellationID === all.result!.messageCancellationId)).to.equal(true);

    const text = await call<{ requestId: string }>(han, 'SendTextMessage', { ...head, esiid: [E1], text: 'Outage tonight', durationMinutes: 60 });
    const cancel = await call<{ requestId: string; messageCancellationId: string }>(han, 'CancelTextMessage', { ...head, requestId: text.result!.requestId });
    expect(cancel.fault).to.equal(undefined);
    const cancelled = await until(cancel.result!.messageCancellationId, (e) => codesOf(e, E1).includes('CON'));
    expect(cancelled.every((e) => e.EventCategoryID === 'CSM')).to.equal(true);
    expect((await refusal('CancelTextMessage', { requestId: text.result!.requestId }))?.code).to.equal('HAN_EVENT_FINISHED');
  });

  it('refuses invalid fields of every kind, naming the field and the allowed range', async () => {
    const lce = { esiid: [E1], deviceClass: 1, durationMinutes: 30, criticality: 3 };
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['SendLoadControlEvent', { ...lce, criticality: 16 }, /criticality is 16; allowed 1 to 15/],
      ['SendLoadControlEvent', { ...lce, durationMinutes: 1441 }, /durationMinutes is 1441/],
      ['SendLoadControlEvent', { ...lce, averageLoadAdjustmentPercentage: -101 }, /averageLoadAdjustmentPercentage is -101/],
      ['SendLoadControlEvent', { ...lce, dutyCycle: 101 }, /dutyCycle is 101/],
      ['SendLoadControlEvent', { ...lce, deviceClass: 0 }, /deviceClass/],
      ['SendLoadControlEvent', { ...lce, coolingTemperatureOffset: '1.25' }, /coolingTemperatureOffset/],
      ['SendLoadControlEvent', { ...lce, startTime: new Date(Date.now() - 3600_000).toISOString() }, /startTime .* in the past/],
      ['SendTextMessage', { esiid: [E1], text: 'x'.repeat(60) }, /text is 60 bytes in UTF-8; at most 59/],
      ['SendTextMessage', { esiid: [E1], text: 'hi', transmissionMode: 'LOUD' }, /transmissionMode/],
      ['SendPriceMessage', { esiid: [E1], providerId: 1, rateLabel: 'ThirteenChars', trailingDigits: 2, priceTier: 1, price: 10 }, /rateLabel/],
      ['SendPriceMessage', { esiid: [E1], providerId: 1, rateLabel: 'Peak', trailingDigits: 2, priceTier: 7, price: 10 }, /priceTier is 7/],
    ];
    for (const [operation, args, message] of cases) {
      const fault = await refusal(operation, args);
      expect(fault?.code, `${operation} ${JSON.stringify(args)}`).to.equal('HAN_FIELD_INVALID');
      expect(fault?.message).to.match(message);
    }
    const badMac = await refusal('SendTextMessage', { esiid: [E1], text: 'hi', macAddress: ['XYZ'] });
    expect(badMac?.code).to.equal('HAN_MAC_INVALID');
    expect(badMac?.message).to.contain('16 hex digits');
    const truncated = await call<{ requestId: string }>(han, 'SendTextMessage', { ...head, esiid: [E1], text: `${'é'.repeat(29)}é`, truncate: true });
    expect(truncated.fault).to.equal(undefined);
    expect((await refusal('SendTextMessage', { esiid: [E5], text: 'hi' }))?.code).to.equal('HAN_NO_ADDED_DEVICE');
  });

  it('exports the same log as CSV with smt han-log', async () => {
    let seen = -1;
    // The mock still reports on earlier messages: wait until the log stops growing.
    const entries = await eventually('a settled log', async () => {
      const now = await log();
      const settled = now.length === seen;
      seen = now.length;
      await new Promise((resolve) => setTimeout(resolve, 300));
      return settled ? now : undefined;
    });
    const out = path.join(dataDir, 'han-log.csv');
    const run = await CliHarness.at(dataDir).run('han-log', '--duns', REP, '--from', usToday(), '--to', usToday(), '--out', out);
    expect(run.status, run.err).to.equal(0);
    expect(run.err).to.contain(`${entries.length} log entries written to ${out}`);
    const lines = fs.readFileSync(out, 'utf8').split('\r\n').filter(Boolean);
    expect(lines[0]).to.equal('TDSPDUNSNumber,MessageDate,RequestID,MessageCancellationID,MessageStatusID,ESIID,MeterSerialNumber,DeviceMACAddr,EventCategoryID,StatusCode,StatusDesc,StatusTimestamp');
    expect(lines).to.have.length(entries.length + 1);
    expect(lines.filter((l) => l.includes(',CON,')).length).to.equal(entries.filter((e) => e.StatusCode === 'CON').length);
    const filtered = await CliHarness.at(dataDir).run('han-log', '--duns', REP, '--from', usToday(), '--to', usToday(), '--category', 'prm');
    expect(filtered.out.split('\r\n').filter(Boolean).slice(1).every((l) => l.split(',')[8] === 'PRM')).to.equal(true);
    expect((await CliHarness.at(dataDir).run('han-log', '--duns', REP, '--from', usToday(), '--to', usToday(), '--category', 'XYZ')).err).to.contain('--category "XYZ" is not one of PRM, LCE');
  });

  it('takes a TDSP\'s message statuses only for its own ESI IDs of a request it was sent, with the seed\'s codes', async () => {
    const sent = await call<{ requestId: string }>(han, 'SendTextMessage', { ...head, esiid: [E1], text: 'status check' });
    const other = await harness.addParticipant('Other TDSP', 'TDSP', '100000002');
    const report = async (files: ClientFiles, requestId: string, status: Record<string, string>) => {
      const answer = await harness.tdspCallback(files, 'ReportMessageStatus', { requestId, status: [{ esiid: E1, meterSerialNumber: 'M0000001', statusCode: 'PEN', ...status, statusTime: new Date() }] });
      return answer.kind === 'fault' ? `${answer.code}: ${answer.message}` : `recorded ${answer.fields.recorded}`;
    };
    const tdsp = harness.files(harness.participant('TDSP'));
    const requestId = sent.result!.requestId;
    expect(await report(tdsp, requestId, {})).to.equal('recorded 1');
    expect(await report(tdsp, '00000000-0000-0000-0000-000000000000', {})).to.match(/^HAN_REQUEST_UNKNOWN: request 00000000-.* is not a HAN message/);
    expect(await report(tdsp, requestId, { esiid: E5 })).to.match(/^HAN_REQUEST_UNKNOWN: status 1 .* did not go to this ESI ID/);
    expect(await report(tdsp, requestId, { statusCode: 'RQA' })).to.match(/^HAN_STATUS_INVALID: .*statusCode "RQA" is not one of ACK, PEN, STR, CON, OPT, FLR/);
    expect(await report(other, requestId, {})).to.match(/^HAN_NOT_TDSP_METER: status 1 .* is not served by Other TDSP/);
    expect(codesOf(await log({ requestId }), E1).filter((c) => c === 'PEN')).to.have.length(1);
  });

  it('keeps one REP\'s messages from another: no log entries, no cancellation', async () => {
    const event = await call<{ requestId: string }>(han, 'SendLoadControlEvent', { ...head, esiid: [E1], deviceClass: 1, durationMinutes: 30, criticality: 3 });
    const other = await harness.client('HAN', await harness.addParticipant('Other REP', 'REP', '200000003'));
    const otherHead = { trans_id: 'T-o', requestorID: 'x', requesterAuthenticationID: '200000003' };
    const own = await call<{ entry?: unknown }>(other, 'GetHanMessageLog', { ...otherHead, startDate: usToday(), endDate: usToday() });
    expect(own.fault).to.equal(undefined);
    expect(own.result!.entry).to.equal(undefined);
    expect((await call(other, 'GetHanMessageLog', { ...otherHead, requesterAuthenticationID: REP, startDate: usToday(), endDate: usToday() })).fault?.code).to.equal('DUNS_NOT_OWNED');
    expect((await call(other, 'CancelLoadControlEvent', { ...otherHead, requestId: event.result!.requestId })).fault?.code).to.equal('HAN_EVENT_UNKNOWN');
    expect((await call(other, 'SendTextMessage', { ...otherHead, esiid: [E1], text: 'hi' })).fault?.code).to.equal('HAN_NOT_REP_OF_RECORD');
  });
});
