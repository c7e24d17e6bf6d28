import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import sinon from 'sinon';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../../../src/config/config';
import { silentLogger } from '../../../src/core/logger';
import { openDatabase } from '../../../src/db/data-source';
import { LoginFailure } from '../../../src/db/entities/login-failure.entity';
import { LoginLock } from '../../../src/db/entities/login-lock.entity';
import { ParticipantPassword } from '../../../src/db/entities/participant-password.entity';
import { RegistryService } from '../../../src/registry/registry.service';
import { loadClientCa } from '../../../src/security/client-ca';
import { CredentialsService } from '../../../src/security/credentials.service';
import { ensureDevelopmentPki, type DevelopmentPki } from '../../../src/security/dev-pki';
import { FtpAccountsService } from '../../../src/security/ftp-accounts.service';
import { LoginThrottle } from '../../../src/security/login-throttle';
import * as password from '../../../src/security/password';
import { certificateInfo, issueCertificate } from '../../../src/security/pki';
import { expectSmtError } from '../../support/run-tool';

const PASSWORD = 'a long enough passphrase';

describe('security/FtpAccountsService', () => {
  let tmp: string;
  let db: DataSource;
  let pki: DevelopmentPki;
  let credentials: CredentialsService;
  let now = Date.parse('2025-07-01T12:00:00Z');
  // A limit the tests below never reach, except those about the lockout, which set their own.
  const accounts = (requireClientCertificate = false, maxFailures = 1000) =>
    new FtpAccountsService(db, silentLogger(), credentials, new LoginThrottle(db, silentLogger(), { maxFailures, now: () => now }), { requireClientCertificate });

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-ftp-accounts-'));
    pki = await ensureDevelopmentPki(tmp);
    db = await openDatabase(loadConfig({ SMT_DATA_DIR: tmp }));
    credentials = new CredentialsService(db, silentLogger(), () => loadClientCa({ dataDir: tmp, clientCaFile: null }));
    const registry = new RegistryService(db, silentLogger());
    await registry.addParticipant({ name: 'Demo REP', kind: 'REP', duns: ['200000001', '2000000011234'] });
    await registry.addParticipant({ name: 'Demo TDSP', kind: 'TDSP', duns: ['100000001'] });
    await credentials.setIps('Demo REP', ['127.0.0.1', '2001:db8::10']);
    await credentials.setIps('Demo TDSP', ['127.0.0.1']);
    await accounts().setPassword('Demo REP', PASSWORD);
  });

  after(async () => {
    await db.destroy();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('stores only a salted scrypt hash, and replaces it when set again', async () => {
    const [row] = await db.manager.find(ParticipantPassword);
    expect(row!.hash).to.match(/^scrypt\$16384\$8\$1\$/).and.not.contain(PASSWORD);
    expect(await accounts().hasPassword('Demo REP')).to.equal(true);
    expect(await accounts().hasPassword('Demo TDSP')).to.equal(false);
    await accounts().setPassword('Demo TDSP', 'another fine passphrase');
    await accounts().setPassword('Demo TDSP', 'yet another passphrase');
    expect(await db.manager.count(ParticipantPassword)).to.equal(2);
    await expectSmtError(accounts().authenticateFtpUser('Demo TDSP', 'another fine passphrase', '127.0.0.1', null), 'AUTH_PASSWORD_INVALID');
  });

  it('refuses passwords under 12 characters, and unknown participants', async () => {
    expect((await expectSmtError(accounts().setPassword('Demo REP', 'elevenchars'), 'INPUT_INVALID')).message).to.contain('at least 12 characters').and.not.contain('elevenchars');
    await expectSmtError(accounts().setPassword('Nobody', PASSWORD), 'NOT_FOUND');
  });

  it('logs in with the name in any case or any DUNS, from a registered address (IPv4-mapped too)', async () => {
    const expected = { name: 'Demo REP', kind: 'REP', duns: ['200000001', '2000000011234'] };
    for (const [user, ip] of [['Demo REP', '127.0.0.1'], ['demo rep', '::ffff:127.0.0.1'], ['2000000011234', '2001:db8:0::10'], [' 200000001 ', '127.0.0.1']]) {
      expect(await accounts().authenticateFtpUser(user!, PASSWORD, ip!, null)).to.deep.include(expected);
    }
  });

  it('refuses a wrong password and an unknown user, and checks the source address before it hashes any password', async () => {
    await expectSmtError(accounts().authenticateFtpUser('Demo REP', 'not the password', '127.0.0.1', null), 'AUTH_PASSWORD_INVALID');
    const verify = sinon.spy(password, 'verifyPassword');
    try {
      await expectSmtError(accounts().authenticateFtpUser('Nobody', PASSWORD, '127.0.0.1', null), 'AUTH_PASSWORD_INVALID');
      await expectSmtError(accounts().authenticateFtpUser('Demo REP', 'not the password', '198.51.100.7', null), 'AUTH_IP_NOT_REGISTERED');
      await expectSmtError(accounts().authenticateFtpUser('Demo REP', PASSWORD, '198.51.100.7', null), 'AUTH_IP_NOT_REGISTERED');
      expect(verify.callCount, 'no password was hashed for an unknown user or an unregistered address').to.equal(0);
    } finally {
      verify.restore();
    }
  });

  describe('lockout', () => {
    beforeEach(async () => {
      await db.manager.clear(LoginFailure);
      await db.manager.clear(LoginLock);
    });

    it('counts every name of a participant together, from its registered addresses, and locks it there for 15 minutes', async () => {
      const strict = accounts(false, 5);
      for (const [user, ip] of [['Demo REP', '127.0.0.1'], ['200000001', '2001:db8::10'], ['2000000011234', '127.0.0.1'], ['demo rep', '2001:db8::10']]) {
        await expectSmtError(strict.authenticateFtpUser(user!, 'not the password', ip!, null), 'AUTH_PASSWORD_INVALID');
      }
      const fifth = await expectSmtError(strict.authenticateFtpUser('200000001', 'not the password', '2001:db8::10', null), 'AUTH_PASSWORD_INVALID');
      expect(fifth.details).to.include({ failuresForParticipant: 5, failuresFromAddress: 3, lockedUntil: '2025-07-01T12:15:00.000Z' });
      const verify = sinon.spy(password, 'verifyPassword');
      try {
        const locked = await expectSmtError(strict.authenticateFtpUser('Demo REP', PASSWORD, '127.0.0.1', null), 'AUTH_LOCKED');
        expect(locked.details).to.include({ entity: 'Demo REP', lockedUntil: '2025-07-01T12:15:00.000Z' });
        expect(verify.callCount, 'a locked participant is refused before its password is checked').to.equal(0);
      } finally {
        verify.restore();
      }
      now += 15 * 60_000;
      expect(await strict.authenticateFtpUser('Demo REP', PASSWORD, '127.0.0.1', null)).to.include({ name: 'Demo REP' });
    });

    it('counts failures from an unregistered address against that address only', async () => {
      const strict = accounts(false, 5);
      for (let i = 0; i < 5; i++) await expectSmtError(strict.authenticateFtpUser('Demo REP', PASSWORD, '198.51.100.7', null), 'AUTH_IP_NOT_REGISTERED');
      await expectSmtError(strict.authenticateFtpUser('Demo REP', PASSWORD, '198.51.100.7', null), 'AUTH_LOCKED');
      expect(await strict.authenticateFtpUser('Demo REP', PASSWORD, '127.0.0.1', null)).to.include({ name: 'Demo REP' });
    });

    it('locks an address that fails with many names, and forgets a participant\'s failures when it logs in', async () => {
      const strict = accounts(false, 5);
      for (let i = 0; i < 4; i++) await expectSmtError(strict.authenticateFtpUser(`Nobody ${i}`, PASSWORD, '2001:db8::10', null), 'AUTH_PASSWORD_INVALID');
      await expectSmtError(strict.authenticateFtpUser('Demo REP', 'not the password', '127.0.0.1', null), 'AUTH_PASSWORD_INVALID');
      await strict.authenticateFtpUser('Demo REP', PASSWORD, '127.0.0.1', null);
      const fifth = await expectSmtError(strict.authenticateFtpUser('Demo REP', 'not the password', '2001:db8::10', null), 'AUTH_PASSWORD_INVALID');
      expect(fifth.details).to.include({ failuresFromAddress: 5, failuresForParticipant: 1 });
      await expectSmtError(strict.authenticateFtpUser('Demo REP', PASSWORD, '2001:db8::10', null), 'AUTH_LOCKED');
      await strict.authenticateFtpUser('Demo REP', PASSWORD, '127.0.0.1', null);
    });
  });

  it('requires, when configured, a client certificate registered to the entity and not revoked', async () => {
    const strict = accounts(true);
    const [repCert, tdspCert] = await Promise.all(['rep-ftps', 'tdsp-ftps'].map((cn) => issueCertificate(pki.ca, { commonName: cn, kind: 'client', days: 30 })));
    await credentials.registerCertificate('Demo REP', repCert!.certPem, 'tls');
    await credentials.registerCertificate('Demo TDSP', tdspCert!.certPem, 'tls');
    const fingerprint = (c: { certPem: string }) => certificateInfo(c.certPem).fingerprint256;
    await expectSmtError(strict.authenticateFtpUser('Demo REP', PASSWORD, '127.0.0.1', null), 'AUTH_NO_CERTIFICATE');
    await expectSmtError(strict.authenticateFtpUser('Demo REP', PASSWORD, '127.0.0.1', fingerprint(tdspCert!)), 'AUTH_CERTIFICATE_UNKNOWN');
    expect(await strict.authenticateFtpUser('Demo REP', PASSWORD, '127.0.0.1', fingerprint(repCert!))).to.include({ name: 'Demo REP' });
    await credentials.revoke(repCert!.serialHex);
    await expectSmtError(strict.authenticateFtpUser('Demo REP', PASSWORD, '127.0.0.1', fingerprint(repCert!)), 'AUTH_CERTIFICATE_REVOKED');
  });
});
