import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../../../src/config/config';
import { silentLogger } from '../../../src/core/logger';
import { openDatabase } from '../../../src/db/data-source';
import { MarketParticipant } from '../../../src/db/entities/market-participant.entity';
import { isDay, isDuns, isEsiid, pgpPublicKeyProblem } from '../../../src/registry/registry-formats';
import { RegistryImportService } from '../../../src/registry/registry-import.service';
import { RegistryService } from '../../../src/registry/registry.service';
import { CliHarness } from '../../support/cli-harness';
import { expectSmtError } from '../../support/run-tool';

const FIXTURES = path.resolve(__dirname, '../../../fixtures/registry');
const PUBLIC_KEY = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZtest\n-----END PGP PUBLIC KEY BLOCK-----\n';

describe('registry formats', () => {
  it('accepts 9- and 13-digit DUNS only', () => {
    expect(['100000001', '2000000011234'].map(isDuns)).to.deep.equal([true, true]);
    expect(['10000001', '1000000012', '20000000112345', '10000000A', ' 100000001', ''].map(isDuns)).to.deep.equal([false, false, false, false, false, false]);
  });

  it('accepts alphanumeric ESI IDs of 1-64 characters', () => {
    expect(['10443720000000001', '1008901000000000000001', 'TEST1', 'x'.repeat(64)].map(isEsiid)).to.deep.equal([true, true, true, true]);
    expect(['', 'x'.repeat(65), '1044-3720', '1.04437E+16', '10443720000000001 '].map(isEsiid)).to.deep.equal([false, false, false, false, false]);
  });

  it('accepts real calendar days only', () => {
    expect(['2024-02-29', '2025-12-31'].map(isDay)).to.deep.equal([true, true]);
    expect(['2025-02-29', '2025-13-01', '2025-1-01', '20250101', ''].map(isDay)).to.deep.equal([false, false, false, false, false]);
  });

  it('accepts an armored public key and explains anything else', () => {
    expect(pgpPublicKeyProblem(PUBLIC_KEY)).to.equal(null);
    expect(pgpPublicKeyProblem('\uFEFF\n' + PUBLIC_KEY)).to.equal(null);
    expect(pgpPublicKeyProblem('-----BEGIN PGP PRIVATE KEY BLOCK-----\n')).to.contain('PRIVATE key');
    expect(pgpPublicKeyProblem('hello')).to.contain('-----BEGIN PGP PUBLIC KEY BLOCK-----');
  });
});

