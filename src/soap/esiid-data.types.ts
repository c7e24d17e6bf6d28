import { fieldsOf, type MessageFields, type Repeated } from './contract';

/**
 * The EsiIdData messages as node-soap hands them to a service method (requests) and as a service
 * method hands them back (responses). wsdl/esiid-data.xsd is the source of truth: MESSAGE_FIELDS
 * below is compared with it element by element (test/unit/soap/esiid-data.contract.test.ts), and the
 * compiler ties MESSAGE_FIELDS to these interfaces. Every simple value of the schema is a named type
 * restricting xs:string, so every value arrives as the text sent (src/soap/contract.ts) and is checked
 * by the service's rules (src/availability/esiid-data.rules.ts).
 */

export const ESIID_DATA_NAMESPACE = 'urn:smt-platform:esiid-data:v1';
export const ESIID_DATA_WSDL_FILE = 'EsiIdData.wsdl';
export const ESIID_DATA_XSD_FILE = 'esiid-data.xsd';

/** 0 answered in the response, PEN a report request queued, NAU nothing of the caller's. */
export type DataStatus = '0' | 'PEN' | 'NAU';
export const DATA_STATUSES: readonly DataStatus[] = ['0', 'PEN', 'NAU'];
export type GapReason = 'NEVER_RECEIVED' | 'REJECTED';

// ---------------------------------------------------------------- requests (dates MM/DD/YYYY, enumerations unchecked)

interface CallerFields {
  trans_id: string;
  requestorID: string;
  /** The DUNS the caller acts for; checked against the client certificate's entity. */
  requesterAuthenticationID: string;
}

export interface GetTradeDateIntervalData extends CallerFields {
  tradeDate: string;
  readingType?: string | null;
  esiid: Repeated<string>;
}

export interface GetEsiidsWithoutIntervalData extends CallerFields {
  tradeDate: string;
  afterEsiid?: string | null;
  maxResults?: string | null;
}

export interface RequestOwnedIntervalData extends CallerFields {
  startDate: string;
  endDate: string;
  version?: string | null;
  readingType?: string | null;
}

export interface GetDataGaps extends CallerFields {
  startDate: string;
  endDate: string;
  afterEsiid?: string | null;
  maxEsiids?: string | null;
}

// ---------------------------------------------------------------- responses (keys in schema order)

export interface IntervalRow {
  esiid: string;
  usageDate: string;
  revisionDate: string;
  usageStartTime: string;
  usageEndTime: string;
  usageKwh?: string;
  estimatedActual?: 'A' | 'E';
  consumptionSurplusGeneration: 'Consumption' | 'Surplus Generation';
}

export interface DataGapRow {
  esiid: string;
  operatingDay: string;
  repDuns: string;
  why: GapReason;
  code?: string;
  fileName?: string;
  detail: string;
}

export interface GetTradeDateIntervalDataResponse {
  trans_id: string;
  statusCode: DataStatus;
  statusReason?: string;
  correlationId?: string;
  notAuthorized?: string[];
  interval?: IntervalRow[];
}

export interface GetEsiidsWithoutIntervalDataResponse {
  trans_id: string;
  tradeDate: string;
  esiidsChecked: string;
  esiid?: string[];
  nextAfterEsiid?: string;
}

export interface RequestOwnedIntervalDataResponse {
  trans_id: string;
  statusCode: DataStatus;
  statusReason?: string;
  correlationId?: string;
  esiidCount: string;
}

export interface GetDataGapsResponse {
  trans_id: string;
  esiidsChecked: string;
  gap?: DataGapRow[];
  nextAfterEsiid?: string;
}

// ---------------------------------------------------------------- field lists, checked against the XSD

export const ESIID_DATA_MESSAGE_FIELDS: MessageFields = {
  IntervalRow: fieldsOf<IntervalRow>()([
    'esiid', 'usageDate', 'revisionDate', 'usageStartTime', 'usageEndTime', 'usageKwh?', 'estimatedActual?', 'consumptionSurplusGeneration',
  ]),
  DataGap: fieldsOf<DataGapRow>()(['esiid', 'operatingDay', 'repDuns', 'why', 'code?', 'fileName?', 'detail']),
  GetTradeDateIntervalData: fieldsOf<GetTradeDateIntervalData>()([
    'trans_id', 'requestorID', 'requesterAuthenticationID', 'tradeDate', 'readingType?', 'esiid[1..50000]',
  ]),
  GetTradeDateIntervalDataResponse: fieldsOf<GetTradeDateIntervalDataResponse>()([
    'trans_id', 'statusCode', 'statusReason?', 'correlationId?', 'notAuthorized[0..50000]', 'interval*',
  ]),
  GetEsiidsWithoutIntervalData: fieldsOf<GetEsiidsWithoutIntervalData>()([
    'trans_id', 'requestorID', 'requesterAuthenticationID', 'tradeDate', 'afterEsiid?', 'maxResults?',
  ]),
  GetEsiidsWithoutIntervalDataResponse: fieldsOf<GetEsiidsWithoutIntervalDataResponse>()([
    'trans_id', 'tradeDate', 'esiidsChecked', 'esiid[0..5000]', 'nextAfterEsiid?',
  ]),
  RequestOwnedIntervalData: fieldsOf<RequestOwnedIntervalData>()([
    'trans_id', 'requestorID', 'requesterAuthenticationID', 'startDate', 'endDate', 'version?', 'readingType?',
  ]),
  RequestOwnedIntervalDataResponse: fieldsOf<RequestOwnedIntervalDataResponse>()([
    'trans_id', 'statusCode', 'statusReason?', 'correlationId?', 'esiidCount',
  ]),
  GetDataGaps: fieldsOf<GetDataGaps>()(['trans_id', 'requestorID', 'requesterAuthenticationID', 'startDate', 'endDate', 'afterEsiid?', 'maxEsiids?']),
  GetDataGapsResponse: fieldsOf<GetDataGapsResponse>()(['trans_id', 'esiidsChecked', 'gap*', 'nextAfterEsiid?']),
};

/** The operations of the EsiIdData port type, each with its request and response element. */
export const ESIID_DATA_OPERATIONS = {
  GetTradeDateIntervalData: { input: 'GetTradeDateIntervalData', output: 'GetTradeDateIntervalDataResponse' },
  GetEsiidsWithoutIntervalData: { input: 'GetEsiidsWithoutIntervalData', output: 'GetEsiidsWithoutIntervalDataResponse' },
  RequestOwnedIntervalData: { input: 'RequestOwnedIntervalData', output: 'RequestOwnedIntervalDataResponse' },
  GetDataGaps: { input: 'GetDataGaps', output: 'GetDataGapsResponse' },
} as const;

export type EsiIdDataOperation = keyof typeof ESIID_DATA_OPERATIONS;

/** The service methods an EsiIdData handler implements, in the shape soap.listen expects. */
export interface EsiIdDataMethods {
  GetTradeDateIntervalData(args: GetTradeDateIntervalData, ...rest: unknown[]): Promise<GetTradeDateIntervalDataResponse>;
  GetEsiidsWithoutIntervalData(args: GetEsiidsWithoutIntervalData, ...rest: unknown[]): Promise<GetEsiidsWithoutIntervalDataResponse>;
  RequestOwnedIntervalData(args: RequestOwnedIntervalData, ...rest: unknown[]): Promise<RequestOwnedIntervalDataResponse>;
  GetDataGaps(args: GetDataGaps, ...rest: unknown[]): Promise<GetDataGapsResponse>;
}
