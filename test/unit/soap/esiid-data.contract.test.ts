import { FAULT_NAMESPACE, FAULT_XSD_FILE } from '../../../src/soap/fault-table';
import {
  DATA_STATUSES, ESIID_DATA_MESSAGE_FIELDS, ESIID_DATA_NAMESPACE, ESIID_DATA_OPERATIONS, ESIID_DATA_WSDL_FILE, ESIID_DATA_XSD_FILE,
} from '../../../src/soap/esiid-data.types';
import { describeContract } from '../../support/contract-drift';

const caller = { trans_id: 'T-1', requestorID: 'ops', requesterAuthenticationID: '200000001' };
const row = {
  esiid: '10443720000000001', usageDate: '03/08/2026', revisionDate: '03/09/2026 06:00:00', usageStartTime: '01:45', usageEndTime: '03:00',
  usageKwh: '0.250', estimatedActual: 'A', consumptionSurplusGeneration: 'Consumption',
};

describeContract({
  title: 'EsiIdData',
  namespace: ESIID_DATA_NAMESPACE,
  xsdFile: ESIID_DATA_XSD_FILE,
  messageFields: ESIID_DATA_MESSAGE_FIELDS,
  imports: { [FAULT_NAMESPACE]: FAULT_XSD_FILE },
  enumerations: {
    Version: ['L', 'A'],
    ReadingType: ['C', 'G', 'A'],
    DataStatus: DATA_STATUSES,
    EstimatedActual: ['A', 'E'],
    ConsumptionSurplusGeneration: ['Consumption', 'Surplus Generation'],
    GapReason: ['NEVER_RECEIVED', 'REJECTED'],
  },
  wsdls: [{
    file: ESIID_DATA_WSDL_FILE,
    operations: ESIID_DATA_OPERATIONS,
    service: 'EsiIdData',
    port: 'EsiIdDataPort',
    binding: 'EsiIdDataBinding',
    address: 'https://localhost:8443/EsiIdData',
  }],
  wireText: true,
  samples: {
    GetTradeDateIntervalData: { ...caller, tradeDate: '03/08/2026', readingType: 'C', esiid: ['10443720000000001', '10443720000000002'] },
    GetTradeDateIntervalDataResponse: { trans_id: 'T-1', statusCode: '0', notAuthorized: ['10443720000000009'], interval: [row, row] },
    GetEsiidsWithoutIntervalData: { ...caller, tradeDate: '11/01/2026', afterEsiid: '10443720000000001', maxResults: '500' },
    GetEsiidsWithoutIntervalDataResponse: { trans_id: 'T-1', tradeDate: '11/01/2026', esiidsChecked: '5', esiid: ['10443720000000002', '10443720000000003'], nextAfterEsiid: '10443720000000003' },
    RequestOwnedIntervalData: { ...caller, startDate: '11/01/2026', endDate: '11/30/2026', version: 'L', readingType: 'A' },
    RequestOwnedIntervalDataResponse: { trans_id: 'T-1', statusCode: 'PEN', correlationId: '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed', esiidCount: '5' },
    GetDataGaps: { ...caller, startDate: '11/01/2026', endDate: '11/30/2026', afterEsiid: '10443720000000001', maxEsiids: '50' },
    GetDataGapsResponse: {
      trans_id: 'T-1', esiidsChecked: '2',
      gap: [
        { esiid: '10443720000000002', operatingDay: '11/01/2026', repDuns: '200000001', why: 'REJECTED', code: '03', fileName: '100000001IntervalData20261102060000001.lse', detail: 'the record does not cover a full day' },
        { esiid: '10443720000000003', operatingDay: '11/01/2026', repDuns: '200000001', why: 'NEVER_RECEIVED', detail: 'no record for this ESI ID and day has reached the platform' },
      ],
      nextAfterEsiid: '10443720000000003',
    },
  },
});
