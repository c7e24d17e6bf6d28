import type { DataSource } from 'typeorm';
import { SmtError } from '../core/errors';
import { MarketParticipant } from '../db/entities/market-participant.entity';
import { PortalUser } from '../db/entities/portal-user.entity';
import { participantNamed } from '../registry/participant-named';
import { EMAIL_PATTERN, insertPortalUser } from './accounts.service';
import type { AuditLog } from './audit.log';
import { loginProblem, passwordProblem } from './password-rules';

/** Whom a staff account works for: a REP or TDSP by its registered name, or the regulator (no participant). */
export type Employer = { participant: string } | { regulator: true };

export interface StaffInput {
  employer: Employer;
  login: string;
  email: string;
  firstName: string;
  lastName: string;
  admin: boolean;
}

export interface StaffAccount {
  login: string;
  kind: string;
  participant: string;
  admin: boolean;
  status: string;
  /** Portal functions granted (user-functions.ts), comma-separated; the regulator's users never use HAN whatever is stored. */
  functions: string;
  name: string;
  email: string;
  createdAt: string;
}

/** Where operator actions are recorded in the portal audit (its address column). */
const OPERATOR_ADDRESS = 'cli';

/**
 * REP, TDSP and regulatory staff accounts, created and disabled by an operator (`smt portal-user`).
 * The account rules are the portal's own (password-rules.ts, the account store of accounts.service.ts);
 * every change is a portal audit entry naming the operator's OS user, never the password.
 */
export class StaffAccountsService {
  constructor(private readonly db: DataSource, private readonly audit: AuditLog) {}

  /** Checks everything but the password, so that nobody types a password for a request that cannot succeed. */
  async check(input: StaffInput): Promise<{ kind: 'REP' | 'TDSP' | 'REGULATOR'; participant: MarketParticipant | null; login: string }> {
    const login = input.login.trim().toLowerCase();
    const badLogin = loginProblem(login);
    if (badLogin) throw new SmtError('INPUT_INVALID', `--user-id "${input.login}": ${badLogin}`);
    if (!EMAIL_PATTERN.test(input.email.trim())) throw new SmtError('INPUT_INVALID', `--email "${input.email}" is not a valid email address.`);
    for (const [option, value] of [['first-name', input.firstName], ['last-name', input.lastName]] as const) {
      if (!value.trim() || value.length > 60) throw new SmtError('INPUT_INVALID', `--${option} must be 1 to 60 characters.`);
    }
    const participant = 'participant' in input.employer ? await participantNamed(this.db.manager, input.employer.participant) : null;
    if (await this.db.manager.existsBy(PortalUser, { login })) {
      throw new SmtError('CONFLICT', `The user ID "${login}" is taken; choose another (smt portal-user list shows the staff accounts).`, { login });
    }
    return { kind: participant ? participant.kind : 'REGULATOR', participant, login };
  }

  async add(input: StaffInput, password: string, operator: string): Promise<StaffAccount> {
    const { kind, participant, login } = await this.check(input);
    const weak = passwordProblem(password, login);
    if (weak) throw new SmtError('INPUT_INVALID', `${weak} Nothing was created.`);
    const user = await insertPortalUser(this.db, { login, password, kind, status: 'ACTIVE', participantId: participant?.id ?? null, admin: input.admin,
      firstName: input.firstName.trim(), middleInitial: '', lastName: input.lastName.trim(), suffix: '', phone: '', email: input.email.trim(), language: 'en' });
    const employer = participant ? `${kind} "${participant.name}"` : 'the regulator';
    await this.audit.record('USER_ADDED', login, OPERATOR_ADDRESS, `${input.admin ? 'administrator' : 'user'} of ${employer}, by OS user ${operator}`);
    return toAccount(user, participant?.name ?? '');
  }

  /** Staff accounts (not customers), by user ID; only one participant's, or only the regulator's, when asked. */
  async list(employer?: Employer): Promise<StaffAccount[]> {
    const participants = new Map((await this.db.manager.find(MarketParticipant)).map((p) => [p.id, p.name]));
    let where: object[] = [{ kind: 'REP' }, { kind: 'TDSP' }, { kind: 'REGULATOR' }];
    if (employer && 'participant' in employer) where = [{ participantId: (await participantNamed(this.db.manager, employer.participant)).id }];
    else if (employer) where = [{ kind: 'REGULATOR' }];
    const users = await this.db.manager.find(PortalUser, { where, order: { login: 'ASC' } });
    return users.map((u) => toAccount(u, u.participantId === null ? '' : (participants.get(u.participantId) ?? '')));
  }

  /** Disables a staff account: it cannot log in, and its open sessions stop working at their next request. */
  async disable(loginInput: string, operator: string): Promise<'disabled' | 'already disabled'> {
    const login = loginInput.trim().toLowerCase();
    const user = await this.db.manager.findOneBy(PortalUser, { login });
    if (!user || user.kind === 'CUSTOMER') {
      throw new SmtError('NOT_FOUND', `No REP, TDSP or regulatory portal user has the user ID "${login}"; smt portal-user list shows them.`, { login });
    }
    if (user.status === 'DISABLED') return 'already disabled';
    await this.db.manager.update(PortalUser, { id: user.id }, { status: 'DISABLED' });
    await this.audit.record('USER_DISABLED', login, OPERATOR_ADDRESS, `by OS user ${operator}`);
    return 'disabled';
  }
}

function toAccount(u: PortalUser, participant: string): StaffAccount {
  return { login: u.login, kind: u.kind, participant, admin: u.admin, status: u.status, functions: u.functions, name: `${u.firstName} ${u.lastName}`, email: u.email, createdAt: u.createdAt };
}
