import type { DataSource } from 'typeorm';
import { SmtError, isSmtError } from '../core/errors';
import type { Logger } from '../core/logger';
import { MarketParticipant, type ParticipantKind } from '../db/entities/market-participant.entity';
import { ParticipantDuns } from '../db/entities/participant-duns.entity';
import { ParticipantIp } from '../db/entities/participant-ip.entity';
import { ParticipantPassword } from '../db/entities/participant-password.entity';
import type { CredentialsService } from './credentials.service';
import { normalizeIp } from './ip-address';
import { addressSubject, participantSubject, type LoginThrottle, type ThrottleSubject } from './login-throttle';
import { hashPassword, verifyPassword } from './password';
import { isDuns } from '../registry/registry-formats';
import { participantNamed } from '../registry/participant-named';

/** Who logged in to the FTPS site: the participant and the DUNS whose folders it sees. */
export interface FtpAccount {
  participantId: number;
  name: string;
  kind: ParticipantKind;
  duns: string[];
}

export const MIN_PASSWORD_LENGTH = 12;
const MAX_PASSWORD_LENGTH = 1024;
const LOGIN_INCORRECT = 'Login incorrect: wrong user name or password';

/** FTPS logins: password hashes, and the checks a login passes (source address, lockout, password, optionally the client certificate). */
export class FtpAccountsService {
  /** Verified against when the user is unknown, so that refusal takes as long as a wrong password. */
  private decoyHash: Promise<string> | null = null;

  constructor(
    private readonly db: DataSource,
    private readonly logger: Logger,
    private readonly credentials: CredentialsService,
    private readonly throttle: LoginThrottle,
    private readonly options: { requireClientCertificate: boolean },
  ) {}

  async setPassword(participantName: string, plain: string): Promise<void> {
    checkPasswordRules(plain);
    const participant = await participantNamed(this.db.manager, participantName);
    const hash = await hashPassword(plain);
    await this.db.transaction(async (manager) => {
      await manager.delete(ParticipantPassword, { participantId: participant.id });
      await manager.insert(ParticipantPassword, { participantId: participant.id, hash, updatedAt: new Date().toISOString() });
    });
    this.logger.info('ftps: password set', { participant: participant.name });
  }

  /** Whether the participant has an FTPS password; NOT_FOUND for a name no participant has. */
  async hasPassword(participantName: string): Promise<boolean> {
    const participant = await participantNamed(this.db.manager, participantName);
    return this.db.manager.existsBy(ParticipantPassword, { participantId: participant.id });
  }

  /**
   * The account behind a login, or an AUTH_* SmtError whose message and details are for the log
   * (the FTPS door answers every refusal with one text). The user name is the participant's name
   * (any case) or one of its DUNS numbers. The checks, cheapest and least revealing first:
   * 1. the source address is not locked (too many failures from it);
   * 2. the address is registered for the participant named (an unknown name has no address): a
   *    stranger's attempts end here, before any password is hashed, and count against the address only;
   * 3. the participant is not locked (too many failures from its registered addresses, whatever
   *    name or DUNS they used);
   * 4. the password; 5. the client certificate, when required.
   * Failures at 4 and 5 count against both the address and the participant.
   */
  async authenticateFtpUser(userName: string, password: string, remoteIp: string, clientCertificateFingerprint256: string | null): Promise<FtpAccount> {
    const ip = normalizeIp(remoteIp);
    const address = addressSubject(ip ?? remoteIp);
    const addressLock = await this.throttle.lockedUntil([address]);
    if (addressLock) throw locked(`Too many failed logins from ${remoteIp}`, addressLock, {});
    const participant = await this.participantForUser(userName);
    const registered = participant !== null && ip !== null && await this.db.manager.existsBy(ParticipantIp, { participantId: participant.id, ip });
    if (!participant) await this.refuse([address], new SmtError('AUTH_PASSWORD_INVALID', `No participant logs in as "${shown(userName)}"`, { userKnown: false }));
    if (!registered) {
      await this.refuse([address], new SmtError('AUTH_IP_NOT_REGISTERED', `Logins from ${remoteIp} are not registered for ${participant!.name}; the operator registers source addresses (smt entity update NAME --ip ...).`, { entity: participant!.name }));
    }
    const { id: participantId, name } = participant!;
    const who = participantSubject(participantId);
    const participantLock = await this.throttle.lockedUntil([who]);
    if (participantLock) throw locked(`Too many failed logins for ${name}`, participantLock, { entity: name });
    const stored = await this.db.manager.findOneBy(ParticipantPassword, { participantId });
    const matches = await verifyPassword(password, stored?.hash ?? (await this.decoy()));
    if (!stored || !matches) await this.refuse([address, who], new SmtError('AUTH_PASSWORD_INVALID', LOGIN_INCORRECT, { entity: name, passwordSet: stored !== null }));
    if (this.options.requireClientCertificate) {
      await this.checkCertificate(participant!, clientCertificateFingerprint256).catch((error: unknown) => this.refuse([address, who], error));
    }
    await this.throttle.recordSuccess(who);
    const duns = await this.db.manager.find(ParticipantDuns, { where: { participantId }, order: { duns: 'ASC' } });
    return { participantId, name, kind: participant!.kind, duns: duns.map((d) => d.duns) };
  }