describe('RegistryService', () => {
  let tmp: string;
  let db: DataSource;
  let registry: RegistryService;

  beforeEach(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-registry-'));
    db = await openDatabase(loadConfig({ SMT_DATA_DIR: tmp }));
    registry = new RegistryService(db, silentLogger());
  });

  afterEach(async () => {
    await db.destroy();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  describe('participants', () => {
    it('adds a participant and lists plain objects, not entities', async () => {
      const added = await registry.addParticipant({ name: ' Demo REP ', kind: 'REP', duns: ['2000000011234', '200000001', '200000001'] });
      expect(added).to.include({ name: 'Demo REP', kind: 'REP', pgpPublicKey: null, endpoint: null, hanMinFirmware: null });
      expect(added.duns).to.deep.equal(['200000001', '2000000011234']);
      await registry.addParticipant({ name: 'Demo TDSP', kind: 'TDSP', duns: ['100000001'], pgpPublicKey: PUBLIC_KEY });
      const list = await registry.listParticipants();
      expect(list.map((p) => p.name)).to.deep.equal(['Demo REP', 'Demo TDSP']);
      expect(list[0]).to.not.be.instanceOf(MarketParticipant);
      expect(Object.getPrototypeOf(list[0])).to.equal(Object.prototype);
      expect(list[0]).to.deep.equal({ id: added.id, name: 'Demo REP', kind: 'REP', duns: ['200000001', '2000000011234'], pgpPublicKey: null, endpoint: null, hanMinFirmware: null });
      expect(list[1]!.pgpPublicKey).to.equal(PUBLIC_KEY);
    });

    it('refuses a duplicate name or a DUNS owned by another participant, saying what to change', async () => {
      await registry.addParticipant({ name: 'Demo REP', kind: 'REP', duns: ['200000001'] });
      const sameName = await expectSmtError(registry.addParticipant({ name: 'Demo REP', kind: 'REP', duns: ['200000009'] }), 'CONFLICT');
      expect(sameName.message).to.contain('A participant named "Demo REP" already exists: choose another name');
      const taken = await expectSmtError(registry.addParticipant({ name: 'Other REP', kind: 'REP', duns: ['200000008', '200000001'] }), 'CONFLICT');
      expect(taken.message).to.contain('200000001 (owned by "Demo REP")');
      expect(taken.message).to.contain('remove it from the request or correct the number');
      expect(await registry.findParticipantByDuns('200000008')).to.equal(null);
      expect(await registry.listParticipants()).to.have.length(1);
    });

    it('refuses malformed input with INPUT_INVALID', async () => {
      expect((await expectSmtError(registry.addParticipant({ name: 'X', kind: 'REP', duns: ['12345678'] }), 'INPUT_INVALID')).message).to.contain('leading zeros');
      expect((await expectSmtError(registry.addParticipant({ name: 'X', kind: 'REP', duns: [] }), 'INPUT_INVALID')).message).to.contain('at least one DUNS');
      expect((await expectSmtError(registry.addParticipant({ name: '  ', kind: 'REP', duns: ['200000001'] }), 'INPUT_INVALID')).message).to.contain('name is empty');
      const key = await expectSmtError(registry.addParticipant({ name: 'X', kind: 'REP', duns: ['200000001'], pgpPublicKey: '-----BEGIN PGP PRIVATE KEY BLOCK-----' }), 'INPUT_INVALID');
      expect(key.message).to.contain('PRIVATE key');
      expect(await registry.listParticipants()).to.deep.equal([]);
    });

    it('updates a participant: adds DUNS, ignores ones it owns, sets and clears the key', async () => {
      await registry.addParticipant({ name: 'Demo REP', kind: 'REP', duns: ['200000001'] });
      await registry.addParticipant({ name: 'Second REP', kind: 'REP', duns: ['200000002'] });
      const updated = await registry.updateParticipant('Demo REP', { addDuns: ['200000001', '2000000011234'], pgpPublicKey: PUBLIC_KEY });
      expect(updated.duns).to.deep.equal(['200000001', '2000000011234']);
      expect((await registry.findParticipantByDuns('2000000011234'))).to.deep.include({ name: 'Demo REP', pgpPublicKey: PUBLIC_KEY });
      await expectSmtError(registry.updateParticipant('Demo REP', { addDuns: ['200000002'] }), 'CONFLICT');
      expect((await expectSmtError(registry.updateParticipant('demo rep', { addDuns: ['200000003'] }), 'NOT_FOUND')).message).to.contain('"demo rep"');
      const cleared = await registry.updateParticipant('Demo REP', { pgpPublicKey: null });
      expect(cleared.pgpPublicKey).to.equal(null);
      expect((await registry.findParticipantByDuns('200000001'))?.pgpPublicKey).to.equal(null);
    });
  });

  describe('ESI ID lookups', () => {
    it('returns plain records, null for unknown ESI IDs and REP stretches earliest first', async () => {
      const importer = new RegistryImportService(db, silentLogger());
      for (const name of ['participants.csv', 'esiids.csv', 'rep-of-record.csv']) await importer.importCsv(path.join(FIXTURES, name));
      expect(await registry.getEsiid('10443720000000099')).to.equal(null);
      const esiid = await registry.getEsiid('10443720000000006');
      expect(esiid).to.deep.equal({
        esiid: '10443720000000006', tdspDuns: '100000001', meterNumber: 'M0000006',
        meterHardwareVersion: 'AMS-2.1', meterFirmwareVersion: '4.2.0', readCycle: null, loadProfileClass: null,
      });
      expect(Object.getPrototypeOf(esiid)).to.equal(Object.prototype);
      expect((await registry.repsOfRecord('10443720000000006')).map((s) => s.repDuns)).to.deep.equal(['200000001', '200000002']);
      expect(await registry.repsOfRecord('10443720000000099')).to.deep.equal([]);
    });
  });
});

describe('smt entity', () => {
  let tmp: string;
  let out: string;
  let err: string;
  const smt = async (...args: string[]) => {
    const r = await CliHarness.at(tmp).run(...args);
    out += r.out;
    err += r.err;
    return r.status;
  };

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-entity-'));
    out = '';
    err = '';
  });

  afterEach(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('adds participants with repeated --duns and a key file, and lists them as a table', async () => {
    const keyFile = path.join(tmp, 'rep.asc');
    fs.writeFileSync(keyFile, PUBLIC_KEY);
    expect(await smt('entity', 'add', '--name', 'Demo REP', '--type', 'rep', '--duns', '200000001,2000000011234', '--pgp-key', keyFile), err).to.equal(0);
    expect(out).to.contain('Added REP "Demo REP" with DUNS 200000001, 2000000011234 (PGP key registered)');
    expect(await smt('entity', 'add', '--name', 'Demo TDSP', '--type', 'TDSP', '--duns', '100000001', '--duns', '1000000010001'), err).to.equal(0);
    expect(out).to.contain('register a client certificate (--cert) and a source IP address (--ip)');
    out = '';
    expect(await smt('entity', 'list')).to.equal(0);
    expect(out.split('\n')).to.deep.equal([
      'NAME       KIND  DUNS                     PGP KEY  IP ADDRESSES  HAN ENDPOINT  CERTIFICATES',
      'Demo REP   REP   200000001 2000000011234  yes      -             -             -',
      'Demo TDSP  TDSP  100000001 1000000010001  no       -             -             -',
      '',
    ]);
  });

  it('sets and clears a TDSP\'s HAN endpoint and firmware floor, and refuses them for a REP or when malformed', async () => {
    expect(await smt('entity', 'add', '--name', 'Demo TDSP', '--type', 'TDSP', '--duns', '100000001')).to.equal(0);
    expect(await smt('entity', 'add', '--name', 'Demo REP', '--type', 'REP', '--duns', '200000001')).to.equal(0);
    expect(await smt('entity', 'update', 'Demo TDSP', '--endpoint', 'https://tdsp.example.com:9443/TdspHan', '--han-min-firmware', '4.2'), err).to.equal(0);
    expect(out).to.contain('HAN endpoint https://tdsp.example.com:9443/TdspHan, firmware 4.2 or newer');
    out = '';
    expect(await smt('entity', 'list')).to.equal(0);
    expect(out).to.match(/Demo TDSP .*https:\/\/tdsp\.example\.com:9443\/TdspHan/);
    expect(await smt('entity', 'update', 'Demo TDSP', '--endpoint', 'http://tdsp.example.com/TdspHan')).to.equal(2);
    expect(err).to.contain('must be an https:// URL');
    expect(await smt('entity', 'update', 'Demo TDSP', '--han-min-firmware', 'v4')).to.equal(2);
    expect(err).to.contain('digits and dots');
    expect(await smt('entity', 'update', 'Demo REP', '--endpoint', 'https://rep.example.com/x')).to.equal(2);
    expect(err).to.contain('only TDSPs have a HAN endpoint');
    out = '';
    expect(await smt('entity', 'update', 'Demo TDSP', '--endpoint', ''), err).to.equal(0);
    expect(out).to.contain('HAN endpoint not set, firmware 4.2 or newer');
  });

  it('updates a participant and refuses unknown names, conflicts and missing changes with status 2', async () => {
    expect(await smt('entity', 'add', '--name', 'Demo REP', '--type', 'REP', '--duns', '200000001')).to.equal(0);
    expect(await smt('entity', 'add', '--name', 'Second REP', '--type', 'REP', '--duns', '200000002')).to.equal(0);
    expect(await smt('entity', 'update', 'Demo REP', '--duns', '2000000011234'), err).to.equal(0);
    expect(out).to.contain('Updated REP "Demo REP" with DUNS 200000001, 2000000011234 (no PGP key)');
    expect(await smt('entity', 'update', 'Nobody', '--duns', '200000003')).to.equal(2);
    expect(err).to.contain('No participant is named "Nobody"');
    expect(await smt('entity', 'update', 'Second REP', '--duns', '200000001')).to.equal(2);
    expect(err).to.contain('200000001 (owned by "Demo REP")');
    expect(await smt('entity', 'update', 'Demo REP')).to.equal(2);
    expect(err).to.contain('Nothing to change: give --duns, --cert, --signing-cert, --pgp-key, --ip, --endpoint or --han-min-firmware');
    expect(await smt('entity', 'add', '--name', 'Third REP', '--type', 'RETAILER', '--duns', '200000003')).to.equal(2);
    expect(err).to.contain('--type must be REP or TDSP');
  });

  it('refuses a key file that is missing or not an armored public key', async () => {
    const notKey = path.join(tmp, 'key.asc');
    fs.writeFileSync(notKey, 'not a key');
    expect(await smt('entity', 'add', '--name', 'Demo REP', '--type', 'REP', '--duns', '200000001', '--pgp-key', notKey)).to.equal(2);
    expect(err).to.contain(`The PGP key file ${notKey} is not an ASCII-armored OpenPGP public key: it must start with "-----BEGIN PGP PUBLIC KEY BLOCK-----"`);
    expect(await smt('entity', 'add', '--name', 'Demo REP', '--type', 'REP', '--duns', '200000001', '--pgp-key', path.join(tmp, 'none.asc'))).to.equal(2);
    expect(err).to.contain('Cannot read the PGP key file');
    out = '';
    expect(await smt('entity', 'list')).to.equal(0);
    expect(out).to.contain('No participants registered yet');
  });
});
