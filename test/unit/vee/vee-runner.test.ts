import { expect } from 'chai';
import type { Logger } from '../../../src/core/logger';
import { VeeRunner } from '../../../src/vee/vee.runner';
import { DEFAULT_VEE_SETTINGS } from '../../../src/vee/vee-settings';
import type { VeeStore } from '../../../src/vee/vee.store';
import type { VeeInspector } from '../../../src/vee/vee-inspection';

/** The checks below end before any record is inspected. */
const unusedInspector = new Proxy({}, { get: () => { throw new Error('the inspector was used'); } }) as VeeInspector;

function recordingLogger(): Logger & { lines: { level: string; message: string; meta: unknown }[] } {
  const lines: { level: string; message: string; meta: unknown }[] = [];
  const at = (level: string) => (message: string, meta?: unknown) => void lines.push({ level, message, meta });
  return { lines, error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') } as never;
}

describe('VEE runner: a flag, never a block', () => {
  it('answers null and logs when the store fails, so the load it follows stands', async () => {
    const store = { fileFacts: async () => { throw new Error('database is locked'); } } as unknown as VeeStore;
    const logger = recordingLogger();
    const outcome = await new VeeRunner(store, unusedInspector, DEFAULT_VEE_SETTINGS, logger).runForFile(7);
    expect(outcome).to.equal(null);
    expect(logger.lines).to.deep.equal([{ level: 'error', message: 'vee: checking a loaded file failed; its data is loaded and served unchanged', meta: { fileId: 7, error: 'database is locked' } }]);
  });

  it('reads nothing at all when SMT_VEE_MODE=off', async () => {
    const store = new Proxy({}, { get: () => { throw new Error('the store was used'); } }) as VeeStore;
    expect(await new VeeRunner(store, unusedInspector, { ...DEFAULT_VEE_SETTINGS, mode: 'off' }, recordingLogger()).runForFile(7)).to.equal(null);
  });

  it('checks nothing on a file that was refused whole', async () => {
    const store = { fileFacts: async () => ({ status: 'rejected', senderDuns: '100000001', firstDay: null, lastDay: null }) } as unknown as VeeStore;
    expect(await new VeeRunner(store, unusedInspector, DEFAULT_VEE_SETTINGS, recordingLogger()).runForFile(7)).to.equal(null);
  });
});
