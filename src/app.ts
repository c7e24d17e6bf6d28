import os from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import type { Config } from './config/config';
import { cptToday } from './core/cpt';
import { closeLogger, createLogger, type Logger } from './core/logger';
import { openDatabase, sqliteFile } from './db/data-source';
import type { PlatformKey } from './delivery/platform-key';
import { RetentionService } from './delivery/retention.service';
import type { IngestService } from './ingest/ingest.service';
import type { IngestDeps } from './ingest/ingest.wiring';
import type { VeeRunner } from './vee/vee.runner';
import type { WeekdayTotalsStore } from './vee/weekday-totals';
import { LseParserPool } from './ingest/lse-parser.thread';
import type { RegistryImportService } from './registry/registry-import.service';
import { RegistryService } from './registry/registry.service';
import type { ClientCa } from './security/client-ca';
import type { DevelopmentSetup } from './security/development-setup';
import { PlatformIdentities, type TdspClientTls } from './security/platform-identities';
import { HanAccess } from './han/han-access';
import { HanDeviceStatusService } from './han/han-device-status.service';
import { HanDeviceService } from './han/han-device.service';
import { HanMessageRequests } from './han/han-message-requests';
import { HanMessageService } from './han/han-message.service';
import { HanMessageStatusService } from './han/han-message-status.service';
import { hanDispatchEnds } from './tdsp/dispatch-outcomes';
import { DispatchStore } from './tdsp/dispatch.store';
import type { DispatchWorker } from './tdsp/dispatch.worker';
import type { SigningCredentials } from './security/ws-security.signer';
import { WsSecurityPool } from './security/ws-security.pool';
import type { RunningSoapServer } from './soap/soap-server';
import type { MockTdspFiles } from './tdsp/mock/mock-tdsp.wiring';
import { publicUrlOnPort } from './soap/wsdl-address';
import type { RunningFtpsServer } from './delivery/ftps/ftps-server';
import type { StartedPortal } from './portal/portal.wiring';
import type { CredentialsService } from './security/credentials.service';
import { FtpAccountsService, type FtpAccount } from './security/ftp-accounts.service';
import { LoginThrottle } from './security/login-throttle';
import { SeenSignatureStore } from './security/seen-signature.store';
import { DailyPostingService } from './usage/daily-posting.service';
import { ReportJobStore } from './usage/report-job.store';
import { meterReportJobs } from './ops/platform-metrics';
import { ReportRequestService } from './usage/report-request.service';
import { InProcessCsvProducer, ThreadedCsvProducer, type ReportCsvProducer } from './usage/report-csv.producer';
import { EstimatingCsvProducer } from './usage/estimating-csv.producer';
import { EstimationService } from './estimation/estimation.service';
import type { ReportWorker } from './usage/report.worker';
import { SqliteUsageSource } from './usage/sqlite-usage.source';
import { TypeormUsageSource } from './usage/typeorm-usage.source';
import type { UsageSource } from './usage/usage.source';

/**
 * The composition root: the one place that creates concrete adapters and wires services.
 * Everything is created on first use, so a command only opens what it needs.
 */
export class App {
  readonly logger: Logger;
  private readonly created = new Map<string, Promise<unknown>>();
  private parsers: LseParserPool | null = null;
  private readonly closers: (() => Promise<void>)[] = [];
  private readonly identities: PlatformIdentities;

  constructor(readonly config: Config, options: { logsToStdout?: boolean } = {}) {
    this.logger = createLogger(config, { console: options.logsToStdout });
    this.identities = new PlatformIdentities(config);
  }

  /** Root of the per-DUNS folders served over FTPS. */
  get ftpsRoot(): string {
    return path.join(this.config.dataDir, 'ftps');
  }

  /** Scratch space for decrypted and unzipped inputs; inside the data dir, never world-readable /tmp. */
  get tempDir(): string {
    return path.join(this.config.dataDir, 'tmp');
  }

  /** Creates a service once, on first use. */
  private once<T>(name: string, create: () => Promise<T>): Promise<T> {
    let made = this.created.get(name) as Promise<T> | undefined;
    if (!made) {
      made = create();
      this.created.set(name, made);
    }
    return made;
  }

