import { SmtError } from '../../../src/core/errors';
import { serveStreams } from '../../../src/core/thread-stream';

/** Thread module for the StreamingThread tests: yields `count` numbers, then fails as asked. */
export type StreamFixtureCall = { count: number; fail?: 'smt' | 'plain' };

serveStreams(async function* (call: StreamFixtureCall) {
  for (let i = 0; i < call.count; i++) yield i;
  if (call.fail === 'smt') throw new SmtError('ZIP_INVALID', 'the archive is damaged');
  if (call.fail === 'plain') throw new TypeError('plain failure');
});
