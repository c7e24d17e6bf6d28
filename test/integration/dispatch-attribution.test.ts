import { expect } from 'chai';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { TdspDispatch } from '../../src/db/entities/tdsp-dispatch.entity';
import { DispatchStore } from '../../src/tdsp/dispatch.store';
import { engineHarness } from '../support/engine-harness';

/** The embedded database and, where a test server is configured, PostgreSQL. */
for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`HAN dispatch outbox: a worker is credited exactly the rows it ended (${engine})`, function () {
    this.timeout(60_000);
    let app: App;
    let cleanUp: (() => Promise<void>) | undefined;
    const t0 = new Date('2026-12-04T12:00:00.000Z');
    const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

    before(async function () {
      const { cli, cleanUp: remove } = await engineHarness(this, engine, 'smt-dispatch-credit-');
      cleanUp = remove;
      app = createApp(loadConfig({ SMT_DATA_DIR: cli.dataDir, ...cli.env }));
    });
    after(async () => {
      await app?.close();
      await cleanUp?.();
    });

    const queue = async (requestId: string, count: number): Promise<number[]> => {
      const repo = (await app.db()).getRepository(TdspDispatch);
      const ids: number[] = [];
      for (let i = 0; i < count; i++) {
        const row = await repo.save(repo.create({
          requestId, tdspDuns: '100000001', operation: 'ProvisionHanDevice', payload: JSON.stringify({ target: `T${i}` }), state: 'PENDING', attempts: 0,
          nextAttemptAt: t0.toISOString(), claimedBy: null, claimedUntil: null, lastError: null, createdAt: t0.toISOString(), updatedAt: t0.toISOString(),
        }));
        ids.push(row.id);
      }
      return ids;
    };
    const states = async (ids: number[]) => (await (await app.db()).getRepository(TdspDispatch).find({ order: { id: 'ASC' } }))
      .filter((r) => ids.includes(r.id)).map((r) => [r.id, r.state, r.claimedBy]);

    it('part of a batch was taken over and ended by another worker at the same moment with the same outcome: each is credited only its own rows', async () => {
      const db = await app.db();
      const a = new DispatchStore(db, 'host-a:1');
      const b = new DispatchStore(db, 'host-b:2');
      const ids = await queue('REQ-SAME-END', 3);
      const [first, second, third] = ids as [number, number, number];
      const batch = await a.claim(ids, t0, 60_000);
      expect(batch.map((d) => d.id)).to.deep.equal(ids);
      // One claim per batch lapses as a whole; here the second row's claim ran out early, so another worker takes just it.
      await db.getRepository(TdspDispatch).update({ id: second }, { claimedUntil: at(1).toISOString() });
      expect(await b.releaseStale(at(5))).to.equal(1);
      const taken = await b.claim([second], at(5), 60_000);
      expect(taken.map((d) => d.id)).to.deep.equal([second]);

      // Both end their rows as DONE at the same instant, the taker first.
      const now = at(9);
      expect((await b.finish(taken, 'DONE', null, now)).map((d) => d.id)).to.deep.equal([second]);
      expect((await a.finish(batch, 'DONE', null, now)).map((d) => d.id), 'not the row the other worker ended').to.deep.equal([first, third]);
      expect(await states(ids)).to.deep.equal([[first, 'DONE', null], [second, 'DONE', null], [third, 'DONE', null]]);
    });

    it('a whole batch taken over: the late worker is credited nothing, though the taker ended the rows at the same moment, and its re-queue changes nothing', async () => {
      const db = await app.db();
      const a = new DispatchStore(db, 'host-a:1');
      const b = new DispatchStore(db, 'host-b:2');
      const ids = await queue('REQ-ALL-TAKEN', 2);
      const stale = await a.claim(ids, t0, 1000);
      expect(await b.releaseStale(at(5))).to.equal(2);
      const held = await b.claim(ids, at(5), 60_000);
      const now = at(9);
      expect((await b.retryLater(held, at(60), 'timeout', now)).map((d) => d.id)).to.deep.equal(ids);
      expect(await a.retryLater(stale, at(60), 'timeout', now), 'the rows the other worker put back are not this worker\'s').to.deep.equal([]);
      expect((await states(ids)).map(([, state, claim]) => [state, claim])).to.deep.equal([['PENDING', null], ['PENDING', null]]);
    });
  });
}
