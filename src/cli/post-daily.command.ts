import { readDateOption, readRegisteredDuns } from './cli-inputs';
import { requiredOption, type Command } from './command';

export const postDailyCommand: Command = {
  name: ['post-daily'],
  summary: "Queue a day's interval and daily-read files for every REP DUNS (or one), even if posted before",
  usage: 'post-daily --date MM/DD/YYYY|YYYY-MM-DD [--duns REP_DUNS]',
  options: { date: { type: 'string' }, duns: { type: 'string' } },
  allowPositionals: false,
  async run({ values }, app, term) {
    const day = readDateOption(requiredOption(values, 'date', this), '--date');
    const duns = typeof values.duns === 'string' ? (await readRegisteredDuns(app, values.duns, '--duns', 'REP'), values.duns.trim()) : undefined;
    const results = await (await app.dailyPostings()).post(day, { duns, force: true });
    if (results.length === 0) term.out('No REP DUNS registered: nothing to post.\n');
    for (const r of results) {
      term.out(`${r.duns}: ${r.status}${r.esiids ? ` (${r.esiids} ESI IDs; requests ${r.correlationIds.join(', ')})` : ''}${r.error ? `: ${r.error}` : ''}\n`);
    }
    term.out('The report worker of `smt serve` produces the files (or run `smt reports run`).\n');
    return results.some((r) => r.status === 'failed') ? 1 : 0;
  },
};
