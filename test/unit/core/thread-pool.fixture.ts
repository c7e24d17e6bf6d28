import { threadId } from 'node:worker_threads';
import { SmtError } from '../../../src/core/errors';
import { serveRequests } from '../../../src/core/thread-pool';

/** Thread module for the ThreadPool tests. */
export type FixtureCall = { op: 'echo'; value: string } | { op: 'fail-smt' } | { op: 'fail-plain' } | { op: 'crash' } | { op: 'wait'; ms: number } | { op: 'spin'; ms: number } | { op: 'span'; ms: number };

serveRequests(async (call: FixtureCall) => {
  switch (call.op) {
    case 'echo':
      return `${call.value}@${threadId}`;
    case 'fail-smt':
      throw new SmtError('WSS_REPLAY', 'seen before', { digest: 'abc', notCloneable: () => 1 });
    case 'fail-plain':
      throw new TypeError('plain failure');
    case 'crash':
      process.exit(3);
      break;
    case 'wait':
      await new Promise((resolve) => setTimeout(resolve, call.ms));
      return `waited@${threadId}`;
    case 'spin': {
      // Synchronous work, as a verification is: nothing but terminating the thread stops it.
      const until = Date.now() + call.ms;
      while (Date.now() < until);
      return `spun@${threadId}`;
    }
    case 'span': {
      const started = Date.now();
      await new Promise((resolve) => setTimeout(resolve, call.ms));
      return `${started}-${Date.now()}`;
    }
  }
  return '';
});
