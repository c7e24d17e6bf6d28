import { expect } from 'chai';
import { loadConfig } from '../../../src/config/config';
import { SmtError } from '../../../src/core/errors';

function refusal(env: Record<string, string>): SmtError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).to.be.instanceOf(SmtError);
    return error as SmtError;
  }
  throw new Error(`${JSON.stringify(env)} was accepted`);
}

describe('config: the data-quality schedule and the load statistics metrics', () => {
  it('defaults: reports and extracts from 07:00 CPT, load statistics of 2 days read every 5 minutes', () => {
    const { missingConsumptionTime, extractTime, loadStatsRefreshMs, loadStatsDays } = loadConfig({}).ops;
    expect({ missingConsumptionTime, extractTime, loadStatsRefreshMs, loadStatsDays }).to.deep.equal({
      missingConsumptionTime: '07:00', extractTime: '07:00', loadStatsRefreshMs: 300_000, loadStatsDays: 2,
    });
    const set = loadConfig({ SMT_MISSING_CONSUMPTION_TIME: '05:30', SMT_EXTRACT_TIME: '23:59', SMT_LOAD_STATS_REFRESH_S: '60', SMT_LOAD_STATS_DAYS: '7' }).ops;
    expect([set.missingConsumptionTime, set.extractTime, set.loadStatsRefreshMs, set.loadStatsDays]).to.deep.equal(['05:30', '23:59', 60_000, 7]);
  });

  it('refuses a time that is not HH:MM on the 24-hour clock, naming the setting', () => {
    for (const [name, value] of [['SMT_MISSING_CONSUMPTION_TIME', '7:00'], ['SMT_MISSING_CONSUMPTION_TIME', '24:00'], ['SMT_EXTRACT_TIME', '07:60'], ['SMT_EXTRACT_TIME', '7am']]) {
      const error = refusal({ [name!]: value! });
      expect(error.code).to.equal('CONFIG_INVALID');
      expect(error.message).to.contain(name).and.contain(`"${value}"`).and.contain('expected HH:MM (24-hour, Central Prevailing Time)');
    }
  });

  it('bounds the refresh interval (no read per scrape in disguise) and the days exported (few series)', () => {
    expect(refusal({ SMT_LOAD_STATS_REFRESH_S: '1' }).message).to.contain('SMT_LOAD_STATS_REFRESH_S').and.contain('expected 5 to 86400');
    expect(refusal({ SMT_LOAD_STATS_DAYS: '30' }).message).to.contain('SMT_LOAD_STATS_DAYS').and.contain('expected 1 to 7');
    expect(refusal({ SMT_LOAD_STATS_DAYS: '0' }).message).to.contain('expected 1 to 7');
  });
});
