import { SmtError } from '../core/errors';
import type { ReportRequestService, SubmitResult } from '../usage/report-request.service';
import { checkReportOptions, MAX_REQUEST_ESIIDS } from '../usage/report-request.rules';
import { reportSections } from '../usage/report.generator';
import type { UsageSource } from '../usage/usage.source';
import type { AvailabilityStore } from './availability.store';
import { gapsOf, type DataGap } from './data-gaps.report';
import {
  checkHistoryDay, checkHistoryRange, GAPS_MAX_DAYS, GAPS_PAGE_DEFAULT, GAPS_PAGE_MAX, INLINE_MAX_ESIIDS,
  MISSING_PAGE_DEFAULT, MISSING_PAGE_MAX, MISSING_SCAN_MAX, readCursor, readPageSize,
} from './esiid-data.rules';
import type { EsiidScopeStore } from './esiid-scope.store';

export interface EsiidDataDeps {
  requests: ReportRequestService;
  usage: () => Promise<UsageSource>;
  availability: AvailabilityStore;
  scopes: EsiidScopeStore;
  /** The operating day in Central Prevailing Time. */
  today: () => string;
}

/** Who asks: the participant of the client certificate, and the DUNS it says it acts for (checked against it). */
export interface Caller {
  participantId: number;
  requesterDuns: string;
}

export type TradeDateAnswer =
  | { kind: 'inline'; authorized: string[]; notAuthorized: string[]; rows: string[][] }
  | { kind: 'file'; request: SubmitResult };

export interface Page<T> {
  items: T[];
  /** ESI IDs looked at for this page. */
  checked: number;
  /** Where the next page starts (the afterEsiid to send), or null when this was the last. */
  next: string | null;
}

const SCAN_BATCH = 1000;

/**
 * ERCOT's ESI ID web services and the data-gap report, for one market participant: every answer is
 * limited to the ESI IDs it may see (report access rules) and sized by esiid-data.rules.ts before any read.
 */
export class EsiidDataService {
  constructor(private readonly deps: EsiidDataDeps) {}

  /** Interval data of a trade date: a few ESI IDs in the answer, more as a report request delivered as a file. */
  async tradeDateIntervals(caller: Caller, input: { tradeDate: string; esiids: string[]; readingType?: string; transId: string | null }): Promise<TradeDateAnswer> {
    checkHistoryDay(input.tradeDate, 'tradeDate', this.deps.today());
    const request = { requesterDuns: caller.requesterDuns, reportType: 'INTERVAL', startDate: input.tradeDate, endDate: input.tradeDate, readingType: input.readingType, esiids: input.esiids, transId: input.transId };
    const distinct = new Set(input.esiids.map((e) => e.trim()).filter((e) => e !== '')).size;
    if (distinct > INLINE_MAX_ESIIDS) return { kind: 'file', request: await this.deps.requests.submit(request, { participantId: caller.participantId }) };
    const { spec, scope, authorized, notAuthorized } = await this.deps.requests.prepare(request, caller.participantId, INLINE_MAX_ESIIDS);
    const rows: string[][] = [];
    if (authorized.length > 0) for await (const group of reportSections(await this.deps.usage(), { ...spec, esiids: authorized, scope })) rows.push(...group);
    return { kind: 'inline', authorized, notAuthorized, rows };
  }

  /** The caller's ESI IDs that should have data on a trade date (a REP of record that day) and have no consumption loaded. */
  async withoutIntervalData(caller: Caller, input: { tradeDate: string; afterEsiid?: string; maxResults?: string }): Promise<Page<string>> {
    checkHistoryDay(input.tradeDate, 'tradeDate', this.deps.today());
    const size = readPageSize(input.maxResults, 'maxResults', MISSING_PAGE_DEFAULT, MISSING_PAGE_MAX);
    let cursor = readCursor(input.afterEsiid, 'afterEsiid');
    const scope = await this.deps.requests.scopeFor(caller.requesterDuns, caller.participantId);
    const items: string[] = [];
    let checked = 0;
    for (;;) {
      const batch = await this.deps.scopes.servedEsiids(scope, input.tradeDate, input.tradeDate, cursor, SCAN_BATCH);
      if (batch.length === 0) return { items, checked, next: null };
      const loaded = await this.deps.availability.loadedOn(input.tradeDate, batch);
      for (const [i, esiid] of batch.entries()) {
        checked++;
        cursor = esiid;
        if (!loaded.has(esiid)) items.push(esiid);
        const lastOfAll = i === batch.length - 1 && batch.length < SCAN_BATCH;
        if (items.length === size || checked === MISSING_SCAN_MAX) return { items, checked, next: lastOfAll ? null : esiid };
      }
      if (batch.length < SCAN_BATCH) return { items, checked, next: null };
    }
  }

  /** Interval data of every ESI ID the caller owns in a range, as a report request (its file comes through the normal delivery). */
  async ownedIntervals(caller: Caller, input: { startDate: string; endDate: string; version?: string; readingType?: string; transId: string | null }): Promise<{ esiidCount: number; request: SubmitResult | null }> {
    checkHistoryRange(input.startDate, input.endDate, this.deps.today());
    // The options too are checked before the caller's ESI IDs are looked for.
    checkReportOptions({ reportType: 'INTERVAL', version: input.version, readingType: input.readingType });
    const scope = await this.deps.requests.scopeFor(caller.requesterDuns, caller.participantId);
    const owned = scope.kind === 'TDSP'
      ? await this.deps.scopes.territoryEsiids([...scope.duns], MAX_REQUEST_ESIIDS + 1)
      : await this.deps.scopes.servedEsiids(scope, input.startDate, input.endDate, null, MAX_REQUEST_ESIIDS + 1);
    if (owned.length > MAX_REQUEST_ESIIDS) {
      throw new SmtError('REPORT_TOO_MANY_ESIIDS', `you own more than ${MAX_REQUEST_ESIIDS} ESI IDs in this range; ask GetTradeDateIntervalData with lists of up to ${MAX_REQUEST_ESIIDS} ESI IDs instead`);
    }
    if (owned.length === 0) return { esiidCount: 0, request: null };
    const request = await this.deps.requests.submit({
      requesterDuns: caller.requesterDuns, reportType: 'INTERVAL', startDate: input.startDate, endDate: input.endDate,
      version: input.version, readingType: input.readingType, esiids: owned, transId: input.transId,
    }, { participantId: caller.participantId });
    return { esiidCount: owned.length, request };
  }

  /** The data-gap report of the caller's ESI IDs, a page of ESI IDs at a time: missing days and why when known. */
  async dataGaps(caller: Caller, input: { startDate: string; endDate: string; afterEsiid?: string; maxEsiids?: string }): Promise<Page<DataGap>> {
    checkHistoryRange(input.startDate, input.endDate, this.deps.today(), GAPS_MAX_DAYS);
    const size = readPageSize(input.maxEsiids, 'maxEsiids', GAPS_PAGE_DEFAULT, GAPS_PAGE_MAX);
    const cursor = readCursor(input.afterEsiid, 'afterEsiid');
    const scope = await this.deps.requests.scopeFor(caller.requesterDuns, caller.participantId);
    const esiids = await this.deps.scopes.servedEsiids(scope, input.startDate, input.endDate, cursor, size + 1);
    const page = esiids.slice(0, size);
    const stretches = await this.deps.scopes.stretchesOf(scope, page, input.startDate, input.endDate);
    const items = await gapsOf(this.deps.availability, stretches, input.startDate, input.endDate);
    return { items, checked: page.length, next: esiids.length > size ? page[page.length - 1] : null };
  }
}
