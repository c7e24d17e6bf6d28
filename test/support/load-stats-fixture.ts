import { expect } from 'chai';
import { formatLseRecord, type LseRecordSpec } from '../../scripts/lib/lse-writer';
import { addDays } from '../../src/core/cpt';
import { type CliHarness, importRegistryFixtures, lseFixture } from './cli-harness';

/** Demo TDSP and Other TDSP of the registry fixtures. */
export const STATS_TDSP = '100000001';
export const STATS_OTHER_TDSP = '100000002';
/** Other TDSP's ESI ID and REP of record in the registry fixtures. */
export const STATS_OTHER_ESIID = '1008901000000000000001';
export const STATS_OTHER_REP = '2000000011234';

const E = (n: string) => `104437200000000${n}`;

/** A channel-4 record from Demo TDSP for Demo REP, 96 intervals of 0.25 kWh; `more` changes any of it. */
export const statsRecord = (esiid: string, day: string, version: string, more: Partial<LseRecordSpec> = {}): string =>
  formatLseRecord({ esiid, channel: 4, day, version, sender: STATS_TDSP, rep: '200000001', values: Array(96).fill(0.25), ...more });

/**
 * The receipts the load statistics (smt stats, the smt_load_* metrics) are tested on, ingested today
 * after the registry fixtures; `today` is the Central Prevailing Time day, versions are yesterday's
 * <yyyymmdd>230000 and <yyyymmdd>235900. Demo TDSP: yesterday's file (0001 whole, 0002 with its first
 * 24 intervals estimated, 0003 one interval short: 03), a supplemental file (0002's actuals replace its
 * estimates, and 0001's day ten days back: late), a file refused whole (F2); Other TDSP: one day.
 * Checks that each file was taken as expected.
 */
export async function ingestLoadStatsDay(cli: CliHarness, today: string): Promise<void> {
  await importRegistryFixtures(cli);
  const yesterday = addDays(today, -1);
  const v = (suffix: string) => yesterday.replace(/-/g, '') + suffix;
  const estimated = Array.from({ length: 96 }, (_, i) => (i < 24 ? 'E' : 'A'));
  const first = statsRecord(E('01'), yesterday, v('230000')) + statsRecord(E('02'), yesterday, v('230000'), { statuses: estimated })
    + statsRecord(E('03'), yesterday, v('230000'), { values: Array(95).fill(0.25) });
  const second = statsRecord(E('02'), yesterday, v('235900')) + statsRecord(E('01'), addDays(today, -10), v('230000'));
  const results = [];
  for (const [name, text] of [[`${STATS_TDSP}IntervalData${v('230000')}001.lse`, first], [`${STATS_TDSP}IntervalData${v('235900')}001.lse`, second]]) {
    results.push(...(await cli.ingestJson('--for', 'Demo TDSP', cli.writeFile(name, text))).results);
  }
  results.push(...(await cli.ingestJson('--for', 'Demo TDSP', lseFixture('broken/100000001IntervalData20250708070000001.lse'))).results);
  results.push(...(await cli.ingestJson('--for', 'Other TDSP', cli.writeFile(`${STATS_OTHER_TDSP}IntervalData${v('230000')}001.lse`,
    statsRecord(STATS_OTHER_ESIID, yesterday, v('230000'), { sender: STATS_OTHER_TDSP, rep: STATS_OTHER_REP })))).results);
  expect(results.map((r) => [r.status, r.fileCode, r.records.byCode])).to.deep.equal([
    ['loaded', null, { '00': 2, '03': 1 }], ['loaded', null, { '00': 2 }], ['rejected', 'F2', {}], ['loaded', null, { '00': 1 }],
  ]);
}
