import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { addDays, cptToday } from '../../src/core/cpt';
import { PARTIAL_PREFIX } from '../../src/delivery/atomic-write';
import { ReportFile } from '../../src/db/entities/report-file.entity';
import { ReportRequest } from '../../src/db/entities/report-request.entity';
import { PORTAL_PARTICIPANT_ID } from '../../src/usage/report-request.service';
import { portalExportFolder } from '../../src/usage/report.worker';

/** A portal export (kind portal) through the real worker, then the retention run: the plain zip, its folder and abandoned partials go. */
describe('portal exports and retention', function () {
  this.timeout(60_000);
  let dir: string;
  let app: App;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-portal-retention-'));
    app = createApp(loadConfig({ SMT_DATA_DIR: dir, SMT_LOG_LEVEL: 'error' }));
  });
  afterEach(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes a plain zip outside the FTPS tree, and removes it, its empty folder and stale partials after the retention period', async () => {
    const submitted = await (await app.reportRequests()).submitPortal({ reportType: 'DAILY', startDate: addDays(cptToday(), -3), endDate: addDays(cptToday(), -1), esiids: ['10443720000000001'] });
    const request = await (await app.db()).manager.findOneByOrFail(ReportRequest, { id: submitted.requestId });
    expect(request).to.include({ kind: 'portal', participantId: PORTAL_PARTICIPANT_ID, requesterDuns: '', status: 'PEN', version: 'L' });
    expect(await (await app.reportWorker()).runOnce()).to.equal(true);
    const [file] = await (await app.db()).manager.findBy(ReportFile, { requestId: submitted.requestId });
    const folder = portalExportFolder(app.ftpsRoot, submitted.correlationId);
    expect(file!.path).to.equal(path.join(folder, file!.fileName));
    expect(file!.fileName).to.match(/^DailyMeterUsage\d{14}001\.CSV\.zip$/);
    expect(fs.readFileSync(file!.path).subarray(0, 4).toString('latin1')).to.equal('PK\u0003\u0004');
    expect(path.relative(app.ftpsRoot, folder).startsWith('..')).to.equal(true);

    const abandoned = path.join(path.dirname(folder), 'crashed-request');
    fs.mkdirSync(abandoned);
    fs.writeFileSync(path.join(abandoned, `${PARTIAL_PREFIX}x.zip`), 'half');
    const old = new Date(Date.now() - 7 * 3_600_000);
    fs.utimesSync(path.join(abandoned, `${PARTIAL_PREFIX}x.zip`), old, old);

    const result = await (await app.retention()).run(new Date(Date.now() + (app.config.reports.retentionDays + 1) * 86_400_000));
    expect(result).to.include({ filesDeleted: 1, requestsExpired: 1, partialsRemoved: 1 });
    expect(fs.existsSync(folder)).to.equal(false);
    expect(fs.existsSync(abandoned)).to.equal(false);
    expect((await (await app.db()).manager.findOneByOrFail(ReportRequest, { id: submitted.requestId })).status).to.equal('EXP');
  });
});
