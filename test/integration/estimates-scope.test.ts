import { expect } from 'chai';
import { engineHarness } from '../support/engine-harness';
import { storedEstimates } from '../support/estimate-rows';
import type { CliHarness } from '../support/cli-harness';

const TDSP = '100000001';
const TDSP2 = '100000002';
const REP_A = '200000001';
const REP_B = '200000002';
const X = '10443720000000021'; // REP A on 2026-10-05 only, REP B from 2026-10-06; never any TDSP data

/** CSV rows of a report (CRLF), header dropped; the rows marked Y in PLATFORM_ESTIMATE, as [ESI ID, day]. */
const estimatedRows = (out: string) => out.trim().split('\r\n').slice(1).map((l) => l.split(',')).filter((r) => r[8] === 'Y').map((r) => [r[0], r[1]]);

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`Platform estimates a report makes are the requester's own days only (${engine})`, function () {
    this.timeout(120_000);
    let cli: CliHarness;
    let cleanUp: (() => Promise<void>) | undefined;
    const ask = (duns: string) => ['report', '--type', 'daily', '--duns', duns, '--from', '2026-10-05', '--to', '2026-10-07', '--esiid', X, '--estimates'];

    before(async function () {
      ({ cli, cleanUp } = await engineHarness(this, engine, 'smt-estimate-scope-'));
      const imported = await cli.run('registry', 'import',
        cli.writeFile('participants.csv', `kind,name,duns\nTDSP,Demo TDSP,${TDSP}\nTDSP,Other TDSP,${TDSP2}\nREP,REP A,${REP_A}\nREP,REP B,${REP_B}\n`),
        cli.writeFile('esiids.csv', `esiid,tdsp_duns,meter_number,load_profile_class\n${X},${TDSP},M1,RESLOWR\n`),
        cli.writeFile('rep-of-record.csv', `esiid,rep_duns,effective_from,effective_to\n${X},${REP_A},2026-01-01,2026-10-05\n${X},${REP_B},2026-10-06,\n`));
      expect(imported.status, imported.err).to.equal(0);
    });
    after(async () => {
      await cleanUp?.();
    });

    it('a REP that was REP of record one day of three gets that one day estimated and stored, not the other REP\'s two', async () => {
      const r = await cli.run(...ask(REP_A));
      expect(r.status, r.err).to.equal(0);
      expect(estimatedRows(r.out)).to.deep.equal([[`'${X}`, '10/05/2026']]);
      expect(await storedEstimates(cli)).to.deep.equal([{ esiid: X, day: '2026-10-05' }]);
    });

    it('a TDSP of another territory gets nothing made; the other REP gets its own two days made next to the first', async () => {
      const other = await cli.run(...ask(TDSP2));
      expect(estimatedRows(other.out)).to.deep.equal([]);
      expect(await storedEstimates(cli)).to.have.length(1);
      const b = await cli.run(...ask(REP_B));
      expect(b.status, b.err).to.equal(0);
      expect(estimatedRows(b.out)).to.deep.equal([[`'${X}`, '10/06/2026'], [`'${X}`, '10/07/2026']]);
      expect((await storedEstimates(cli)).map((e) => e.day)).to.deep.equal(['2026-10-05', '2026-10-06', '2026-10-07']);
    });

    it('the ESI ID\'s own TDSP sees every active day', async () => {
      const r = await cli.run(...ask(TDSP));
      expect(estimatedRows(r.out)).to.have.length(3);
      expect(await storedEstimates(cli)).to.have.length(3);
    });
  });
}
