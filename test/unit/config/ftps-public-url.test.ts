import { expect } from 'chai';
import { loadConfig } from '../../../src/config/config';

describe('config: SMT_FTPS_PUBLIC_URL', () => {
  it('defaults to ftp://localhost on the FTPS port', () => {
    expect(loadConfig({}).ftps.publicUrl).to.equal('ftp://localhost:2121');
    expect(loadConfig({ SMT_FTPS_PORT: '2222' }).ftps.publicUrl).to.equal('ftp://localhost:2222');
  });

  it('takes an ftp:// host and port, without a trailing slash', () => {
    expect(loadConfig({ SMT_FTPS_PUBLIC_URL: 'ftp://smt.example.com:990/' }).ftps.publicUrl).to.equal('ftp://smt.example.com:990');
  });

  it('refuses implicit TLS, credentials, a path and what is not a URL, naming the setting', () => {
    for (const value of ['ftps://smt.example.com', 'ftp://user:secret@smt.example.com', 'ftp://smt.example.com/200000001', 'https://smt.example.com', 'smt.example.com']) {
      expect(() => loadConfig({ SMT_FTPS_PUBLIC_URL: value }), value).to.throw(/SMT_FTPS_PUBLIC_URL .*expected ftp:\/\/HOST\[:PORT\]/);
    }
  });
});
