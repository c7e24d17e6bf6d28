import { stringify } from 'csv-stringify/sync';
import { dayKind, reportSlots } from '../core/cpt';
import { SmtError } from '../core/errors';
import { intervalKwh, intervalQuality } from '../ingest/lse-record';
import { IntervalRepository, type StoredIntervalDay } from '../usage/interval.repository';
import { readDateOption, readRegisteredEsiid } from './cli-inputs';
import { requiredOption, type Command } from './command';

export const usageCommand: Command = {
  name: ['usage'],
  summary: 'Print the stored intervals of one ESI ID as CSV (an operator\'s check of a load)',
  usage: 'usage ESIID --from DATE --to DATE [--channel 4|1] [--all-versions]',
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    channel: { type: 'string' },
    'all-versions': { type: 'boolean', default: false },
  },
  allowPositionals: true,
  async run({ values, positionals }, app, term) {
    if (positionals.length !== 1) throw new SmtError('INPUT_INVALID', `Name exactly one ESI ID.\nUsage: smt ${this.usage}`);
    const from = readDateOption(requiredOption(values, 'from', this), '--from');
    const to = readDateOption(requiredOption(values, 'to', this), '--to');
    if (to < from) throw new SmtError('INPUT_INVALID', `--to ${to} is before --from ${from}`);
    const channel = values.channel === undefined ? null : Number(values.channel);
    if (channel !== null && channel !== 1 && channel !== 4) {
      throw new SmtError('INPUT_INVALID', `--channel "${values.channel}" must be 4 (consumption) or 1 (generation)`);
    }
    await readRegisteredEsiid(app, positionals[0]!, 'ESI ID');
    const days = await new IntervalRepository(await app.db()).forEsiid(positionals[0], from, to, channel, values['all-versions'] === true);
    if (days.length === 0) {
      term.err(`No stored intervals for ESI ID ${positionals[0]} from ${from} to ${to}.\n`);
      return 1;
    }
    term.out(stringify([['OPERATING_DAY', 'CHANNEL', 'INTERVAL', 'INTERVAL_END', 'KWH', 'STATUS', 'VERSION']]));
    for (const day of days) term.out(stringify(rows(day)));
    return 0;
  },
};

/** Interval end times in local prevailing time; the repeated fall-back hour is marked `*` as ERCOT does. */
function endLabels(day: string): string[] {
  const slots = reportSlots(day).filter((s) => s.index !== null);
  const seen = new Set<string>();
  return slots.map((s) => {
    const label = dayKind(day) === 'fall-back' && seen.has(s.end) ? `${s.end}*` : s.end;
    seen.add(s.end);
    return label;
  });
}

function rows(day: StoredIntervalDay): string[][] {
  const labels = endLabels(day.operatingDay);
  const quality = intervalQuality(day.values, day.intervalCount);
  return intervalKwh(day.values, day.intervalCount).map((kwh, i) => [
    day.operatingDay, String(day.channel), String(i + 1), labels[i] ?? '', kwh === null ? '' : kwh.toFixed(3),
    quality[i].trim(), String(day.version),
  ]);
}
