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

  it('says once on stderr that a log file cannot be written, and still closes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-logger-'));
    const said: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => said.push(String(chunk)) > 0) as typeof process.stderr.write;
    try {
      // The log file's path is a folder: the file cannot be opened.
      fs.mkdirSync(path.join(dir, 'logs', 'smt.log'), { recursive: true });
      const logger = createLogger(loadConfig({ SMT_DATA_DIR: dir }));
      for (let i = 0; i < 10; i++) logger.info('line', { i });
      await closeLogger(logger);
      expect(said.filter((s) => s.includes('the log file'))).to.deep.equal([`smt: the log file ${path.join(dir, 'logs', 'smt.log')} cannot be written: EISDIR: illegal operation on a directory, open '${path.join(dir, 'logs', 'smt.log')}'\n`]);
    } finally {
      process.stderr.write = write;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
