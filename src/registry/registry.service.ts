import { In, type DataSource } from 'typeorm';
import { SmtError } from '../core/errors';
import type { Logger } from '../core/logger';
import { Esiid } from '../db/entities/esiid.entity';
import { MarketParticipant } from '../db/entities/market-participant.entity';
import { ParticipantDuns } from '../db/entities/participant-duns.entity';
import { RepOfRecord } from '../db/entities/rep-of-record.entity';
import {
  DUNS_EXPECTED, dunsProblem, isDuns, isParticipantKind, MAX_PARTICIPANT_NAME, pgpPublicKeyProblem, type ParticipantKind,
} from './registry-formats';
import { participantNamed } from './participant-named';

export interface Participant {
  id: number;
  name: string;
  kind: ParticipantKind;
  /** Sorted; the first is not special. */
  duns: string[];
  pgpPublicKey: string | null;
  /** TDSPs: the address of their TdspHan service. */
  endpoint: string | null;
  /** TDSPs: the oldest meter firmware that supports HAN provisioning. */
  hanMinFirmware: string | null;
}

export interface NewParticipant {
  name: string;
  kind: ParticipantKind;
  duns: string[];
  pgpPublicKey?: string | null;
}

export interface ParticipantChanges {
  addDuns?: string[];
  /** A new key replaces the old one; null removes it. */
  pgpPublicKey?: string | null;
  /** TDSPs only; null removes it. */
  endpoint?: string | null;
  hanMinFirmware?: string | null;
}

export interface EsiidRecord {
  esiid: string;
  tdspDuns: string;
  meterNumber: string | null;
  meterHardwareVersion: string | null;
  meterFirmwareVersion: string | null;
  /** 1-21; null: monthly periods follow calendar months. */
  readCycle: number | null;
  /** Load profile class for default-profile estimates; null: unknown. */
  loadProfileClass?: string | null;
}

export interface RepStretch {
  repDuns: string;
  effectiveFrom: string;
  /** Inclusive; null: open-ended. */
  effectiveTo: string | null;
  source: 'registry' | 'lse';
}

/** Market participants, their DUNS, ESI IDs and REP-of-record history. Returns plain objects only. */
export class RegistryService {
  constructor(
    private readonly db: DataSource,
    private readonly logger: Logger,
  ) {}

  async addParticipant(input: NewParticipant): Promise<Participant> {
    const name = input.name.trim();
    checkName(name);
    if (!isParticipantKind(input.kind)) throw invalid(`Kind "${input.kind}" is not REP or TDSP.`);
    const duns = checkDuns(input.duns);
    if (duns.length === 0) throw invalid(`Give at least one DUNS for "${name}" (${DUNS_EXPECTED}).`);
    const pgpPublicKey = checkKey(input.pgpPublicKey ?? null);
    if (await this.db.manager.existsBy(MarketParticipant, { name })) {
      throw new SmtError('CONFLICT', `A participant named "${name}" already exists: choose another name, or add the DUNS to the existing participant instead.`, { name });
    }
    await this.refuseOwnedDuns(duns, null);
    // The checks above run outside the transaction so that it starts with a write (library-pitfalls 5.4).
    const id = await this.db.transaction(async (manager) => {
      const inserted = await manager.insert(MarketParticipant, { name, kind: input.kind, pgpPublicKey });
      const participantId = Number(inserted.identifiers[0]!.id);
      await manager.insert(ParticipantDuns, duns.map((d) => ({ duns: d, participantId })));
      return participantId;
    });
    this.logger.info('participant added', { name, kind: input.kind, duns, hasPgpKey: pgpPublicKey !== null });
    return { id, name, kind: input.kind, duns: [...duns].sort(), pgpPublicKey, endpoint: null, hanMinFirmware: null };
  }

  async updateParticipant(name: string, changes: ParticipantChanges): Promise<Participant> {
    const participant = await participantNamed(this.db.manager, name);
    const stored = await this.db.manager.findBy(ParticipantDuns, { participantId: participant.id });
    const known = new Set(stored.map((d) => d.duns));
    const added = checkDuns(changes.addDuns ?? []).filter((d) => !known.has(d));
    await this.refuseOwnedDuns(added, participant.id);
    const pgpPublicKey = changes.pgpPublicKey === undefined ? undefined : checkKey(changes.pgpPublicKey);
    const tdspSettings = checkTdspSettings(participant, changes);
    const columns = { ...(pgpPublicKey !== undefined ? { pgpPublicKey } : {}), ...tdspSettings };
    if (added.length > 0 || Object.keys(columns).length > 0) {
      await this.db.transaction(async (manager) => {
        if (added.length > 0) await manager.insert(ParticipantDuns, added.map((d) => ({ duns: d, participantId: participant.id })));
        if (Object.keys(columns).length > 0) await manager.update(MarketParticipant, { id: participant.id }, columns);
      });
    }
    this.logger.info('participant updated', { name: participant.name, addedDuns: added, pgpKeyChanged: pgpPublicKey !== undefined, ...tdspSettings });
    return toParticipant({ ...participant, ...columns, duns: [...known, ...added].map((duns) => ({ duns }) as ParticipantDuns) });
  }

  /** Every participant, by name. */
  async listParticipants(): Promise<Participant[]> {
    const participants = await this.db.manager.find(MarketParticipant, { relations: { duns: true }, order: { name: 'ASC' } });
    return participants.map(toParticipant);
  }

