import { daysFromTo } from '../core/cpt';
import { backfillDayTotals, MAX_BACKFILL_DAYS } from '../vee/weekday-totals.backfill';
import { VeeStore } from '../vee/vee.store';
import { readDateOption } from './cli-inputs';
import { requiredOption, type Command } from './command';

export const veeTotalsCommand: Command = {
  name: ['vee', 'totals'],
  summary: "Take the daily totals VEE's High/Low Usage rule compares with from stored intervals, for days loaded with SMT_VEE_MODE=off or before they were kept",
  usage: `vee totals --from DATE --to DATE   (at most ${MAX_BACKFILL_DAYS} days)`,
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
  },
  allowPositionals: false,
  async run({ values }, app, term) {
    const from = readDateOption(requiredOption(values, 'from', this), '--from');
    const to = readDateOption(requiredOption(values, 'to', this), '--to');
    const kept = await backfillDayTotals(new VeeStore(await app.db()), await app.weekdayTotals(), from, to, (day, esiids) => term.err(`${day}: ${esiids} ESI ID total${esiids === 1 ? '' : 's'} kept\n`));
    const days = daysFromTo(from, to);
    term.err(`${kept} daily total${kept === 1 ? '' : 's'} kept for ${days} day${days === 1 ? '' : 's'}\n`);
    return 0;
  },
};
