import { expect } from 'chai';
import { BinaryCopyWriter, BufferShelf } from '../../../src/db/postgres/binary-copy';
import { addMonths, createPartitionSql, monthOf, monthsBetween, partitionMonth, partitionName } from '../../../src/db/postgres/interval-partitions';

describe('interval_day month partitions (names and bounds)', () => {
  it('steps months across year ends both ways', () => {
    expect(addMonths('2025-11', 3)).to.equal('2026-02');
    expect(addMonths('2025-01', -1)).to.equal('2024-12');
    expect(addMonths('2028-02', -48)).to.equal('2024-02');
    expect(monthsBetween('2025-11', '2026-02')).to.deep.equal(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthOf('2026-03-08')).to.equal('2026-03');
  });

  it('names a partition and reads the name back; other tables are not ours', () => {
    expect(partitionName('2025-07')).to.equal('interval_day_p2025_07');
    expect(partitionMonth('interval_day_p2025_07')).to.equal('2025-07');
    expect(partitionMonth('interval_day_unpartitioned')).to.equal(null);
    expect(partitionMonth('interval_day_p2025_07; DROP TABLE x')).to.equal(null);
  });

  it('bounds a partition by the first days of its month and the next', () => {
    expect(createPartitionSql('2025-12').replace(/\s+/g, ' ')).to.equal(
      "CREATE TABLE IF NOT EXISTS interval_day_p2025_12 PARTITION OF interval_day FOR VALUES FROM ('2025-12-01') TO ('2026-01-01')");
  });

  it('refuses anything but YYYY-MM where a month becomes part of an identifier', () => {
    expect(() => createPartitionSql("2025-07') TO ('2099-01-01'); DROP TABLE esiid; --")).to.throw('not a YYYY-MM month');
    expect(() => addMonths('2025-7', 1)).to.throw('not a YYYY-MM month');
    expect(() => addMonths('2025-13', 1)).to.throw('not a YYYY-MM month');
  });
});

describe('BinaryCopyWriter', () => {
  it('writes the PGCOPY signature, tuples with field lengths, NULL as -1, big-endian integers, and the trailer', () => {
    const w = new BinaryCopyWriter(16); // small on purpose: the buffer grows
    w.row(5).text('ñé').int4(-2).int8(20250702060000).bytes(Uint8Array.from([1, 2, 3])).nothing();
    const out = w.finish();
    expect(out.subarray(0, 11).toString('latin1')).to.equal('PGCOPY\n\xff\r\n\0');
    let at = 19; // signature, flags, header extension length
    expect(out.readInt16BE(at)).to.equal(5);
    expect(out.readInt32BE((at += 2))).to.equal(4); // 'ñé' is 4 bytes of UTF-8
    expect(out.subarray(at + 4, at + 8).toString('utf8')).to.equal('ñé');
    expect(out.readInt32BE((at += 8))).to.equal(4);
    expect(out.readInt32BE(at + 4)).to.equal(-2);
    expect(out.readInt32BE((at += 8))).to.equal(8);
    expect(out.readBigInt64BE(at + 4)).to.equal(20250702060000n);
    expect(out.readInt32BE((at += 12))).to.equal(3);
    expect([...out.subarray(at + 4, at + 7)]).to.deep.equal([1, 2, 3]);
    expect(out.readInt32BE((at += 7))).to.equal(-1);
    expect(out.readInt16BE((at += 4))).to.equal(-1);
    expect(out.length).to.equal(at + 2);
  });

  it('writes the same payload into a reused buffer holding an earlier payload as into a new one, and grows out of a small one', () => {
    const write = (w: BinaryCopyWriter) => w.row(3).text('10443720000000001').int8(20250306060000).bytes(new Uint8Array(384).fill(7)).finish();
    const fresh = Buffer.from(write(new BinaryCopyWriter(1 << 12)));
    const used = Buffer.alloc(1 << 12, 0xee);
    expect(Buffer.compare(write(new BinaryCopyWriter(used)), fresh)).to.equal(0);
    const small = new BinaryCopyWriter(Buffer.alloc(100, 0xee));
    expect(Buffer.compare(write(small), fresh)).to.equal(0);
    expect(small.storage.length).to.be.at.least(fresh.length);
  });
});

describe('BufferShelf', () => {
  it('hands back a kept buffer only when it is large enough, and keeps no more than it was told', () => {
    const shelf = new BufferShelf(2);
    const a = shelf.take(1000);
    expect(a.length).to.equal(1000);
    shelf.put(a);
    expect(shelf.take(2000)).to.not.equal(a); // too small: a new one
    expect(shelf.take(500)).to.equal(a);
    expect(shelf.take(500)).to.not.equal(a); // taken: not handed out twice
    const kept = [Buffer.alloc(10), Buffer.alloc(10), Buffer.alloc(10)];
    for (const b of kept) shelf.put(b);
    const got = [shelf.take(10), shelf.take(10), shelf.take(10)];
    expect(got[0]).to.equal(kept[0]);
    expect(got[1]).to.equal(kept[1]);
    expect(got[2]).to.not.equal(kept[2]); // the third was not kept
    expect(got[2].length).to.equal(10);
  });
});
