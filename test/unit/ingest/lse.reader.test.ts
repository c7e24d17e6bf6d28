import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import { formatLseRecord, type LseRecordSpec } from '../../../scripts/lib/lse-writer';
import { MAX_WH, intervalKwh, intervalQuality, type LseFileOutcome, type LseRecord } from '../../../src/ingest/lse-record';
import { LseReader } from '../../../src/ingest/lse.reader';
import { SEED_SAMPLE_ROWS } from '../../support/seed-sample';

/** Load time for every test: 2026-11-27 00:00:00 CPT, so 2026-11-26 is the latest loadable day. */
const NOW = 20261127000000;
const ESIID = '10443720000000001';

interface ReadResult {
  records: LseRecord[];
  outcome: LseFileOutcome;
  /** How many records push() handed out before end(). */
  streamed: number;
}

/** Feeds the input in pieces cut at the given offsets (none: one chunk), then ends the file. */
function read(input: string | Buffer, cuts: number[] = []): ReadResult {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'latin1') : input;
  const reader = new LseReader(NOW);
  const records: LseRecord[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut > from) records.push(...reader.push(bytes.subarray(from, cut)));
    from = Math.max(from, cut);
  }
  const streamed = records.length;
  const end = reader.end();
  records.push(...end.records);
  return { records, outcome: end.outcome, streamed };
}

/** Reads an input that must hold exactly one record and no file-level problem. */
function readOne(input: string): LseRecord {
  const { records, outcome } = read(input);
  expect(outcome.fileCode, outcome.fileReason ?? '').to.equal(null);
  expect(records).to.have.length(1);
  return records[0];
}

function byteCuts(length: number): number[] {
  return Array.from({ length: length - 1 }, (_, i) => i + 1);
}

function kwh(r: LseRecord): (number | null)[] {
  return intervalKwh(r.values, r.intervalCount);
}

/** The Wh of one interval, without the packed estimated flag. */
function wh(r: LseRecord, index: number): number {
  const packed = new DataView(r.values.buffer, r.values.byteOffset, r.values.byteLength).getInt32(index * 4, true);
  return packed & MAX_WH;
}

function spec(day: string, values: (number | null)[], extra: Partial<LseRecordSpec> = {}): LseRecordSpec {
  return { esiid: ESIID, channel: 4, day, version: '20250702060000', sender: '100000001', rep: '200000001', values, ...extra };
}

/** A valid 2025-07-01 record of 96 intervals of 0.5 kWh. */
function normalRecord(extra: Partial<LseRecordSpec> = {}): string {
  return formatLseRecord(spec('2025-07-01', new Array<number>(96).fill(0.5), extra));
}

/** A valid 2025-07-01 record whose first detail row (intervals 1-4) is the given text. */
function withFirstRow(row: string): string {
  const text = normalRecord();
  const updated = text.replace(/^10000000,.*$/m, row);
  expect(updated, 'the first detail row was replaced').to.not.equal(text);
  return updated;
}

/** The same valid record with one header row replaced. */
function withHeader(sortCode: string, row: string): string {
  const text = normalRecord();
  const updated = text.replace(new RegExp(`^${sortCode},.*$`, 'm'), row);
  expect(updated, `the ${sortCode} row was replaced`).to.not.equal(text);
  return updated;
}

/** The seed deck's sample record (lse.md): the rows it prints verbatim, the middle rows in its style. */
function seedSampleText(): string {
  const rows: string[] = [...SEED_SAMPLE_ROWS];
  for (let row = 2; row < 23; row++) {
    const v = (60 + row / 4).toFixed(2);
    rows.push(`${10_000_000 + row},${v},A,,${v},A,,${v},A,,${v},A,,`);
  }
  rows.push('10000023,77.71,A,,76.82,A,,77.41,A,,7.82,A,,');
  return rows.join('\n') + '\n';
}

