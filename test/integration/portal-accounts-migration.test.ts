import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { DataSource } from 'typeorm';
import { entities, migrations } from '../../src/db/data-source';
import { PortalUser } from '../../src/db/entities/portal-user.entity';
import { canUse, type PortalFunction } from '../../src/portal/user-functions';

/** Migration 1764720002000 on a database that already has portal users: staff keep every function; canUse by kind. */
describe('portal accounts migration and portal functions', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-portal-migration-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const open = (upTo: number) => new DataSource({ type: 'better-sqlite3', database: path.join(dir, 'smt.sqlite'), entities: [], migrations: migrations.slice(0, upTo), synchronize: false });

  it('gives users who existed before it every function, no company, all meters and no pending email', async () => {
    const mine = migrations.findIndex((m) => m.name === 'PortalAccounts1764720002000');
    expect(mine).to.be.greaterThan(0);
    const before = await open(mine).initialize();
    await before.runMigrations();
    await before.query(`INSERT INTO portal_user (login, password_hash, kind, status, participant_id, first_name, last_name, email, language, created_at, is_admin)
      VALUES ('old.rep', 'x', 'REP', 'ACTIVE', 1, 'Old', 'Rep', 'old@rep.test', 'en', '2026-01-01T00:00:00Z', 0)`);
    await before.destroy();
    const after = await new DataSource({ type: 'better-sqlite3', database: path.join(dir, 'smt.sqlite'), entities, migrations, synchronize: false }).initialize();
    try {
      await after.runMigrations();
      const user = await after.manager.findOneByOrFail(PortalUser, { login: 'old.rep' });
      expect(user).to.include({ functions: 'USAGE,HAN,MESSAGE_LOG', companyId: null, allMeters: true, pendingEmail: '' });
      expect((['USAGE', 'HAN', 'MESSAGE_LOG'] as PortalFunction[]).map((f) => canUse(user, f))).to.deep.equal([true, true, true]);
    } finally {
      await after.destroy();
    }
  });

  it('canUse: staff by their grants, the regulator never HAN, customers always usage and HAN and never the message log', () => {
    const all = ['USAGE', 'HAN', 'MESSAGE_LOG'] as const;
    const uses = (kind: PortalUser['kind'], functions: string) => all.map((f) => canUse({ kind, functions }, f));
    expect(uses('REP', 'USAGE')).to.deep.equal([true, false, false]);
    expect(uses('TDSP', 'HAN,MESSAGE_LOG')).to.deep.equal([false, true, true]);
    expect(uses('REP', '')).to.deep.equal([false, false, false]);
    expect(uses('REP', 'USAGE,BOGUS,han')).to.deep.equal([true, false, false]);
    expect(uses('REGULATOR', 'USAGE,HAN,MESSAGE_LOG')).to.deep.equal([true, false, true]);
    expect(uses('CUSTOMER', '')).to.deep.equal([true, true, false]);
  });
});
