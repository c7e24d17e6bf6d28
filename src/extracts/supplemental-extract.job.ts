import { cptToday } from '../core/cpt';
import type { DailyJob } from '../usage/posting.scheduler';
import type { SupplementalExtractService } from './supplemental-extract.service';

/**
 * The scheduler's daily Supplemental AMS Interval Data Extract for every subscription. One pass
 * over the day's loads serves every subscriber; a subscriber that fails does not stop the others
 * and makes the run fail, so it is retried at the next check for the subscribers still due (those
 * delivered are recorded as such and never get the day twice).
 */
export function supplementalExtractJob(extracts: SupplementalExtractService, at: string): DailyJob {
  return {
    name: 'supplemental-extract',
    at,
    async run(now) {
      const day = cptToday(now);
      const { delivered, failed } = await extracts.run(day);
      if (failed.length > 0) {
        throw new Error(`the extract of ${day} failed for ${failed.map((f) => `${f.duns} (${f.error})`).join('; ')}${delivered.length ? `; delivered to ${delivered.map((d) => d.duns).join(', ')}` : ''}`);
      }
      return { extractDay: day, subscribers: delivered.length, records: delivered.reduce((n, d) => n + d.records, 0) };
    },
  };
}
