import { untilStopped, type Command } from './command';
import { SmtError } from '../core/errors';

const USAGE = 'mock-tdsp [--port N] [--behaviour FILE.json] [--tdsp-cert FILE --tdsp-key FILE] [--platform-client-cert FILE] [--platform-signing-cert FILE] [--platform-server-cert FILE] [--ca FILE]';

export const mockTdspCommand: Command = {
  name: ['mock-tdsp'],
  summary: 'Run the mock TDSP alone: a real HTTPS SOAP server implementing wsdl/TdspHan.wsdl that calls the platform back as scripted',
  usage: USAGE,
  options: {
    port: { type: 'string' },
    behaviour: { type: 'string' },
    'tdsp-cert': { type: 'string' },
    'tdsp-key': { type: 'string' },
    'platform-client-cert': { type: 'string' },
    'platform-signing-cert': { type: 'string' },
    'platform-server-cert': { type: 'string' },
    ca: { type: 'string' },
  },
  allowPositionals: false,
  logsToStdout: true,
  async run({ values }, app, term) {
    const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
    const port = text('port') === undefined ? undefined : Number(text('port'));
    if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65_535)) {
      throw new SmtError('INPUT_INVALID', `--port "${text('port')}" is not a port number (0 to 65535).\nUsage: smt ${USAGE}`);
    }
    let tdspCert = text('tdsp-cert');
    let tdspKey = text('tdsp-key');
    if ((tdspCert === undefined) !== (tdspKey === undefined)) throw new SmtError('INPUT_INVALID', `--tdsp-cert and --tdsp-key go together.\nUsage: smt ${USAGE}`);
    if (tdspCert === undefined) {
      // The development setup (certificates, keys) is loaded by the commands that make it only.
      const { ensureDevelopmentSetup } = await import('../security/development-setup');
      const demo = (await ensureDevelopmentSetup(app)).demo.find((d) => d.kind === 'TDSP');
      if (!demo) throw new SmtError('INPUT_INVALID', `This data dir has no demo TDSP: give the TDSP's client certificate and key (--tdsp-cert, --tdsp-key).\nUsage: smt ${USAGE}`);
      tdspCert = demo.clientCertPath;
      tdspKey = demo.clientKeyPath;
    }
    const mock = await app.startMockTdsp({
      tdspCert, tdspKey: tdspKey!, port, behaviour: text('behaviour'),
      platformClientCert: text('platform-client-cert'), platformSigner: text('platform-signing-cert'), ca: text('ca'),
      // A platform that signs its calls with its server key: one certificate for both.
      platformServerCert: text('platform-server-cert') ?? text('platform-signing-cert'),
    });
    term.err([
      `smt mock-tdsp: TdspHan at https://${app.config.mockTdsp.host}:${mock.port}/TdspHan (WSDL: ?wsdl)`,
      `  register it as the TDSP's endpoint: smt entity update "NAME" --endpoint https://localhost:${mock.port}/TdspHan`,
      `  behaviour: ${text('behaviour') ?? app.config.mockTdsp.behaviourFile ?? 'built-in (Add Pending, Meter Ready, Device Added a second apart)'}`,
      '  Ctrl-C stops.',
      '',
    ].join('\n'));
    await untilStopped();
    return 0;
  },
};
