import { IsNull, type DataSource } from 'typeorm';
import { SmtError } from '../core/errors';
import type { Logger } from '../core/logger';
import { ParticipantCertificate } from '../db/entities/participant-certificate.entity';
import { ParticipantDuns } from '../db/entities/participant-duns.entity';
import { ParticipantIp } from '../db/entities/participant-ip.entity';
import { RevokedCertificate } from '../db/entities/revoked-certificate.entity';
import { acceptCertificate, type AcceptedCertificate, type CertificatePurpose } from './certificate.rules';
import type { ClientCaSource } from './client-ca';
import { normalizeIpList } from './ip-address';
import { certificateInfo, normalizeFingerprint, normalizeSerial, pemCertificates, type CertificateInfo } from './pki';
import { participantNamed } from '../registry/participant-named';

/** Who is calling, as the SOAP server needs it for every connection. */
export interface ClientIdentity {
  participantId: number;
  name: string;
  kind: 'REP' | 'TDSP';
  duns: string[];
  /** Registered source addresses, normalized (compare with normalizeIp(remoteAddress)). */
  ips: string[];
  /**
   * Certificates a WS-Security signature may be made with: the participant's unrevoked signing
   * certificates, or, when it has never registered one, the TLS certificate it connected with.
   * Validity dates are the verifier's to check.
   */
  signingCertificatesPem: string[];
  /** The TLS certificate is revoked (found, so the refusal can name the participant). */
  revoked: boolean;
  /** The TLS certificate's end of validity, ISO 8601 UTC. */
  notAfter: string;
}

export interface RegisteredCertificate extends Pick<CertificateInfo, 'fingerprint256' | 'serialHex' | 'subjectCn' | 'issuerCn' | 'notBefore' | 'notAfter'> {
  participantName: string;
  purpose: CertificatePurpose;
  revoked: boolean;
}

export interface CheckedCertificate extends AcceptedCertificate {
  /** Registered already, to the same participant for the same purpose. */
  alreadyRegistered: boolean;
}

export interface Revocation {
  serialHex: string;
  /** Registered certificates that carried the serial. */
  certificates: RegisteredCertificate[];
  alreadyRevoked: boolean;
}

/** Participants' client certificates, source addresses and revocations. Returns plain objects only. */
export class CredentialsService {
  constructor(
    private readonly db: DataSource,
    private readonly logger: Logger,
    /** The CA registered certificates must chain to. */
    private readonly clientCa: ClientCaSource,
  ) {}

  /**
   * Runs every check registration would (chain, validity, usage, revocation, ownership) without
   * registering, so a caller can refuse a whole onboarding before changing anything.
   */
  async checkCertificate(participantName: string | null, pem: string, purpose: CertificatePurpose, source = 'The certificate'): Promise<CheckedCertificate> {
    const cert = acceptCertificate(pem, purpose, await this.clientCa(), new Date(), source);
    if (await this.isRevoked(cert.serialHex)) {
      throw new SmtError('INPUT_INVALID', `${source} (serial ${cert.serialHex}) has been revoked; issue a new certificate.`, { serialHex: cert.serialHex });
    }
    const existing = await this.db.manager.findOne(ParticipantCertificate, { where: { fingerprint256: cert.fingerprint256 }, relations: { participant: true } });
    const sameUse = existing !== null && existing.participant.name === participantName?.trim() && existing.purpose === purpose;
    if (existing && !sameUse) {
      throw new SmtError('CONFLICT', `${source} is already registered as the ${existing.purpose} certificate of "${existing.participant.name}"; a certificate belongs to one participant and one purpose (a TLS certificate also signs when no signing certificate is registered).`, { fingerprint256: cert.fingerprint256 });
    }
    return { ...cert, alreadyRegistered: sameUse };
  }

  /** Registers a client certificate (PEM text) after checking it; registering it again changes nothing. */
  async registerCertificate(participantName: string, pem: string, purpose: CertificatePurpose, source = 'The certificate'): Promise<RegisteredCertificate> {
    const participant = await participantNamed(this.db.manager, participantName);
    const cert = await this.checkCertificate(participant.name, pem, purpose, source);
    if (cert.alreadyRegistered) {
      return toRegistered((await this.db.manager.findOne(ParticipantCertificate, { where: { fingerprint256: cert.fingerprint256 }, relations: { participant: true } }))!);
    }
    const row = {
      participantId: participant.id, purpose, fingerprint256: cert.fingerprint256, serialHex: cert.serialHex,
      subject: cert.subjectCn.slice(0, 200), issuer: cert.issuerCn.slice(0, 200), pem: cert.pem,
      notBefore: cert.notBefore, notAfter: cert.notAfter, revokedAt: null,
    };
    await this.db.manager.insert(ParticipantCertificate, row);
    this.logger.info('certificate registered', { participant: participant.name, purpose, subject: cert.subjectCn, serialHex: cert.serialHex, fingerprint256: cert.fingerprint256, notAfter: cert.notAfter });
    return toRegistered({ ...row, participant });
  }

  /** Replaces the participant's registered source addresses; returns them normalized. */
  async setIps(participantName: string, ips: string[]): Promise<string[]> {
    const participant = await participantNamed(this.db.manager, participantName);
    const normalized = normalizeIpList(ips);
    await this.db.transaction(async (manager) => {
      await manager.delete(ParticipantIp, { participantId: participant.id });
      if (normalized.length > 0) await manager.insert(ParticipantIp, normalized.map((ip) => ({ participantId: participant.id, ip })));
    });
    this.logger.info('participant IP addresses set', { participant: participant.name, ips: normalized });
    return normalized;
  }

