import fs from 'node:fs';
import path from 'node:path';
import { makePrivateDir } from '../core/private-files';
import { InboundFolderWorker } from '../ingest/inbound-folder.worker';
import { describeDevelopmentSetup, ensureDevelopmentSetup } from '../security/development-setup';
import { PostingScheduler } from '../usage/posting.scheduler';
import { untilStopped, type Command } from './command';

export const serveCommand: Command = {
  name: ['serve'],
  summary: 'Run the platform: the SOAP and FTPS servers, inbound LSE loading, the report worker, TDSP dispatch, daily postings, retention, and in development the mock TDSP',
  usage: 'serve [--poll-seconds N]',
  options: { 'poll-seconds': { type: 'string', default: '5' } },
  allowPositionals: false,
  logsToStdout: true,
  async run({ values }, app, term) {
    const pollMs = Math.max(1, Number(values['poll-seconds']) || 5) * 1000;
    const setup = await ensureDevelopmentSetup(app);
    // Every TDSP's inbound/ folder exists from the start, so files can be dropped there before any FTPS login.
    for (const tdsp of (await (await app.registry()).listParticipants()).filter((p) => p.kind === 'TDSP')) {
      for (const duns of tdsp.duns) await makePrivateDir(path.join(app.ftpsRoot, duns, 'inbound'));
    }
    const ingest = await app.ingestService();
    const key = await app.platformKey();
    await fs.promises.mkdir(app.tempDir, { recursive: true, mode: 0o700 });
    const worker = new InboundFolderWorker(ingest, app.logger, {
      ftpsRoot: app.ftpsRoot,
      tempDir: app.tempDir,
      maxFileBytes: app.config.ingest.maxFileBytes,
      pollMs,
      platformKey: async () => key.privateKey,
      ownerOf: async (duns) => (await app.registry()).findParticipantByDuns(duns),
    });
    worker.start();
    const reports = await app.reportWorker();
    await reports.start();
    const scheduler = new PostingScheduler(await app.dailyPostings(), await app.retention(), app.logger, {
      postingTime: app.config.reports.dailyPostingTime,
      checkMs: 60_000,
    });
    scheduler.start();
    const soap = await app.startSoapServer();
    const dispatch = await app.dispatchWorker();
    await dispatch.start();
    const mockEndpoint = await app.startDevelopmentMockTdsp(setup);
    // An upload that completed is loaded at once rather than at the next poll.
    const ftps = await app.startFtpsServer(() => worker.wake());
    const portal = app.config.portal.mode === 'on' ? await app.startPortal() : null;
    app.logger.info('serve: started', { dataDir: app.config.dataDir, db: app.config.db.type, soapPort: soap.port, ftpsPort: ftps.port });
    term.err([
      `smt serve: running on ${app.config.db.type === 'sqlite' ? `the embedded database in ${app.config.dataDir}` : `the ${app.config.db.type} server`}`,
      `  SOAP (mutual TLS): https://${app.config.soap.host}:${soap.port}/MeterUsage and /HAN (WSDL: ?wsdl); TDSPs call back at ${app.soapPublicUrl()}/TdspCallback`,
      ...(mockEndpoint ? [`  mock TDSP:         ${mockEndpoint} (the demo TDSP's HAN endpoint; behaviour: ${app.config.mockTdsp.behaviourFile ?? 'built-in, SMT_MOCK_TDSP_BEHAVIOUR=FILE changes it'})`] : []),
      `  FTPS (explicit TLS): ftp://${app.config.ftps.host}:${ftps.port} (log in with the entity name and its password: smt entity set-password NAME)`,
      `  FTPS for integrators: ${app.config.ftps.publicUrl} (SMT_FTPS_PUBLIC_URL: what starter kits name; curl --ssl-reqd)`,
      `  inbound LSE files: ${app.ftpsRoot}/<TDSP DUNS>/inbound/ (checked every ${pollMs / 1000} s; activity reports in .../reports/)`,
      `  report files:      ${app.ftpsRoot}/<DUNS>/adhoc/ and daily/ (daily postings at the latest ${app.config.reports.dailyPostingTime} CPT; kept ${app.config.reports.retentionDays} days)`,
      `  platform PGP key:  fingerprint ${key.fingerprint} (smt keys export-public prints it for TDSPs)`,
      ...(portal ? [`  web portal:        ${portal.url}/${portal.demoLogins ? ` (demo logins demo-customer, demo-rep, demo-tdsp, demo-regulator: passwords in ${portal.demoLogins})` : ''}`] : []),
      ...(portal?.mailDir ? [`  portal mail:       caught in ${portal.mailDir} (no SMT_SMTP_URL), listed at ${portal.url}/dev/mail`] : []),
      ...describeDevelopmentSetup(setup).map((line) => `  ${line}`),
      `  logs:              ${app.config.log.file}`,
      '  Ctrl-C stops.',
      '',
    ].join('\n'));
    await untilStopped();
    term.err('smt serve: stopping after the work in progress...\n');
    await Promise.all([worker.stop(), reports.stop(), scheduler.stop(), dispatch.stop()]);
    return 0;
  },
};
