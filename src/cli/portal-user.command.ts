import os from 'node:os';
import { SmtError } from '../core/errors';
import { AuditLog } from '../portal/audit.log';
import { StaffAccountsService, type Employer } from '../portal/staff-accounts.service';
import type { App } from '../app';
import { requiredOption, type Command } from './command';
import { readNewPassword } from './password-input';

const ADD_USAGE = 'portal-user add (--participant NAME | --regulator) --user-id ID --email EMAIL --first-name F --last-name L [--admin] [--password-file FILE]';

async function staff(app: App): Promise<StaffAccountsService> {
  const db = await app.db();
  return new StaffAccountsService(db, new AuditLog(db));
}

/** The operator, as the audit names her: the OS user running `smt`. */
function operator(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

function employerOf(values: Record<string, unknown>, usage: string, required: boolean): Employer | undefined {
  const participant = typeof values.participant === 'string' && values.participant !== '' ? values.participant : undefined;
  if (participant !== undefined && values.regulator) throw new SmtError('INPUT_INVALID', `Give --participant NAME or --regulator, not both.\nUsage: smt ${usage}`);
  if (participant !== undefined) return { participant };
  if (values.regulator) return { regulator: true };
  if (required) throw new SmtError('INPUT_INVALID', `Give --participant NAME (a REP or TDSP, as smt entity list names it) or --regulator.\nUsage: smt ${usage}`);
  return undefined;
}

/** Creates a REP, TDSP or regulatory portal account (the first administrator of a participant, typically). */
export const portalUserAddCommand: Command = {
  name: ['portal-user', 'add'],
  summary: 'Create a web portal account for a REP\'s, TDSP\'s or the regulator\'s staff (password from a file, stdin, or typed twice)',
  usage: ADD_USAGE,
  options: {
    participant: { type: 'string' }, regulator: { type: 'boolean' }, 'user-id': { type: 'string' }, email: { type: 'string' },
    'first-name': { type: 'string' }, 'last-name': { type: 'string' }, admin: { type: 'boolean' }, 'password-file': { type: 'string' },
  },
  allowPositionals: false,
  async run({ values }, app, term) {
    const input = {
      employer: employerOf(values, ADD_USAGE, true)!,
      login: requiredOption(values, 'user-id', this), email: requiredOption(values, 'email', this),
      firstName: requiredOption(values, 'first-name', this), lastName: requiredOption(values, 'last-name', this), admin: values.admin === true,
    };
    const accounts = await staff(app);
    // Checked first, so that nobody types a password for an unknown participant or a taken user ID.
    await accounts.check(input);
    const file = typeof values['password-file'] === 'string' ? values['password-file'] : undefined;
    const password = await readNewPassword({ file, stdin: process.stdin, err: term.err, prompt: 'New portal password: ' });
    const account = await accounts.add(input, password, operator());
    const employer = account.participant ? `${account.kind} "${account.participant}"` : 'the regulator';
    term.out(`Portal user "${account.login}" created: ${account.admin ? 'administrator' : 'user'} of ${employer}, active; it logs in at the portal's /login.\n`);
    return 0;
  },
};

export const portalUserListCommand: Command = {
  name: ['portal-user', 'list'],
  summary: 'List the web portal\'s REP, TDSP and regulatory accounts',
  usage: 'portal-user list [--participant NAME | --regulator] [--json]',
  options: { participant: { type: 'string' }, regulator: { type: 'boolean' }, json: { type: 'boolean' } },
  allowPositionals: false,
  async run({ values }, app, term) {
    const accounts = await (await staff(app)).list(employerOf(values, this.usage, false));
    for (const a of accounts) {
      term.out(values.json ? `${JSON.stringify(a)}\n`
        : `${a.login.padEnd(24)} ${a.kind.padEnd(9)} ${(a.participant || '-').padEnd(20)} ${(a.admin ? 'admin' : 'user').padEnd(5)} ${a.status.padEnd(8)} ${(a.functions || '-').padEnd(21)} ${a.name} <${a.email}>\n`);
    }
    if (!values.json) term.err(`${accounts.length} account${accounts.length === 1 ? '' : 's'}\n`);
    return 0;
  },
};

export const portalUserDisableCommand: Command = {
  name: ['portal-user', 'disable'],
  summary: 'Disable a REP, TDSP or regulatory portal account: it cannot log in any more',
  usage: 'portal-user disable USER_ID',
  options: {},
  allowPositionals: true,
  async run({ positionals }, app, term) {
    if (positionals.length !== 1) throw new SmtError('INPUT_INVALID', `Give one user ID.\nUsage: smt ${this.usage}`);
    const outcome = await (await staff(app)).disable(positionals[0]!, operator());
    term.out(`Portal user "${positionals[0]!.trim().toLowerCase()}" ${outcome}.\n`);
    return 0;
  },
};
