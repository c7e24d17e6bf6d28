import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import * as soap from 'soap';
import { createTestDatabase } from '../support/postgres-database';
import { SoapHarness, RSA_SHA256, SHA256, type ClientFiles } from '../support/soap-harness';

const NS = 'urn:smt-platform:meter-usage:v1';
let sent = 0;

/**
 * A freshly signed request, as node-soap's client signs one. Each carries its own trans_id: node-soap
 * signs fixed Ids and a Timestamp in whole seconds, so the same body signed twice within a second is
 * the very same signed message (and rightly a replay).
 */
function signed(files: ClientFiles): string {
  const body = `<GetUsageRequestStatus xmlns="${NS}"><trans_id>T-replay-${++sent}</trans_id><requestorID>demo-rep</requestorID><correlationId>00000000-0000-0000-0000-000000000000</correlationId></GetUsageRequestStatus>`;
  const security = new soap.WSSecurityCert(files.privateKeyPem, files.certificatePem, '', {
    hasTimeStamp: true, signatureAlgorithm: RSA_SHA256, digestAlgorithm: SHA256, signerOptions: { idMode: 'wssecurity' },
  } as never);
  return security.postProcess(`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header></soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`, 'soap');
}

const faultCode = (body: string) => /<code>([A-Z_]+)<\/code>/.exec(body)?.[1];
/** The request's correlation id is unknown, so an accepted request is answered NOT_FOUND; a replay never gets that far. */
const ACCEPTED = 'NOT_FOUND';

/** The replay attacks against platforms that share one database: a restart, a second `smt serve`, both at once. */
function replayAcrossProcesses(label: string, settings: () => Record<string, string> | null): void {
  describe(`WS-Security replays across restarts and processes (${label})`, function () {
    this.timeout(120_000);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-soap-replay-'));
    const running: SoapHarness[] = [];
    let rep: ClientFiles;

    const start = async (): Promise<SoapHarness> => {
      const harness = new SoapHarness(dataDir, settings()!);
      await harness.start();
      running.push(harness);
      return harness;
    };
    const stop = async (harness: SoapHarness) => {
      running.splice(running.indexOf(harness), 1);
      await harness.stop();
    };

    before(async function () {
      if (settings() === null) this.skip();
      rep = (await start()).files(running[0]!.rep);
    });
    after(async () => {
      for (const harness of running.splice(0)) await harness.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it('refuses a signed request replayed after the platform restarted', async () => {
      const message = signed(rep);
      expect(faultCode((await running[0]!.post(message, rep)).body)).to.equal(ACCEPTED);
      await stop(running[0]!);
      const restarted = await start();
      expect(faultCode((await restarted.post(message, rep)).body)).to.equal('WSS_REPLAY');
      expect(faultCode((await restarted.post(signed(rep), rep)).body), 'a new signature is still accepted').to.equal(ACCEPTED);
    });

    it('refuses at a second platform on the same database a request the first one accepted', async () => {
      const first = running[0]!;
      const second = await start();
      const message = signed(rep);
      expect(faultCode((await first.post(message, rep)).body)).to.equal(ACCEPTED);
      expect(faultCode((await second.post(message, rep)).body)).to.equal('WSS_REPLAY');
      expect(faultCode((await first.post(message, rep)).body)).to.equal('WSS_REPLAY');
    });

    it('accepts a request sent to two platforms at once exactly once', async () => {
      const [first, second] = running;
      for (let round = 0; round < 5; round++) {
        const message = signed(rep);
        const answers = await Promise.all([first!, second!, first!, second!].map(async (h) => faultCode((await h.post(message, rep)).body)));
        expect(answers.filter((c) => c === ACCEPTED), answers.join(' ')).to.have.length(1);
        expect(answers.filter((c) => c === 'WSS_REPLAY'), answers.join(' ')).to.have.length(3);
      }
    });
  });
}

replayAcrossProcesses('SQLite', () => ({ SMT_SOAP_MAX_BODY_MB: '1' }));

let database: Awaited<ReturnType<typeof createTestDatabase>> = null;
describe('on PostgreSQL (SMT_TEST_POSTGRES_URL)', () => {
  before(async () => {
    database = await createTestDatabase('smt_replay');
  });
  after(async () => {
    await database?.drop();
  });
  replayAcrossProcesses('PostgreSQL', () => (database ? { SMT_DB_TYPE: 'postgres', SMT_DB_URL: database.url } : null));
});
