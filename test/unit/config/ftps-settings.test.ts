import { expect } from 'chai';
import { loadConfig } from '../../../src/config/config';
import { expectSmtError } from '../../support/run-tool';

describe('config: FTPS settings', () => {
  it('has safe defaults: loopback, port 2121, 50 passive ports, no client certificate, 512 MiB, 300 s, 8 connections an address, 30 s to log in', () => {
    expect(loadConfig({}).ftps).to.deep.equal({
      host: '127.0.0.1', port: 2121, publicUrl: 'ftp://localhost:2121', passivePorts: [30000, 30049], requireClientCertificate: false, maxUploadMb: 512, idleTimeoutS: 300,
      maxConnections: 256, maxConnectionsPerIp: 8, loginTimeoutS: 30,
    });
  });

  it('reads every SMT_FTPS_* variable', () => {
    expect(loadConfig({
      SMT_FTPS_HOST: '0.0.0.0', SMT_FTPS_PORT: '990', SMT_FTPS_PASSIVE_PORTS: '40000 - 40009', SMT_FTPS_REQUIRE_CLIENT_CERT: 'true', SMT_FTPS_MAX_UPLOAD_MB: '64', SMT_FTPS_IDLE_TIMEOUT_S: '60',
      SMT_FTPS_PUBLIC_URL: 'ftp://smt.example.com:990/', SMT_FTPS_MAX_CONNECTIONS: '64', SMT_FTPS_MAX_CONNECTIONS_PER_IP: '4', SMT_FTPS_LOGIN_TIMEOUT_S: '10',
    }).ftps).to.deep.equal({
      host: '0.0.0.0', port: 990, publicUrl: 'ftp://smt.example.com:990', passivePorts: [40000, 40009], requireClientCertificate: true, maxUploadMb: 64, idleTimeoutS: 60,
      maxConnections: 64, maxConnectionsPerIp: 4, loginTimeoutS: 10,
    });
    expect(loadConfig({ SMT_FTPS_PASSIVE_PORTS: '31000' }).ftps.passivePorts).to.deep.equal([31000, 31000]);
  });

  it('refuses bad values with a message naming the variable', () => {
    for (const [name, value] of [['SMT_FTPS_PASSIVE_PORTS', '30049-30000'], ['SMT_FTPS_PASSIVE_PORTS', '80-90'], ['SMT_FTPS_PASSIVE_PORTS', 'many'],
      ['SMT_FTPS_PASSIVE_PORTS', '2100-2200'], ['SMT_FTPS_PORT', '70000'], ['SMT_FTPS_REQUIRE_CLIENT_CERT', 'yes'], ['SMT_FTPS_MAX_UPLOAD_MB', '0'],
      ['SMT_FTPS_IDLE_TIMEOUT_S', '-5'], ['SMT_FTPS_MAX_CONNECTIONS_PER_IP', '0'], ['SMT_FTPS_LOGIN_TIMEOUT_S', '0'], ['SMT_FTPS_PUBLIC_URL', 'ftps://x:990']] as const) {
      expect(() => loadConfig({ [name]: value }), `${name}=${value}`).to.throw(name);
    }
  });

  it('is a CONFIG_INVALID error', async () => {
    await expectSmtError(Promise.resolve().then(() => loadConfig({ SMT_FTPS_PASSIVE_PORTS: '30000-abc' })), 'CONFIG_INVALID');
  });
});
