import { expect } from 'chai';
import { multiRefRequest, signRequest, slowCanonicalizationRequest, statusRequest, type HostileRequest } from '../../scripts/lib/hostile-soap';
import { SoapHarness, type ClientFiles } from '../support/soap-harness';

/**
 * Issue 11 items 5-7: validly signed requests, over mutual TLS, built to cost the server far more
 * than their size. Each is refused with its own fault before the expensive work, and small requests
 * sent meanwhile are still answered.
 */
const faultCode = (body: string) => /<code>([A-Z_]+)<\/code>/.exec(body)?.[1];

/** Posts and records the order in which answers arrive. */
function tracked(harness: SoapHarness, rep: ClientFiles, order: string[], name: string, message: string) {
  return harness.post(message, rep).then((reply) => {
    order.push(name);
    return reply;
  });
}

describe('SOAP amplification', function () {
  this.timeout(180_000);

  describe('with the default limits', () => {
    const harness = SoapHarness.forSuite('smt-soap-amplification-');
    let rep: ClientFiles;
    const sign = (request: HostileRequest) => signRequest(rep, request);

    before(() => (rep = harness.repFiles));

    it('answers a small request signed the same way (the baseline)', async () => {
      const reply = await harness.post(await sign(statusRequest()), rep);
      expect(faultCode(reply.body), reply.body).to.equal('NOT_FOUND');
    });

    it('refuses a 58 KB GetDailyReads of 2,500 href references to one element of 2,500 children (SOAP_ENCODING_FORBIDDEN)', async () => {
      const message = await sign(multiRefRequest(2500, 2500));
      expect(message.length).to.be.within(50_000, 70_000);
      const order: string[] = [];
      const [hostile, small] = await Promise.all([
        tracked(harness, rep, order, 'hostile', message),
        tracked(harness, rep, order, 'small', await sign(statusRequest('S-2'))),
      ]);
      expect(faultCode(hostile.body), hostile.body).to.equal('SOAP_ENCODING_FORBIDDEN');
      expect(hostile.body).to.contain('href');
      expect(faultCode(small.body), small.body).to.equal('NOT_FOUND');
    });

    it('refuses a signed 100 KB message of hundreds of namespaces in scope over thousands of children (XML_LIMIT_EXCEEDED)', async () => {
      const message = await sign(slowCanonicalizationRequest(26, 30, 20_000, 0));
      expect(message.length).to.be.within(90_000, 120_000);
      const reply = await harness.post(message, rep);
      expect(faultCode(reply.body), reply.body).to.equal('XML_LIMIT_EXCEEDED');
      expect(reply.body).to.match(/namespace declarations in scope/);
    });
  });

  describe('with a small verification time budget', () => {
    const harness = SoapHarness.forSuite('smt-soap-budget-', { SMT_SOAP_VERIFY_BUDGET_MS: '400' });
    let rep: ClientFiles;
    const sign = (request: HostileRequest) => signRequest(rep, request);
    /** Within every default limit, and still many times the budget to verify. */
    const slow = (trans = 'H-1') => {
      const request = slowCanonicalizationRequest(25, 2, 55_000, 0);
      return sign({ ...request, body: request.body.replace('<trans_id>H-1<', `<trans_id>${trans}<`) });
    };

    before(() => (rep = harness.repFiles));

    it('abandons a verification past the budget with WSS_VERIFY_TIMEOUT, answers a small request sent meanwhile, and keeps serving', async () => {
      const order: string[] = [];
      const [hostile, small] = await Promise.all([
        tracked(harness, rep, order, 'hostile', await slow()),
        tracked(harness, rep, order, 'small', await sign(statusRequest('S-3'))),
      ]);
      expect(faultCode(hostile.body), hostile.body).to.equal('WSS_VERIFY_TIMEOUT');
      expect(faultCode(small.body), small.body).to.equal('NOT_FOUND');
      for (let i = 0; i < 4; i++) {
        const after = await harness.post(await sign(statusRequest(`S-after-${i}`)), rep);
        expect(faultCode(after.body), after.body).to.equal('NOT_FOUND');
      }
    });

    it('lets a large message hold one WS-Security thread at most: a small request overtakes two of them', async () => {
      const [first, second, small] = [await slow('H-2'), await slow('H-3'), await sign(statusRequest('S-4'))];
      const order: string[] = [];
      const hostile = [tracked(harness, rep, order, 'hostile-1', first), tracked(harness, rep, order, 'hostile-2', second)];
      // Both large messages are on their way before the small one is sent.
      await new Promise((resolve) => setTimeout(resolve, 20));
      const answered = await Promise.all([...hostile, tracked(harness, rep, order, 'small', small)]);
      expect(answered.map((reply) => faultCode(reply.body))).to.deep.equal(['WSS_VERIFY_TIMEOUT', 'WSS_VERIFY_TIMEOUT', 'NOT_FOUND']);
      expect(order[0]).to.equal('small');
    });
  });
});
