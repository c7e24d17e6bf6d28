import path from 'node:path';
import { expect } from 'chai';
import { SmtError } from '../../../src/core/errors';
import { StreamingThread } from '../../../src/core/thread-stream';
import type { StreamFixtureCall } from './thread-stream.fixture';

const FIXTURE = path.join(__dirname, 'thread-stream.fixture.ts');

describe('core/thread-stream', () => {
  let thread: StreamingThread<StreamFixtureCall, number>;
  beforeEach(() => {
    thread = new StreamingThread<StreamFixtureCall, number>(FIXTURE);
  });
  afterEach(() => thread.close());

  const collect = async (call: StreamFixtureCall) => {
    const items: number[] = [];
    try {
      for await (const item of thread.stream(call)) items.push(item);
      return { items, error: null };
    } catch (error) {
      return { items, error: error as Error };
    }
  };

  it('yields what the thread produces, in order', async () => {
    expect(await collect({ count: 5 })).to.deep.equal({ items: [0, 1, 2, 3, 4], error: null });
  });

  it('rebuilds an SmtError thrown in the thread with its code; other errors stay plain', async () => {
    const smt = await collect({ count: 2, fail: 'smt' });
    expect(smt.items).to.deep.equal([0, 1]);
    expect(smt.error).to.be.instanceOf(SmtError);
    expect((smt.error as SmtError).code).to.equal('ZIP_INVALID');
    expect(smt.error!.message).to.equal('the archive is damaged');
    const plain = await collect({ count: 0, fail: 'plain' });
    expect(plain.error).to.be.instanceOf(Error).and.not.instanceOf(SmtError);
    expect(plain.error!.message).to.equal('plain failure');
  });
});
