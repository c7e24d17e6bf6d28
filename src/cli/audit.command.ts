import { SmtError } from '../core/errors';
import { AuditLog } from '../portal/audit.log';
import type { Command } from './command';

export const auditCommand: Command = {
  name: ['audit'],
  summary: "Read the web portal's audit log: logins, failures, lockouts, exports, registrations and password changes",
  usage: 'audit [--event LOGIN|LOGIN_FAILED|LOGIN_LOCKED|LOGOUT|EXPORT|REGISTER|CONFIRM|RESET_ASKED|USER_ID_ASKED|PASSWORD_CHANGED|METER_ADDED|METER_REFUSED|USER_ADDED|USER_DISABLED] [--user USER_ID] [--since YYYY-MM-DD] [--limit N] [--json]',
  options: { event: { type: 'string' }, user: { type: 'string' }, since: { type: 'string' }, limit: { type: 'string', default: '100' }, json: { type: 'boolean' } },
  allowPositionals: false,
  async run({ values }, app, term) {
    const limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) throw new SmtError('INPUT_INVALID', `--limit "${values.limit}" is not a whole number from 1 to 100000`);
    const since = values.since as string | undefined;
    if (since !== undefined && !/^\d{4}-\d{2}-\d{2}/.test(since)) throw new SmtError('INPUT_INVALID', `--since "${since}" is not a date (YYYY-MM-DD, UTC)`);
    const entries = await new AuditLog(await app.db()).read({ limit, event: values.event as string | undefined, login: values.user as string | undefined, since });
    for (const e of entries) term.out(values.json ? `${JSON.stringify(e)}\n` : `${e.at}  ${e.event.padEnd(16)} ${e.login.padEnd(20)} ${e.address.padEnd(16)} ${e.detail}\n`);
    if (!values.json) term.err(`${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} (oldest first; --limit ${limit})\n`);
    return 0;
  },
};
