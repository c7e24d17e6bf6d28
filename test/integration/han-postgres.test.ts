import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { appendInstallCodeCrc } from '../../src/han/install-code';
import { call, DEMO_ESIIDS, eventually, HanHarness } from '../support/han-harness';
import { createTestDatabase } from '../support/postgres-database';

describe('HAN devices and messages on PostgreSQL (SMT_DB_TYPE=postgres)', function () {
  this.timeout(120_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-han-pg-'));
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let harness: HanHarness;

  before(async function () {
    database = await createTestDatabase('smt_han');
    if (!database) this.skip();
    const behaviour = path.join(dataDir, 'mock-behaviour.json');
    fs.writeFileSync(behaviour, JSON.stringify({ provisioning: [{ status: 'Device Added', delayMs: 0 }], messages: { statuses: [{ code: 'ACK', delayMs: 0 }, { code: 'CON', delayMs: 0 }] } }));
    harness = new HanHarness(dataDir, { SMT_DB_TYPE: 'postgres', SMT_DB_URL: database!.url, SMT_MOCK_TDSP_BEHAVIOUR: behaviour });
    await harness.start();
  });
  after(async () => {
    await harness?.stop();
    await database?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('provisions a device, sends it a load control event with an assigned uint32 event id, and logs its delivery', async () => {
    const han = await harness.client('HAN', harness.files(harness.participant('REP')));
    const head = { trans_id: 'T', requestorID: 'ops', requesterAuthenticationID: '200000001' };
    const device = await call(han, 'ProvisionHanDevice', { ...head, esiid: DEMO_ESIIDS[0], meterNumber: 'M0000001', macAddress: '00124B0000000C01', installCode: appendInstallCodeCrc('83FED3407A939723') });
    expect(device.fault).to.equal(undefined);
    await eventually('Device Added', async () => {
      const seen = await call<{ device: { deviceStatus: string } }>(han, 'GetHanDeviceDetails', { ...head, esiid: DEMO_ESIIDS[0], macAddress: '00124B0000000C01' });
      return seen.result?.device.deviceStatus === 'Device Added' ? true : undefined;
    });
    const first = await call<{ requestId: string; issuerEventId: string }>(han, 'SendLoadControlEvent', { ...head, esiid: [DEMO_ESIIDS[0]], deviceClass: 1, durationMinutes: 15, criticality: 2, issuerEventId: 4_000_000_000 });
    expect(first.fault).to.equal(undefined);
    const next = await call<{ issuerEventId: string }>(han, 'SendLoadControlEvent', { ...head, esiid: [DEMO_ESIIDS[0]], deviceClass: 1, durationMinutes: 15, criticality: 2 });
    expect(next.result!.issuerEventId).to.equal('4000000001');
    const codes = await eventually('CON', async () => {
      const rows = await (await harness.app.db()).query(`SELECT "status_code" FROM "han_message_status" WHERE "request_id" = $1 ORDER BY "id"`, [first.result!.requestId]);
      const list = rows.map((r: { status_code: string }) => r.status_code);
      return list.includes('CON') ? list : undefined;
    });
    expect(codes).to.deep.equal(['RQA', 'ACK', 'CON']);
  });
});
