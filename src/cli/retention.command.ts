import type { Command } from './command';

export const retentionCommand: Command = {
  name: ['retention', 'run'],
  summary: 'Delete delivered files and processed uploads older than the retention period now (serve does it daily)',
  usage: 'retention run',
  options: {},
  allowPositionals: false,
  async run(_input, app, term) {
    const r = await (await app.retention()).run();
    term.out(`${r.filesDeleted} report file(s) deleted, ${r.requestsExpired} request(s) expired, ${r.processedRemoved} old upload(s) and reports removed, ${r.partialsRemoved} abandoned partial file(s) removed.\n`);
    return 0;
  },
};
