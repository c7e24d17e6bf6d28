import https from 'node:https';
import { expect } from 'chai';
import * as soap from 'soap';
import { addDays, cptToday } from '../../src/core/cpt';
import { ESIID_DATA_NAMESPACE } from '../../src/soap/esiid-data.types';
import { usDate } from '../../src/usage/report-format';
import { call } from '../support/han-harness';
import { postXml, RSA_SHA256, SHA256, type ClientFiles } from '../support/soap-harness';
import { validateAgainstXsd } from '../support/xsd-validate';
import { E, esiidDataMarket, REP, REP_B } from '../support/esiid-data-fixture';

const caller = (duns: string) => ({ trans_id: 'T-9', requestorID: 'attacker', requesterAuthenticationID: duns });
const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const faultCode = (body: string) => /<code>([A-Z_]+)<\/code>/.exec(body)?.[1];
let sent = 0;

/** A GetDataGaps envelope for the demo REP, signed as node-soap's client signs (or not signed at all). */
function envelope(files: ClientFiles | null): string {
  const body = `<GetDataGaps xmlns="${ESIID_DATA_NAMESPACE}"><trans_id>T-raw-${++sent}</trans_id><requestorID>raw</requestorID><requesterAuthenticationID>${REP}</requesterAuthenticationID><startDate>11/01/2026</startDate><endDate>11/01/2026</endDate></GetDataGaps>`;
  const plain = `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header></soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`;
  if (!files) return plain;
  const security = new soap.WSSecurityCert(files.privateKeyPem, files.certificatePem, '', {
    hasTimeStamp: true, signatureAlgorithm: RSA_SHA256, digestAlgorithm: SHA256, signerOptions: { idMode: 'wssecurity' },
  } as never);
  return security.postProcess(plain, 'soap');
}