  db(): Promise<DataSource> {
    return this.once('db', async () => {
      const db = await openDatabase(this.config);
      this.closers.push(async () => void (db.isInitialized && (await db.destroy())));
      return db;
    });
  }

  registry(): Promise<RegistryService> {
    return this.once('registry', async () => new RegistryService(await this.db(), this.logger));
  }

  registryImport(): Promise<RegistryImportService> {
    return this.once('registryImport', async () => {
      const statuses = await this.hanDeviceStatuses();
      return new (await import('./registry/registry-import.service')).RegistryImportService(await this.db(), this.logger, { onMeterExchange: (manager, exchanges) => statuses.meterExchanged(manager, exchanges) });
    });
  }

  hanDevices(): Promise<HanDeviceService> {
    return this.once('hanDevices', async () =>
      new HanDeviceService(await this.db(), new HanAccess(await this.registry(), () => new Date()), this.logger, { onDispatch: () => this.wakeDispatch() }));
  }

  hanMessages(): Promise<HanMessageService> {
    return this.once('hanMessages', async () => new HanMessageService(await this.db(), await this.registry(), this.logger, { onDispatch: () => this.wakeDispatch(), messagesPerMinute: this.config.han.messagesPerMinute }));
  }

  hanMessageStatuses(): Promise<HanMessageStatusService> {
    return this.once('hanMessageStatuses', async () => new HanMessageStatusService(await this.db(), this.logger));
  }

  hanDeviceStatuses(): Promise<HanDeviceStatusService> {
    return this.once('hanDeviceStatuses', async () => new HanDeviceStatusService(await this.db(), await this.registry(), this.logger));
  }

  dispatchStore(): Promise<DispatchStore> {
    return this.once('dispatchStore', async () => new DispatchStore(await this.db(), `${os.hostname()}:${process.pid}`));
  }

  /** The outbox worker that calls the TDSPs; started by `smt serve`. */
  dispatchWorker(): Promise<DispatchWorker> {
    return this.once('dispatchWorker', async () => {
      const tdsp = this.config.tdsp;
      const tls = await this.tdspClientTls();
      const [{ SignedSoapClient }, { TdspClient }, { DispatchWorker }] = await Promise.all([import('./tdsp/signed-soap.client'), import('./tdsp/tdsp.client'), import('./tdsp/dispatch.worker')]);
      const soap = new SignedSoapClient(await this.securityPool(), await this.identities.tdspSigner(), tdsp.timeoutMs);
      const client = new TdspClient(soap, await this.registry(), await this.credentials(), this.logger, { tls, callbackAddress: () => `${this.soapPublicUrl()}/TdspCallback` });
      const onEnd = hanDispatchEnds(await this.hanDeviceStatuses(), await this.hanMessageStatuses());
      const worker = new DispatchWorker(await this.dispatchStore(), client, onEnd, this.logger, {
        concurrency: tdsp.concurrency, maxAttempts: tdsp.maxAttempts, retryBaseMs: tdsp.retryBaseMs, claimMs: tdsp.timeoutMs * 2 + 10_000, pollMs: tdsp.pollMs,
      });
      this.dispatchWake = () => worker.wake();
      return worker;
    });
  }

  private dispatchWake: (() => void) | null = null;

  private wakeDispatch(): void {
    this.dispatchWake?.();
  }

  /** The base URL TDSPs and integrators call; with SMT_SOAP_PORT=0, the port the server got. */
  soapPublicUrl(): string {
    return this.soapPort === null ? this.config.soap.publicUrl : publicUrlOnPort(this.config.soap.publicUrl, this.soapPort);
  }

  private soapPort: number | null = null;

  credentials(): Promise<CredentialsService> {
    return this.once('credentials', async () => {
      return new (await import('./security/credentials.service')).CredentialsService(await this.db(), this.logger, () => this.clientCa());
    });
  }