describe('ingest/lse.reader', () => {
  describe('the seed sample record', () => {
    it('loads with every header field read', () => {
      const r = readOne(seedSampleText());
      expect(r.code, r.reason ?? '').to.equal('00');
      expect(r.reason).to.equal(null);
      expect(r).to.deep.include({
        line: 1,
        esiid: '1000000000000000',
        channel: 4,
        operatingDay: '2008-05-10',
        version: 20080519112825,
        origin: 'M',
        transactionId: 'UNIQUETRANID0123456789',
        startReading: '0',
        stopReading: '0',
        senderDuns: '666666666',
        repDuns: '111111111',
        intervalCount: 96,
      });
    });

    it('stores the values in Wh and keeps the A/E quality of each interval', () => {
      const r = readOne(seedSampleText());
      expect(r.values.byteLength).to.equal(96 * 4);
      expect(wh(r, 0)).to.equal(68290);
      expect(wh(r, 95)).to.equal(7820);
      const values = kwh(r);
      expect(values.slice(0, 8)).to.deep.equal([68.29, 69.17, 67.99, 67.99, 66.81, 66.52, 67.11, 67.11]);
      expect(values.slice(92)).to.deep.equal([77.71, 76.82, 77.41, 7.82]);
      expect(values.slice(8, 12)).to.deep.equal([60.5, 60.5, 60.5, 60.5]);
      expect(intervalQuality(r.values, r.intervalCount)).to.equal('AAAAEEEE' + 'A'.repeat(88));
    });
  });

  describe('interval counts on DST days', () => {
    for (const [day, count] of [['2025-03-09', 92], ['2025-11-02', 100], ['2025-07-01', 96]] as const) {
      it(`loads ${day} with its ${count} intervals`, () => {
        const r = readOne(formatLseRecord(spec(day, new Array<number>(count).fill(0.25))));
        expect(r.code, r.reason ?? '').to.equal('00');
        expect(r.intervalCount).to.equal(count);
        expect(kwh(r)[count - 1]).to.equal(0.25);
      });
    }

    for (const [day, count] of [['2025-03-09', 96], ['2025-11-02', 96], ['2025-07-01', 95], ['2025-07-01', 100], ['2025-07-01', 92]] as const) {
      it(`rejects ${day} with ${count} intervals as not a full day (03)`, () => {
        const r = readOne(formatLseRecord(spec(day, new Array<number>(count).fill(0.25))));
        expect(r.code).to.equal('03');
        expect(r.reason).to.contain(`has ${count} intervals`);
      });
    }

    it('stops counting at 100 intervals and rejects the record (03)', () => {
      const r = readOne(formatLseRecord(spec('2025-11-02', new Array<number>(104).fill(0.25))));
      expect(r.code).to.equal('03');
      expect(r.intervalCount).to.equal(100);
      expect(intervalQuality(r.values, r.intervalCount)).to.have.length(100);
    });
  });

  describe('interval values and statuses', () => {
    it('reads blank intervals (empty value and status) as null with quality " "', () => {
      const r = readOne(withFirstRow('10000000,,,,1.5,E,,,,,0,A,,'));
      expect(r.code, r.reason ?? '').to.equal('00');
      expect(kwh(r).slice(0, 5)).to.deep.equal([null, 1.5, null, 0, 0.5]);
      expect(intervalQuality(r.values, r.intervalCount).slice(0, 5)).to.equal(' E AA');
    });

    it('keeps a zero apart from a blank', () => {
      const r = readOne(withFirstRow('10000000,0,A,,,,,0.000,E,,0.5,A,,'));
      expect(kwh(r).slice(0, 3)).to.deep.equal([0, null, 0]);
      expect(wh(r, 0)).to.equal(0);
    });

    const cases: [string, string, string][] = [
      ['a value with an empty status', '10000000,68.29,,,0.5,A,,0.5,A,,0.5,A,,', '01'],
      ['a status with no value', '10000000,,A,,0.5,A,,0.5,A,,0.5,A,,', '01'],
      ['a status other than A or E', '10000000,0.5,A,,0.5,X,,0.5,A,,0.5,A,,', '01'],
      ['a two-letter status', '10000000,0.5,AE,,0.5,A,,0.5,A,,0.5,A,,', '01'],
      ['a negative value', '10000000,0.5,A,,-1,A,,0.5,A,,0.5,A,,', '01'],
      ['a value with letters', '10000000,0.5,A,,0.5,A,,12a,A,,0.5,A,,', '02'],
      ['a value with two decimal points', '10000000,0.5,A,,1.2.3,A,,0.5,A,,0.5,A,,', '02'],
      ['a lone decimal point', '10000000,.,A,,0.5,A,,0.5,A,,0.5,A,,', '02'],
      ['a value in exponent notation', '10000000,1e3,A,,0.5,A,,0.5,A,,0.5,A,,', '02'],
    ];
    for (const [what, row, code] of cases) {
      it(`rejects ${what} (${code})`, () => {
        const r = readOne(withFirstRow(row));
        expect(r.code, r.reason ?? '').to.equal(code);
        expect(r.reason).to.match(/^line 6: interval [1-4] /);
      });
    }

    it('rounds to the nearest Wh on the fourth decimal', () => {
      const r = readOne(withFirstRow('10000000,0.0125,A,,0.0124,A,,5,A,,0.99951,E,,'));
      expect(r.code, r.reason ?? '').to.equal('00');
      expect([0, 1, 2, 3].map((i) => wh(r, i))).to.deep.equal([13, 12, 5000, 1000]);
      expect(kwh(r).slice(0, 4)).to.deep.equal([0.013, 0.012, 5, 1]);
    });
  });

  describe('header checks', () => {
    it('accepts channel 1 (generation)', () => {
      const r = readOne(normalRecord({ channel: 1 }));
      expect(r.code, r.reason ?? '').to.equal('00');
      expect(r.channel).to.equal(1);
    });

    it('rejects channel 7 as not a valid value (01)', () => {
      const r = readOne(normalRecord({ channel: 7 }));
      expect(r.code).to.equal('01');
      expect(r.channel).to.equal(null);
    });

    it('rejects a channel that is not a number (02)', () => {
      const r = readOne(withHeader('00000001', `00000001,${ESIID},x,20250701000000,20250701235900,Y,N`));
      expect(r.code).to.equal('02');
      expect(r.reason).to.contain('channel "x"');
    });

    it('rejects a start on a date that does not exist (02)', () => {
      const r = readOne(withHeader('00000001', `00000001,${ESIID},4,20250231000000,20250231235900,Y,N`));
      expect(r.code).to.equal('02');
      expect(r.operatingDay).to.equal(null);
    });

    for (const [what, start, stop] of [
      ['starts after midnight', '20250701001500', '20250701235900'],
      ['stops before 23:59', '20250701000000', '20250701234500'],
      ['stops on another day', '20250701000000', '20250702235900'],
    ]) {
      it(`rejects a record that ${what} (03)`, () => {
        const r = readOne(withHeader('00000001', `00000001,${ESIID},4,${start},${stop},Y,N`));
        expect(r.code).to.equal('03');
        expect(r.reason).to.contain(`runs ${start} to ${stop}`);
      });
    }

    it('rejects a record with a header row twice (02), and reads the next record cleanly', () => {
      const twice = normalRecord().replace(/^(00000002,[^\n]*\n)/m, '$1$1');
      const { records, outcome } = read(twice + normalRecord({ esiid: '10443720000000002' }));
      expect(outcome.fileCode, outcome.fileReason ?? '').to.equal(null);
      expect(records.map((r) => r.code)).to.deep.equal(['02', '00']);
      expect(records[0].reason).to.equal('line 3: second 00000002 row in one record');
    });

    it('rejects a future day (04) and loads the last day that has ended', () => {
      const future = readOne(formatLseRecord(spec('2099-07-01', new Array<number>(96).fill(0.5))));
      expect(future.code).to.equal('04');
      const today = readOne(formatLseRecord(spec('2026-11-27', new Array<number>(96).fill(0.5))));
      expect(today.code).to.equal('04');
      const yesterday = readOne(formatLseRecord(spec('2026-11-26', new Array<number>(96).fill(0.5))));
      expect(yesterday.code, yesterday.reason ?? '').to.equal('00');
    });

    it('rejects an ESI ID with a space or longer than 64 characters (06), and accepts 64', () => {
      expect(readOne(normalRecord({ esiid: '1044372 0000000001' })).code).to.equal('06');
      const long = readOne(normalRecord({ esiid: '1'.repeat(65), transactionId: 'T1' }));
      expect(long.code).to.equal('06');
      expect(long.esiid).to.equal(null);
      const longest = readOne(normalRecord({ esiid: '1'.repeat(64), transactionId: 'T1' }));
      expect(longest.code, longest.reason ?? '').to.equal('00');
      expect(longest.esiid).to.equal('1'.repeat(64));
    });

    it('rejects 300 seconds per interval (01)', () => {
      const r = readOne(withHeader('00000002', '00000002,,,0,,0,,300,01,1,-1,0.0,0.0,CST'));
      expect(r.code).to.equal('01');
      expect(r.reason).to.contain('"300"');
    });

    it('rejects a 00000030 row without Sender (01)', () => {
      const r = readOne(withHeader('00000030', '00000030,ATTRIBUTE_VALUE_PAIRS,MRE=100000001,Receiver=183529049,REP=200000001'));
      expect(r.code).to.equal('01');
      expect(r.senderDuns).to.equal(null);
      expect(r.repDuns).to.equal('200000001');
    });

    it('rejects detail rows out of sequence (02)', () => {
      const text = normalRecord().replace(/^10000001,/m, '10000002,').replace(/^10000002,(?=.*\n10000003,)/m, '10000001,');
      expect(text).to.match(/^10000002,[^\n]*\n10000001,/m);
      const r = readOne(text);
      expect(r.code).to.equal('02');
      expect(r.reason).to.contain('out of sequence');
    });
  });

  describe('file-level outcomes', () => {
    it('rejects a file whose first row is not 00000001 (F2), with no records', () => {
      const text = normalRecord().replace(/^00000001,[^\n]*\n/, '');
      const result = read(text);
      expect(result.outcome.fileCode).to.equal('F2');
      expect(result.outcome.fileReason).to.contain('00000002');
      expect(result.records).to.deep.equal([]);
    });

    it('names every mandatory row a record lacks (F2)', () => {
      const broken = normalRecord().replace(/^00000003,[^\n]*\n/m, '').replace(/^00000030,[^\n]*\n/m, '');
      const result = read(broken);
      expect(result.outcome.fileCode).to.equal('F2');
      expect(result.outcome.fileReason).to.equal('record at line 1 has no 00000003, 00000030 row (mandatory)');
    });

    it('rejects a file with a record missing its 00000004 row (F2), with no records', () => {
      const broken = normalRecord({ esiid: '10443720000000002' }).replace(/^00000004,[^\n]*\n/m, '');
      const result = read(normalRecord() + broken + normalRecord({ esiid: '10443720000000003' }));
      expect(result.outcome.fileCode).to.equal('F2');
      expect(result.outcome.fileReason).to.contain('00000004');
      expect(result.outcome.totalRecords).to.equal(3);
      expect(result.records).to.deep.equal([]);
    });

    it('rejects a last record missing its 00000004 row (F2), with no records from end()', () => {
      const broken = normalRecord({ esiid: '10443720000000002' }).replace(/^00000004,[^\n]*\n/m, '');
      const reader = new LseReader(NOW);
      reader.push(Buffer.from(normalRecord() + broken));
      const end = reader.end();
      expect(end.outcome.fileCode).to.equal('F2');
      expect(end.records).to.deep.equal([]);
    });

    it('rejects an empty file (F2)', () => {
      for (const input of ['', '\n', '\r\n\r\n']) {
        const result = read(input);
        expect(result.outcome, JSON.stringify(input)).to.deep.include({ fileCode: 'F2', totalRecords: 0 });
        expect(result.records).to.deep.equal([]);
      }
    });

    it('rejects binary data (F2): a gzip of a good file, and a zip header', () => {
      const gzip = gzipSync(Buffer.from(normalRecord()));
      const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0x0a, 0x31, 0x30, 0x00, 0x0a]);
      for (const input of [gzip, zip]) {
        const result = read(input);
        expect(result.outcome.fileCode).to.equal('F2');
        expect(result.records).to.deep.equal([]);
      }
      expect(read(zip).outcome.fileReason).to.contain('binary');
    });

    it('rejects more than 50,000 records (F1) and returns none of them from end()', () => {
      const record = Buffer.from(normalRecord());
      const result = read(Buffer.concat(new Array<Buffer>(50_001).fill(record)));
      expect(result.outcome.fileCode).to.equal('F1');
      expect(result.outcome.totalRecords).to.equal(50_001);
      expect(result.outcome.fileReason).to.contain('50001');
      // push() streams records before the count is known; the file's transaction discards them.
      expect(result.records.length - result.streamed, 'records from end()').to.equal(0);
    });

    it('accepts exactly 50,000 records', () => {
      const record = Buffer.from(normalRecord());
      const result = read(Buffer.concat(new Array<Buffer>(50_000).fill(record)));
      expect(result.outcome).to.deep.equal({ totalRecords: 50_000, fileCode: null, fileReason: null });
      expect(result.records).to.have.length(50_000);
      expect(result.records.every((r) => r.code === '00')).to.equal(true);
    });
  });

  describe('chunk boundaries', () => {
    const three =
      formatLseRecord(spec('2025-07-01', [1.25, null, 0.0125, ...new Array<number>(93).fill(0.5)], { statuses: ['E'] })) +
      formatLseRecord(spec('2025-03-09', new Array<number>(92).fill(2.5), { esiid: '1008901000000000000001' })) +
      formatLseRecord(spec('2025-11-02', new Array<number>(100).fill(0.75), { esiid: 'TEST3' })).replace(/0\.75,A/, '7x,A');

    const variants: [string, string][] = [
      ['LF', three],
      ['CRLF', three.replace(/\n/g, '\r\n')],
      ['LF, no final newline', three.slice(0, -1)],
      ['CRLF, no final newline', three.replace(/\n/g, '\r\n').slice(0, -2)],
    ];

    interface Seen {
      esiid: string | null;
      code: string;
      reason: string | null;
      line: number;
      intervalCount: number;
      values: string;
      quality: string;
    }

    function summary(result: ReadResult): Seen[] {
      expect(result.outcome.fileCode, result.outcome.fileReason ?? '').to.equal(null);
      return result.records.map((r) => ({
        esiid: r.esiid,
        code: r.code,
        reason: r.reason,
        line: r.line,
        intervalCount: r.intervalCount,
        values: Buffer.from(r.values).toString('hex'),
        quality: intervalQuality(r.values, r.intervalCount),
      }));
    }

    let expected: Seen[] = [];
    before(() => {
      expected = summary(read(three));
    });

    it('reads the three records as intended when fed whole', () => {
      expect(expected.map((r) => r.code)).to.deep.equal(['00', '00', '02']);
      expect(expected.map((r) => r.intervalCount)).to.deep.equal([96, 92, 100]);
      expect(expected[0].quality.slice(0, 3)).to.equal('E A');
      expect(expected[2].reason).to.contain('"7x"');
    });

    for (const [name, text] of variants) {
      it(`gives the same records for ${name} fed whole, byte by byte and split at every position`, () => {
        expect(summary(read(text)), 'whole').to.deep.equal(expected);
        expect(summary(read(text, byteCuts(text.length))), '1-byte chunks').to.deep.equal(expected);
        for (let cut = 1; cut < text.length; cut++) {
          expect(summary(read(text, [cut])), `split at ${cut}`).to.deep.equal(expected);
        }
      });
    }
  });

  describe('packed values', () => {
    it("keeps each record's values its own across the shared chunks they are cut from (700 records: past a chunk's 65,536 intervals)", () => {
      const text = Array.from({ length: 700 }, (_, i) => formatLseRecord(spec('2025-07-01', new Array<number>(96).fill(i / 1000), { esiid: String(10443720000000000n + BigInt(i)) }))).join('');
      const { records, outcome } = read(text);
      expect(outcome.fileCode, outcome.fileReason ?? '').to.equal(null);
      expect(records.map((r) => r.values.byteLength).every((n) => n === 96 * 4)).to.equal(true);
      expect(records.map((r) => [wh(r, 0), wh(r, 95)])).to.deep.equal(Array.from({ length: 700 }, (_, i) => [i, i]));
    });
  });

  describe('record isolation', () => {
    it('loads a good record that follows bad ones, with its own values', () => {
      const bad = [
        // Several faults in one record: the first one found decides its code (12a, 02).
        withFirstRow('10000000,12a,X,,-1,A,,1.2.3,,,,E,,'),
        formatLseRecord(spec('2025-11-02', new Array<number>(104).fill(9.999), { statuses: new Array<string>(104).fill('E') })),
        withHeader('00000001', `00000001,${ESIID},7,20250231000000,20250701235900,Q,N`),
        normalRecord().replace(/^(00000030,[^\n]*\n)/m, '$100000099,UNKNOWN\n'),
      ];
      const good = formatLseRecord(spec('2025-03-09', new Array<number>(92).fill(0.25), { esiid: '10443720000000009' }));
      const { records, outcome } = read(bad.join('') + good);
      expect(outcome.fileCode, outcome.fileReason ?? '').to.equal(null);
      expect(records.map((r) => r.code)).to.deep.equal(['02', '03', '01', '02', '00']);
      const last = records[4];
      expect(last.esiid).to.equal('10443720000000009');
      expect(last.intervalCount).to.equal(92);
      expect(last.reason).to.equal(null);
      expect(kwh(last)).to.deep.equal(new Array<number>(92).fill(0.25));
      expect(intervalQuality(last.values, last.intervalCount)).to.equal('A'.repeat(92));
    });

    it('hands a record out of push() once the next record starts', () => {
      const reader = new LseReader(NOW);
      expect(reader.push(Buffer.from(normalRecord()))).to.deep.equal([]);
      const first = reader.push(Buffer.from(normalRecord({ esiid: '10443720000000002' })));
      expect(first.map((r) => r.esiid)).to.deep.equal([ESIID]);
      const end = reader.end();
      expect(end.records.map((r) => r.esiid)).to.deep.equal(['10443720000000002']);
      expect(end.outcome).to.deep.equal({ totalRecords: 2, fileCode: null, fileReason: null });
    });
  });
});
