import { expect } from 'chai';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { IngestFile } from '../../src/db/entities/ingest-file.entity';
import { TypeormIngestStore } from '../../src/ingest/typeorm-ingest.store';
import { engineHarness } from '../support/engine-harness';

/**
 * The TypeORM ingest store (the SQL Server path) run on the engines here through TypeORM: its
 * statements are plain SQL, so what holds on them holds there.
 */
for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`TypeORM ingest store: a starting instance marks interrupted only loads whose loader is gone (${engine})`, function () {
    this.timeout(60_000);
    let app: App;
    let cleanUp: (() => Promise<void>) | undefined;
    const stores: TypeormIngestStore[] = [];
    const t0 = new Date('2026-12-05T12:00:00.000Z');
    const at = (s: number) => new Date(t0.getTime() + s * 1000);

    before(async function () {
      const harness = await engineHarness(this, engine, 'smt-typeorm-interrupted-');
      cleanUp = harness.cleanUp;
      app = createApp(loadConfig({ SMT_DATA_DIR: harness.cli.dataDir, ...harness.cli.env }));
    });
    after(async () => {
      for (const store of stores) await store.close();
      await app?.close();
      await cleanUp?.();
    });

    /** An instance's store whose clock stands at `now`. */
    const instance = async (loaderId: string, now: Date) => {
      const store = new TypeormIngestStore(await app.db(), { loaderId, heartbeatMs: 60_000, now: () => now });
      stores.push(store);
      return store;
    };
    const statuses = async (ids: number[]) => {
      const rows = await (await app.db()).getRepository(IngestFile).find({ order: { id: 'ASC' } });
      return rows.filter((r) => ids.includes(r.id)).map((r) => r.status);
    };

    it('leaves a live instance\'s load alone, marks one whose loader stopped beating, and one of an older version that names no loader', async () => {
      const db = await app.db();
      const live = await instance('host-a:1:aaaa', t0);
      const liveLoad = await live.startFile('100000001IntervalData20261204230000001.lse', t0.toISOString());
      const stopped = await instance('host-b:2:bbbb', at(-300));
      const stoppedLoad = await stopped.startFile('100000002IntervalData20261204230000001.lse', at(-300).toISOString());
      const old = await db.getRepository(IngestFile).save({ fileName: 'older.lse', status: 'loading', startedAt: at(-600).toISOString(), countsByCode: '{}', totalRecords: 0 });
      const loader: { loader: string | null }[] = await db.query(`SELECT loader FROM ingest_file WHERE id = ${liveLoad}`);
      expect(loader[0]!.loader).to.equal('ingest-loader:host-a:1:aaaa');

      // Another instance starts half a minute later: host-a's heartbeat (60 s) is fresh, host-b's lapsed four minutes ago.
      const starting = await instance('host-c:3:cccc', at(30));
      expect(await starting.markInterrupted()).to.equal(2);
      expect(await statuses([liveLoad, stoppedLoad, old.id])).to.deep.equal(['loading', 'interrupted', 'interrupted']);

      // Once host-a's heartbeat lapses too (it died without closing), its load is interrupted as well.
      expect(await (await instance('host-d:4:dddd', at(61))).markInterrupted()).to.equal(1);
      expect(await statuses([liveLoad])).to.deep.equal(['interrupted']);
    });

    it('a store that closes removes its heartbeat, so what it left loading is interrupted at the next start', async () => {
      const store = await instance('host-e:5:eeee', t0);
      const load = await store.startFile('100000001IntervalData20261204230000002.lse', t0.toISOString());
      expect(await (await instance('host-f:6:ffff', at(1))).markInterrupted()).to.equal(0);
      await store.close();
      expect(await (await instance('host-f:6:ffff', at(2))).markInterrupted()).to.equal(1);
      expect(await statuses([load])).to.deep.equal(['interrupted']);
    });
  });
}
