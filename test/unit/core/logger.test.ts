import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/config/config';
import { closeLogger, createLogger } from '../../../src/core/logger';

describe('logger', () => {
  it('returns from closeLogger only once every line is in the log file, secrets redacted, the file owner-only', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-logger-'));
    try {
      const config = loadConfig({ SMT_DATA_DIR: dir });
      const logger = createLogger(config);
      for (let i = 0; i < 2_000; i++) logger.info('line', { i, password: 'purple' });
      await closeLogger(logger);
      const lines = fs.readFileSync(config.log.file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
      expect(lines.map((l) => l.i)).to.deep.equal([...Array(2_000).keys()]);
      expect(lines.every((l) => l.password === '[redacted]')).to.equal(true);
      expect(fs.statSync(config.log.file).mode & 0o077).to.equal(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
