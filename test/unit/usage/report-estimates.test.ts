import { expect } from 'chai';
import { cptTimestamp } from '../../../src/core/cpt';
import { intervalCsv } from '../../../src/usage/interval-report.builder';
import { csvChunk } from '../../../src/usage/report-csv';
import { estimateUsageDay, intervalCsvWithEstimates, rowsWithEstimates, type EstimateDay } from '../../../src/usage/report-estimates';
import type { UsageDay } from '../../../src/usage/usage-day';

const E = 0x40000000;

function tdspDay(esiid: string, operatingDay: string, wh: number[], version = 20261102230000): UsageDay {
  return { esiid, operatingDay, channel: 4, version, intervalCount: wh.length, values: new Uint8Array(new Int32Array(wh).buffer),
    startReading: '100', stopReading: '148', meterNumber: 'M1' };
}

function estimate(esiid: string, operatingDay: string, wh: number[], method = 'SAME_DAY', sourceDay = '2026-10-25', loadProfileClass: string | null = null): EstimateDay {
  return { esiid, operatingDay, method, sourceDay, loadProfileClass, intervalWh: wh.join(','), createdAt: '2026-11-03T14:12:40.000Z' };
}

describe('usage/report-estimates', () => {
  it('makes an estimate a day of E intervals whose revision is the time it was made, in Central Prevailing Time', () => {
    const day = estimateUsageDay(estimate('A1', '2026-11-02', [250, 0, 1073741823]));
    expect(day.version).to.equal(cptTimestamp(new Date('2026-11-03T14:12:40.000Z')));
    expect(day.version).to.equal(20261103081240); // CST, UTC-6
    expect([...new Int32Array(day.values.buffer)]).to.deep.equal([250 | E, 0 | E, 1073741823 | E]);
  });

  it('marks TDSP rows N with no source, estimate rows Y with their method, in ESI ID order', () => {
    const days = [tdspDay('A2', '2026-11-02', Array(96).fill(500))];
    const estimates = [estimate('A1', '2026-11-02', Array(96).fill(250)), estimate('A3', '2026-11-02', Array(96).fill(1000), 'DEFAULT_PROFILE', '', 'BUSHILF')];
    const daily = rowsWithEstimates('DAILY', days, estimates);
    expect(daily).to.deep.equal([
      ["'A1", '11/02/2026', '11/03/2026 08:12:40', '', '', '', '24.000', 'E', 'Y', 'SAME_DAY 2026-10-25'],
      ["'A2", '11/02/2026', '11/02/2026 23:00:00', 'M1', '100.000', '148.000', '48.000', 'A', 'N', ''],
      ["'A3", '11/02/2026', '11/03/2026 08:12:40', '', '', '', '96.000', 'E', 'Y', 'DEFAULT_PROFILE BUSHILF'],
    ]);
    const interval = rowsWithEstimates('INTERVAL', days, estimates);
    expect(interval).to.have.length(3 * 96);
    expect(interval[96]).to.deep.equal(["'A2", '11/02/2026', '11/02/2026 23:00:00', '00:00', '00:15', '0.500', 'A', 'Consumption', 'N', '']);
    expect(interval[0].slice(5)).to.deep.equal(['0.250', 'E', 'Consumption', 'Y', 'SAME_DAY 2026-10-25']);
  });

  it('writes the same bytes on the fast path as the row builder, for plain and quoted ESI IDs, with and without estimates between them', () => {
    const days = [tdspDay('B1', '2026-11-01', Array(100).fill(300)), tdspDay('B1', '2026-11-01', Array(100).fill(310), 20261102230000), tdspDay('B,3', '2026-11-01', Array(100).fill(7))];
    const estimates = [estimate('B0', '2026-11-01', Array(100).fill(1)), estimate('B2', '2026-11-01', Array(100).fill(2))];
    const bytes = (u: Uint8Array) => Buffer.from(u).toString();
    expect(bytes(intervalCsvWithEstimates(days, estimates))).to.equal(csvChunk(rowsWithEstimates('INTERVAL', days, estimates)));
    expect(bytes(intervalCsvWithEstimates(days, []))).to.equal(csvChunk(rowsWithEstimates('INTERVAL', days, [])));
    expect(bytes(intervalCsv(days, true)).split('\r\n')[0]).to.equal("'B1,11/01/2026,11/02/2026 23:00:00,00:00,00:15,0.300,A,Consumption,N,");
    // Unmarked, the writer is what it always was.
    expect(bytes(intervalCsv(days))).to.equal(csvChunk(days.flatMap((d) => rowsWithEstimates('INTERVAL', [d], []).map((r) => r.slice(0, 8)))));
  });
});
