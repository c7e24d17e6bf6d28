import { AvailabilityStore } from '../availability/availability.store';
import { dataGaps, formatDataGaps, MAX_GAP_DAYS } from '../availability/data-gaps.report';
import { readDateOption } from './cli-inputs';
import { requiredOption, type Command } from './command';
import { readParticipantOption } from './participant-option';

export const dataGapsCommand: Command = {
  name: ['data-gaps'],
  summary: "A REP's data gaps: its ESI IDs' days without usage loaded, and why when known (never received, or rejected with which code)",
  usage: `data-gaps --rep NAME|DUNS --from DATE --to DATE [--json]   (at most ${MAX_GAP_DAYS} days)`,
  options: {
    rep: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
  allowPositionals: false,
  async run({ values }, app, term) {
    const rep = await readParticipantOption(app, requiredOption(values, 'rep', this), '--rep', 'REP');
    const from = readDateOption(requiredOption(values, 'from', this), '--from');
    const to = readDateOption(requiredOption(values, 'to', this), '--to');
    const gaps = await dataGaps(new AvailabilityStore(await app.db()), rep.duns, from, to);
    if (values.json) for (const g of gaps) term.out(JSON.stringify(g) + '\n');
    else term.out(formatDataGaps(gaps));
    const rejected = gaps.filter((g) => g.why === 'rejected').length;
    term.err(`${gaps.length} missing ESI ID-day${gaps.length === 1 ? '' : 's'} for ${rep.name}, ${from} to ${to}: ${rejected} rejected, ${gaps.length - rejected} never received\n`);
    return 0;
  },
};