  ftpAccounts(): Promise<FtpAccountsService> {
    return this.once('ftpAccounts', async () => {
      const throttle = new LoginThrottle(await this.db(), this.logger);
      this.closers.push(() => throttle.close());
      return new FtpAccountsService(await this.db(), this.logger, await this.credentials(), throttle, { requireClientCertificate: this.config.ftps.requireClientCertificate });
    });
  }

  platformKey(): Promise<PlatformKey> {
    // openpgp is loaded by the commands that encrypt or decrypt only.
    return this.once('platformKey', async () => (await import('./delivery/platform-key')).loadOrCreatePlatformKey(this.config.dataDir, this.logger));
  }

  /** The CAs participants' client certificates must chain to (configured file, or the development PKI's). */
  private async clientCa(): Promise<ClientCa> {
    const { loadClientCa } = await import('./security/client-ca');
    return loadClientCa({ dataDir: this.config.dataDir, clientCaFile: this.config.security.clientCaFile });
  }

  ingestService(): Promise<IngestService> {
    return this.once('ingest', async () => (await import('./ingest/ingest.wiring')).createIngestService(this.ingestDeps()));
  }

  /** The VEE rules over each loaded file, and the findings they keep (src/vee/). */
  veeRunner(): Promise<VeeRunner> {
    return this.once('vee', async () => (await import('./ingest/ingest.wiring')).createVeeRunner(this.ingestDeps(), await this.weekdayTotals()));
  }

  /** The daily totals VEE keeps for the High/Low Usage history (src/vee/weekday-totals.ts). */
  weekdayTotals(): Promise<WeekdayTotalsStore> {
    return this.once('weekdayTotals', async () => (await import('./ingest/ingest.wiring')).createWeekdayTotals(this.ingestDeps()));
  }

  private ingestDeps(): IngestDeps {
    return {
      config: this.config, logger: this.logger, ftpsRoot: this.ftpsRoot, db: () => this.db(), parserThreads: () => this.parserThreads(),
      veeRunner: () => this.veeRunner(), onClose: (close) => void this.closers.push(close),
    };
  }

  usageSource(): Promise<UsageSource> {
    return this.once('usageSource', async () => {
      const db = await this.db();
      const source: UsageSource = this.config.db.type === 'sqlite' ? new SqliteUsageSource(sqliteFile(this.config)) : this.config.db.type === 'postgres' ? new (await import('./usage/postgres-usage.source')).PostgresUsageSource((await import('./db/postgres/pg-pool')).postgresPool(db)) : new TypeormUsageSource(db);
      this.closers.push(() => source.close());
      return source;
    });
  }

  reportRequests(): Promise<ReportRequestService> {
    return this.once('reportRequests', async () =>
      new ReportRequestService(await this.db(), await this.registry(), () => this.usageSource(), this.logger, () => cptToday(), this.config.reports));
  }

  dailyPostings(): Promise<DailyPostingService> {
    return this.once('dailyPostings', async () => new DailyPostingService(await this.db(), await this.reportRequests(), this.logger, () => cptToday()));
  }

  reportCsv(): Promise<ReportCsvProducer> {
    return this.once('reportCsv', async () => {
      await this.db(); // the schema is up to date before a thread opens the file
      // SQLite and PostgreSQL reports are read and turned into CSV in threads, each on a connection of its own.
      const { type, url } = this.config.db;
      const producer = type === 'mssql' ? new InProcessCsvProducer(() => this.usageSource())
        : new ThreadedCsvProducer(type === 'sqlite' ? { type, file: sqliteFile(this.config) } : { type, url: url! }, this.config.reports.csvThreads).warm();
      this.closers.push(() => producer.close());
      // A report that asks for platform estimates gets the missing ones made first (src/estimation/).
      const estimation = new EstimationService(await this.db());
      return new EstimatingCsvProducer(producer, () => this.db(), (day, esiids, scope) => estimation.estimateDay(day, esiids, scope));
    });
  }

