import { expect } from 'chai';
import { checkReportRequest, MAX_REQUEST_ESIIDS } from '../../../src/usage/report-request.rules';
import { estimateRows } from '../../../src/usage/report-quota';
import { expectSmtError } from '../../support/run-tool';

const TODAY = '2026-11-03';
const ask = (extra: Record<string, unknown> = {}) => ({
  requesterDuns: '200000001', reportType: 'INTERVAL', startDate: '2026-10-31', endDate: '2026-11-02', esiids: ['10443720000000011'], ...extra,
});

describe('usage/report-request.rules: the platform estimates option', () => {
  it('is off unless asked, and kept when asked for INTERVAL and DAILY consumption (readingType C or A)', () => {
    expect(checkReportRequest(ask(), TODAY).platformEstimates).to.equal(false);
    expect(checkReportRequest(ask({ platformEstimates: true }), TODAY).platformEstimates).to.equal(true);
    expect(checkReportRequest(ask({ platformEstimates: true, readingType: 'A' }), TODAY).platformEstimates).to.equal(true);
    expect(checkReportRequest(ask({ platformEstimates: true, reportType: 'daily' }), TODAY).platformEstimates).to.equal(true);
  });

  it('is refused, saying why, where no estimate can apply: MONTHLY, or generation only', async () => {
    expect((await expectSmtError((async () => checkReportRequest(ask({ platformEstimates: true, reportType: 'MONTHLY' }), TODAY))(), 'REPORT_OPTION_INVALID')).message).to.match(/consumption days only.*not MONTHLY/);
    expect((await expectSmtError((async () => checkReportRequest(ask({ platformEstimates: true, readingType: 'G' }), TODAY))(), 'REPORT_OPTION_INVALID')).message).to.match(/not readingType G/);
  });

  it('changes none of the bounds: 50,000 ESI IDs at most, the same history and dates, the same row estimate', async () => {
    const many = Array.from({ length: MAX_REQUEST_ESIIDS + 1 }, (_, i) => `1044372${String(i).padStart(10, '0')}`);
    expect((await expectSmtError((async () => checkReportRequest(ask({ platformEstimates: true, esiids: many }), TODAY))(), 'REPORT_TOO_MANY_ESIIDS')).message).to.match(/50001 ESI IDs asked/);
    expect((await expectSmtError((async () => checkReportRequest(ask({ platformEstimates: true, endDate: '2026-11-04' }), TODAY))(), 'REPORT_END_IN_FUTURE')).message).to.match(/in the future/);
    const spec = checkReportRequest(ask({ platformEstimates: true }), TODAY);
    const rows = (s: typeof spec) => estimateRows({ ...s, esiidCount: s.esiids.length });
    expect(rows(spec)).to.equal(3 * 96);
    expect(rows(spec)).to.equal(rows(checkReportRequest(ask(), TODAY)));
  });
});
