import { expect } from 'chai';
import { createApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { TdspDispatch } from '../../src/db/entities/tdsp-dispatch.entity';
import sinon from 'sinon';
import { DispatchStore, type ClaimedDispatch } from '../../src/tdsp/dispatch.store';
import { DispatchWorker } from '../../src/tdsp/dispatch.worker';
import type { TdspClient } from '../../src/tdsp/tdsp.client';
import { engineHarness } from '../support/engine-harness';

/** The embedded database and, where a test server is configured, PostgreSQL. */
for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`HAN dispatch outbox: only the claim holder ends a dispatch (${engine})`, function () {
    this.timeout(60_000);
    let app: App;
    let cleanUp: (() => Promise<void>) | undefined;
    const t0 = new Date('2026-12-04T12:00:00.000Z');
    const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

    before(async function () {
      const { cli, cleanUp: remove } = await engineHarness(this, engine, 'smt-dispatch-claims-');
      cleanUp = remove;
      app = createApp(loadConfig({ SMT_DATA_DIR: cli.dataDir, ...cli.env }));
    });
    after(async () => {
      await app?.close();
      await cleanUp?.();
    });

    const queue = async (requestId: string, messages: Record<string, unknown>[]): Promise<number[]> => {
      const repo = (await app.db()).getRepository(TdspDispatch);
      const ids: number[] = [];
      for (const message of messages) {
        const row = await repo.save(repo.create({
          requestId, tdspDuns: '100000001', operation: 'ProvisionHanDevice', payload: JSON.stringify(message), state: 'PENDING', attempts: 0,
          nextAttemptAt: t0.toISOString(), claimedBy: null, claimedUntil: null, lastError: null, createdAt: t0.toISOString(), updatedAt: t0.toISOString(),
        }));
        ids.push(row.id);
      }
      return ids;
    };
    const rows = async (ids: number[]) => (await (await app.db()).getRepository(TdspDispatch).find({ order: { id: 'ASC' } })).filter((r) => ids.includes(r.id));

    it('a worker whose claim lapsed can neither finish, bury nor re-queue a dispatch another worker now holds; the holder finishes it', async () => {
      const db = await app.db();
      const late = new DispatchStore(db, 'host-a:1');
      const holder = new DispatchStore(db, 'host-b:2');
      const ids = await queue('REQ-LAPSED', [{ target: 'A', installCode: '1122334455667788AAAA' }, { target: 'B' }]);

      const stale = await late.claim(ids, t0, 1000);
      expect(stale.map((d) => d.id)).to.deep.equal(ids);
      // The late worker's call outlives its claim: the claim is released and the other worker takes the rows.
      expect(await holder.releaseStale(at(5))).to.equal(2);
      const held = await holder.claim(ids, at(5), 60_000);
      expect(held.map((d) => d.id)).to.deep.equal(ids);

      expect(await late.finish(stale, 'DONE', null, at(6)), 'an accepted answer after the claim lapsed is not recorded').to.deep.equal([]);
      expect(await late.finish(stale, 'DEAD', 'gave up', at(6))).to.deep.equal([]);
      expect(await late.retryLater(stale, at(60), 'timeout', at(6))).to.deep.equal([]);
      for (const row of await rows(ids)) {
        expect(row.state).to.equal('SENDING');
        expect(row.claimedBy).to.equal(held[0]!.claim);
        expect(row.lastError).to.equal(null);
      }
      expect(JSON.parse((await rows(ids))[0]!.payload).installCode, 'the holder still has the install code to send').to.equal('1122334455667788AAAA');

      const done = await holder.finish(held, 'DONE', null, at(7));
      expect(done.map((d) => d.id)).to.deep.equal(ids);
      const ended = await rows(ids);
      expect(ended.map((r) => [r.state, r.claimedBy])).to.deep.equal([['DONE', null], ['DONE', null]]);
      expect(JSON.parse(ended[0]!.payload).installCode).to.equal('(removed once sent)');

      // Later still: the late worker cannot turn the delivered dispatch into a dead letter or send it again.
      expect(await late.finish(stale, 'DEAD', 'gave up', at(8))).to.deep.equal([]);
      expect(await late.retryLater(stale, at(60), 'timeout', at(8))).to.deep.equal([]);
      expect((await rows(ids)).map((r) => r.state)).to.deep.equal(['DONE', 'DONE']);
    });

    it('a worker whose claim lapsed during the TDSP call records neither the refusal nor its end, and says so; the new holder decides', async () => {
      const db = await app.db();
      const [id] = await queue('REQ-WORKER', [{ target: 'E' }]);
      const other = new DispatchStore(db, 'host-b:2');
      let taken: ClaimedDispatch[] = [];
      // The TDSP answers after the claim ran out and another worker took the row over.
      const client = {
        send: async () => {
          await other.releaseStale(new Date(Date.now() + 60_000));
          taken = await other.claim([id!], new Date(Date.now() + 60_000), 60_000);
          return { accepted: false, reason: 'meter not found' };
        },
      } as unknown as TdspClient;
      const ends: unknown[] = [];
      const warn = sinon.spy(app.logger, 'warn');
      const worker = new DispatchWorker(new DispatchStore(db, 'host-a:1'), client, () => async (d, outcome, reason) => void ends.push([d, outcome, reason]), app.logger,
        { concurrency: 1, maxAttempts: 3, retryBaseMs: 10, claimMs: 1000, pollMs: 1000 });
      try {
        expect(await worker.runOnce(new Date(Date.now() + 1000))).to.equal(1);
        await worker.stop();
      } finally {
        sinon.restore();
      }
      expect(taken.map((d) => d.id)).to.deep.equal([id]);
      expect(ends, 'the late refusal does not end the request behind the dispatch').to.deep.equal([]);
      const [row] = await rows([id!]);
      expect([row!.state, row!.claimedBy, row!.lastError]).to.deep.equal(['SENDING', taken[0]!.claim, null]);
      const lapsed = warn.getCalls().map((c) => c.args as unknown[]).find((args) => args[0] === 'tdsp: claim lapsed during the call; the dispatch went back to the queue and this outcome is not recorded');
      expect(lapsed?.[1]).to.include({ requestId: 'REQ-WORKER', lapsed: 1 });
    });

    it('two instances with the same host name and pid (pid 1 in containers) never share a claim token', async () => {
      const db = await app.db();
      const [id] = await queue('REQ-TWINS', [{ target: 'F' }]);
      const first = new DispatchStore(db, 'worker:1');
      const twin = new DispatchStore(db, 'worker:1');
      const stale = await first.claim([id!], t0, 1000);
      await twin.releaseStale(at(5));
      const held = await twin.claim([id!], at(5), 60_000);
      expect(held[0]!.claim).to.not.equal(stale[0]!.claim);
      expect(await first.finish(stale, 'DEAD', 'gave up', at(6))).to.deep.equal([]);
      expect((await twin.finish(held, 'DONE', null, at(7))).map((d) => d.id)).to.deep.equal([id]);
    });

    it('a claim token of another worker ends nothing: a batch names its claim, and only rows still held under it change', async () => {
      const db = await app.db();
      const a = new DispatchStore(db, 'host-a:1');
      const b = new DispatchStore(db, 'host-b:2');
      const [first, second] = await queue('REQ-TWO', [{ target: 'C' }, { target: 'D' }]);
      const mine = await a.claim([first!], t0, 60_000);
      const theirs = await b.claim([second!], t0, 60_000);
      // A worker presenting another worker's row under its own claim changes nothing.
      const forged = [{ ...theirs[0]!, claim: mine[0]!.claim }];
      expect(await a.finish(forged, 'DEAD', 'forged', at(1))).to.deep.equal([]);
      expect((await rows([second!]))[0]!.state).to.equal('SENDING');
      const put = await a.retryLater(mine, at(30), 'timeout', at(1));
      expect(put.map((d) => d.id)).to.deep.equal([first]);
      const [row] = await rows([first!]);
      expect([row!.state, row!.claimedBy, row!.lastError]).to.deep.equal(['PENDING', null, 'timeout']);
      expect((await b.finish(theirs, 'REFUSED', 'no such meter', at(2))).map((d) => d.id)).to.deep.equal([second]);
    });

    const targets = (count: number) => Array.from({ length: count }, (_, i) => ({ target: `T${i}` }));
    const states = async (ids: number[]) => (await rows(ids)).map((r) => [r.id, r.state, r.claimedBy]);

    it('part of a batch was taken over and ended by another worker at the same moment with the same outcome: each is credited only its own rows', async () => {
      const db = await app.db();
      const a = new DispatchStore(db, 'host-a:1');
      const b = new DispatchStore(db, 'host-b:2');
      const ids = await queue('REQ-SAME-END', targets(3));
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
      const ids = await queue('REQ-ALL-TAKEN', targets(2));
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
