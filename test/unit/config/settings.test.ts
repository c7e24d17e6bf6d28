import { expect } from 'chai';
import { loadConfig } from '../../../src/config/config';
import { SmtError } from '../../../src/core/errors';

/** The refusal loadConfig gives for these variables. */
function refusal(env: Record<string, string>): SmtError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).to.be.instanceOf(SmtError);
    expect((error as SmtError).code).to.equal('CONFIG_INVALID');
    return error as SmtError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('config: settings checked at start', () => {
  it('names the variable and what it accepts', () => {
    expect(refusal({ SMT_DB_TYPE: 'oracle' }).message).to.contain('SMT_DB_TYPE').and.contain('sqlite, postgres, mssql');
    expect(refusal({ SMT_DB_TYPE: 'postgres' }).message).to.contain('SMT_DB_URL is required when SMT_DB_TYPE=postgres');
    expect(refusal({ SMT_REPORT_CONCURRENCY: 'two' }).message).to.contain('SMT_REPORT_CONCURRENCY').and.contain('whole number');
    expect(refusal({ SMT_RETENTION_DAYS: '0' }).message).to.contain('expected 1 to 3650');
    expect(refusal({ SMT_DAILY_POSTING_TIME: '25:00' }).message).to.contain('SMT_DAILY_POSTING_TIME').and.contain('HH:MM');
    expect(refusal({ SMT_SOAP_ALLOW_SHA1: 'yes' }).message).to.contain('SMT_SOAP_ALLOW_SHA1').and.contain('false, true');
  });

  it('wants the server certificate and its key together', () => {
    expect(refusal({ SMT_SERVER_CERT_FILE: '/etc/smt/server.crt' }).message).to.contain('SMT_SERVER_KEY_FILE and SMT_SERVER_CERT_FILE go together');
    expect(refusal({ SMT_SERVER_KEY_FILE: '/etc/smt/server.key' }).message).to.contain('set both');
    const both = loadConfig({ SMT_SERVER_CERT_FILE: '/etc/smt/server.crt', SMT_SERVER_KEY_FILE: '/etc/smt/server.key' });
    expect(both.security).to.include({ serverCertFile: '/etc/smt/server.crt', serverKeyFile: '/etc/smt/server.key' });
  });

  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config.db).to.deep.equal({ type: 'sqlite', url: null });
    expect(config.soap).to.include({ host: '127.0.0.1', port: 8443, maxBodyBytes: 4 * 1024 * 1024, allowSha1: false });
    expect(config.reports).to.include({ concurrency: 1, csvThreads: 1, retentionDays: 10, dailyPostingTime: '06:00', compressionLevel: 1 });
    expect(config.soap.publicUrl).to.equal('https://localhost:8443');
    expect(config.tdsp).to.deep.equal({ clientCertFile: null, clientKeyFile: null, signingCertFile: null, signingKeyFile: null, caFile: null, timeoutMs: 30_000, maxAttempts: 8, retryBaseMs: 5000, concurrency: 16, pollMs: 1000 });
    expect(config.mockTdsp).to.deep.equal({ mode: 'auto', host: '127.0.0.1', port: 9443, behaviourFile: null });
  });

  it('publishes the SOAP port it listens on unless told the public URL, and checks the TDSP and mock settings', () => {
    expect(loadConfig({ SMT_SOAP_PORT: '9000' }).soap.publicUrl).to.equal('https://localhost:9000');
    expect(loadConfig({ SMT_SOAP_PORT: '9000', SMT_SOAP_PUBLIC_URL: 'https://smt.example.com/' }).soap.publicUrl).to.equal('https://smt.example.com');
    expect(refusal({ SMT_TDSP_CLIENT_CERT_FILE: '/etc/smt/platform.crt' }).message).to.contain('SMT_TDSP_CLIENT_KEY_FILE and SMT_TDSP_CLIENT_CERT_FILE go together');
    expect(refusal({ SMT_TDSP_MAX_ATTEMPTS: '0' }).message).to.contain('SMT_TDSP_MAX_ATTEMPTS is 0; expected 1 to 100');
    expect(refusal({ SMT_MOCK_TDSP: 'on' }).message).to.contain('SMT_MOCK_TDSP').and.contain('auto, off');
  });
});