describe('EsiIdData over mutual TLS and WS-Security: refusals', function () {
  this.timeout(120_000);
  const market = esiidDataMarket('smt-esiid-attacks-');

  const post = (body: string, tls: ClientFiles | null) => postXml(market.harness.url('EsiIdData'),
    new https.Agent({ ca: market.harness.caPem, ...(tls ? { cert: tls.certificatePem, key: tls.privateKeyPem } : {}) }), body);

  it('accepts a signed request once, and refuses it unsigned, replayed, or signed by another entity', async () => {
    const accepted = await post(envelope(market.rep), market.rep);
    expect([accepted.status, faultCode(accepted.body)]).to.deep.equal([200, undefined]);
    const message = envelope(market.rep);
    expect(faultCode((await post(message, market.rep)).body)).to.equal(undefined);
    const replay = await post(message, market.rep);
    expect([replay.status, faultCode(replay.body)]).to.deep.equal([500, 'WSS_REPLAY']);
    expect(faultCode((await post(envelope(null), market.rep)).body)).to.equal('WSS_MISSING');
    expect(faultCode((await post(envelope(market.repB), market.rep)).body), "the other REP's signature on the demo REP's channel").to.equal('WSS_CERTIFICATE_UNTRUSTED');
    expect(validateAgainstXsd(replay.body, 'smtFault').errors).to.equal('');
  });

  it('closes the TLS handshake on a caller without a client certificate', async () => {
    const error = await post(envelope(market.rep), null).then(() => null, (e: Error) => e);
    expect(error, 'no answer without a client certificate').to.not.equal(null);
  });

  it('refuses every operation for a DUNS that is not the caller\'s, whatever the message says', async () => {
    const client = await market.client(market.rep);
    const asks: [string, Record<string, unknown>][] = [
      ['GetTradeDateIntervalData', { tradeDate: '11/01/2026', esiid: [E('06')] }],
      ['GetEsiidsWithoutIntervalData', { tradeDate: '11/01/2026' }],
      ['RequestOwnedIntervalData', { startDate: '11/01/2026', endDate: '11/01/2026' }],
      ['GetDataGaps', { startDate: '11/01/2026', endDate: '11/01/2026' }],
    ];
    for (const [operation, args] of asks) {
      const { fault, raw } = await call(client, operation, { ...caller(REP_B), ...args });
      expect(fault?.code, operation).to.equal('DUNS_NOT_OWNED');
      expect(validateAgainstXsd(raw, 'smtFault').errors).to.equal('');
    }
  });

  it('never shows one REP another REP\'s ESI IDs, inline, queued, missing or in gaps', async () => {
    const client = await market.client(market.repB);
    const inline = await call(client, 'GetTradeDateIntervalData', { ...caller(REP_B), tradeDate: '11/01/2026', esiid: [E('01'), E('02')] });
    expect([inline.result!.statusCode, list(inline.result!.notAuthorized), inline.result!.interval]).to.deep.equal(['NAU', [E('01'), E('02')], undefined]);
    const owned = await call(client, 'RequestOwnedIntervalData', { ...caller(REP_B), startDate: '11/01/2026', endDate: '11/01/2026' });
    expect(owned.result).to.include({ statusCode: 'PEN', esiidCount: '2' });
    const view = await (await market.harness.app.reportRequests()).status(owned.result!.correlationId as string);
    expect(view.esiidCount).to.equal(2);
    const gaps = await call(client, 'GetDataGaps', { ...caller(REP_B), startDate: '11/01/2026', endDate: '11/01/2026' });
    expect(list(gaps.result!.gap as { esiid: string }[]).map((g) => g.esiid)).to.deep.equal([E('06')]);
    const after = await call(client, 'GetEsiidsWithoutIntervalData', { ...caller(REP_B), tradeDate: '11/01/2026', afterEsiid: E('01') });
    expect(list(after.result!.esiid), 'a cursor before its own ESI IDs reveals nothing else').to.deep.equal([E('06')]);
  });

  it('gives a REP that lost an ESI ID on 03/08 its days up to 03/07 and nothing after, and the new REP the days from 03/08', async () => {
    await market.harness.importRegistry('switch-esiid.csv', ['esiid,tdsp_duns,meter_number', `${E('07')},100000001,M0000007`]);
    await market.harness.importRegistry('switch-ror.csv', ['esiid,rep_duns,effective_from,effective_to', `${E('07')},${REP},2024-01-01,2026-03-07`, `${E('07')},${REP_B},2026-03-08,`]);
    const [old, current] = [await market.client(market.rep), await market.client(market.repB)];
    const after = await call(old, 'GetTradeDateIntervalData', { ...caller(REP), tradeDate: '03/08/2026', esiid: [E('07')] });
    expect([after.result!.statusCode, list(after.result!.notAuthorized)]).to.deep.equal(['NAU', [E('07')]]);
    const before = await call(old, 'GetTradeDateIntervalData', { ...caller(REP), tradeDate: '03/07/2026', esiid: [E('07')] });
    expect([before.result!.statusCode, before.result!.notAuthorized], 'its own day, on which nothing was loaded').to.deep.equal(['0', undefined]);
    const gaps = async (client: typeof old, duns: string) => list((await call(client, 'GetDataGaps', { ...caller(duns), startDate: '03/07/2026', endDate: '03/08/2026', afterEsiid: E('06') })).result!.gap as Record<string, string>[])
      .filter((g) => g.esiid === E('07')).map((g) => [g.operatingDay, g.repDuns]);
    expect(await gaps(old, REP)).to.deep.equal([['03/07/2026', REP]]);
    expect(await gaps(current, REP_B)).to.deep.equal([['03/08/2026', REP_B]]);
    const missing = async (client: typeof old, duns: string) => list((await call(client, 'GetEsiidsWithoutIntervalData', { ...caller(duns), tradeDate: '03/08/2026' })).result!.esiid);
    expect(await missing(old, REP)).to.not.include(E('07'));
    expect(await missing(current, REP_B)).to.include(E('07'));
  });

  it('refuses each input out of bounds with its own fault code before any work', async () => {
    const client = await market.client(market.rep);
    const tomorrow = usDate(addDays(cptToday(), 1));
    const cases: [string, string, Record<string, unknown>][] = [
      ['DATA_RANGE_TOO_LARGE', 'GetDataGaps', { startDate: '10/01/2026', endDate: '11/01/2026' }],
      ['REPORT_DATES_INVALID', 'GetDataGaps', { startDate: '11/02/2026', endDate: '11/01/2026' }],
      ['PAGE_SIZE_INVALID', 'GetDataGaps', { startDate: '11/01/2026', endDate: '11/01/2026', maxEsiids: '201' }],
      ['PAGE_SIZE_INVALID', 'GetEsiidsWithoutIntervalData', { tradeDate: '11/01/2026', maxResults: '5001' }],
      ['PAGE_SIZE_INVALID', 'GetEsiidsWithoutIntervalData', { tradeDate: '11/01/2026', maxResults: '0' }],
      ['REPORT_ESIID_INVALID', 'GetEsiidsWithoutIntervalData', { tradeDate: '11/01/2026', afterEsiid: 'x\' OR 1=1' }],
      ['REPORT_END_IN_FUTURE', 'GetEsiidsWithoutIntervalData', { tradeDate: tomorrow }],
      ['REPORT_START_TOO_OLD', 'GetTradeDateIntervalData', { tradeDate: '01/01/2020', esiid: [E('01')] }],
      ['REPORT_DATES_INVALID', 'GetTradeDateIntervalData', { tradeDate: '02/30/2026', esiid: [E('01')] }],
      ['REPORT_ESIID_INVALID', 'GetTradeDateIntervalData', { tradeDate: '11/01/2026', esiid: ['not-an-esiid'] }],
      ['REPORT_START_TOO_OLD', 'RequestOwnedIntervalData', { startDate: '01/01/2020', endDate: '11/01/2026' }],
      ['REPORT_OPTION_INVALID', 'RequestOwnedIntervalData', { startDate: '11/01/2026', endDate: '11/01/2026', readingType: 'X' }],
    ];
    for (const [code, operation, args] of cases) {
      const { fault, raw } = await call(client, operation, { ...caller(REP), ...args });
      expect(fault?.code, `${operation} ${JSON.stringify(args)}`).to.equal(code);
      expect(validateAgainstXsd(raw, 'smtFault').errors).to.equal('');
    }
  });

  it('refuses a list of more than 50,000 ESI IDs', async () => {
    const esiid = Array.from({ length: 50_001 }, (_, i) => `1044372${String(i).padStart(10, '0')}`);
    const { fault } = await call(await market.client(market.rep), 'GetTradeDateIntervalData', { ...caller(REP), tradeDate: '11/01/2026', esiid });
    expect(fault?.code).to.equal('REPORT_TOO_MANY_ESIIDS');
    expect(fault?.message).to.match(/50001 ESI IDs asked; at most 50000/);
  });
});