  /** Counts an AUTH_* refusal against the subjects, adds the counts (and any lock it caused) to its details, and throws it. */
  private async refuse(subjects: ThrottleSubject[], error: unknown): Promise<never> {
    if (!isSmtError(error) || !error.code.startsWith('AUTH_')) throw error;
    const { failures, lockedUntil } = await this.throttle.recordFailure(subjects);
    const counts = { failuresFromAddress: failures[subjects[0]!] ?? 0, ...(subjects[1] ? { failuresForParticipant: failures[subjects[1]] ?? 0 } : {}) };
    throw new SmtError(error.code, error.message, { ...error.details, ...counts, ...(lockedUntil ? { lockedUntil: lockedUntil.toISOString() } : {}) });
  }

  private async checkCertificate(participant: MarketParticipant, fingerprint256: string | null): Promise<void> {
    if (fingerprint256 === null) {
      throw new SmtError('AUTH_NO_CERTIFICATE', `${participant.name} must present its registered client certificate during the TLS handshake (the platform requires one for FTPS).`, { entity: participant.name });
    }
    const identity = await this.credentials.checkClient(fingerprint256);
    if (identity.participantId !== participant.id) {
      throw new SmtError('AUTH_CERTIFICATE_UNKNOWN', `The client certificate is not registered to ${participant.name}; register it (smt entity update NAME --cert FILE).`, { entity: participant.name });
    }
  }

  /** null for no participant, and for a name that matches several participants in different cases. */
  private async participantForUser(userName: string): Promise<MarketParticipant | null> {
    const user = userName.trim();
    if (isDuns(user)) {
      const duns = await this.db.manager.findOne(ParticipantDuns, { where: { duns: user }, relations: { participant: true } });
      return duns?.participant ?? null;
    }
    // LOWER() folds ASCII only on SQLite; participants with other capitals log in with a DUNS or the exact name.
    const matches = await this.db.manager.createQueryBuilder(MarketParticipant, 'p')
      .where('LOWER(p.name) = :name', { name: user.toLowerCase() }).getMany();
    if (matches.length === 1) return matches[0]!;
    return matches.find((p) => p.name === user) ?? null;
  }


  private decoy(): Promise<string> {
    this.decoyHash ??= hashPassword(`decoy-${process.hrtime.bigint()}`);
    return this.decoyHash;
  }
}

/** What every new password must satisfy; the message never quotes the password. */
export function checkPasswordRules(plain: string): void {
  if ([...plain].length < MIN_PASSWORD_LENGTH) {
    throw new SmtError('INPUT_INVALID', `The password is too short: use at least ${MIN_PASSWORD_LENGTH} characters (a passphrase of several words is easiest).`);
  }
  if (plain.length > MAX_PASSWORD_LENGTH) throw new SmtError('INPUT_INVALID', `The password is longer than ${MAX_PASSWORD_LENGTH} characters.`);
  if (/[\r\n\0]/.test(plain)) throw new SmtError('INPUT_INVALID', 'The password contains a line break or NUL, which an FTP client cannot send.');
}

function locked(what: string, until: Date, details: Record<string, unknown>): SmtError {
  const minutes = Math.ceil((until.getTime() - Date.now()) / 60_000);
  return new SmtError('AUTH_LOCKED', `${what}; try again after ${until.toISOString()} (in about ${minutes} min).`, { ...details, lockedUntil: until.toISOString() });
}

/** What a client typed as its user name, bounded for the log. */
function shown(user: string): string {
  return user.length > 100 ? `${user.slice(0, 100)}...` : user;
}
