import { expect } from 'chai';
import { SmtError } from '../../../src/core/errors';
import { checkQueued, checkRowWindow, estimateRows } from '../../../src/usage/report-quota';

function refusal(work: () => void): SmtError {
  try {
    work();
  } catch (error) {
    expect(error).to.be.instanceOf(SmtError);
    return error as SmtError;
  }
  throw new Error('not refused');
}

describe('report quota: estimates and limits', () => {
  it('estimates rows per report type', () => {
    const base = { startDate: '2025-07-01', endDate: '2025-07-10', esiidCount: 3 };
    expect(estimateRows({ ...base, reportType: 'INTERVAL', readingType: 'C' })).to.equal(3 * 10 * 96);
    expect(estimateRows({ ...base, reportType: 'INTERVAL', readingType: 'A' })).to.equal(3 * 10 * 192);
    expect(estimateRows({ ...base, reportType: 'DAILY', readingType: 'C' })).to.equal(30);
    expect(estimateRows({ ...base, reportType: 'MONTHLY', readingType: 'C', startDate: '2024-11-15', endDate: '2025-02-03' })).to.equal(3 * 5);
    expect(estimateRows({ ...base, reportType: 'INTERVAL', readingType: 'C', startDate: '2025-03-01', endDate: '2025-03-31' }), 'a DST month').to.equal(3 * 31 * 96);
  });

  it('refuses a full queue, naming the limit and the oldest waiting request', () => {
    checkQueued(2, 3, null);
    const e = refusal(() => checkQueued(3, 3, { correlationId: 'c-1', createdAt: '2026-12-04T10:00:00.000Z' }));
    expect(e.code).to.equal('REPORT_QUEUE_FULL');
    expect(e.message).to.contain('at most 3').and.contain('c-1');
  });

  it('says from when a request fits in the rolling window', () => {
    const now = new Date('2026-12-04T12:00:00.000Z');
    const recent = [{ createdAt: '2026-12-04T08:00:00.000Z', rows: 400 }, { createdAt: '2026-12-03T20:00:00.000Z', rows: 300 }, { createdAt: '2026-12-04T11:00:00.000Z', rows: 200 }];
    checkRowWindow(recent, 100, 1000, now);
    const e = refusal(() => checkRowWindow(recent, 500, 1000, now));
    expect(e.code).to.equal('REPORT_ROW_LIMIT');
    // 900 used + 500 > 1000: the 300 of 20:00 and the 400 of 08:00 must leave the window.
    expect(e.message).to.contain('900 rows in the last 24 hours').and.contain('adds 500').and.contain('fits from 2026-12-05T08:00:00.000Z');
    expect(refusal(() => checkRowWindow([], 1001, 1000, now)).message).to.contain('estimated at 1001 rows').and.contain('split');
  });
});
