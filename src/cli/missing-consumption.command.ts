import { cptToday } from '../core/cpt';
import { AvailabilityStore } from '../availability/availability.store';
import { formatMissingConsumption, missingConsumption, writeMissingConsumption, MISSING_CONSUMPTION_DAYS } from '../availability/missing-consumption.report';
import { readDateOption } from './cli-inputs';
import { requiredOption, type Command } from './command';
import { readParticipantOption } from './participant-option';

export const missingConsumptionCommand: Command = {
  name: ['missing-consumption'],
  summary: `A TDSP's Missing Consumption Report: ESI IDs with a REP of record and no usage loaded, for each of the last ${MISSING_CONSUMPTION_DAYS} operating days`,
  usage: 'missing-consumption --tdsp NAME|DUNS [--day DATE] [--write]',
  options: {
    tdsp: { type: 'string' },
    day: { type: 'string' },
    write: { type: 'boolean', default: false },
  },
  allowPositionals: false,
  async run({ values }, app, term) {
    const tdsp = await readParticipantOption(app, requiredOption(values, 'tdsp', this), '--tdsp', 'TDSP');
    const reportDay = typeof values.day === 'string' ? readDateOption(values.day, '--day') : cptToday();
    const store = new AvailabilityStore(await app.db());
    // A TDSP answers for each of its DUNS in that DUNS's own folder, as with activity reports.
    for (const duns of tdsp.duns) {
      const report = await missingConsumption(store, duns, reportDay);
      const summary = `${duns}: ${report.rows.length} ESI ID-day${report.rows.length === 1 ? '' : 's'} without usage, ${report.firstDay} to ${report.lastDay}`;
      if (values.write) {
        term.err(`${summary}; written to ${await writeMissingConsumption(app.ftpsRoot, report)}\n`);
      } else {
        term.out(formatMissingConsumption(report));
        term.err(`${summary}\n`);
      }
    }
    return 0;
  },
};
