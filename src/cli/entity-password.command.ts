import { SmtError } from '../core/errors';
import type { Command } from './command';
import { readNewPassword } from './password-input';

const USAGE = 'entity set-password NAME [--password-file FILE]';

/** The FTPS password of a REP or TDSP. The password is never printed or logged, only its salted scrypt hash stored. */
export const entitySetPasswordCommand: Command = {
  name: ['entity', 'set-password'],
  summary: "Set a participant's FTPS password (from a file, from stdin, or typed twice without echo)",
  usage: USAGE,
  options: { 'password-file': { type: 'string' } },
  allowPositionals: true,
  async run({ values, positionals }, app, term) {
    if (positionals.length !== 1) throw new SmtError('INPUT_INVALID', `Give the participant's name (quote it if it has spaces).\nUsage: smt ${USAGE}`);
    const name = positionals[0]!;
    const accounts = await app.ftpAccounts();
    // Asked first, so that nobody types a password for a misspelt name.
    const replacing = await accounts.hasPassword(name);
    const file = typeof values['password-file'] === 'string' ? values['password-file'] : undefined;
    const password = await readNewPassword({ file, stdin: process.stdin, err: term.err });
    await accounts.setPassword(name, password);
    term.out(`FTPS password ${replacing ? 'replaced' : 'set'} for "${name.trim()}". It logs in with the user name "${name.trim()}" or any of its DUNS numbers.\n`);
    return 0;
  },
};
