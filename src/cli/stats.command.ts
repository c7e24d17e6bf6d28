import { codesText, dayStats, LoadStatsQuery, MAX_STATS_DAYS, percent } from '../availability/load-stats.query';
import { addDays, cptToday } from '../core/cpt';
import { csvChunk, csvHeader } from '../usage/report-csv';
import { readDateOption } from './cli-inputs';
import type { Command } from './command';
import { readParticipantOption } from './participant-option';

const DAY_COLUMNS = ['RECEIVED_DAY', 'TDSP_DUNS', 'FILES', 'FILES_REJECTED', 'RECORDS', 'LOADED', 'REJECTS_BY_CODE', 'ESTIMATED_PCT', 'E_TO_A', 'LATE_FILES', 'MEDIAN_LOAD_S'];
const FILE_COLUMNS = ['FILE_ID', 'FILE_NAME', 'TDSP_DUNS', 'STATUS', 'RECORDS', 'LOADED', 'REJECTS_BY_CODE', 'FIRST_DAY', 'LAST_DAY', 'RECEIVED_AT', 'LOADED_AT', 'LOAD_S', 'LATE', 'ESTIMATED_PCT', 'E_TO_A'];

export const statsCommand: Command = {
  name: ['stats'],
  summary: 'Load statistics: per TDSP per day files, records, rejects by code, estimated share, late files; --files: each file received and loaded',
  usage: `stats [--tdsp NAME|DUNS] [--from DATE] [--to DATE] [--files] [--json]   (default the last 7 days; at most ${MAX_STATS_DAYS})`,
  options: {
    tdsp: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    files: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
  allowPositionals: false,
  async run({ values }, app, term) {
    const to = typeof values.to === 'string' ? readDateOption(values.to, '--to') : cptToday();
    const from = typeof values.from === 'string' ? readDateOption(values.from, '--from') : addDays(to, -6);
    const tdsp = typeof values.tdsp === 'string' ? (await readParticipantOption(app, values.tdsp, '--tdsp', 'TDSP')).duns : null;
    const files = await new LoadStatsQuery(await app.db()).files(tdsp, from, to);
    if (values.files) {
      if (values.json) for (const f of files) term.out(JSON.stringify(f) + '\n');
      else {
        term.out(csvHeader(FILE_COLUMNS) + csvChunk(files.map((f) => [String(f.fileId), f.fileName, f.tdspDuns, f.fileCode ? `${f.status} ${f.fileCode}` : f.status,
          String(f.records), String(f.loaded), codesText(f.rejectedByCode), f.firstDay ?? '', f.lastDay ?? '', f.receivedAt, f.loadedAt ?? '',
          f.loadSeconds === null ? '' : f.loadSeconds.toFixed(3), f.late ? 'Y' : 'N',
          f.intervals === null ? '' : percent(f.estimatedIntervals!, f.intervals), f.estimatedToActual === null ? '' : String(f.estimatedToActual)])));
      }
    } else {
      const days = dayStats(files);
      if (values.json) for (const d of days) term.out(JSON.stringify(d) + '\n');
      else {
        term.out(csvHeader(DAY_COLUMNS) + csvChunk(days.map((d) => [d.receivedDay, d.tdspDuns, String(d.files), String(d.filesRejected), String(d.records), String(d.loaded),
          codesText(d.rejectedByCode), percent(d.estimatedIntervals, d.intervals), String(d.estimatedToActual), String(d.lateFiles),
          d.medianLoadSeconds === null ? '' : d.medianLoadSeconds.toFixed(3)])));
      }
    }
    term.err(`${files.length} file${files.length === 1 ? '' : 's'} received ${from} to ${to} (Central Prevailing Time)\n`);
    return 0;
  },
};
