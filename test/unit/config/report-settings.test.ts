import { expect } from 'chai';
import { loadConfig } from '../../../src/config/config';

describe('config: report fair-use settings', () => {
  it('has sensible defaults', () => {
    expect(loadConfig({}).reports).to.include({ maxQueuedPerParticipant: 20, maxRowsPerParticipant24h: 100_000_000, minFreeBytes: 1024 * 1024 * 1024 });
  });

  it('reads the settings and refuses values out of range, naming the variable', () => {
    const config = loadConfig({ SMT_REPORT_MAX_QUEUED_PER_PARTICIPANT: '5', SMT_REPORT_MAX_ROWS_PER_PARTICIPANT_24H: '1000', SMT_REPORT_MIN_FREE_MB: '0' });
    expect(config.reports).to.include({ maxQueuedPerParticipant: 5, maxRowsPerParticipant24h: 1000, minFreeBytes: 0 });
    expect(() => loadConfig({ SMT_REPORT_MAX_QUEUED_PER_PARTICIPANT: '0' })).to.throw(/SMT_REPORT_MAX_QUEUED_PER_PARTICIPANT is 0; expected 1 to 100000/);
    expect(() => loadConfig({ SMT_REPORT_MAX_ROWS_PER_PARTICIPANT_24H: 'many' })).to.throw(/SMT_REPORT_MAX_ROWS_PER_PARTICIPANT_24H .*whole number/);
    expect(() => loadConfig({ SMT_REPORT_MIN_FREE_MB: '-1' })).to.throw(/SMT_REPORT_MIN_FREE_MB/);
  });
});
