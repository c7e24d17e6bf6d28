import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { appendInstallCodeCrc } from '../../src/han/install-code';
import { CliHarness } from '../support/cli-harness';
import { call, DEMO_ESIIDS, eventually, HanHarness } from '../support/han-harness';

const CODE = appendInstallCodeCrc('1122334455667788');

describe('HAN dispatch outbox: a TDSP that is down, a restart, a dead letter', function () {
  this.timeout(120_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-han-outbox-'));
  const behaviour = path.join(dataDir, 'mock-behaviour.json');
  fs.writeFileSync(behaviour, JSON.stringify({ provisioning: [{ status: 'Device Added', delayMs: 0 }] }));
  const settings = { SMT_MOCK_TDSP_BEHAVIOUR: behaviour, SMT_TDSP_MAX_ATTEMPTS: '30', SMT_TDSP_RETRY_BASE_MS: '50', SMT_TDSP_TIMEOUT_S: '2' };
  let harness: HanHarness;

  const dispatches = async () => (await harness.app.db()).query(`SELECT "request_id" AS "requestId", "state", "attempts", "last_error" AS "lastError" FROM "tdsp_dispatch" ORDER BY "id"`) as Promise<{ requestId: string; state: string; attempts: number; lastError: string | null }[]>;
  const provision = async (h: HanHarness, esiid: string, mac: string) => {
    const han = await h.client('HAN', h.files(h.participant('REP')));
    return call<{ requestId: string }>(han, 'ProvisionHanDevice', {
      trans_id: 'T', requestorID: 'ops', requesterAuthenticationID: '200000001', esiid, meterNumber: `M000000${DEMO_ESIIDS.indexOf(esiid) + 1}`, macAddress: mac, installCode: CODE,
    });
  };
  const statusOf = async (h: HanHarness, esiid: string, mac: string) => {
    const han = await h.client('HAN', h.files(h.participant('REP')));
    const seen = await call<{ device: { deviceStatus: string; history: { reason?: string }[] } }>(han, 'GetHanDeviceDetails', {
      trans_id: 'T', requestorID: 'ops', requesterAuthenticationID: '200000001', esiid, macAddress: mac,
    });
    return seen.result!.device;
  };
  const endpointDown = async (h: HanHarness) => (await h.app.registry()).updateParticipant('Demo TDSP', { endpoint: 'https://localhost:1/TdspHan' });

  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('keeps retrying while the TDSP is down, survives a restart, and delivers exactly once when the TDSP is back', async () => {
    harness = new HanHarness(dataDir, settings);
    await harness.start({ mock: false });
    await endpointDown(harness);
    const answer = await provision(harness, DEMO_ESIIDS[0]!, '00124B0000000A01');
    expect(answer.result?.requestId).to.be.a('string');
    await eventually('a few failed attempts', async () => ((await dispatches())[0]!.attempts >= 2 ? true : undefined));
    const before = (await dispatches())[0]!;
    expect(['PENDING', 'SENDING']).to.include(before.state);
    expect(before.lastError).to.contain('cannot reach https://localhost:1/TdspHan');
    await harness.stop();

    harness = new HanHarness(dataDir, settings);
    await harness.start();
    expect(harness.mockEndpoint).to.match(/^https:\/\/localhost:\d+\/TdspHan$/);
    await eventually('the device to be added', async () => ((await statusOf(harness, DEMO_ESIIDS[0]!, '00124B0000000A01')).deviceStatus === 'Device Added' ? true : undefined));
    const after = await dispatches();
    expect(after).to.have.length(1);
    expect(after[0]).to.include({ requestId: answer.result!.requestId, state: 'DONE' });
    const log = fs.readFileSync(harness.app.config.log.file, 'utf8');
    expect(log.split('\n').filter((line) => line.includes('mock-tdsp: request') && line.includes(answer.result!.requestId))).to.have.length(1);
    await harness.stop();
  });

  it('sends again a dispatch whose worker died mid-call (its claim runs out)', async () => {
    harness = new HanHarness(dataDir, settings);
    await harness.start({ mock: false });
    await endpointDown(harness);
    const answer = await provision(harness, DEMO_ESIIDS[1]!, '00124B0000000A02');
    await (await harness.app.dispatchWorker()).stop();
    // As a process killed mid-call leaves it: claimed, its claim long expired.
    await (await harness.app.db()).query(`UPDATE "tdsp_dispatch" SET "state" = 'SENDING', "claimed_by" = 'gone:1', "claimed_until" = '2000-01-01T00:00:00.000Z' WHERE "request_id" = '${answer.result!.requestId}'`);
    await harness.app.close();

    harness = new HanHarness(dataDir, settings);
    await harness.start();
    await eventually('the device to be added', async () => ((await statusOf(harness, DEMO_ESIIDS[1]!, '00124B0000000A02')).deviceStatus === 'Device Added' ? true : undefined));
    expect((await dispatches()).find((d) => d.requestId === answer.result!.requestId)).to.include({ state: 'DONE' });
    await harness.stop();
  });

  it('gives up after the configured attempts: the dispatch is a dead letter and the device is Add Failed, with the reason', async () => {
    harness = new HanHarness(dataDir, { ...settings, SMT_TDSP_MAX_ATTEMPTS: '2' });
    await harness.start({ mock: false });
    await endpointDown(harness);
    const answer = await provision(harness, DEMO_ESIIDS[2]!, '00124B0000000A03');
    const device = await eventually('Add Failed', async () => {
      const seen = await statusOf(harness, DEMO_ESIIDS[2]!, '00124B0000000A03');
      return seen.deviceStatus === 'Add Failed' ? seen : undefined;
    });
    const history = Array.isArray(device.history) ? device.history : [device.history];
    expect(history.pop()!.reason).to.contain('could not be reached after 2 attempts');
    expect((await dispatches()).find((d) => d.requestId === answer.result!.requestId)).to.include({ state: 'DEAD', attempts: 2 });
    await harness.stop();
    const listed = await CliHarness.at(dataDir).run('dispatches', '--state', 'dead');
    expect(listed.status, listed.err).to.equal(0);
    expect(listed.out).to.match(new RegExp(`DEAD  ProvisionDevice to TDSP 100000001  request ${answer.result!.requestId}  attempts 2`));
    expect(listed.out).to.contain('could not be reached after 2 attempts');
    expect(listed.out).to.not.contain(CODE);
    expect((await CliHarness.at(dataDir).run('dispatches', '--state', 'LOST')).err).to.contain('--state LOST is not one of PENDING, SENDING, DONE, REFUSED, DEAD');
  });
});
