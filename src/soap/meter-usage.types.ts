import { fieldsOf, type MessageFields, type Repeated } from './contract';

/**
 * The MeterUsage messages as node-soap hands them to a service method (requests) and as a service
 * method hands them back (responses). wsdl/meter-usage.xsd is the source of truth: MESSAGE_FIELDS
 * below is compared with it element by element (test/unit/soap/meter-usage.contract.test.ts), and the
 * compiler ties MESSAGE_FIELDS to these interfaces, so neither can drift from the schema.
 * What node-soap does and does not do with a request: src/soap/contract.ts. The request interfaces
 * describe a message that is valid against the schema; the handlers still check every value through
 * the report rules. Faults carry the smtFault of wsdl/smt-fault.xsd (src/soap/fault-table.ts).
 */

export const METER_USAGE_NAMESPACE = 'urn:smt-platform:meter-usage:v1';
export const METER_USAGE_WSDL_FILE = 'MeterUsage.wsdl';
export const METER_USAGE_XSD_FILE = 'meter-usage.xsd';

// ---------------------------------------------------------------- enumerations of the schema

export type RequesterType = 'ROR' | 'TDSP';
export type ReportTypeCode = 'INTERVAL' | 'DAILY' | 'MONTHLY';
export type VersionCode = 'L' | 'A';
export type ReadingTypeCode = 'C' | 'G' | 'A';
/** 0 done, PEN queued, PRC producing, PUB publishing, NAU nothing authorized, NOKEY no PGP key, ERR failed, EXP expired. */
export type StatusCode = '0' | 'PEN' | 'PRC' | 'PUB' | 'NAU' | 'NOKEY' | 'ERR' | 'EXP';
export type EstimatedActual = 'A' | 'E';
export type ConsumptionSurplusGeneration = 'Consumption' | 'Surplus Generation';

export const STATUS_CODES: readonly StatusCode[] = ['0', 'PEN', 'PRC', 'PUB', 'NAU', 'NOKEY', 'ERR', 'EXP'];

// ---------------------------------------------------------------- requests (as node-soap hands them)

/** Dates are MM/DD/YYYY; enumerations arrive unchecked, so they are plain strings here. */
export interface SubmitUsageRequest {
  trans_id: string;
  requestorID: string;
  /** ROR | TDSP */
  requesterType: string;
  /** The DUNS the caller acts for. */
  requesterAuthenticationID: string;
  /** INTERVAL | DAILY | MONTHLY */
  reportType: string;
  startDate: string;
  endDate: string;
  /** L (default) | A */
  version?: string | null;
  /** C (default) | G | A */
  readingType?: string | null;
  /** 1..50,000 */
  esiid: Repeated<string>;
  /** Flag (a named xs:boolean, so node-soap hands over the text sent; null when sent empty), default false: add platform estimates of missing days, in rows marked as such. */
  platformEstimates?: string | null;
}

export interface GetUsageRequestStatus {
  trans_id: string;
  requestorID: string;
  correlationId: string;
}

/** GetIntervalUsage, GetDailyReads and GetMonthlyUsage ask the same: one ESI ID over a date range. */
export interface SingleEsiidUsageRequest {
  trans_id: string;
  requestorID: string;
  requesterAuthenticationID: string;
  esiid: string;
  startDate: string;
  endDate: string;
  version?: string | null;
  readingType?: string | null;
}

export type GetIntervalUsage = SingleEsiidUsageRequest;
export type GetDailyReads = SingleEsiidUsageRequest;
export type GetMonthlyUsage = SingleEsiidUsageRequest;

// ---------------------------------------------------------------- responses (as a service method returns them)
// Keys are listed in schema order: node-soap writes them in the order of the object.

export interface SubmitUsageRequestResponse {
  trans_id: string;
  correlationId: string;
  statusCode: StatusCode;
  statusReason?: string;
  /** Up to 50,000. */
  notAuthorized?: string[];
}

export interface UsageFile {
  fileName: string;
  recordCount: number;
  bytes: number;
}

export interface GetUsageRequestStatusResponse {
  trans_id: string;
  correlationId: string;
  statusCode: StatusCode;
  statusReason?: string;
  file?: UsageFile[];
  /** xs:dateTime, e.g. 2025-07-13T11:00:00.000Z */
  expiresAt?: string;
}

/** kWh values are decimal strings with 3 decimals, as the report builders write them. */
export interface IntervalUsageRow {
  esiid: string;
  usageDate: string;
  revisionDate: string;
  usageStartTime: string;
  usageEndTime: string;
  /** Absent for a blank interval. */
  usageKwh?: string;
  /** Absent for a blank interval. */
  estimatedActual?: EstimatedActual;
  consumptionSurplusGeneration: ConsumptionSurplusGeneration;
}

export interface DailyReadRow {
  esiid: string;
  usageDate: string;
  revisionDate: string;
  meterNumber?: string;
  startReading?: string;
  endReading?: string;
  usageKwh: string;
  estimatedActual: EstimatedActual;
}

export interface MonthlyUsageRow {
  esiid: string;
  startDate: string;
  endDate: string;
  actualKwh: string;
  estimatedKwh: string;
  totalKwh: string;
  meteredKwh?: string;
  revisionDate: string;
}