  async findParticipantByDuns(duns: string): Promise<Participant | null> {
    const owned = await this.db.manager.findOneBy(ParticipantDuns, { duns });
    if (!owned) return null;
    const participant = await this.db.manager.findOne(MarketParticipant, { where: { id: owned.participantId }, relations: { duns: true } });
    return participant ? toParticipant(participant) : null;
  }

  /** The participant `duns` belongs to; when `participantId` is given (the caller), the DUNS must be one of its own. */
  async actingFor(duns: string, participantId?: number): Promise<Participant> {
    const participant = await this.findParticipantByDuns(String(duns ?? '').trim());
    if (!participant) throw new SmtError('DUNS_UNKNOWN', `DUNS ${String(duns).slice(0, 13)} is not registered to any REP or TDSP`);
    if (participantId !== undefined && participant.id !== participantId) {
      throw new SmtError('DUNS_NOT_OWNED', `DUNS ${duns} does not belong to the requester; act for one of your own DUNS numbers`);
    }
    return participant;
  }

  async getEsiid(esiid: string): Promise<EsiidRecord | null> {
    const row = await this.db.manager.findOneBy(Esiid, { esiid });
    if (!row) return null;
    return {
      esiid: row.esiid,
      tdspDuns: row.tdspDuns,
      meterNumber: row.meterNumber,
      meterHardwareVersion: row.meterHardwareVersion,
      meterFirmwareVersion: row.meterFirmwareVersion,
      readCycle: row.readCycle,
      loadProfileClass: row.loadProfileClass,
    };
  }

  /** The ESI ID's REP-of-record stretches, earliest first. */
  async repsOfRecord(esiid: string): Promise<RepStretch[]> {
    const rows = await this.db.manager.find(RepOfRecord, { where: { esiid }, order: { effectiveFrom: 'ASC', id: 'ASC' } });
    return rows.map((r) => ({ repDuns: r.repDuns, effectiveFrom: r.effectiveFrom, effectiveTo: r.effectiveTo, source: r.source }));
  }

  private async refuseOwnedDuns(duns: string[], ownerId: number | null): Promise<void> {
    if (duns.length === 0) return;
    const owned = await this.db.manager.find(ParticipantDuns, { where: { duns: In(duns) }, relations: { participant: true } });
    const taken = owned.filter((d) => d.participantId !== ownerId);
    if (taken.length > 0) {
      const list = taken.map((d) => `${d.duns} (owned by "${d.participant.name}")`).join(', ');
      throw new SmtError('CONFLICT', `DUNS already registered to another participant: ${list}. A DUNS belongs to one participant only: remove it from the request or correct the number.`, { duns: taken.map((d) => d.duns) });
    }
  }
}

function toParticipant(p: MarketParticipant): Participant {
  return {
    id: p.id, name: p.name, kind: p.kind, duns: p.duns.map((d) => d.duns).sort(), pgpPublicKey: p.pgpPublicKey,
    endpoint: p.endpoint, hanMinFirmware: p.hanMinFirmware,
  };
}

/** A TDSP's HAN settings: an https:// endpoint and a firmware version of digits and dots. */
function checkTdspSettings(participant: MarketParticipant, changes: ParticipantChanges): Partial<Pick<MarketParticipant, 'endpoint' | 'hanMinFirmware'>> {
  const out: Partial<Pick<MarketParticipant, 'endpoint' | 'hanMinFirmware'>> = {};
  if (changes.endpoint === undefined && changes.hanMinFirmware === undefined) return out;
  if (participant.kind !== 'TDSP') throw invalid(`"${participant.name}" is a ${participant.kind}: only TDSPs have a HAN endpoint and firmware floor.`);
  if (changes.endpoint !== undefined) out.endpoint = changes.endpoint === null ? null : checkEndpoint(changes.endpoint);
  if (changes.hanMinFirmware !== undefined) {
    const version = changes.hanMinFirmware?.trim() ?? null;
    if (version !== null && !/^\d+(\.\d+){0,5}$/.test(version)) throw invalid(`The HAN firmware floor "${version.slice(0, 40)}" is not a version such as 4.2 or 10.1.3 (digits and dots).`);
    out.hanMinFirmware = version;
  }
  return out;
}

function checkEndpoint(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw invalid(`The endpoint "${text.slice(0, 80)}" is not a URL; give the TDSP's TdspHan address, e.g. https://tdsp.example.com/TdspHan.`);
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.hash) {
    throw invalid(`The endpoint "${text.slice(0, 80)}" must be an https:// URL without credentials or fragment: calls to TDSPs use mutual TLS.`);
  }
  if (text.length > 300) throw invalid('The endpoint is longer than 300 characters.');
  return url.toString();
}

function invalid(message: string): SmtError {
  return new SmtError('INPUT_INVALID', message);
}

function checkName(name: string): void {
  if (name === '') throw invalid('The participant name is empty.');
  if (name.length > MAX_PARTICIPANT_NAME) throw invalid(`The participant name is ${name.length} characters long; at most ${MAX_PARTICIPANT_NAME} are allowed.`);
}

/** Trimmed, de-duplicated and all well-formed, or an error naming the bad ones. */
function checkDuns(duns: string[]): string[] {
  const unique = [...new Set(duns.map((d) => d.trim()))];
  const bad = unique.filter((d) => !isDuns(d));
  if (bad.length > 0) throw invalid(`DUNS ${bad.map(dunsProblem).join('; ')}.`);
  return unique;
}

function checkKey(key: string | null): string | null {
  if (key === null) return null;
  const problem = pgpPublicKeyProblem(key);
  if (problem) throw invalid(`The PGP key ${problem}.`);
  return key;
}
