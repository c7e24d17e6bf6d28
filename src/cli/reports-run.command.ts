import type { Command } from './command';

export const reportsRunCommand: Command = {
  name: ['reports', 'run'],
  summary: 'Produce every queued report request now (what the worker in `smt serve` does), then exit',
  usage: 'reports run',
  options: {},
  allowPositionals: false,
  async run(_input, app, term) {
    const worker = await app.reportWorker();
    await worker.recover();
    let produced = 0;
    while (await worker.runOnce()) produced++;
    term.out(`${produced} request(s) processed; \`smt requests\` shows their status and files.\n`);
    if (worker.pausedForSpace) {
      term.err('production is paused: free space on the FTPS folders\' file system is below SMT_REPORT_MIN_FREE_MB; queued requests wait until space returns\n');
      return 1;
    }
    return 0;
  },
};