interface SingleEsiidUsageResponse {
  trans_id: string;
  /** 0, or NAU when the requester may not see the ESI ID on any day of the range. */
  statusCode: StatusCode;
  statusReason?: string;
}

export interface GetIntervalUsageResponse extends SingleEsiidUsageResponse {
  interval?: IntervalUsageRow[];
}

export interface GetDailyReadsResponse extends SingleEsiidUsageResponse {
  dailyRead?: DailyReadRow[];
}

export interface GetMonthlyUsageResponse extends SingleEsiidUsageResponse {
  monthlyUsage?: MonthlyUsageRow[];
}

// ---------------------------------------------------------------- field lists, checked against the XSD

const singleEsiidRequest = fieldsOf<SingleEsiidUsageRequest>()([
  'trans_id', 'requestorID', 'requesterAuthenticationID', 'esiid', 'startDate', 'endDate', 'version?', 'readingType?',
]);

/** Every top-level element and named complex type of the schema, with its fields in schema order. */
export const MESSAGE_FIELDS: MessageFields = {
  SubmitUsageRequest: fieldsOf<SubmitUsageRequest>()([
    'trans_id', 'requestorID', 'requesterType', 'requesterAuthenticationID', 'reportType', 'startDate', 'endDate',
    'version?', 'readingType?', 'esiid[1..50000]', 'platformEstimates?',
  ]),
  SubmitUsageRequestResponse: fieldsOf<SubmitUsageRequestResponse>()([
    'trans_id', 'correlationId', 'statusCode', 'statusReason?', 'notAuthorized[0..50000]',
  ]),
  GetUsageRequestStatus: fieldsOf<GetUsageRequestStatus>()(['trans_id', 'requestorID', 'correlationId']),
  GetUsageRequestStatusResponse: fieldsOf<GetUsageRequestStatusResponse>()([
    'trans_id', 'correlationId', 'statusCode', 'statusReason?', 'file*', 'expiresAt?',
  ]),
  UsageFile: fieldsOf<UsageFile>()(['fileName', 'recordCount', 'bytes']),
  GetIntervalUsage: singleEsiidRequest,
  GetIntervalUsageResponse: fieldsOf<GetIntervalUsageResponse>()(['trans_id', 'statusCode', 'statusReason?', 'interval*']),
  IntervalUsageRow: fieldsOf<IntervalUsageRow>()([
    'esiid', 'usageDate', 'revisionDate', 'usageStartTime', 'usageEndTime', 'usageKwh?', 'estimatedActual?',
    'consumptionSurplusGeneration',
  ]),
  GetDailyReads: singleEsiidRequest,
  GetDailyReadsResponse: fieldsOf<GetDailyReadsResponse>()(['trans_id', 'statusCode', 'statusReason?', 'dailyRead*']),
  DailyReadRow: fieldsOf<DailyReadRow>()([
    'esiid', 'usageDate', 'revisionDate', 'meterNumber?', 'startReading?', 'endReading?', 'usageKwh', 'estimatedActual',
  ]),
  GetMonthlyUsage: singleEsiidRequest,
  GetMonthlyUsageResponse: fieldsOf<GetMonthlyUsageResponse>()(['trans_id', 'statusCode', 'statusReason?', 'monthlyUsage*']),
  MonthlyUsageRow: fieldsOf<MonthlyUsageRow>()([
    'esiid', 'startDate', 'endDate', 'actualKwh', 'estimatedKwh', 'totalKwh', 'meteredKwh?', 'revisionDate',
  ]),
};

/** The operations of the MeterUsage port type, each with its request and response element. */
export const METER_USAGE_OPERATIONS = {
  SubmitUsageRequest: { input: 'SubmitUsageRequest', output: 'SubmitUsageRequestResponse' },
  GetUsageRequestStatus: { input: 'GetUsageRequestStatus', output: 'GetUsageRequestStatusResponse' },
  GetIntervalUsage: { input: 'GetIntervalUsage', output: 'GetIntervalUsageResponse' },
  GetDailyReads: { input: 'GetDailyReads', output: 'GetDailyReadsResponse' },
  GetMonthlyUsage: { input: 'GetMonthlyUsage', output: 'GetMonthlyUsageResponse' },
} as const;

export type MeterUsageOperation = keyof typeof METER_USAGE_OPERATIONS;

/** The service methods a MeterUsage handler implements, in the shape soap.listen expects. */
export interface MeterUsageMethods {
  SubmitUsageRequest(args: SubmitUsageRequest, ...rest: unknown[]): Promise<SubmitUsageRequestResponse>;
  GetUsageRequestStatus(args: GetUsageRequestStatus, ...rest: unknown[]): Promise<GetUsageRequestStatusResponse>;
  GetIntervalUsage(args: GetIntervalUsage, ...rest: unknown[]): Promise<GetIntervalUsageResponse>;
  GetDailyReads(args: GetDailyReads, ...rest: unknown[]): Promise<GetDailyReadsResponse>;
  GetMonthlyUsage(args: GetMonthlyUsage, ...rest: unknown[]): Promise<GetMonthlyUsageResponse>;
}
