import { serveRole } from '../ops/ops-settings';
import type { StartedPart } from '../serve/serve-roles';
import { untilStopped, type Command } from './command';

export const serveCommand: Command = {
  name: ['serve'],
  summary: 'Run the platform: the SOAP and FTPS servers and the portal (role api), inbound LSE loading, the report worker, TDSP dispatch, daily postings and retention (role worker), or all of it (role all, the default); in development also the mock TDSP',
  usage: 'serve [--role all|api|worker] [--poll-seconds N]',
  options: { role: { type: 'string' }, 'poll-seconds': { type: 'string', default: '5' } },
  allowPositionals: false,
  logsToStdout: true,
  async run({ values }, app, term) {
    const pollMs = Math.max(1, Number(values['poll-seconds']) || 5) * 1000;
    const role = values.role === undefined ? app.config.ops.role : serveRole(String(values.role), '--role');
    // Loaded here rather than with the command list: every other command starts without them.
    const [{ describeDevelopmentSetup, ensureDevelopmentSetup }, { describeRole, instanceLeases, makeInboundFolders, ROLE_PARTS, startApiPart, startHealthPart, startWorkerPart }] =
      await Promise.all([import('../security/development-setup'), import('../serve/serve-roles')]);
    const parts = ROLE_PARTS[role];
    const setup = await ensureDevelopmentSetup(app);
    await makeInboundFolders(app);
    const leases = await instanceLeases(app);
    // First, so that a port already taken stops the start before any work is claimed.
    const health = await startHealthPart(app, role, leases.holder);
    const worker = parts.worker ? await startWorkerPart(app, leases, pollMs) : null;
    // An upload that completed is loaded at once rather than at the next poll (by this instance, when it is also a worker).
    const api = parts.api ? await startApiPart(app, setup, role === 'all', () => worker?.wakeInbound()) : null;
    const started = [api, worker, health].filter((p): p is StartedPart => p !== null);
    app.logger.info('serve: started', { role, instance: leases.holder, dataDir: app.config.dataDir, db: app.config.db.type });
    term.err([
      `smt serve: running on ${app.config.db.type === 'sqlite' ? `the embedded database in ${app.config.dataDir}` : `the ${app.config.db.type} server`}`,
      `  ${describeRole(role)} (instance ${leases.holder})`,
      ...started.flatMap((part) => part.banner),
      ...(parts.api ? describeDevelopmentSetup(setup).map((line) => `  ${line}`) : []),
      `  logs:              ${app.config.log.file}`,
      '  Ctrl-C stops.',
      '',
    ].join('\n'));
    await untilStopped();
    term.err('smt serve: stopping after the work in progress...\n');
    await Promise.all(started.map((part) => part.stop()));
    return 0;
  },
};
