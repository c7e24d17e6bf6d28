import { cptToday } from '../core/cpt';
import type { DailyJob } from '../usage/posting.scheduler';
import type { AvailabilityStore } from './availability.store';
import { missingConsumption, writeMissingConsumption } from './missing-consumption.report';

/**
 * The scheduler's daily Missing Consumption Report: for each TDSP DUNS (a unit of its own, so one
 * DUNS that fails is retried without holding up the others), the report for the day, written to
 * <ftps>/<DUNS>/reports/ as `smt missing-consumption --write` does.
 */
export function missingConsumptionJob(store: AvailabilityStore, tdspDuns: () => Promise<string[]>, ftpsRoot: string, at: string): DailyJob {
  return {
    name: 'missing-consumption',
    at,
    units: tdspDuns,
    async run(now, duns) {
      if (duns === undefined) throw new Error('missing-consumption runs per TDSP DUNS');
      const report = await missingConsumption(store, duns, cptToday(now));
      const file = await writeMissingConsumption(ftpsRoot, report);
      return { tdspDuns: duns, firstDay: report.firstDay, lastDay: report.lastDay, esiidDays: report.rows.length, file };
    },
  };
}
