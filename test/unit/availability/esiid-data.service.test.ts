import { expect } from 'chai';
import type { AvailabilityStore } from '../../../src/availability/availability.store';
import { EsiidDataService, type Caller } from '../../../src/availability/esiid-data.service';
import { checkHistoryRange, readCursor, readPageSize } from '../../../src/availability/esiid-data.rules';
import type { EsiidScopeStore } from '../../../src/availability/esiid-scope.store';
import { isSmtError } from '../../../src/core/errors';
import type { ReportRequestService } from '../../../src/usage/report-request.service';

const TODAY = '2026-12-04';
const id = (n: number) => `1044372${String(n).padStart(10, '0')}`;
const caller: Caller = { participantId: 7, requesterDuns: '200000001' };

/** The service over in-memory reads: `served` ESI IDs (in order) of which `loaded` have data; counts the reads. */
function serviceOver(served: string[], loaded: Set<string>) {
  const reads = { served: 0, loaded: 0 };
  const scopes = {
    servedEsiids: async (_s: unknown, _f: string, _l: string, after: string | null, limit: number) => {
      reads.served++;
      return served.filter((e) => after === null || e > after).slice(0, limit);
    },
  } as unknown as EsiidScopeStore;
  const availability = {
    loadedOn: async (_day: string, esiids: string[]) => {
      reads.loaded++;
      return new Set(esiids.filter((e) => loaded.has(e)));
    },
  } as unknown as AvailabilityStore;
  const requests = { scopeFor: async () => ({ participantId: 7, kind: 'REP', duns: new Set(['200000001']) }) } as unknown as ReportRequestService;
  const service = new EsiidDataService({ requests, usage: async () => { throw new Error('not read'); }, availability, scopes, today: () => TODAY });
  return { service, reads };
}

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return isSmtError(error) ? error.code : String(error);
  }
  return null;
};

describe('availability/esiid-data: ESI IDs without interval data, paged', () => {
  it('walks 2,500 ESI IDs a page at a time and finds each missing one once', async () => {
    const served = Array.from({ length: 2500 }, (_, i) => id(i + 1));
    const missing = served.filter((_, i) => i % 5 === 0); // 500 of them: 1, 6, 11, ...
    const { service } = serviceOver(served, new Set(served.filter((e) => !missing.includes(e))));
    const pages: string[][] = [];
    let after: string | undefined;
    for (let n = 0; n < 10; n++) {
      const page = await service.withoutIntervalData(caller, { tradeDate: '2026-11-01', afterEsiid: after, maxResults: '200' });
      pages.push(page.items);
      if (page.next === null) break;
      after = page.next;
    }
    expect(pages.map((p) => p.length)).to.deep.equal([200, 200, 100]);
    expect(pages.flat()).to.deep.equal(missing);
  });

  it('stops after 50,000 ESI IDs looked at and says where to go on', async () => {
    const served = Array.from({ length: 60_000 }, (_, i) => id(i + 1));
    const { service, reads } = serviceOver(served, new Set(served));
    const first = await service.withoutIntervalData(caller, { tradeDate: '2026-11-01' });
    expect([first.items.length, first.checked, first.next, reads.served]).to.deep.equal([0, 50_000, id(50_000), 50]);
    const second = await service.withoutIntervalData(caller, { tradeDate: '2026-11-01', afterEsiid: first.next! });
    expect([second.items.length, second.checked, second.next]).to.deep.equal([0, 10_000, null]);
  });

  it('ends without a cursor when the page fills on the last ESI ID', async () => {
    const served = [id(1), id(2), id(3)];
    const { service } = serviceOver(served, new Set());
    const page = await service.withoutIntervalData(caller, { tradeDate: '2026-11-01', maxResults: '3' });
    expect([page.items, page.next]).to.deep.equal([served, null]);
  });
});

describe('availability/esiid-data.rules', () => {
  it('refuses ranges and page sizes out of bounds with their own codes', () => {
    expect(code(() => checkHistoryRange('2026-10-01', '2026-10-31', TODAY, 31))).to.equal(null);
    expect(code(() => checkHistoryRange('2026-10-01', '2026-11-01', TODAY, 31))).to.equal('DATA_RANGE_TOO_LARGE');
    expect(code(() => checkHistoryRange('2026-11-02', '2026-11-01', TODAY))).to.equal('REPORT_DATES_INVALID');
    expect(code(() => checkHistoryRange('2022-12-03', '2026-11-01', TODAY))).to.equal('REPORT_START_TOO_OLD');
    expect(code(() => checkHistoryRange('2022-12-04', '2026-12-05', TODAY))).to.equal('REPORT_END_IN_FUTURE');
    expect(code(() => checkHistoryRange('2026-02-30', '2026-03-01', TODAY))).to.equal('REPORT_DATES_INVALID');
    expect([readPageSize(undefined, 'n', 100, 200), readPageSize('200', 'n', 100, 200), readPageSize(' 7 ', 'n', 100, 200)]).to.deep.equal([100, 200, 7]);
    for (const bad of ['0', '201', '-1', '1.5', 'ten', '']) expect(code(() => readPageSize(bad, 'n', 100, 200)), bad).to.equal('PAGE_SIZE_INVALID');
    expect([readCursor(undefined, 'a'), readCursor('', 'a'), readCursor(id(4), 'a')]).to.deep.equal([null, null, id(4)]);
    expect(code(() => readCursor("1' OR '1'='1", 'a'))).to.equal('REPORT_ESIID_INVALID');
  });
});

describe('RequestOwnedIntervalData bounds', () => {
  it('refuses a bad option before it reads which ESI IDs the caller owns, and a caller past 50,000 ESI IDs with its own code', async () => {
    const { service, reads } = serviceOver(Array.from({ length: 50_001 }, (_, i) => id(i)), new Set());
    const refused = async (input: { readingType?: string; version?: string }) => {
      try {
        await service.ownedIntervals(caller, { startDate: '2026-11-01', endDate: '2026-11-02', transId: null, ...input });
      } catch (error) {
        return isSmtError(error) ? error.code : String(error);
      }
      return null;
    };
    expect(await refused({ readingType: 'X' })).to.equal('REPORT_OPTION_INVALID');
    expect(await refused({ version: 'Z' })).to.equal('REPORT_OPTION_INVALID');
    expect(reads.served).to.equal(0);
    expect(await refused({})).to.equal('REPORT_TOO_MANY_ESIIDS');
    expect(reads.served).to.equal(1);
  });
});
