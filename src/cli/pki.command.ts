import path from 'node:path';
import { SmtError } from '../core/errors';
import { ensureDevelopmentPki } from '../security/dev-pki';
import { requiredOption, type Command } from './command';

const ISSUE_USAGE = 'pki issue --cn NAME --out DIR [--days N] [--password P]';
const MAX_CLIENT_DAYS = 3650;

export const pkiInitCommand: Command = {
  name: ['pki', 'init'],
  summary: 'Create the development CA and the server certificate for localhost (kept if they exist)',
  usage: 'pki init',
  options: {},
  allowPositionals: false,
  async run(_input, app, term) {
    const pki = await ensureDevelopmentPki(app.config.dataDir);
    const { certificateInfo } = await import('../security/pki');
    const ca = certificateInfo(pki.ca.certPem);
    const server = certificateInfo(pki.server.certPem);
    app.logger.info('development PKI ready', { created: pki.created, dir: pki.dir, caFingerprint256: ca.fingerprint256 });
    term.out([
      `${pki.created ? 'Created' : 'Kept'} the development PKI in ${pki.dir}:`,
      `  CA certificate:     ${pki.caCertPath} (CN "${ca.subjectCn}", until ${ca.notAfter.slice(0, 10)}; SHA-256 ${ca.fingerprint256})`,
      `  CA key:             ${pki.caKeyPath}`,
      `  server certificate: ${pki.serverCertPath} (localhost, 127.0.0.1; until ${server.notAfter.slice(0, 10)})`,
      `  server key:         ${pki.serverKeyPath}`,
      'Client certificates: smt pki issue --cn NAME --out DIR',
      '',
    ].join('\n'));
    return 0;
  },
};

export const pkiIssueCommand: Command = {
  name: ['pki', 'issue'],
  summary: 'Issue a client certificate, key and PKCS#12 keystore from the development CA',
  usage: ISSUE_USAGE,
  options: {
    cn: { type: 'string' },
    out: { type: 'string' },
    days: { type: 'string', default: '365' },
    password: { type: 'string' },
  },
  allowPositionals: false,
  async run({ values }, app, term) {
    const commonName = requiredOption(values, 'cn', pkiIssueCommand);
    const outDir = path.resolve(requiredOption(values, 'out', pkiIssueCommand));
    const days = Number(values.days);
    if (!Number.isInteger(days) || days < 1 || days > MAX_CLIENT_DAYS) {
      throw new SmtError('INPUT_INVALID', `--days must be a whole number from 1 to ${MAX_CLIENT_DAYS}, not "${values.days}".\nUsage: smt ${ISSUE_USAGE}`);
    }
    const given = typeof values.password === 'string' ? values.password : null;
    if (given === '') throw new SmtError('INPUT_INVALID', `--password is empty; leave it out to get a random one.\nUsage: smt ${ISSUE_USAGE}`);
    // node-forge comes with the bundle writer: loaded by this command only.
    const { randomPassword, writeClientBundle } = await import('../security/client-bundle');
    const password = given ?? randomPassword();
    const pki = await ensureDevelopmentPki(app.config.dataDir);
    const bundle = await writeClientBundle(pki.ca, { commonName, outDir, days, pkcs12Password: password });
    app.logger.info('client certificate issued', { commonName, serialHex: bundle.serialHex, fingerprint256: bundle.fingerprint256, notAfter: bundle.notAfter, dir: outDir });
    const lines = [
      `Issued a client certificate for CN "${commonName}" from the development CA (serial ${bundle.serialHex}, until ${bundle.notAfter.slice(0, 10)}):`,
      `  certificate: ${bundle.certPath}`,
      `  private key: ${bundle.keyPath}`,
      `  PKCS#12:     ${bundle.pkcs12Path}`,
      `  SHA-256:     ${bundle.fingerprint256}`,
    ];
    if (given === null) lines.push(`PKCS#12 password (generated; it is not stored anywhere): ${password}`);
    if (pki.created) lines.push(`The development PKI did not exist yet and was created in ${pki.dir}.`);
    if (app.config.security.clientCaFile !== null) {
      lines.push(`Note: SMT_CLIENT_CA_FILE is set (${app.config.security.clientCaFile}), so smt entity add accepts only certificates from that CA, not this one.`);
    }
    lines.push(`Register it: smt entity add --type REP|TDSP --name NAME --duns DUNS --cert ${bundle.certPath} --ip ADDRESS`, '');
    term.out(lines.join('\n'));
    return 0;
  },
};
