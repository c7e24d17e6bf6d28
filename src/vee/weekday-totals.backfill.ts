import { addDays, daysFromTo, intervalsInDay } from '../core/cpt';
import { SmtError } from '../core/errors';
import { dayStats } from './vee-day';
import { bucketsOf } from './weekday-buckets';
import { weekdayOf, type WeekdayTotalsStore } from './weekday-totals';
import type { VeeStore } from './vee.store';

/** ESI IDs read and kept per step: a TDSP's day is done in pages, never held whole. */
const PAGE = 5_000;
/** The longest range one command backfills (about 13 months, the history REPs are served). */
export const MAX_BACKFILL_DAYS = 400;

/**
 * Takes the daily totals the High/Low Usage rule compares with (vee_weekday_total) from the intervals
 * stored for days that have none: days loaded with SMT_VEE_MODE=off or before the totals were kept.
 * Each ESI ID's newest consumption version counts, as a check at load would have kept it.
 */
export async function backfillDayTotals(store: VeeStore, totals: WeekdayTotalsStore, from: string, to: string, progress: (day: string, esiids: number) => void): Promise<number> {
  if (to < from) throw new SmtError('INPUT_INVALID', `--to ${to} is before --from ${from}`);
  const days = daysFromTo(from, to);
  if (days > MAX_BACKFILL_DAYS) throw new SmtError('INPUT_INVALID', `daily totals are taken for at most ${MAX_BACKFILL_DAYS} days at a time; ${from} to ${to} is ${days}`);
  let kept = 0;
  for (let day = from; day <= to; day = addDays(day, 1)) {
    let dayCount = 0;
    for (let after = ''; ;) {
      const page = await store.newestConsumptionPage(day, after, PAGE);
      if (page.length === 0) break;
      const whole = intervalsInDay(day);
      const rows = await totals.open(weekdayOf(day), bucketsOf(page.map((r) => r.esiid)));
      for (const r of page) {
        const stats = dayStats(r.values, r.intervalCount);
        rows.keep(r.esiid, day, stats.blanks === 0 && r.intervalCount === whole ? stats.totalWh : null);
      }
      await rows.save();
      dayCount += page.length;
      after = page[page.length - 1]!.esiid;
    }
    kept += dayCount;
    progress(day, dayCount);
  }
  return kept;
}
