import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../../../src/config/config';
import { silentLogger } from '../../../src/core/logger';
import { openDatabase } from '../../../src/db/data-source';
import { ParticipantPassword } from '../../../src/db/entities/participant-password.entity';
import { RegistryService } from '../../../src/registry/registry.service';
import { loadClientCa } from '../../../src/security/client-ca';
import { CredentialsService } from '../../../src/security/credentials.service';
import { ensureDevelopmentPki, type DevelopmentPki } from '../../../src/security/dev-pki';
import { FtpAccountsService } from '../../../src/security/ftp-accounts.service';
import { certificateInfo, issueCertificate } from '../../../src/security/pki';
import { expectSmtError } from '../../support/run-tool';

const PASSWORD = 'a long enough passphrase';

describe('security/FtpAccountsService', () => {
  let tmp: string;
  let db: DataSource;
  let pki: DevelopmentPki;
  let credentials: CredentialsService;
  const accounts = (requireClientCertificate = false) => new FtpAccountsService(db, silentLogger(), credentials, { requireClientCertificate });

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-ftp-accounts-'));
    pki = await ensureDevelopmentPki(tmp);
    db = await openDatabase(loadConfig({ SMT_DATA_DIR: tmp }));
    credentials = new CredentialsService(db, silentLogger(), () => loadClientCa({ dataDir: tmp, clientCaFile: null }));
    const registry = new RegistryService(db, silentLogger());
    await registry.addParticipant({ name: 'Demo REP', kind: 'REP', duns: ['200000001', '2000000011234'] });
    await registry.addParticipant({ name: 'Demo TDSP', kind: 'TDSP', duns: ['100000001'] });
    await credentials.setIps('Demo REP', ['127.0.0.1', '2001:db8::10']);
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

  it('refuses a wrong password and an unknown user alike, and an unregistered address only after the password', async () => {
    const wrong = await expectSmtError(accounts().authenticateFtpUser('Demo REP', 'not the password', '127.0.0.1', null), 'AUTH_PASSWORD_INVALID');
    const unknown = await expectSmtError(accounts().authenticateFtpUser('Nobody', PASSWORD, '127.0.0.1', null), 'AUTH_PASSWORD_INVALID');
    expect(wrong.message).to.equal(unknown.message);
    await expectSmtError(accounts().authenticateFtpUser('Demo REP', 'not the password', '198.51.100.7', null), 'AUTH_PASSWORD_INVALID');
    await expectSmtError(accounts().authenticateFtpUser('Demo REP', PASSWORD, '198.51.100.7', null), 'AUTH_IP_NOT_REGISTERED');
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
