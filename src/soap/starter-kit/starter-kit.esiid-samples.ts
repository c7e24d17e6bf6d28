import { addDays, cptToday } from '../../core/cpt';
import { usDate } from '../../usage/report-format';
import { ESIID_DATA_MESSAGE_FIELDS, ESIID_DATA_NAMESPACE, ESIID_DATA_OPERATIONS, type EsiIdDataMethods, type EsiIdDataOperation } from '../esiid-data.types';
import { envelope, esiidNote, requestorId, sampleEsiids, type Contract, type Notes, type SampleOptions } from './starter-kit.samples';

type EsiIdDataRequest<K extends EsiIdDataOperation> = Parameters<EsiIdDataMethods[K]>[0];

const ESIID_DATA_CONTRACT: Contract = { prefix: 'ed', namespace: ESIID_DATA_NAMESPACE, fields: ESIID_DATA_MESSAGE_FIELDS };

/**
 * One EsiIdData sample request per operation, for a REP's kit and a TDSP's alike: its DUNS, the
 * sample ESI IDs, the newest day the platform holds data for them (or yesterday), a week for ranges.
 */
export function esiidDataSampleRequests(options: SampleOptions): Record<EsiIdDataOperation, string> {
  const day = options.dataDays?.[0] ?? addDays(options.today ?? cptToday(), -1);
  const esiids = sampleEsiids(options);
  const sample = <K extends EsiIdDataOperation>(operation: K, values: Omit<EsiIdDataRequest<K>, 'trans_id' | 'requestorID' | 'requesterAuthenticationID'>, notes: Notes<EsiIdDataRequest<K>> = {}) =>
    envelope(ESIID_DATA_CONTRACT, ESIID_DATA_OPERATIONS[operation].input, {
      trans_id: `${operation}-0001`, requestorID: requestorId(options.entityName), requesterAuthenticationID: options.duns, ...values,
    }, { ...('esiid' in values ? { esiid: esiidNote(options) } : {}), ...notes });
  const week = { startDate: usDate(addDays(day, -6)), endDate: usDate(day) };
  return {
    GetTradeDateIntervalData: sample('GetTradeDateIntervalData', { tradeDate: usDate(day), readingType: 'C', esiid: esiids }, {
      tradeDate: 'up to 10 ESI IDs come back in the answer; 11 to 50,000 become a report request (statusCode PEN) delivered to your FTPS folder',
    }),
    GetEsiidsWithoutIntervalData: sample('GetEsiidsWithoutIntervalData', { tradeDate: usDate(day), maxResults: '1000' }, {
      maxResults: 'at most 5000; while the answer has nextAfterEsiid, send it as afterEsiid for the next page',
    }),
    RequestOwnedIntervalData: sample('RequestOwnedIntervalData', { ...week, version: 'L', readingType: 'C' }),
    GetDataGaps: sample('GetDataGaps', { ...week, maxEsiids: '100' }, { maxEsiids: 'at most 200 ESI IDs per answer and 31 days per range' }),
  } satisfies Record<EsiIdDataOperation, string>;
}
