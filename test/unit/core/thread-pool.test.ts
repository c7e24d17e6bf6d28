import path from 'node:path';
import { expect } from 'chai';
import { SmtError } from '../../../src/core/errors';
import { ThreadPool } from '../../../src/core/thread-pool';
import type { FixtureCall } from './thread-pool.fixture';

const FIXTURE = path.join(__dirname, 'thread-pool.fixture.ts');

describe('core/thread-pool', () => {
  let pool: ThreadPool<FixtureCall, string>;
  beforeEach(() => {
    pool = new ThreadPool<FixtureCall, string>(FIXTURE, { size: 2 });
  });
  afterEach(() => pool.close());

  it('answers calls and spreads them over the least busy threads', async () => {
    // Both threads up first: on a busy machine a thread still starting would leave every call to the other.
    await Promise.all([pool.run({ op: 'echo', value: 'a' }), pool.run({ op: 'echo', value: 'b' })]);
    const slow = pool.run({ op: 'wait', ms: 300 });
    const answers = await Promise.all([1, 2, 3].map((i) => pool.run({ op: 'echo', value: String(i) })));
    const slowThread = (await slow).split('@')[1];
    expect(answers.map((a) => a.split('@')[0])).to.deep.equal(['1', '2', '3']);
    expect(answers.filter((a) => a.split('@')[1] === slowThread).length).to.be.lessThan(3);
  });

  it('lets urgent calls overtake normal ones still waiting, each thread taking one call at a time', async () => {
    const single = new ThreadPool<FixtureCall, string>(FIXTURE, { size: 1 });
    try {
      const order: string[] = [];
      const busy = single.run({ op: 'wait', ms: 200 });
      const normal = single.run({ op: 'echo', value: 'normal' }).then((r) => order.push(r.split('@')[0]!));
      const urgent = single.run({ op: 'echo', value: 'urgent' }, 'urgent').then((r) => order.push(r.split('@')[0]!));
      await Promise.all([busy, normal, urgent]);
      expect(order).to.deep.equal(['urgent', 'normal']);
    } finally {
      await single.close();
    }
  });

  it('abandons a call past its time limit, replaces the thread, and keeps serving', async () => {
    const limited = pool.run({ op: 'spin', ms: 60_000 }, { timeLimitMs: 100, timeLimitError: () => new SmtError('WSS_VERIFY_TIMEOUT', 'too slow') });
    const error = await limited.catch((e: unknown) => e);
    expect(error).to.be.instanceOf(SmtError);
    expect((error as SmtError).code).to.equal('WSS_VERIFY_TIMEOUT');
    expect(pool.size).to.equal(2);
    const answers = await Promise.all([1, 2, 3, 4].map((i) => pool.run({ op: 'echo', value: String(i) })));
    expect(answers.map((a) => a.split('@')[0])).to.deep.equal(['1', '2', '3', '4']);
    expect(await pool.run({ op: 'spin', ms: 1 }, { timeLimitMs: 10_000 })).to.match(/^spun@/);
  });

  it('runs large calls on one thread less than all, so small calls overtake them', async () => {
    // Both threads started: two calls at once land on two threads.
    for (let i = 0; i < 100; i++) {
      const threads = await Promise.all([1, 2].map(() => pool.run({ op: 'wait', ms: 20 })));
      if (threads[0] !== threads[1]) break;
    }
    const order: string[] = [];
    const large = [1, 2].map((i) => pool.run({ op: 'span', ms: 150 }, { large: true }).then((span) => {
      order.push(`large-${i}`);
      return span.split('-').map(Number);
    }));
    const small = pool.run({ op: 'echo', value: 'small' }).then(() => order.push('small'));
    const [[, firstEnd], [secondStart]] = await Promise.all(large);
    await small;
    expect(order).to.deep.equal(['small', 'large-1', 'large-2']);
    expect(secondStart).to.be.at.least(firstEnd);
  });

  it('rebuilds SmtError with its code and cloneable details; other errors stay plain', async () => {
    const smt = await pool.run({ op: 'fail-smt' }).catch((e: unknown) => e);
    expect(smt).to.be.instanceOf(SmtError);
    expect((smt as SmtError).code).to.equal('WSS_REPLAY');
    expect((smt as SmtError).message).to.equal('seen before');
    const plain = await pool.run({ op: 'fail-plain' }).catch((e: unknown) => e);
    expect(plain).to.be.instanceOf(Error).and.not.instanceOf(SmtError);
    expect((plain as Error).message).to.equal('plain failure');
  });

  it('fails the calls of a thread that dies, replaces it, and keeps serving', async () => {
    const crashed = await pool.run({ op: 'crash' }).catch((e: unknown) => e);
    expect(crashed).to.be.instanceOf(SmtError);
    expect((crashed as SmtError).code).to.equal('INTERNAL');
    expect(pool.size).to.equal(2);
    expect(await pool.run({ op: 'echo', value: 'after' })).to.match(/^after@/);
  });

  it('refuses calls once closed, and reports a module that cannot start', async () => {
    await pool.close();
    expect(await pool.run({ op: 'echo', value: 'x' }).catch((e: unknown) => e)).to.be.instanceOf(SmtError);
    const broken = new ThreadPool<FixtureCall, string>(path.join(__dirname, 'no-such-module.ts'), { size: 1 });
    const failure = await broken.run({ op: 'echo', value: 'x' }).catch((e: unknown) => e);
    expect(failure).to.be.instanceOf(SmtError);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(broken.size).to.equal(0);
    expect(((await broken.run({ op: 'echo', value: 'x' }).catch((e: unknown) => e)) as Error).message).to.match(/failed to start/);
    await broken.close();
  });
});
