import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../../../src/config/config';
import { silentLogger } from '../../../src/core/logger';
import { openDatabase } from '../../../src/db/data-source';
import { RegistryImportService, type RegistryImportResult } from '../../../src/registry/registry-import.service';
import { RegistryService } from '../../../src/registry/registry.service';
import { CliHarness } from '../../support/cli-harness';
import { expectSmtError } from '../../support/run-tool';

const FIXTURES = path.resolve(__dirname, '../../../fixtures/registry');
const fixture = (name: string): string => path.join(FIXTURES, name);
const ESIIDS_HEADER = 'esiid,tdsp_duns,meter_number,meter_hardware_version,meter_firmware_version,read_cycle';
const ROR_HEADER = 'esiid,rep_duns,effective_from,effective_to';

function counts(result: RegistryImportResult): [number, number, number, number] {
  return [result.created, result.updated, result.unchanged, result.rejected.length];
}

describe('registry import', () => {
  let tmp: string;
  let db: DataSource;
  let importer: RegistryImportService;
  let registry: RegistryService;

  beforeEach(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-registry-'));
    db = await openDatabase(loadConfig({ SMT_DATA_DIR: tmp }));
    importer = new RegistryImportService(db, silentLogger());
    registry = new RegistryService(db, silentLogger());
  });

  afterEach(async () => db.destroy().then(() => fs.rmSync(tmp, { recursive: true, force: true })));

  /** Writes a CSV into the temp dir; lines are joined with `eol` and end with one. */
  function csv(name: string, lines: string[], eol = '\n'): string {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, lines.join(eol) + eol);
    return file;
  }

  async function loadFixtures(...names: string[]): Promise<void> {
    for (const name of names) {
      const result = await importer.importCsv(fixture(name));
      expect(result.rejected, name).to.deep.equal([]);
    }
  }

  describe('headers', () => {
    it('chooses the layout by header names in any order and letter case', async () => {
      const file = csv('p.csv', ['DUNS,Name,KIND', '300000001,Third REP,rep']);
      const result = await importer.importCsv(file);
      expect(result.layout).to.equal('participants');
      expect(counts(result)).to.deep.equal([1, 0, 0, 0]);
      const found = await registry.findParticipantByDuns('300000001');
      expect(found).to.include({ name: 'Third REP', kind: 'REP' });
    });

    it('refuses an unknown header, naming the file and the three accepted headers', async () => {
      const file = csv('odd.csv', ['esiid,tdsp_duns,meter', '10443720000000001,100000001,M1']);
      const error = await expectSmtError(importer.importCsv(file), 'REGISTRY_INVALID');
      expect(error.message).to.contain(file);
      expect(error.message).to.contain('unknown column: "meter"');
      expect(error.message).to.contain('participants: kind,name,duns');
      expect(error.message).to.contain(`esiids: ${ESIIDS_HEADER}`);
      expect(error.message).to.contain(`rep-of-record: ${ROR_HEADER}`);
      expect(await db.query('SELECT * FROM esiid')).to.deep.equal([]);
    });

    it('refuses an empty file and reports a missing one as unreadable', async () => {
      const empty = path.join(tmp, 'empty.csv');
      fs.writeFileSync(empty, '');
      expect((await expectSmtError(importer.importCsv(empty), 'REGISTRY_INVALID')).message).to.contain('is empty');
      const missing = path.join(tmp, 'missing.csv');
      expect((await expectSmtError(importer.importCsv(missing), 'FILE_UNREADABLE')).message).to.contain(missing);
      expect(await importer.detectLayout(fixture('rep-of-record.csv'))).to.equal('rep-of-record');
    });
  });

  describe('participants layout', () => {
    it('loads the fixture, grouping DUNS rows by name, and counts a re-import as unchanged', async () => {
      const first = await importer.importCsv(fixture('participants.csv'));
      expect(first.layout).to.equal('participants');
      expect(counts(first)).to.deep.equal([5, 0, 0, 0]);
      const list = await registry.listParticipants();
      expect(list.map((p) => [p.name, p.kind, p.duns])).to.deep.equal([
        ['Demo REP', 'REP', ['200000001', '2000000011234']],
        ['Demo TDSP', 'TDSP', ['100000001']],
        ['Other TDSP', 'TDSP', ['100000002']],
        ['Second REP', 'REP', ['200000002']],
      ]);
      expect(counts(await importer.importCsv(fixture('participants.csv')))).to.deep.equal([0, 0, 5, 0]);
    });

    it('rejects bad rows with their line and keeps the good ones', async () => {
      await loadFixtures('participants.csv');
      const file = csv('p.csv', [
        'kind,name,duns',
        'REP,Third REP,300000001',
        'REP,Fourth REP,200000001',
        'TDSP,Demo REP,300000002',
        'RETAILER,Fifth REP,300000005',
        'REP,Third REP,12345',
        'REP,Third REP,300000003',
        'REP,,300000004',
      ]);
      const result = await importer.importCsv(file);
      expect(counts(result)).to.deep.equal([2, 0, 0, 5]);
      expect(result.rejected.map((r) => r.line)).to.deep.equal([3, 4, 5, 6, 8]);
      expect(result.rejected[0]!.reason).to.contain('DUNS 200000001 already belongs to "Demo REP"');
      expect(result.rejected[1]!.reason).to.contain('registered as a REP, not a TDSP');
      expect(result.rejected[2]!.reason).to.contain('kind "RETAILER" is not REP or TDSP');
      expect(result.rejected[3]!.reason).to.contain('leading zeros');
      expect(result.rejected[4]!.reason).to.contain('name is empty');
      expect((await registry.findParticipantByDuns('300000003'))?.duns).to.deep.equal(['300000001', '300000003']);
    });
  });

  describe('esiids layout', () => {
    it('loads the fixture ESI IDs with their meters and read cycles', async () => {
      await loadFixtures('participants.csv');
      const result = await importer.importCsv(fixture('esiids.csv'));
      expect(result.layout).to.equal('esiids');
      expect(counts(result)).to.deep.equal([11, 0, 0, 0]);
      expect(await registry.getEsiid('10443720000000001')).to.deep.equal({
        esiid: '10443720000000001', tdspDuns: '100000001', meterNumber: 'M0000001',
        meterHardwareVersion: 'AMS-2.1', meterFirmwareVersion: '4.2.0', readCycle: 5, loadProfileClass: null,
      });
      expect(await registry.getEsiid('10443720000000009')).to.include({ meterHardwareVersion: 'AMS-1.0', meterFirmwareVersion: '1.0.3', readCycle: null });
      expect(await registry.getEsiid('1008901000000000000001')).to.include({ tdspDuns: '100000002', meterNumber: 'M9000001', meterHardwareVersion: null });
      expect(counts(await importer.importCsv(fixture('esiids.csv')))).to.deep.equal([0, 0, 11, 0]);
    });

    it('reports each bad row of the broken fixture by line and keeps the good row', async () => {
      await loadFixtures('participants.csv');
      const result = await importer.importCsv(fixture('broken-esiids.csv'));
      expect(counts(result)).to.deep.equal([1, 0, 0, 4]);
      const byLine = Object.fromEntries(result.rejected.map((r) => [r.line, r.reason]));
      expect(Object.keys(byLine)).to.deep.equal(['3', '4', '5', '6']);
      expect(byLine[3]).to.contain('tdsp_duns 999999999 is not a registered TDSP');
      expect(byLine[4]).to.contain('"1044-3720-0000-0098" is not an ESI ID');
      expect(byLine[5]).to.contain('read_cycle "22" is not valid; expected a whole number from 1 to 21');
      expect(byLine[6]).to.contain('has 3 fields; expected 6');
      expect(await registry.getEsiid('10443720000000001')).to.include({ meterNumber: 'M0000001' });
      expect(await registry.getEsiid('10443720000000099')).to.equal(null);
    });

    it('updates a changed meter, keeps columns left out of the header and clears empty cells', async () => {
      await loadFixtures('participants.csv', 'esiids.csv');
      const exchange = csv('exchange.csv', [ESIIDS_HEADER, '10443720000000003,100000001,M7777777,AMS-3.0,5.0.1,5', '10443720000000004,100000001,M0000004,AMS-2.1,4.2.0,5']);
      expect(counts(await importer.importCsv(exchange))).to.deep.equal([0, 1, 1, 0]);
      expect(await registry.getEsiid('10443720000000003')).to.include({ meterNumber: 'M7777777', meterHardwareVersion: 'AMS-3.0', meterFirmwareVersion: '5.0.1' });

      const moved = csv('moved.csv', ['tdsp_duns,esiid', '100000002,10443720000000005']);
      expect(counts(await importer.importCsv(moved))).to.deep.equal([0, 1, 0, 0]);
      expect(await registry.getEsiid('10443720000000005')).to.include({ tdspDuns: '100000002', meterNumber: 'M0000005', readCycle: 5 });

      const cleared = csv('cleared.csv', ['esiid,tdsp_duns,read_cycle', '10443720000000005,100000002,']);
      expect(counts(await importer.importCsv(cleared))).to.deep.equal([0, 1, 0, 0]);
      expect(await registry.getEsiid('10443720000000005')).to.include({ readCycle: null, meterNumber: 'M0000005' });
    });

    it('loads an optional load_profile_class (any letter case), keeps it when the column is left out, clears it when empty, and refuses an unknown class', async () => {
      await loadFixtures('participants.csv');
      const first = csv('lpc.csv', ['esiid,tdsp_duns,load_profile_class', '10443720000000031,100000001,reslowr', '10443720000000032,100000001,BUSHILF', '10443720000000033,100000001,', '10443720000000034,100000001,RESXYZ']);
      const result = await importer.importCsv(first);
      expect(counts(result)).to.deep.equal([3, 0, 0, 1]);
      expect(result.rejected[0]).to.deep.equal({ line: 5, reason: 'load_profile_class "RESXYZ" is not one the platform has a default profile for; expected one of RESLOWR, RESHIWR, BUSLOLF, BUSMEDLF, BUSHILF, BUSNODEM, or empty for unknown' });
      expect(await registry.getEsiid('10443720000000031')).to.include({ loadProfileClass: 'RESLOWR' });
      expect(await registry.getEsiid('10443720000000033')).to.include({ loadProfileClass: null });
      const meters = csv('meters.csv', ['esiid,tdsp_duns,meter_number', '10443720000000031,100000001,M31']);
      expect(counts(await importer.importCsv(meters))).to.deep.equal([0, 1, 0, 0]);
      expect(await registry.getEsiid('10443720000000031')).to.include({ loadProfileClass: 'RESLOWR', meterNumber: 'M31' });
      const cleared = csv('lpc-cleared.csv', ['esiid,tdsp_duns,load_profile_class', '10443720000000032,100000001,']);
      expect(counts(await importer.importCsv(cleared))).to.deep.equal([0, 1, 0, 0]);
      expect(await registry.getEsiid('10443720000000032')).to.include({ loadProfileClass: null });
    });

    it('refuses a REP DUNS as tdsp_duns and a spreadsheet-mangled ESI ID', async () => {
      await loadFixtures('participants.csv');
      const file = csv('e.csv', [ESIIDS_HEADER, '10443720000000020,200000001,M20,,,', '1.04437E+16,100000001,M21,,,']);
      const result = await importer.importCsv(file);
      expect(result.rejected.map((r) => r.line)).to.deep.equal([2, 3]);
      expect(result.rejected[0]!.reason).to.contain('belongs to REP "Demo REP", not to a TDSP');
      expect(result.rejected[1]!.reason).to.contain('spreadsheet');
    });

    it('handles a BOM, CRLF, blank lines, quoted fields and multi-line fields with the right line numbers', async () => {
      await loadFixtures('participants.csv');
      const file = path.join(tmp, 'messy.csv');
      const text = '\uFEFF' + [
        ESIIDS_HEADER, // line 1
        '', // 2
        '10443720000000031,100000001,"M31",AMS-2.1,"4.2.0",5', // 3
        '   ', // 4
        ',,,,,', // 5
        '10443720000000032,100000001,"M3,2",,,', // 6
        '10443720000000033,100000001,"M33', // 7
        'second line",,,', // 8
        '10443720000000034,100000001,M34,,,99', // 9
        '10443720000000035,100000001', // 10
      ].join('\r\n') + '\r\n';
      fs.writeFileSync(file, text);
      const result = await importer.importCsv(file);
      expect(result.rejected.map((r) => r.line)).to.deep.equal([9, 10]);
      expect(counts(result)).to.deep.equal([3, 0, 0, 2]);
      expect(await registry.getEsiid('10443720000000031')).to.include({ meterNumber: 'M31', meterFirmwareVersion: '4.2.0' });
      expect(await registry.getEsiid('10443720000000032')).to.include({ meterNumber: 'M3,2' });
    });

    it('stops at quoting it cannot recover from, reporting the line and keeping earlier rows', async () => {
      await loadFixtures('participants.csv');
      const file = csv('quotes.csv', [ESIIDS_HEADER, '10443720000000041,100000001,M41,,,', '10443720000000042,100000001,"M42"x,,,', '10443720000000043,100000001,M43,,,']);
      const result = await importer.importCsv(file);
      expect(result.rejected).to.have.length(1);
      expect(result.rejected[0]!.line).to.equal(3);
      expect(result.rejected[0]!.reason).to.contain('the rest of the file was not read');
      expect(result.rejected[0]!.reason).to.contain('a closing quote is followed by other characters');
      expect(await registry.getEsiid('10443720000000041')).to.not.equal(null);
      expect(await registry.getEsiid('10443720000000043')).to.equal(null);
    });

    it('keeps every row before an unclosed quote and names the line after the last good row', async () => {
      await loadFixtures('participants.csv');
      // ~100 KB of good rows: more than one 64 KiB read before the parser notices the quote at the end.
      const good = Array.from({ length: 3000 }, (_, i) => `1044372900000${String(i).padStart(4, '0')},100000001,M${i},AMS-2.1,4.2.0,`);
      const file = csv('unclosed.csv', [ESIIDS_HEADER, ...good, '10443728000000000,100000001,"M-open,,,', '10443728000000001,100000001,M,,,']);
      const result = await importer.importCsv(file);
      expect(counts(result)).to.deep.equal([3000, 0, 0, 1]);
      expect(result.rejected[0]!.line).to.equal(3002);
      expect(result.rejected[0]!.reason).to.contain('is never closed');
      expect(await registry.getEsiid('10443729000002999')).to.include({ meterNumber: 'M2999' });
    });

    it('gives the same result when an ESI ID repeats across transaction batches', async () => {
      await loadFixtures('participants.csv');
      const small = new RegistryImportService(db, silentLogger(), { batchRows: 2 });
      const file = csv('repeat.csv', [
        ESIIDS_HEADER,
        '10443720000000051,100000001,M1,,,',
        '10443720000000051,100000001,M1,,,',
        '10443720000000051,100000001,M2,,,',
        '10443720000000052,100000001,M3,,,',
        '10443720000000052,100000001,M4,,,',
      ]);
      expect(counts(await small.importCsv(file))).to.deep.equal([2, 2, 1, 0]);
      expect(await registry.getEsiid('10443720000000051')).to.include({ meterNumber: 'M2' });
      expect(await registry.getEsiid('10443720000000052')).to.include({ meterNumber: 'M4' });
    });
  });

  describe('rep-of-record layout', () => {
    beforeEach(async () => loadFixtures('participants.csv', 'esiids.csv'));

    it('loads the fixture history and counts a re-import as unchanged', async () => {
      const result = await importer.importCsv(fixture('rep-of-record.csv'));
      expect(result.layout).to.equal('rep-of-record');
      expect(counts(result)).to.deep.equal([12, 0, 0, 0]);
      expect(await registry.repsOfRecord('10443720000000006')).to.deep.equal([
        { repDuns: '200000001', effectiveFrom: '2024-01-01', effectiveTo: '2025-07-15', source: 'registry' },
        { repDuns: '200000002', effectiveFrom: '2025-07-16', effectiveTo: null, source: 'registry' },
      ]);
      expect(await registry.repsOfRecord('1008901000000000000001')).to.deep.equal([
        { repDuns: '2000000011234', effectiveFrom: '2024-01-01', effectiveTo: null, source: 'registry' },
      ]);
      expect(counts(await importer.importCsv(fixture('rep-of-record.csv')))).to.deep.equal([0, 0, 12, 0]);
    });

    it('rejects a stretch overlapping a registry stretch, naming it, and keeps identical ones as unchanged', async () => {
      await loadFixtures('rep-of-record.csv');
      const file = csv('ror.csv', [
        ROR_HEADER,
        '10443720000000001,200000002,2025-03-01,',
        '10443720000000002,200000001,2024-01-01,',
        '10443720000000006,200000002,2025-07-01,2025-07-20',
      ]);
      const result = await importer.importCsv(file);
      expect(counts(result)).to.deep.equal([0, 0, 1, 2]);
      expect(result.rejected[0]).to.deep.include({ line: 2 });
      expect(result.rejected[0]!.reason).to.contain('overlaps the registry stretch REP 200000001 from 2024-01-01, open-ended');
      expect(result.rejected[0]!.reason).to.contain('"10443720000000001,200000001,2024-01-01,2025-02-28"');
      expect(result.rejected[1]!.line).to.equal(4);
      expect(result.rejected[1]!.reason).to.contain('REP 200000001 from 2024-01-01 to 2025-07-15');
      expect(await registry.repsOfRecord('10443720000000001')).to.have.length(1);
    });

    it('records a switch: ending the open stretch is an update, the new stretch a creation', async () => {
      await loadFixtures('rep-of-record.csv');
      const file = csv('switch.csv', [ROR_HEADER, '10443720000000001,200000001,2024-01-01,2025-02-28', '10443720000000001,200000002,2025-03-01,']);
      expect(counts(await importer.importCsv(file))).to.deep.equal([1, 1, 0, 0]);
      expect((await registry.repsOfRecord('10443720000000001')).map((s) => [s.repDuns, s.effectiveFrom, s.effectiveTo])).to.deep.equal([
        ['200000001', '2024-01-01', '2025-02-28'],
        ['200000002', '2025-03-01', null],
      ]);
    });

    it('rejects unknown ESI IDs, non-REP DUNS and impossible dates with their lines', async () => {
      const file = csv('bad.csv', [
        ROR_HEADER,
        '10443720000000099,200000001,2024-01-01,',
        '10443720000000001,100000001,2024-01-01,',
        '10443720000000001,200000001,2025-02-30,',
        '10443720000000001,200000001,2025-02-01,2025-01-31',
        '10443720000000001,200000001,2024-01-01,',
      ]);
      const result = await importer.importCsv(file);
      expect(counts(result)).to.deep.equal([1, 0, 0, 4]);
      expect(result.rejected.map((r) => r.line)).to.deep.equal([2, 3, 4, 5]);
      expect(result.rejected[0]!.reason).to.contain('ESI ID 10443720000000099 is not registered');
      expect(result.rejected[1]!.reason).to.contain('belongs to TDSP "Demo TDSP", not to a REP');
      expect(result.rejected[2]!.reason).to.contain('effective_from "2025-02-30" is not a date');
      expect(result.rejected[3]!.reason).to.contain('effective_to 2025-01-31 is before effective_from 2025-02-01');
    });

    it('trims, splits or replaces overlapping lse stretches: the registry is authoritative', async () => {
      const lse: [string, string | null][] = [['2023-06-01', '2024-03-31'], ['2024-02-01', null], ['2023-01-01', null], ['2023-01-01', '2023-12-31']];
      for (const [i, [from, to]] of lse.entries()) {
        const sql = 'INSERT INTO rep_of_record (esiid, rep_duns, effective_from, effective_to, source) VALUES (?, ?, ?, ?, \'lse\')';
        await db.query(sql, [`1044372000000000${i + 1}`, '200000002', from, to]);
      }
      const file = csv('ror.csv', [
        ROR_HEADER,
        '10443720000000001,200000001,2024-01-01,',
        '10443720000000002,200000001,2024-01-01,',
        '10443720000000003,200000001,2024-01-01,2024-06-30',
        '10443720000000004,200000001,2024-01-01,',
      ]);
      expect(counts(await importer.importCsv(file))).to.deep.equal([4, 0, 0, 0]);
      const view = async (esiid: string) => (await registry.repsOfRecord(esiid)).map((s) => [s.repDuns, s.effectiveFrom, s.effectiveTo, s.source]);
      expect(await view('10443720000000001')).to.deep.equal([
        ['200000002', '2023-06-01', '2023-12-31', 'lse'],
        ['200000001', '2024-01-01', null, 'registry'],
      ]);
      expect(await view('10443720000000002')).to.deep.equal([['200000001', '2024-01-01', null, 'registry']]);
      expect(await view('10443720000000003')).to.deep.equal([
        ['200000002', '2023-01-01', '2023-12-31', 'lse'],
        ['200000001', '2024-01-01', '2024-06-30', 'registry'],
        ['200000002', '2024-07-01', null, 'lse'],
      ]);
      expect(await view('10443720000000004')).to.deep.equal([
        ['200000002', '2023-01-01', '2023-12-31', 'lse'],
        ['200000001', '2024-01-01', null, 'registry'],
      ]);
    });
  });

  describe('smt registry import', () => {
    let out: string;
    let err: string;

    beforeEach(() => {
      out = '';
      err = '';
    });

    const importFiles = async (...files: string[]) => {
      const r = await CliHarness.at(tmp).run('registry', 'import', ...files);
      out += r.out;
      err += r.err;
      return r.status;
    };

    it('exits 0 and prints a summary per file when every row loads', async () => {
      const status = await importFiles(fixture('participants.csv'), fixture('esiids.csv'), fixture('rep-of-record.csv'));
      expect(status, err).to.equal(0);
      expect(out).to.contain(`${fixture('participants.csv')}: participants: 5 created, 0 updated, 0 unchanged, 0 rejected`);
      expect(out).to.contain(`${fixture('esiids.csv')}: esiids: 11 created, 0 updated, 0 unchanged, 0 rejected`);
      expect(out).to.contain(`${fixture('rep-of-record.csv')}: rep-of-record: 12 created, 0 updated, 0 unchanged, 0 rejected`);
      expect(await registry.repsOfRecord('10443720000000010')).to.have.length(1);
    });

    it('exits 1 and prints FILE:LINE: reason for each rejected row', async () => {
      const status = await importFiles(fixture('participants.csv'), fixture('broken-esiids.csv'));
      expect(status).to.equal(1);
      expect(out).to.contain('broken-esiids.csv: esiids: 1 created, 0 updated, 0 unchanged, 4 rejected');
      expect(err).to.contain(`${fixture('broken-esiids.csv')}:3: tdsp_duns 999999999 is not a registered TDSP`);
      expect(err).to.contain(`${fixture('broken-esiids.csv')}:6: has 3 fields`);
      expect(err.trim().split('\n')).to.have.length(4);
    });

    it('exits 2 and loads nothing when a file cannot be read or has an unknown header', async () => {
      const missing = path.join(tmp, 'missing.csv');
      const odd = csv('odd.csv', ['a,b', '1,2']);
      const status = await importFiles(fixture('participants.csv'), missing, odd);
      expect(status).to.equal(2);
      expect(err).to.contain(`Cannot read ${missing}: no such file`);
      expect(err).to.contain(`${odd}: the header "a,b" matches no registry layout`);
      expect(err).to.contain('Nothing was loaded');
      expect(out).to.equal('');
      expect(await registry.listParticipants()).to.deep.equal([]);
    });

    it('exits 2 with usage when no file is given', async () => {
      expect(await importFiles()).to.equal(2);
      expect(err).to.contain('Usage: smt registry import FILE.csv');
    });
  });
});
