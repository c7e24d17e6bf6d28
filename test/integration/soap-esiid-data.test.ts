import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { verifyWsSecurity } from '../../src/security/ws-security.verifier';
import { GpgHome, unzipOnly } from '../support/gpg-home';
import { call, eventually } from '../support/han-harness';
import { runTool } from '../support/run-tool';
import { ZEEP_ESIID_DATA_SCRIPT } from '../support/zeep-esiid-data';
import { validateAgainstXsd } from '../support/xsd-validate';
import { E, esiidDataMarket, OTHER, REP, REP_B, SPRING_FILE } from '../support/esiid-data-fixture';

type Row = Record<string, string | undefined>;
const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const caller = (duns: string) => ({ trans_id: 'T-1', requestorID: 'tester', requesterAuthenticationID: duns });

/** On the embedded database and, where a test server is configured, on PostgreSQL. */
for (const engine of ['sqlite', 'postgres'] as const) describe(`EsiIdData over mutual TLS and WS-Security: answers (${engine})`, function () {
  this.timeout(60_000);
  const market = esiidDataMarket(`smt-esiid-data-${engine}-`, engine);

  it('answers a spring-forward trade date inline: 96 rows, 92 with the values sent and the 02:00 hour blank, only the REP\'s ESI ID', async () => {
    const client = await market.client(market.rep);
    const { result, raw } = await call(client, 'GetTradeDateIntervalData', { ...caller(REP), tradeDate: '03/08/2026', esiid: [E('01'), E('06'), OTHER] });
    expect(validateAgainstXsd(raw).errors).to.equal('');
    const signed = verifyWsSecurity(raw, { trustedCertificatesPem: [fs.readFileSync(path.join(market.harness.dataDir, 'pki', 'server.crt'), 'utf8')], now: new Date() });
    expect(signed.operation?.name).to.equal('GetTradeDateIntervalDataResponse');
    expect(result!.statusCode).to.equal('0');
    expect(list(result!.notAuthorized), "another REP's and another TDSP's ESI IDs").to.deep.equal([E('06'), OTHER]);
    const rows = list(result!.interval as Row[]);
    expect(rows).to.have.length(96);
    expect(new Set(rows.map((r) => r.esiid))).to.deep.equal(new Set([E('01')]));
    expect(rows[0]).to.include({ usageDate: '03/08/2026', usageStartTime: '00:00', usageEndTime: '00:15', usageKwh: '0.001', estimatedActual: 'A', consumptionSurplusGeneration: 'Consumption' });
    expect(rows[7]).to.include({ usageStartTime: '01:45', usageEndTime: '02:00', usageKwh: '0.008' });
    for (const i of [8, 9, 10, 11]) expect(rows[i].usageKwh, `${rows[i].usageStartTime} is skipped by the clock change`).to.equal(undefined);
    expect(rows[12]).to.include({ usageStartTime: '03:00', usageEndTime: '03:15', usageKwh: '0.009' });
    expect(rows[95]).to.include({ usageStartTime: '23:45', usageEndTime: '00:00', usageKwh: '0.092' });
    expect(rows.filter((r) => r.usageKwh !== undefined)).to.have.length(92);
  });

  it('answers a fall-back trade date to the TDSP with 100 rows and the 01:00 hour twice, not another TDSP\'s ESI ID', async () => {
    const client = await market.client(market.tdsp);
    const { result, raw } = await call(client, 'GetTradeDateIntervalData', { ...caller('100000001'), tradeDate: '11/01/2026', esiid: [E('02'), OTHER] });
    expect(validateAgainstXsd(raw).errors).to.equal('');
    expect(list(result!.notAuthorized)).to.deep.equal([OTHER]);
    const rows = list(result!.interval as Row[]);
    expect(rows).to.have.length(100);
    expect(rows.map((r) => r.usageStartTime).slice(4, 12)).to.deep.equal(['01:00', '01:15', '01:30', '01:45', '01:00', '01:15', '01:30', '01:45']);
    expect([rows[4].usageKwh, rows[8].usageKwh, rows[99].usageKwh]).to.deep.equal(['0.005', '0.009', '0.100']);
    const other = await call(await market.client(market.otherTdsp), 'GetTradeDateIntervalData', { ...caller('100000002'), tradeDate: '11/01/2026', esiid: [E('01')] });
    expect(other.result).to.include({ statusCode: 'NAU' });
    expect(other.result!.interval).to.equal(undefined);
  });

  it('turns more than 10 ESI IDs into a report request for the trade date, with the ones the REP may not see listed', async () => {
    const asked = [E('01'), E('02'), E('03'), E('04'), E('05'), E('06'), OTHER, E('11'), E('12'), E('13'), E('14')];
    const { result, raw } = await call(await market.client(market.rep), 'GetTradeDateIntervalData', { ...caller(REP), tradeDate: '11/01/2026', esiid: asked });
    expect(validateAgainstXsd(raw).errors).to.equal('');
    expect(result).to.include({ statusCode: 'PEN' });
    expect(list(result!.notAuthorized)).to.deep.equal([E('06'), OTHER, E('11'), E('12'), E('13'), E('14')]);
    const view = await (await market.harness.app.reportRequests()).status(result!.correlationId as string);
    expect(view).to.include({ requesterDuns: REP, reportType: 'INTERVAL', startDate: '2026-11-01', endDate: '2026-11-01', esiidCount: 5, statusCode: 'PEN' });
  });

  it('delivers the many-ESI-ID answer as a report file in the REP\'s folder, the fall-back day with 100 rows per ESI ID', async function () {
    // The report path itself runs on PostgreSQL in the report tests; here the delivery of this operation's request is what is checked.
    if (engine === 'postgres') this.skip();
    const asked = [E('01'), E('02'), E('03'), E('04'), E('05'), E('06'), OTHER, E('11'), E('12'), E('13'), E('14')];
    // Its own trans_id: the same body signed again within the second would be the same signed message, a replay.
    const { result, fault } = await call(await market.client(market.rep), 'GetTradeDateIntervalData', { ...caller(REP), trans_id: 'T-file', tradeDate: '11/01/2026', esiid: asked });
    expect(fault).to.equal(undefined);
    const worker = await market.harness.app.reportWorker();
    await worker.start();
    try {
      const meterUsage = await market.harness.client('MeterUsage', market.rep);
      const status = await eventually('the report file', async () => {
        const { result: s } = await call(meterUsage, 'GetUsageRequestStatus', { trans_id: 'T-2', requestorID: 'tester', correlationId: result!.correlationId });
        return s!.statusCode === '0' ? s! : undefined;
      }, 30_000);
      const files = list(status.file as { fileName: string; recordCount: string }[]);
      expect(files.map((f) => Number(f.recordCount))).to.deep.equal([200]);
      const gpg = new GpgHome();
      try {
        gpg.importKey(fs.readFileSync(market.harness.participant('REP').pgpPrivateKeyPath, 'utf8'));
        const zip = gpg.decrypt(path.join(market.harness.dataDir, 'ftps', REP, 'adhoc', files[0]!.fileName));
        const rows = unzipOnly(zip, market.harness.dataDir).content.toString('utf8').split('\r\n').filter(Boolean).slice(1);
        expect(rows).to.have.length(200);
        expect(new Set(rows.map((r) => r.split(',')[0]))).to.deep.equal(new Set([`'${E('01')}`, `'${E('02')}`]));
        expect(rows.filter((r) => r.startsWith(`'${E('02')},11/01/2026,`) && r.includes(',01:00,01:15,'))).to.have.length(2);
      } finally {
        gpg.remove();
      }
    } finally {
      await worker.stop();
    }
  });

  it('lists the caller\'s ESI IDs without interval data for a trade date, a page at a time', async () => {
    const rep = await market.client(market.rep);
    const all = await call(rep, 'GetEsiidsWithoutIntervalData', { ...caller(REP), tradeDate: '03/08/2026' });
    expect(validateAgainstXsd(all.raw).errors).to.equal('');
    expect(all.result).to.include({ tradeDate: '03/08/2026', esiidsChecked: '5' });
    expect(list(all.result!.esiid)).to.deep.equal([E('02'), E('03'), E('04'), E('05')]);
    expect(all.result!.nextAfterEsiid).to.equal(undefined);
    const first = await call(rep, 'GetEsiidsWithoutIntervalData', { ...caller(REP), tradeDate: '03/08/2026', maxResults: '2' });
    expect([list(first.result!.esiid), first.result!.nextAfterEsiid]).to.deep.equal([[E('02'), E('03')], E('03')]);
    const second = await call(rep, 'GetEsiidsWithoutIntervalData', { ...caller(REP), tradeDate: '03/08/2026', maxResults: '2', afterEsiid: E('03') });
    expect([list(second.result!.esiid), second.result!.nextAfterEsiid]).to.deep.equal([[E('04'), E('05')], undefined]);
    const tdsp = await call(await market.client(market.tdsp), 'GetEsiidsWithoutIntervalData', { ...caller('100000001'), tradeDate: '03/08/2026' });
    expect(tdsp.result).to.include({ esiidsChecked: '6' });
    expect(list(tdsp.result!.esiid), 'its territory: 06 of the other REP is loaded').to.deep.equal([E('02'), E('03'), E('04'), E('05')]);
    const repB = await call(await market.client(market.repB), 'GetEsiidsWithoutIntervalData', { ...caller(REP_B), tradeDate: '11/01/2026' });
    expect([repB.result!.esiidsChecked, list(repB.result!.esiid)]).to.deep.equal(['2', [E('06')]]);
  });

  it('queues a report request of every ESI ID the caller owns in a range', async () => {
    const { result, raw } = await call(await market.client(market.rep), 'RequestOwnedIntervalData', { ...caller(REP), startDate: '11/01/2026', endDate: '11/02/2026' });
    expect(validateAgainstXsd(raw).errors).to.equal('');
    expect(result).to.include({ statusCode: 'PEN', esiidCount: '5' });
    const view = await (await market.harness.app.reportRequests()).status(result!.correlationId as string);
    expect(view).to.include({ requesterDuns: REP, startDate: '2026-11-01', endDate: '2026-11-02', esiidCount: 5 });
    const tdsp = await call(await market.client(market.tdsp), 'RequestOwnedIntervalData', { ...caller('100000001'), startDate: '11/01/2026', endDate: '11/01/2026', readingType: 'A' });
    expect(tdsp.result).to.include({ statusCode: 'PEN', esiidCount: '6' });
  });

  it('gives the data-gap report: never received, or rejected with the code and file, by ESI ID and day, paged by ESI ID', async () => {
    const rep = await market.client(market.rep);
    const { result, raw } = await call(rep, 'GetDataGaps', { ...caller(REP), startDate: '03/07/2026', endDate: '03/08/2026' });
    expect(validateAgainstXsd(raw).errors).to.equal('');
    const gaps = list(result!.gap as Row[]).map((g) => [g.esiid, g.operatingDay, g.why, g.code ?? '', g.fileName ?? '']);
    expect(gaps).to.deep.equal([
      [E('01'), '03/07/2026', 'NEVER_RECEIVED', '', ''],
      [E('02'), '03/07/2026', 'NEVER_RECEIVED', '', ''],
      [E('02'), '03/08/2026', 'REJECTED', '03', SPRING_FILE],
      [E('03'), '03/07/2026', 'NEVER_RECEIVED', '', ''], [E('03'), '03/08/2026', 'NEVER_RECEIVED', '', ''],
      [E('04'), '03/07/2026', 'NEVER_RECEIVED', '', ''], [E('04'), '03/08/2026', 'NEVER_RECEIVED', '', ''],
      [E('05'), '03/07/2026', 'NEVER_RECEIVED', '', ''], [E('05'), '03/08/2026', 'NEVER_RECEIVED', '', ''],
    ]);
    expect(result).to.include({ esiidsChecked: '5' });
    expect(list(result!.gap as Row[])[2].detail).to.match(/^the record does not cover a full day/);
    const page = await call(rep, 'GetDataGaps', { ...caller(REP), startDate: '03/07/2026', endDate: '03/08/2026', maxEsiids: '2' });
    expect([list(page.result!.gap as Row[]).length, page.result!.esiidsChecked, page.result!.nextAfterEsiid]).to.deep.equal([3, '2', E('02')]);
    const rest = await call(rep, 'GetDataGaps', { ...caller(REP), startDate: '03/07/2026', endDate: '03/08/2026', afterEsiid: E('02') });
    expect(list(rest.result!.gap as Row[]).map((g) => g.esiid)).to.deep.equal([E('03'), E('03'), E('04'), E('04'), E('05'), E('05')]);
    const repB = await call(await market.client(market.repB), 'GetDataGaps', { ...caller(REP_B), startDate: '03/08/2026', endDate: '03/08/2026' });
    expect(list(repB.result!.gap as Row[]).map((g) => g.esiid), "only its own: 06 is loaded, OTHER was not sent that day").to.deep.equal([OTHER]);
  });

  it('answers zeep, a stock client built from the served WSDL, with signed answers it verifies', async () => {
    const dir = market.harness.dataDir;
    const rep = market.harness.participant('REP');
    const zeep = async (operation: string, args: object) => JSON.parse((await runTool('/usr/bin/python3', ['-c', ZEEP_ESIID_DATA_SCRIPT,
      `${market.harness.url('EsiIdData')}?wsdl`, rep.clientCertPath, rep.clientKeyPath, path.join(dir, 'pki', 'ca.crt'), path.join(dir, 'pki', 'server.crt'),
      operation, JSON.stringify({ ...caller(REP), ...args })])).toString('utf8').trim().split('\n').pop()!);
    const gaps = await zeep('GetDataGaps', { startDate: '03/08/2026', endDate: '03/08/2026', maxEsiids: '2' });
    expect(gaps.gap.map((g: Row) => [g.esiid, g.why, g.code])).to.deep.equal([[E('02'), 'REJECTED', '03']]);
    expect(gaps.nextAfterEsiid).to.equal(E('02'));
    const day = await zeep('GetTradeDateIntervalData', { tradeDate: '11/01/2026', esiid: [E('01')] });
    expect([day.statusCode, day.interval.length, day.interval[99].usageKwh]).to.deep.equal(['0', 100, '0.100']);
  });
});