  /** Revokes a serial (hex) or the certificate in a PEM text, registered or not. */
  async revoke(serialOrPem: string, reason: string | null = null): Promise<Revocation> {
    const pem = pemCertificates(serialOrPem)[0];
    const serialHex = pem === undefined ? normalizeSerial(serialOrPem) : certificateInfo(pem).serialHex;
    const now = new Date().toISOString();
    const alreadyRevoked = await this.isRevoked(serialHex);
    await this.db.transaction(async (manager) => {
      if (!alreadyRevoked) await manager.insert(RevokedCertificate, { serialHex, revokedAt: now, reason: reason?.slice(0, 200) ?? null });
      await manager.update(ParticipantCertificate, { serialHex, revokedAt: IsNull() }, { revokedAt: now });
    });
    const rows = await this.db.manager.find(ParticipantCertificate, { where: { serialHex }, relations: { participant: true }, order: { id: 'ASC' } });
    const certificates = rows.map(toRegistered);
    this.logger.warn('certificate revoked', { serialHex, alreadyRevoked, registeredTo: certificates.map((c) => c.participantName), reason });
    return { serialHex, certificates, alreadyRevoked };
  }

  async isRevoked(serialHex: string): Promise<boolean> {
    return this.db.manager.existsBy(RevokedCertificate, { serialHex: normalizeSerial(serialHex) });
  }

  /** The participant a TLS client certificate is registered to, or null for an unknown certificate. */
  async identifyClient(fingerprint256: string): Promise<ClientIdentity | null> {
    const fingerprint = normalizeFingerprint(fingerprint256);
    const tls = await this.db.manager.findOne(ParticipantCertificate, { where: { fingerprint256: fingerprint, purpose: 'tls' }, relations: { participant: true } });
    if (!tls) return null;
    const participantId = tls.participantId;
    const [duns, ips, signing] = await Promise.all([
      this.db.manager.find(ParticipantDuns, { where: { participantId }, order: { duns: 'ASC' } }),
      this.db.manager.find(ParticipantIp, { where: { participantId }, order: { ip: 'ASC' } }),
      this.db.manager.find(ParticipantCertificate, { where: { participantId, purpose: 'signing' }, order: { id: 'ASC' } }),
    ]);
    return {
      participantId,
      name: tls.participant.name,
      kind: tls.participant.kind,
      duns: duns.map((d) => d.duns),
      ips: ips.map((i) => i.ip),
      signingCertificatesPem: signersOf(signing, [tls]),
      // revoke() stamps every registered row of the serial, and a revoked serial cannot be registered later.
      revoked: tls.revokedAt !== null,
      notAfter: tls.notAfter,
    };
  }

  /**
   * The entity a client certificate identifies, when it may call at all: registered, not revoked,
   * within its validity. Otherwise the refusal, with the code and what to do.
   */
  async checkClient(fingerprint256: string, now = new Date()): Promise<ClientIdentity> {
    const identity = await this.identifyClient(fingerprint256);
    if (!identity) throw new SmtError('AUTH_CERTIFICATE_UNKNOWN', 'this client certificate is not registered to any entity; register it (smt entity update NAME --cert FILE)');
    if (identity.revoked) throw new SmtError('AUTH_CERTIFICATE_REVOKED', 'this client certificate has been revoked', { entity: identity.name });
    if (new Date(identity.notAfter) < now) throw new SmtError('AUTH_CERTIFICATE_EXPIRED', `this client certificate expired on ${identity.notAfter}`, { entity: identity.name });
    return identity;
  }

  /** The certificates whose signatures count as the participant's, when no TLS connection names one (e.g. a TDSP's answers). */
  async signingCertificatesOf(participantId: number): Promise<string[]> {
    const certificates = await this.db.manager.find(ParticipantCertificate, { where: { participantId }, order: { id: 'ASC' } });
    return signersOf(certificates.filter((c) => c.purpose === 'signing'), certificates.filter((c) => c.purpose === 'tls'));
  }

  /** Every participant's certificates and addresses, keyed by participant id (for listings). */
  async credentialsByParticipant(): Promise<Map<number, { certificates: RegisteredCertificate[]; ips: string[] }>> {
    const [certificates, ips] = await Promise.all([
      this.db.manager.find(ParticipantCertificate, { relations: { participant: true }, order: { id: 'ASC' } }),
      this.db.manager.find(ParticipantIp, { order: { ip: 'ASC' } }),
    ]);
    const byParticipant = new Map<number, { certificates: RegisteredCertificate[]; ips: string[] }>();
    const entry = (id: number) => byParticipant.get(id) ?? byParticipant.set(id, { certificates: [], ips: [] }).get(id)!;
    for (const c of certificates) entry(c.participantId).certificates.push(toRegistered(c));
    for (const i of ips) entry(i.participantId).ips.push(i.ip);
    return byParticipant;
  }

}

/**
 * Whose signatures count: the registered signing certificates, revoked ones excepted (revoking them
 * all leaves nothing that signs); a participant that never registered one signs with its TLS certificate.
 */
function signersOf(signing: ParticipantCertificate[], tls: ParticipantCertificate[]): string[] {
  return (signing.length > 0 ? signing : tls).filter((c) => c.revokedAt === null).map((c) => c.pem);
}

function toRegistered(c: Omit<ParticipantCertificate, 'id'>): RegisteredCertificate {
  return {
    participantName: c.participant.name, purpose: c.purpose, fingerprint256: c.fingerprint256, serialHex: c.serialHex,
    subjectCn: c.subject, issuerCn: c.issuer, notBefore: c.notBefore, notAfter: c.notAfter, revoked: c.revokedAt !== null,
  };
}
