import { expect } from 'chai';
import { DAILY_HEADER, dailyRow } from '../../../src/usage/daily-report.builder';
import { csvChunk, csvHeader } from '../../../src/usage/report-csv';
import type { UsageDay } from '../../../src/usage/usage-day';

const E = 0x40000000;
const BLANK = -2147483648;

function packed(values: number[]): Uint8Array {
  return new Uint8Array(new Int32Array(values).buffer);
}

function day(values: number[], extra: Partial<UsageDay> = {}): UsageDay {
  return {
    esiid: '10443720009255964', operatingDay: '2025-07-01', channel: 4, version: 20250702073717,
    intervalCount: values.length, values: packed(values), startReading: null, stopReading: null, meterNumber: null,
    ...extra,
  };
}

describe('usage/daily-report.builder', () => {
  it('prints the header', () => {
    expect(csvHeader(DAILY_HEADER)).to.equal(
      'ESIID,USAGE_DATE,REVISION_DATE,METER_NUMBER,START_READING,END_READING,USAGE_KWH,ESTIMATED_ACTUAL\r\n',
    );
  });

  it('prints the register reads with 3 decimals and the interval total', () => {
    // 96 x 25 Wh = 2400 Wh.
    const row = dailyRow(day(Array<number>(96).fill(25), { startReading: '12345.6', stopReading: '12347', meterNumber: 'M123' }));
    expect(csvChunk([row])).to.equal("'10443720009255964,07/01/2025,07/02/2025 07:37:17,M123,12345.600,12347.000,2.400,A\r\n");
  });

  it('leaves the readings and meter number empty when none were sent', () => {
    const row = dailyRow(day(Array<number>(96).fill(25)));
    expect(csvChunk([row])).to.equal("'10443720009255964,07/01/2025,07/02/2025 07:37:17,,,,2.400,A\r\n");
  });

  it('prints a zero register read as 0.000, not empty', () => {
    const row = dailyRow(day(Array<number>(96).fill(0), { startReading: '0', stopReading: '0' }));
    expect(csvChunk([row])).to.equal("'10443720009255964,07/01/2025,07/02/2025 07:37:17,,0.000,0.000,0.000,A\r\n");
  });

  it('flags the day E when one interval is estimated, and counts it in the total', () => {
    // 95 x 10 Wh + 333 Wh = 1283 Wh.
    const values = Array<number>(96).fill(10);
    values[40] = 333 | E;
    expect(csvChunk([dailyRow(day(values))])).to.equal("'10443720009255964,07/01/2025,07/02/2025 07:37:17,,,,1.283,E\r\n");
  });

  it('flags the day E when an interval is blank, leaving it out of the total', () => {
    // 95 x 10 Wh = 950 Wh.
    const values = Array<number>(96).fill(10);
    values[0] = BLANK;
    expect(csvChunk([dailyRow(day(values))])).to.equal("'10443720009255964,07/01/2025,07/02/2025 07:37:17,,,,0.950,E\r\n");
  });

  it('flags the day E when fewer intervals are stored than the day has', () => {
    expect(dailyRow(day(Array<number>(95).fill(10)))[7]).to.equal('E');
  });

  it('takes a full spring-forward day of 92 actual intervals as actual', () => {
    // 92 x 100 Wh = 9200 Wh.
    const row = dailyRow(day(Array<number>(92).fill(100), { operatingDay: '2025-03-09' }));
    expect(csvChunk([row])).to.equal("'10443720009255964,03/09/2025,07/02/2025 07:37:17,,,,9.200,A\r\n");
  });
});