  reportWorker(): Promise<ReportWorker> {
    return this.once('reportWorker', async () => {
      const jobs = meterReportJobs(new ReportJobStore(await this.db(), `${os.hostname()}:${process.pid}`));
      const { ReportWorker } = await import('./usage/report.worker');
      return new ReportWorker(jobs, await this.registry(), await this.reportCsv(), this.logger, { ftpsRoot: this.ftpsRoot, ...this.config.reports });
    });
  }

  retention(): Promise<RetentionService> {
    return this.once('retention', async () => new RetentionService(await this.db(), this.ftpsRoot, this.config.reports.retentionDays, this.logger));
  }

  /** The scheduler's daily upkeep of interval_day's month partitions on PostgreSQL (docs/postgres.md); null on other databases. */
  async partitionUpkeep(): Promise<import('./usage/partition-upkeep.job').PartitionUpkeepJob | null> {
    return this.config.db.type === 'postgres' ? new (await import('./usage/partition-upkeep.job')).PartitionUpkeepJob(await this.db()) : null;
  }

  /** The WS-Security threads every signed call in and out shares. */
  securityPool(): Promise<WsSecurityPool> {
    return this.once('securityPool', async () => {
      const pool = new WsSecurityPool({ threads: this.config.soap.securityThreads, verifyBudgetMs: this.config.soap.verifyBudgetMs });
      this.closers.push(() => pool.close());
      return pool;
    });
  }

  /** Starts the SOAP server (HTTPS, mutual TLS, WS-Security) with the MeterUsage, EsiIdData and HAN services and the TDSP callback. */
  async startSoapServer(): Promise<RunningSoapServer> {
    const soapConfig = this.config.soap;
    const clientCa = await this.clientCa();
    const replay = new SeenSignatureStore(await this.db(), this.logger, { maxEntries: soapConfig.replayMaxEntries });
    // The SOAP stack is loaded by the commands that serve it only: the others start faster.
    const [{ startSoapServer }, { meterUsageMethods }, { hanDeviceMethods }, { hanMessageMethods }, { tdspCallbackMethods }] = await Promise.all([
      import('./soap/soap-server'), import('./soap/meter-usage.handler'), import('./soap/han-device.handler'), import('./soap/han-message.handler'), import('./soap/tdsp-callback.handler'),
    ]);
    this.closers.push(() => replay.close());
    const esiidData = await this.esiidDataMethods();
    const server = await startSoapServer({
      credentials: await this.credentials(),
      security: await this.securityPool(),
      meterUsage: meterUsageMethods({ requests: await this.reportRequests(), usage: () => this.usageSource(), logger: this.logger }),
      esiidData,
      han: {
        ...hanDeviceMethods(await this.hanDevices(), this.logger),
        ...hanMessageMethods({ db: await this.db(), messages: await this.hanMessages(), requests: new HanMessageRequests(await this.hanMessages()), logger: this.logger }),
      },
      tdspCallback: tdspCallbackMethods(await this.hanDeviceStatuses(), await this.hanMessageStatuses(), this.logger),
      replay,
      logger: this.logger,
    }, { ...soapConfig, server: await this.serverIdentity(), clientCaPem: clientCa.certificatesPem.join('\n') });
    this.soapPort = server.port;
    this.closers.push(() => server.close());
    return server;
  }

  /** The EsiIdData operations (ESI ID data services and the data-gap report) over the report engine and the availability reads. */
  private async esiidDataMethods(): Promise<import('./soap/esiid-data.types').EsiIdDataMethods> {
    const [{ esiidDataMethods }, { EsiidDataService }, { AvailabilityStore }, { EsiidScopeStore }] = await Promise.all([
      import('./soap/esiid-data.handler'), import('./availability/esiid-data.service'), import('./availability/availability.store'), import('./availability/esiid-scope.store'),
    ]);
    const db = await this.db();
    const service = new EsiidDataService({
      requests: await this.reportRequests(), usage: () => this.usageSource(), availability: new AvailabilityStore(db), scopes: new EsiidScopeStore(db), today: () => cptToday(),
    });
    return esiidDataMethods(service, this.logger);
  }

