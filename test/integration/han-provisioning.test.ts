import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type * as soap from 'soap';
import { appendInstallCodeCrc } from '../../src/han/install-code';
import type { Message } from '../../src/tdsp/soap-message';
import { call, DEMO_ESIIDS, eventually, HanHarness } from '../support/han-harness';
import type { ClientFiles } from '../support/soap-harness';
import { validateAgainstXsd } from '../support/xsd-validate';

const CODE = appendInstallCodeCrc('83FED3407A939723');
const REP_DUNS = '200000001';

interface HistoryItem {
  requestId?: string;
  deviceStatus: string;
  source: string;
  applied: string;
  reason?: string;
}

interface DeviceDetails {
  device: { macAddress: string; installCode: string; deviceStatus: string; history: HistoryItem | HistoryItem[] };
}

const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

describe('HAN provisioning through the SOAP server, the outbox and the mock TDSP', function () {
  this.timeout(120_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-han-'));
  const behaviour = path.join(dataDir, 'mock-behaviour.json');
  fs.writeFileSync(behaviour, JSON.stringify({
    provisioning: [{ status: 'Add Pending', delayMs: 20 }, { status: 'Meter Ready', delayMs: 20 }, { status: 'Device Added', delayMs: 20 }],
    deprovisioning: [{ status: 'Remove Pending', delayMs: 20 }, { status: 'Device Removed', delayMs: 20 }],
    rules: [
      { when: { macPrefix: 'BAD0' }, then: 'reject', reason: 'the vendor is not certified' },
      { when: { firmwareBelow: '2.0' }, then: 'fail', reason: 'meter firmware too old for HAN' },
      { when: { macPrefix: 'CAFE' }, then: 'unavailable', times: 2 },
    ],
  }));
  const harness = new HanHarness(dataDir, { SMT_MOCK_TDSP_BEHAVIOUR: behaviour });
  let han: soap.Client;

  const provision = (esiid: string, mac: string, extra: Record<string, unknown> = {}) => call<{ requestId: string; deviceStatus: string }>(han, 'ProvisionHanDevice', {
    trans_id: `T-${mac}`, requestorID: 'ops', requesterAuthenticationID: REP_DUNS, esiid,
    meterNumber: `M000000${DEMO_ESIIDS.indexOf(esiid) + 1}`, macAddress: mac, installCode: CODE, ...extra,
  });
  const details = (esiid: string, mac: string) => call<DeviceDetails>(han, 'GetHanDeviceDetails', {
    trans_id: 'T-d', requestorID: 'ops', requesterAuthenticationID: REP_DUNS, esiid, macAddress: mac,
  });
  const statusOf = async (esiid: string, mac: string) => (await details(esiid, mac)).result?.device.deviceStatus;
  const reaches = (esiid: string, mac: string, status: string) => eventually(`${mac} to be ${status}`, async () => ((await statusOf(esiid, mac)) === status ? status : undefined));

  const addRequestOf = async (esiid: string, mac: string) => asList((await details(esiid, mac)).result!.device.history).find((h) => h.deviceStatus === 'Add Acknowledged')!.requestId!;
  const callback = (files: ClientFiles, message: Message) => harness.tdspCallback(files, 'ReportDeviceStatus', { ...message, statusTime: new Date() });

  before(async () => {
    await harness.start();
    han = await harness.client('HAN', harness.files(harness.participant('REP')));
  });
  after(async () => {
    await harness.stop();
    if (process.env.KEEP) console.log(dataDir); else fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('takes a device from Add Acknowledged through Add Pending and Meter Ready to Device Added, keeping its history', async () => {
    const mac = '00124B0001A2B3C4';
    const answer = await provision(DEMO_ESIIDS[0]!, mac.toLowerCase(), { deviceDescription: 'thermostat' });
    expect(answer.fault).to.equal(undefined);
    expect(answer.result).to.include({ deviceStatus: 'Add Acknowledged', macAddress: mac });
    expect(validateAgainstXsd(answer.raw).errors).to.equal('');
    await reaches(DEMO_ESIIDS[0]!, mac, 'Device Added');
    const seen = await details(DEMO_ESIIDS[0]!, mac);
    expect(validateAgainstXsd(seen.raw).errors).to.equal('');
    expect(seen.result!.device.installCode).to.equal(`****************${CODE.slice(-4)}`);
    const history = asList(seen.result!.device.history);
    expect(history.map((h) => h.deviceStatus)).to.deep.equal(['Add Acknowledged', 'Add Pending', 'Meter Ready', 'Device Added']);
    expect(history.map((h) => h.source)).to.deep.equal(['REP', 'TDSP', 'TDSP', 'TDSP']);
  });

  it('never logs an install code in full', async () => {
    const log = await eventually('the log', async () => (fs.existsSync(harness.app.config.log.file) ? fs.readFileSync(harness.app.config.log.file, 'utf8') : undefined));
    expect(log).to.contain('han: provisioning accepted');
    expect(log).to.not.contain(CODE);
  });

  it('records a TDSP\'s refusal as Add Rejected and a provisioning failure on old firmware as Add Failed', async () => {
    await provision(DEMO_ESIIDS[1]!, 'BAD0000000000001');
    await reaches(DEMO_ESIIDS[1]!, 'BAD0000000000001', 'Add Rejected');
    const rejected = await details(DEMO_ESIIDS[1]!, 'BAD0000000000001');
    expect(asList(rejected.result!.device.history).pop()!.reason).to.contain('the vendor is not certified');

    await harness.importRegistry('firmware.csv', ['esiid,tdsp_duns,meter_firmware_version', `${DEMO_ESIIDS[4]},100000001,1.4`]);
    await provision(DEMO_ESIIDS[4]!, '00124B0000000005');
    await reaches(DEMO_ESIIDS[4]!, '00124B0000000005', 'Add Failed');
  });

  it('deprovisions a device: Remove Acknowledged, Remove Pending, Device Removed; and refuses removing it twice', async () => {
    const mac = '00124B0001A2B3C4';
    const answer = await call<{ deviceStatus: string }>(han, 'DeprovisionHanDevice', { trans_id: 'T-r', requestorID: 'ops', requesterAuthenticationID: REP_DUNS, esiid: DEMO_ESIIDS[0], macAddress: mac });
    expect(answer.result?.deviceStatus).to.equal('Remove Acknowledged');
    await reaches(DEMO_ESIIDS[0]!, mac, 'Device Removed');
    const again = await call(han, 'DeprovisionHanDevice', { trans_id: 'T-r2', requestorID: 'ops', requesterAuthenticationID: REP_DUNS, esiid: DEMO_ESIIDS[0], macAddress: mac });
    expect(again.fault?.code).to.equal('HAN_DEVICE_STATE');
    expect(validateAgainstXsd(again.raw, 'smtFault').errors).to.equal('');
  });

  it('refuses a sixth device on an ESI ID, a duplicate MAC, a bad CRC and a wrong meter, each with its code', async () => {
    const esiid = DEMO_ESIIDS[2]!;
    for (let i = 1; i <= 5; i++) expect((await provision(esiid, `00124B00000003A${i}`)).fault).to.equal(undefined);
    const sixth = await provision(esiid, '00124B00000003A6');
    expect(sixth.fault?.code).to.equal('HAN_DEVICE_LIMIT');
    expect(sixth.fault?.message).to.contain('already has 5 HAN devices');
    expect((await provision(esiid, '00124B00000003A1')).fault?.code).to.equal('HAN_DEVICE_DUPLICATE');
    const badCrc = await provision(DEMO_ESIIDS[3]!, '00124B0000000004', { installCode: `${CODE.slice(0, -4)}0000` });
    expect(badCrc.fault?.code).to.equal('HAN_INSTALL_CODE_INVALID');
    expect(badCrc.fault?.message).to.contain('CRC');
    expect(badCrc.fault?.message).to.not.contain(CODE.slice(0, 16));
    const wrongMeter = await provision(DEMO_ESIIDS[3]!, '00124B0000000004', { meterNumber: 'M9999999' });
    expect(wrongMeter.fault?.code).to.equal('HAN_METER_MISMATCH');
    expect((await provision(DEMO_ESIIDS[3]!, '00124B00000004')).fault?.code).to.equal('HAN_MAC_INVALID');
    const longName = await provision(DEMO_ESIIDS[3]!, '00124B0000000004', { deviceDescription: 'x'.repeat(61) });
    expect(longName.fault?.message).to.equal('deviceDescription is 61 characters long; at most 60 are allowed');
  });

  it('refuses a REP that is not the REP of record, and answers GetMeterInfo and GetHanDeviceHistory to the one that is', async () => {
    const other = await harness.addParticipant('Other REP', 'REP', '200000002');
    const foreign = await harness.client('HAN', other);
    const refused = await call(foreign, 'ProvisionHanDevice', {
      trans_id: 'T-f', requestorID: 'x', requesterAuthenticationID: '200000002', esiid: DEMO_ESIIDS[3], meterNumber: 'M0000004', macAddress: '00124B0000000F01', installCode: CODE,
    });
    expect(refused.fault?.code).to.equal('HAN_NOT_REP_OF_RECORD');
    const borrowed = await call(foreign, 'GetHanDeviceHistory', { trans_id: 'T-h', requestorID: 'x', requesterAuthenticationID: REP_DUNS, esiid: DEMO_ESIIDS[0] });
    expect(borrowed.fault?.code).to.equal('DUNS_NOT_OWNED');

    const info = await call<{ meterNumber: string; tdspDuns: string; hanCapable: string }>(han, 'GetMeterInfo', { trans_id: 'T-m', requestorID: 'ops', requesterAuthenticationID: REP_DUNS, esiid: DEMO_ESIIDS[4] });
    expect(info.result).to.include({ meterNumber: 'M0000005', tdspDuns: '100000001', hanCapable: 'UNKNOWN' });
    expect(validateAgainstXsd(info.raw).errors).to.equal('');
    const history = await call<{ entry: { macAddress: string; deviceStatus: string }[] }>(han, 'GetHanDeviceHistory', { trans_id: 'T-h', requestorID: 'ops', requesterAuthenticationID: REP_DUNS, esiid: DEMO_ESIIDS[0] });
    expect(validateAgainstXsd(history.raw).errors).to.equal('');
    expect(asList(history.result!.entry).map((e) => e.deviceStatus)).to.deep.equal([
      'Add Acknowledged', 'Add Pending', 'Meter Ready', 'Device Added', 'Remove Acknowledged', 'Remove Pending', 'Device Removed',
    ]);
  });

  it('refuses a TDSP reporting on another TDSP\'s meter, and records a repeated status without applying it', async () => {
    const otherTdsp = await harness.addParticipant('Other TDSP', 'TDSP', '100000002');
    const requestId = await addRequestOf(DEMO_ESIIDS[0]!, '00124B0001A2B3C4');
    const report = { requestId, esiid: DEMO_ESIIDS[0], macAddress: '00124B0001A2B3C4' };
    const foreign = await callback(otherTdsp, { ...report, deviceStatus: 'Device Added' });
    expect(foreign.kind === 'fault' && foreign.code).to.equal('HAN_NOT_TDSP_METER');
    const own = await callback(harness.files(harness.participant('TDSP')), { ...report, deviceStatus: 'Meter Ready' });
    expect(own.kind === 'answer' && own.fields).to.deep.equal({ requestId, recorded: 'true', applied: 'false' });
    expect(await statusOf(DEMO_ESIIDS[0]!, '00124B0001A2B3C4')).to.equal('Device Removed');
  });

  it('refuses statuses a TDSP cannot report: the platform\'s own, another phase\'s, a contradiction, an unknown request or device', async () => {
    const tdsp = harness.files(harness.participant('TDSP'));
    const esiid = DEMO_ESIIDS[2]!;
    await reaches(esiid, '00124B00000003A2', 'Device Added');
    const report = { requestId: await addRequestOf(esiid, '00124B00000003A2'), esiid, macAddress: '00124B00000003A2' };
    const refused = async (changes: Record<string, unknown>) => {
      const answer = await callback(tdsp, { ...report, ...changes });
      return answer.kind === 'fault' ? `${answer.code}: ${answer.message}` : 'accepted';
    };
    expect(await refused({ deviceStatus: 'Add Acknowledged' })).to.match(/^HAN_STATUS_INVALID: "Add Acknowledged" is not a status a TDSP reports/);
    expect(await refused({ deviceStatus: 'Remove Pending' })).to.match(/^HAN_STATUS_INVALID: request .* adds device 00124B00000003A2; "Remove Pending" does not belong to it/);
    expect(await refused({ deviceStatus: 'Add Failed' })).to.equal('HAN_STATUS_INVALID: device 00124B00000003A2 is Device Added; "Add Failed" cannot follow it');
    expect(await refused({ deviceStatus: 'Device Added', requestId: '00000000-0000-0000-0000-000000000000' })).to.match(/^HAN_REQUEST_UNKNOWN: request 00000000-.* is not a provisioning request/);
    expect(await refused({ deviceStatus: 'Device Added', macAddress: '00124B00000003A3' })).to.match(/^HAN_REQUEST_UNKNOWN: .* for device 00124B00000003A3/);
    expect(await statusOf(esiid, '00124B00000003A2')).to.equal('Device Added');
  });

  it('answers an unknown device with its own fault, and an unknown ESI ID like one of another REP', async () => {
    expect((await details(DEMO_ESIIDS[3]!, '00124B000000FFFF')).fault?.code).to.equal('HAN_DEVICE_NOT_FOUND');
    expect((await call(han, 'DeprovisionHanDevice', { trans_id: 'T-n', requestorID: 'ops', requesterAuthenticationID: REP_DUNS, esiid: DEMO_ESIIDS[3], macAddress: '00124B000000FFFF' })).fault?.code).to.equal('HAN_DEVICE_NOT_FOUND');
    const unknown = await details('99999999999999999', '00124B000000FFFF');
    expect(unknown.fault?.code).to.equal('HAN_NOT_REP_OF_RECORD');
    expect(unknown.fault?.message).to.contain('of ESI ID 99999999999999999; check the number');
  });

  it('removes the devices of an exchanged meter and says why', async () => {
    const esiid = DEMO_ESIIDS[2]!;
    await reaches(esiid, '00124B00000003A1', 'Device Added');
    await harness.importRegistry('exchange.csv', ['esiid,tdsp_duns,meter_number', `${esiid},100000001,M0000099`]);
    const seen = await details(esiid, '00124B00000003A1');
    expect(seen.result!.device.deviceStatus).to.equal('Device Removed');
    const last = asList(seen.result!.device.history).pop()!;
    expect(last.source).to.equal('PLATFORM');
    expect(last.reason).to.contain('meter M0000003 was exchanged for M0000099');
    const fresh = await provision(esiid, '00124B00000003A6', { meterNumber: 'M0000099' });
    expect(fresh.fault).to.equal(undefined);
  });

  it('retries a TDSP that answers with server faults, and delivers once', async () => {
    await provision(DEMO_ESIIDS[3]!, 'CAFE000000000001');
    await reaches(DEMO_ESIIDS[3]!, 'CAFE000000000001', 'Device Added');
    const rows = await (await harness.app.db()).query(`SELECT "state", "attempts", "payload" FROM "tdsp_dispatch" WHERE "payload" LIKE '%CAFE000000000001%'`);
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ state: 'DONE', attempts: 3 });
    expect(rows[0].payload).to.not.contain(CODE);
  });
});
