import { SmtError } from '../core/errors';
import type { DispatchState } from '../db/entities/tdsp-dispatch.entity';
import type { Command } from './command';

const STATES: DispatchState[] = ['PENDING', 'SENDING', 'DONE', 'REFUSED', 'DEAD'];

export const dispatchesCommand: Command = {
  name: ['dispatches'],
  summary: 'List the TDSP dispatch outbox: what waits, what the TDSPs refused, and the dead letters with their last error',
  usage: 'dispatches [--state PENDING|SENDING|DONE|REFUSED|DEAD ...] [--limit N] [--json]',
  options: { state: { type: 'string', multiple: true }, limit: { type: 'string', default: '50' }, json: { type: 'boolean', default: false } },
  allowPositionals: false,
  async run({ values }, app, term) {
    const states = ((values.state as string[] | undefined) ?? ['PENDING', 'SENDING', 'REFUSED', 'DEAD']).map((s) => s.toUpperCase());
    const unknown = states.filter((s) => !STATES.includes(s as DispatchState));
    if (unknown.length > 0) throw new SmtError('INPUT_INVALID', `--state ${unknown.join(', ')} is not one of ${STATES.join(', ')}.\nUsage: smt ${this.usage}`);
    const limit = Number(values.limit);
    if (!(Number.isInteger(limit) && limit > 0)) throw new SmtError('INPUT_INVALID', `--limit "${values.limit}" is not a positive whole number.\nUsage: smt ${this.usage}`);
    const rows = await (await app.dispatchStore()).list(states as DispatchState[], limit);
    if (values.json === true) {
      for (const r of rows) term.out(`${JSON.stringify(r)}\n`);
      return 0;
    }
    if (rows.length === 0) term.out(`No dispatches in state ${states.join(', ')}.\n`);
    for (const r of rows) {
      term.out(`#${r.id}  ${r.state}  ${r.operation} to TDSP ${r.tdspDuns}  request ${r.requestId}  attempts ${r.attempts}  ${r.state === 'PENDING' ? `next ${r.nextAttemptAt}` : `at ${r.updatedAt}`}\n`);
      if (r.lastError) term.out(`    ${r.lastError}\n`);
    }
    return 0;
  },
};
