import { expect } from 'chai';
import type { LseRecord } from '../../../src/ingest/lse-record';
import { decodeRecordBatch, encodeRecordBatch, loadableDayChannels, recordBatchBuffers } from '../../../src/ingest/lse-record.batch';

function packed(values: number[]): Uint8Array {
  return new Uint8Array(Int32Array.from(values).buffer);
}

const loaded: LseRecord = {
  line: 1, esiid: '10443720000000001', channel: 4, operatingDay: '2026-03-08', version: 20260309120000, origin: 'A', transactionId: 'T1',
  startReading: '12345.678', stopReading: '12399.001', senderDuns: '100000001', repDuns: '200000001', intervalCount: 3,
  values: packed([125, 0x40000000 | 250, -2147483648]), code: '00', reason: null,
};
// A record rejected while parsing: most fields never read, a reason, no values.
const broken: LseRecord = {
  line: 31, esiid: null, channel: null, operatingDay: null, version: null, origin: null, transactionId: null, startReading: null,
  stopReading: null, senderDuns: '100000001', repDuns: null, intervalCount: 0, values: new Uint8Array(0), code: '06', reason: 'line 31: ESI ID "x y" is not 1 to 64 letters or digits',
};
const generation: LseRecord = { ...loaded, line: 61, esiid: '10443720000000002', channel: 1, intervalCount: 2, values: packed([1, 2]), repDuns: null };

describe('ingest/lse-record.batch', () => {
  it('gives back exactly the records it was given, nulls, reasons and values included', () => {
    const records = [loaded, broken, generation];
    const decoded = decodeRecordBatch(encodeRecordBatch(records));
    expect(decoded).to.have.length(3);
    decoded.forEach((record, i) => {
      const { values, ...rest } = record;
      const { values: expectedValues, ...expectedRest } = records[i];
      expect(rest).to.deep.equal(expectedRest);
      expect(Buffer.from(values).equals(Buffer.from(expectedValues))).to.equal(true);
    });
  });

  it('keeps the repeated days and DUNS of a batch once, as the same strings', () => {
    const batch = encodeRecordBatch([loaded, broken, generation]);
    expect(batch.words.filter((w) => w === '100000001')).to.have.length(1);
    expect(batch.words.filter((w) => w === '2026-03-08')).to.have.length(1);
  });

  it('hands over every typed column, so posting the batch copies no values', () => {
    const batch = encodeRecordBatch([loaded, generation]);
    const buffers = recordBatchBuffers(batch);
    expect(buffers).to.include(batch.values.buffer);
    expect(new Set(buffers).size).to.equal(buffers.length);
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(batch, buffers);
    expect(batch.values.byteLength).to.equal(0);
    port1.close();
    port2.close();
  });

  it('lists the distinct days and channels of the clean records of several batches, not those of records rejected while parsing', () => {
    const nextDay = { ...loaded, line: 91, operatingDay: '2026-03-09' };
    const rejectedDay = { ...loaded, line: 121, operatingDay: '2026-03-10', code: '03' as const, reason: 'line 121: bad' };
    const batches = [encodeRecordBatch([loaded, broken, generation, { ...loaded, line: 2 }]), encodeRecordBatch([nextDay, rejectedDay, generation])];
    expect(loadableDayChannels(batches)).to.deep.equal([{ day: '2026-03-08', channel: 4 }, { day: '2026-03-08', channel: 1 }, { day: '2026-03-09', channel: 4 }]);
    expect(loadableDayChannels([encodeRecordBatch([broken])])).to.deep.equal([]);
  });

  it('encodes an empty batch', () => {
    expect(decodeRecordBatch(encodeRecordBatch([]))).to.deep.equal([]);
  });
});
