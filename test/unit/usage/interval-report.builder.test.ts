import { expect } from 'chai';
import { INTERVAL_HEADER, intervalCsv, intervalRows } from '../../../src/usage/interval-report.builder';
import { csvChunk, csvHeader } from '../../../src/usage/report-csv';
import type { UsageDay } from '../../../src/usage/usage-day';

const E = 0x40000000;
const BLANK = -2147483648;

function packed(values: number[]): Uint8Array {
  return new Uint8Array(new Int32Array(values).buffer);
}

function day(operatingDay: string, values: number[], channel: 1 | 4 = 4): UsageDay {
  return {
    esiid: '10443720009255964', operatingDay, channel, version: 20250702073717, intervalCount: values.length,
    values: packed(values), startReading: null, stopReading: null, meterNumber: null,
  };
}

describe('usage/interval-report.builder', () => {
  it('prints the SMT header', () => {
    expect(csvHeader(INTERVAL_HEADER)).to.equal(
      'ESIID,USAGE_DATE,REVISION_DATE,USAGE_START_TIME,USAGE_END_TIME,USAGE_KWH,ESTIMATED_ACTUAL,CONSUMPTION_SURPLUSGENERATION\r\n',
    );
  });

  it('prints a normal day: 3-decimal kWh, A/E flags, a blank interval blank, midnight as the last end', () => {
    const values = Array<number>(96).fill(100);
    values[0] = 580;
    values[1] = 1234 | E;
    values[2] = BLANK;
    values[3] = 0;
    values[95] = 0x3fffffff;
    const rows = intervalRows(day('2025-07-01', values));
    expect(rows).to.have.length(96);
    expect(csvChunk(rows.slice(0, 5))).to.equal(
      "'10443720009255964,07/01/2025,07/02/2025 07:37:17,00:00,00:15,0.580,A,Consumption\r\n" +
      "'10443720009255964,07/01/2025,07/02/2025 07:37:17,00:15,00:30,1.234,E,Consumption\r\n" +
      "'10443720009255964,07/01/2025,07/02/2025 07:37:17,00:30,00:45,,,Consumption\r\n" +
      "'10443720009255964,07/01/2025,07/02/2025 07:37:17,00:45,01:00,0.000,A,Consumption\r\n" +
      "'10443720009255964,07/01/2025,07/02/2025 07:37:17,01:00,01:15,0.100,A,Consumption\r\n",
    );
    expect(csvChunk(rows.slice(94))).to.equal(
      "'10443720009255964,07/01/2025,07/02/2025 07:37:17,23:30,23:45,0.100,A,Consumption\r\n" +
      "'10443720009255964,07/01/2025,07/02/2025 07:37:17,23:45,00:00,1073741.823,A,Consumption\r\n",
    );
  });

  it('keeps 96 rows on the spring-forward day, the 02:00-03:00 rows blank', () => {
    // 92 stored intervals worth 10, 20, ... 920 Wh.
    const rows = intervalRows(day('2025-03-09', Array.from({ length: 92 }, (_, i) => (i + 1) * 10)));
    expect(rows).to.have.length(96);
    expect(csvChunk(rows.slice(7, 13))).to.equal(
      "'10443720009255964,03/09/2025,07/02/2025 07:37:17,01:45,02:00,0.080,A,Consumption\r\n" +
      "'10443720009255964,03/09/2025,07/02/2025 07:37:17,02:00,02:15,,,Consumption\r\n" +
      "'10443720009255964,03/09/2025,07/02/2025 07:37:17,02:15,02:30,,,Consumption\r\n" +
      "'10443720009255964,03/09/2025,07/02/2025 07:37:17,02:30,02:45,,,Consumption\r\n" +
      "'10443720009255964,03/09/2025,07/02/2025 07:37:17,02:45,03:00,,,Consumption\r\n" +
      "'10443720009255964,03/09/2025,07/02/2025 07:37:17,03:00,03:15,0.090,A,Consumption\r\n",
    );
    expect(csvChunk([rows[95]])).to.equal(
      "'10443720009255964,03/09/2025,07/02/2025 07:37:17,23:45,00:00,0.920,A,Consumption\r\n",
    );
  });

  it('prints 100 rows on the fall-back day, 01:00-02:00 twice', () => {
    // 100 stored intervals worth 1, 2, ... 100 Wh.
    const rows = intervalRows(day('2025-11-02', Array.from({ length: 100 }, (_, i) => i + 1)));
    expect(rows).to.have.length(100);
    expect(csvChunk(rows.slice(3, 13))).to.equal(
      "'10443720009255964,11/02/2025,07/02/2025 07:37:17,00:45,01:00,0.004,A,Consumption\r\n" +
      "'10443720009255964,11/02/2025,07/02/2025 07:37:17,01:00,01:15,0.005,A,Consumption\r\n" +
      "'10443720009255964,11/02/2025,07/02/2025 07:37:17,01:15,01:30,0.006,A,Consumption\r\n" +
      "'10443720009255964,11/02/2025,07/02/2025 07:37:17,01:30,01:45,0.007,A,Consumption\r\n" +
      "'10443720009255964,11/02/2025,07/02/2025 07:37:17,01:45,02:00,0.008,A,Consumption\r\n" +
      "'10443720009255964,11/02/2025,07/02/2025 07:37:17,01:00,01:15,0.009,A,Consumption\r\n" +
      "'10443720009255964,11/02/2025,07/02/2025 07:37:17,01:15,01:30,0.010,A,Consumption\r\n" +
      "'10443720009255964,11/02/2025,07/02/2025 07:37:17,01:30,01:45,0.011,A,Consumption\r\n" +
      "'10443720009255964,11/02/2025,07/02/2025 07:37:17,01:45,02:00,0.012,A,Consumption\r\n" +
      "'10443720009255964,11/02/2025,07/02/2025 07:37:17,02:00,02:15,0.013,A,Consumption\r\n",
    );
    expect(csvChunk([rows[99]])).to.equal(
      "'10443720009255964,11/02/2025,07/02/2025 07:37:17,23:45,00:00,0.100,A,Consumption\r\n",
    );
  });

  it('labels channel 1 as Surplus Generation', () => {
    const rows = intervalRows(day('2025-07-01', Array<number>(96).fill(2500 | E), 1));
    expect(csvChunk([rows[0]])).to.equal(
      "'10443720009255964,07/01/2025,07/02/2025 07:37:17,00:00,00:15,2.500,E,Surplus Generation\r\n",
    );
  });

  it('prints intervals past the stored count blank rather than reading beyond the values', () => {
    const rows = intervalRows(day('2025-07-01', [580]));
    expect(rows).to.have.length(96);
    expect(csvChunk(rows.slice(0, 2))).to.equal(
      "'10443720009255964,07/01/2025,07/02/2025 07:37:17,00:00,00:15,0.580,A,Consumption\r\n" +
      "'10443720009255964,07/01/2025,07/02/2025 07:37:17,00:15,00:30,,,Consumption\r\n",
    );
  });

  it('writes the same bytes as csv-stringify of intervalRows, on every day shape and value kind', () => {
    const mixed = Array.from({ length: 96 }, (_, i) =>
      i % 7 === 0 ? BLANK : i % 5 === 0 ? (i * 1013) | E : i === 3 ? 0x3fffffff : i === 4 ? 999_999 : i === 6 ? 1_000 : i * 37);
    const days = [
      day('2025-07-01', mixed),
      day('2025-07-01', mixed, 1),
      day('2025-03-09', mixed.slice(0, 92)),
      day('2025-11-02', [...mixed, 7, 8 | E, BLANK, 10]),
      day('2025-07-02', [580, 9]),
      day('2025-07-03', []),
      { ...day('2025-07-04', [1, 2, 3]), esiid: 'ABC,"1"' },
    ];
    const bytes = intervalCsv(days);
    expect(Buffer.from(bytes).toString()).to.equal(csvChunk(days.flatMap(intervalRows)));
    expect(bytes.byteOffset).to.equal(0);
    expect(intervalCsv([]).byteLength).to.equal(0);
  });
});
