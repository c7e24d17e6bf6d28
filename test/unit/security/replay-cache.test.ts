import { expect } from 'chai';
import { ReplayCache } from '../../../src/security/replay-cache';

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1) + seconds * 1000);

describe('security/replay-cache', () => {
  it('refuses a digest seen before it expires, and forgets it afterwards', () => {
    const cache = new ReplayCache();
    expect(cache.seenNow('a', at(600), at(0))).to.equal(false);
    expect(cache.seenNow('a', at(600), at(1))).to.equal(true);
    expect(cache.seenNow('a', at(600), at(600))).to.equal(true);
    expect(cache.seenNow('b', at(600), at(2))).to.equal(false);
    expect(cache.seenNow('a', at(1200), at(601))).to.equal(false);
    expect(cache.seenNow('a', at(1200), at(602))).to.equal(true);
  });

  it('does not record a message that has already expired', () => {
    const cache = new ReplayCache();
    expect(cache.seenNow('a', at(10), at(20))).to.equal(false);
    expect(cache.size).to.equal(0);
  });

  it('evicts expired records, so memory follows the traffic of one window', () => {
    const cache = new ReplayCache();
    for (let second = 0; second < 3600; second++) {
      for (let i = 0; i < 10; i++) cache.seenNow(`${second}-${i}`, at(second + 600), at(second));
    }
    expect(cache.size).to.be.at.most(10 * 601);
    expect(cache.droppedUnexpired).to.equal(0);
  });

  it('sweeps expired records that sit behind a long-lived one', () => {
    const cache = new ReplayCache(50);
    cache.seenNow('long', at(100_000), at(0));
    for (let i = 0; i < 200; i++) cache.seenNow(`short-${i}`, at(i + 1), at(i));
    expect(cache.size).to.be.at.most(50);
    expect(cache.droppedUnexpired).to.equal(0);
    expect(cache.seenNow('long', at(100_000), at(300))).to.equal(true);
  });

  it('caps its size, dropping the oldest records and counting them', () => {
    const cache = new ReplayCache(3);
    for (const digest of ['a', 'b', 'c', 'd', 'e']) expect(cache.seenNow(digest, at(600), at(0))).to.equal(false);
    expect(cache.size).to.equal(3);
    expect(cache.droppedUnexpired).to.equal(2);
    expect(cache.seenNow('e', at(600), at(1))).to.equal(true);
    expect(() => new ReplayCache(0)).to.throw(RangeError);
  });
});