  /** Starts the mock TDSP (src/tdsp/mock/mock-tdsp.wiring.ts), loaded by the commands that run it only. */
  async startMockTdsp(files: MockTdspFiles): Promise<RunningSoapServer> {
    const { startMockTdspFor } = await import('./tdsp/mock/mock-tdsp.wiring');
    const server = await startMockTdspFor({ config: this.config, logger: this.logger, identities: this.identities, securityPool: () => this.securityPool(), registry: () => this.registry() }, files);
    this.closers.push(() => server.close());
    return server;
  }

  /**
   * In development mode (SMT_MOCK_TDSP=auto and a demo TDSP on this data dir), `smt serve` runs the
   * mock TDSP as the demo TDSP and registers it as that TDSP's endpoint, unless the operator set
   * another one. Returns the endpoint, or null when no mock runs.
   */
  async startDevelopmentMockTdsp(setup: DevelopmentSetup): Promise<string | null> {
    const demo = setup.demo.find((d) => d.kind === 'TDSP');
    if (this.config.mockTdsp.mode === 'off' || !demo) return null;
    const mock = await this.startMockTdsp({ tdspCert: demo.clientCertPath, tdspKey: demo.clientKeyPath });
    const { registerDevelopmentMock } = await import('./tdsp/mock/mock-tdsp.wiring');
    return registerDevelopmentMock(await this.registry(), setup, mock.port);
  }

  /** The platform's client certificate for calls to TDSPs, and the CAs their servers chain to. */
  private tdspClientTls(): Promise<TdspClientTls> {
    return this.identities.tdspClientTls();
  }

  /**
   * Starts the FTPS site (explicit TLS) on the per-DUNS folders, with the same server certificate
   * as the SOAP server. `onUpload` hears of every upload that completed into an inbound/ folder.
   */
  async startFtpsServer(onUpload: (account: FtpAccount, duns: string, path: string) => void): Promise<RunningFtpsServer> {
    const ftps = this.config.ftps;
    const identity = await this.serverIdentity();
    const clientCa = ftps.requireClientCertificate
      ? await this.clientCa()
      : null;
    const accounts = await this.ftpAccounts();
    const { startFtpsServer } = await import('./delivery/ftps/ftps-server');
    const server = await startFtpsServer({
      host: ftps.host,
      port: ftps.port,
      passivePortRange: ftps.passivePorts,
      tls: {
        certPem: identity.certificatePem,
        keyPem: identity.privateKeyPem,
        caPem: clientCa?.certificatesPem.join('\n'),
        requestClientCertificate: ftps.requireClientCertificate,
      },
      ftpsRoot: this.ftpsRoot,
      maxUploadBytes: ftps.maxUploadMb * 1024 * 1024,
      idleTimeoutMs: ftps.idleTimeoutS * 1000,
      maxConnections: ftps.maxConnections,
      maxConnectionsPerIp: ftps.maxConnectionsPerIp,
      loginTimeoutMs: ftps.loginTimeoutS * 1000,
      authenticate: (user, password, ip, fingerprint) => accounts.authenticateFtpUser(user, password, ip, fingerprint),
      onUpload,
      logger: this.logger,
    });
    this.closers.push(() => server.close());
    return server;
  }

  /** The server's TLS certificate and key: configured files, or the development PKI's. */
  serverIdentity(): Promise<SigningCredentials> {
    return this.identities.server();
  }

  /** Starts the web portal (HTTPS, same certificate); its services are built in src/portal/portal.wiring.ts. */
  async startPortal(): Promise<StartedPortal> {
    const { startPortal } = await import('./portal/portal.wiring');
    const portal = await startPortal(this);
    this.closers.push(() => portal.close());
    return portal;
  }

  private parserThreads(): LseParserPool {
    if (!this.parsers) {
      const parsers = new LseParserPool(this.config.ingest.parseThreads);
      this.closers.push(() => parsers.close());
      this.parsers = parsers;
    }
    return this.parsers;
  }

  async close(): Promise<void> {
    for (const close of this.closers.reverse()) await close().catch(() => undefined);
    await closeLogger(this.logger);
  }
}

export function createApp(config: Config, options: { logsToStdout?: boolean } = {}): App {
  return new App(config, options);
}
