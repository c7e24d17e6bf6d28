import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { NAU_KEPT } from '../../src/usage/not-authorized';
import { SoapHarness, type ClientFiles } from '../support/soap-harness';
import { createTestDatabase } from '../support/postgres-database';

const REP_DUNS = '200000001';
const OWN = '10443720000000001'; // the demo REP's own ESI ID
const LIMIT = 12_000;
/** `n` well-formed ESI IDs no one registered: not authorized for anybody. */
const strangers = (from: number, n: number) => Array.from({ length: n }, (_, i) => `1044372009${String(from + i).padStart(7, '0')}`);
const faultCode = (body: string | undefined) => /<code>([A-Z_]+)<\/code>/.exec(body ?? '')?.[1];

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`Report requests of ESI IDs the requester may not see are held to its limits and stored bounded (${engine}, SOAP over mutual TLS)`, function () {
    this.timeout(180_000);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-nau-quota-'));
    let harness: SoapHarness | undefined;
    let drop: (() => Promise<void>) | undefined;
    let rep: ClientFiles;

    before(async function () {
      let settings: Record<string, string> = { SMT_REPORT_MAX_ROWS_PER_PARTICIPANT_24H: String(LIMIT) };
      if (engine === 'postgres') {
        const db = await createTestDatabase('smt_nau_quota');
        if (!db) this.skip();
        drop = db.drop;
        settings = { ...settings, SMT_DB_TYPE: 'postgres', SMT_DB_URL: db.url };
      }
      harness = new SoapHarness(dataDir, settings);
      await harness.start();
      rep = harness.files(harness.rep);
    });
    after(async () => {
      await harness?.stop();
      await drop?.();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    const submit = async (esiids: string[]) => {
      const { client, agent } = await harness!.client(rep);
      const args = { trans_id: 'T-NAU', requestorID: 'demo-rep', requesterType: 'ROR', requesterAuthenticationID: REP_DUNS,
        reportType: 'DAILY', startDate: '07/01/2025', endDate: '07/01/2025', esiid: esiids };
      return client.SubmitUsageRequestAsync(args, { httpsAgent: agent }).then(([r]: [{ statusCode: string; correlationId: string; notAuthorized?: string[] }]) => ({ ok: r, fault: null }),
        (e: { body?: string }) => ({ ok: null, fault: e.body ?? String(e) }));
    };
    const storedBytes = async (correlationId: string) => {
      const [row] = await (await harness!.app.db()).query(`SELECT length("not_authorized") AS "n" FROM "report_request" WHERE "correlation_id" = ${engine === 'postgres' ? '$1' : '?'}`, [correlationId]);
      return Number(row.n);
    };

    it('keeps the first not-authorized ESI IDs and their count of a request with some of its own; the answer lists every one', async () => {
      const asked = strangers(0, 3_000);
      const { ok } = await submit([OWN, ...asked]);
      expect(ok!.statusCode).to.equal('PEN');
      expect(ok!.notAuthorized).to.deep.equal(asked);
      const view = await (await harness!.app.reportRequests()).status(ok!.correlationId);
      expect(view.notAuthorizedCount).to.equal(3_000);
      expect(view.notAuthorized).to.deep.equal(asked.slice(0, NAU_KEPT));
      expect(await storedBytes(ok!.correlationId)).to.be.at.most(NAU_KEPT * 18 + 10);
    });

    it('charges a NAU request the rows it asked for, refuses the one past the 24-hour allowance with REPORT_ROW_LIMIT, and stores each NAU row bounded', async () => {
      // 1 row (above) + 5,000 + 5,000 fit in 12,000; the third 5,000 does not.
      const accepted: string[] = [];
      for (let i = 0; i < 2; i++) {
        const asked = strangers(10_000 * (i + 1), 5_000);
        const { ok, fault } = await submit(asked);
        expect(fault, fault ?? '').to.equal(null);
        expect(ok!.statusCode).to.equal('NAU');
        expect(ok!.notAuthorized).to.have.length(5_000);
        accepted.push(ok!.correlationId);
      }
      const refused = await submit(strangers(40_000, 5_000));
      expect(refused.ok).to.equal(null);
      expect(faultCode(refused.fault!)).to.equal('REPORT_ROW_LIMIT');
      expect(refused.fault).to.contain('you asked for 10001 rows in the last 24 hours and this request adds 5000');
      for (const id of accepted) {
        const view = await (await harness!.app.reportRequests()).status(id);
        expect([view.statusCode, view.notAuthorizedCount, view.notAuthorized.length]).to.deep.equal(['NAU', 5_000, NAU_KEPT]);
        // 100 ESI IDs of 17 digits, their line breaks and "+4900".
        expect(await storedBytes(id)).to.equal(NAU_KEPT * 18 + 5);
      }
      // GetUsageRequestStatus still answers a stored NAU request.
      const { client, agent } = await harness!.client(rep);
      const [status] = await client.GetUsageRequestStatusAsync({ trans_id: 'T-S', requestorID: 'demo-rep', correlationId: accepted[0] }, { httpsAgent: agent });
      expect(status.statusCode).to.equal('NAU');
      // Nothing of the refused request was stored.
      const [count] = await (await harness!.app.db()).query(`SELECT count(*) AS "n" FROM "report_request" WHERE "status" = 'NAU'`);
      expect(Number(count.n)).to.equal(2);
    });
  });
}
