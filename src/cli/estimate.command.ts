import { cptToday } from '../core/cpt';
import { EstimationService } from '../estimation/estimation.service';
import { csvChunk, csvHeader } from '../usage/report-csv';
import { readDateOption } from './cli-inputs';
import { requiredOption, type Command } from './command';
import { readParticipantOption } from './participant-option';

const COLUMNS = ['ESIID', 'OPERATING_DAY', 'METHOD', 'SOURCE_DAY', 'KWH', 'MADE', 'LOAD_PROFILE_CLASS'];

export const estimateCommand: Command = {
  name: ['estimate'],
  summary: "Platform estimates for the days a TDSP's Missing Consumption Report lists: a proxy day of each ESI ID's own actual history, else its load profile class's default profile (kept apart from TDSP data, never delivered as it)",
  usage: 'estimate --tdsp NAME|DUNS [--day DATE] [--json]',
  options: {
    tdsp: { type: 'string' },
    day: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
  allowPositionals: false,
  async run({ values }, app, term) {
    const tdsp = await readParticipantOption(app, requiredOption(values, 'tdsp', this), '--tdsp', 'TDSP');
    const reportDay = typeof values.day === 'string' ? readDateOption(values.day, '--day') : cptToday();
    const service = new EstimationService(await app.db());
    for (const duns of tdsp.duns) {
      const outcomes = await service.estimateMissing(duns, reportDay);
      if (values.json) for (const o of outcomes) term.out(JSON.stringify({ tdspDuns: duns, ...o }) + '\n');
      else {
        term.out(csvHeader(COLUMNS) + csvChunk(outcomes.map((o) => [`'${o.esiid}`, o.operatingDay, o.method ?? 'NONE', o.sourceDay ?? '',
          o.totalWh === null ? '' : String(o.totalWh / 1000), o.method === null ? '' : o.existing ? 'earlier' : 'now', o.loadProfileClass ?? ''])));
      }
      const made = outcomes.filter((o) => o.method !== null && !o.existing).length;
      const none = outcomes.filter((o) => o.method === null).length;
      term.err(`${duns}: ${outcomes.length} missing ESI ID-day${outcomes.length === 1 ? '' : 's'}; ${made} estimated now, ${outcomes.length - made - none} earlier, ${none} without 12 months of own actual history or a load profile class\n`);
    }
    return 0;
  },
};
