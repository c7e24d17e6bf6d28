import { expect } from 'chai';
import { IntervalKeyMap } from '../../../src/ingest/interval-key.map';

describe('IntervalKeyMap', () => {
  const key = (operatingDay: string, channel: number, esiid: string) => ({ operatingDay, channel, esiid });

  it('keeps keys apart that differ only in day, channel or ESI ID, whatever order they come in', () => {
    const map = new IntervalKeyMap<number>();
    expect(map.get(key('2026-03-08', 4, '1001'))).to.equal(undefined);
    map.set(key('2026-03-08', 4, '1001'), 1);
    map.set(key('2026-03-08', 1, '1001'), 2);
    map.set(key('2026-03-09', 4, '1001'), 3);
    map.set(key('2026-03-08', 4, '1002'), 4);
    expect(map.get(key('2026-03-08', 4, '1001'))).to.equal(1);
    expect(map.get(key('2026-03-08', 1, '1001'))).to.equal(2);
    expect(map.get(key('2026-03-09', 4, '1001'))).to.equal(3);
    expect(map.get(key('2026-03-08', 4, '1002'))).to.equal(4);
    expect(map.get(key('2026-03-09', 1, '1001'))).to.equal(undefined);
    expect(map.get(key('2026-03-09', 4, '1002'))).to.equal(undefined);
  });

  it('replaces a value set again, and a day asked for before it was set does not hide it later', () => {
    const map = new IntervalKeyMap<number>();
    expect(map.get(key('2026-11-01', 4, '1001'))).to.equal(undefined);
    map.set(key('2026-11-01', 4, '1001'), 1);
    map.set(key('2026-11-01', 4, '1001'), 5);
    expect(map.get(key('2026-11-01', 4, '1001'))).to.equal(5);
  });
});
