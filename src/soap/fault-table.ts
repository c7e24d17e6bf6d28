import { randomUUID } from 'node:crypto';
import { isSmtError, type ErrorCode } from '../core/errors';
import { fieldsOf, type MessageFields } from './contract';

/**
 * The one place where errors become SOAP 1.1 faults. Client faults say what the caller must change
 * (the SmtError's message goes into the detail); Server faults never carry internals: a generic
 * text and a fresh correlation id under which the caller logs the real error.
 */

/** wsdl/smt-fault.xsd: the fault detail every service of the platform (and every TDSP) sends. */
export const FAULT_NAMESPACE = 'urn:smt-platform:fault:v1';
export const FAULT_XSD_FILE = 'smt-fault.xsd';

/** The detail of every fault: the smtFault element of smt-fault.xsd. */
export interface SmtFault {
  code: string;
  message: string;
  trans_id?: string;
  correlationId?: string;
}

/** The field list of smt-fault.xsd, checked against it by test/unit/soap/fault-table.test.ts. */
export const FAULT_MESSAGE_FIELDS: MessageFields = {
  smtFault: fieldsOf<SmtFault>()(['code', 'message', 'trans_id?', 'correlationId?']),
};

/** The prefix is node-soap's default envelope key (`soap`), bound to the SOAP 1.1 envelope namespace in every response. */
export type SoapFaultCode = 'soap:Client' | 'soap:Server';

export interface FaultEntry {
  faultcode: SoapFaultCode;
  faultstring: string;
}

export const SERVER_FAULTSTRING = 'The platform could not complete the request';
/** The code the detail carries for every Server fault, whatever the underlying error was. */
export const INTERNAL_FAULT_CODE: ErrorCode = 'INTERNAL';

const client = (faultstring: string): FaultEntry => ({ faultcode: 'soap:Client', faultstring });
const server: FaultEntry = { faultcode: 'soap:Server', faultstring: SERVER_FAULTSTRING };

/** Typed over every ErrorCode, so a new code does not compile until it has a fault. */
export const FAULT_TABLE: Readonly<Record<ErrorCode, FaultEntry>> = {
  CONFIG_INVALID: server,
  INPUT_INVALID: client('The request is not valid'),
  NOT_FOUND: client('Not found'),
  CONFLICT: client('The request conflicts with the current state'),
  FILE_UNREADABLE: server,
  FILE_TOO_LARGE: server,
  DECRYPT_FAILED: server,
  ZIP_INVALID: server,
  REGISTRY_INVALID: server,
  REPORT_TOO_MANY_ESIIDS: client('Too many ESI IDs in one request'),
  REPORT_DATES_INVALID: client('The start or end date is not valid'),
  REPORT_END_IN_FUTURE: client('The end date is in the future'),
  REPORT_START_TOO_OLD: client('The start date is older than the history kept'),
  REPORT_ESIID_INVALID: client('An ESI ID is missing or malformed'),
  REPORT_OPTION_INVALID: client('A report option is not valid'),
  REPORT_QUEUE_FULL: client('Too many of your report requests are waiting; submit again when one is delivered'),
  REPORT_ROW_LIMIT: client('The request would exceed the report rows allowed in 24 hours; ask for less or try again later'),
  DUNS_UNKNOWN: client('The DUNS is not registered'),
  DUNS_NOT_OWNED: client('The DUNS does not belong to the caller'),
  AUTH_NO_CERTIFICATE: client('A client certificate is required'),
  AUTH_CERTIFICATE_UNKNOWN: client('The client certificate is not registered'),
  AUTH_CERTIFICATE_REVOKED: client('The client certificate has been revoked'),
  AUTH_CERTIFICATE_EXPIRED: client('The client certificate is expired or not yet valid'),
  AUTH_IP_NOT_REGISTERED: client('The calling IP address is not registered'),
  AUTH_PASSWORD_INVALID: client('The user name or password is not valid'),
  AUTH_LOCKED: client('Too many failed logins; try again later'),
  WSS_MISSING: client('The WS-Security header is missing or incomplete'),
  WSS_SIGNATURE_INVALID: client('The message signature is not valid'),
  WSS_CERTIFICATE_UNTRUSTED: client('The signing certificate is not registered to the caller'),
  WSS_ALGORITHM_REFUSED: client('The signature or digest algorithm is not accepted'),
  WSS_TIMESTAMP_INVALID: client('The WS-Security timestamp is missing, expired or outside the allowed window'),
  WSS_REPLAY: client('The message was already received'),
  WSS_VERIFY_TIMEOUT: client('The message took too long to verify'),
  XML_MALFORMED: client('The message is not well-formed XML or not a SOAP 1.1 envelope'),
  XML_DTD_FORBIDDEN: client('Document type declarations are not allowed'),
  XML_TOO_DEEP: client('The message is nested too deeply'),
  XML_LIMIT_EXCEEDED: client('The message has more elements, attributes or namespace declarations than allowed'),
  SOAP_ENCODING_FORBIDDEN: client('SOAP encoding (href/id references, encodingStyle, encoded arrays) is not accepted; send document/literal'),
  BODY_TOO_LARGE: client('The message is too large'),
  SOAP_OPERATION_UNKNOWN: client('Unknown operation'),
  RANGE_TOO_LARGE: client('The date range is too large for a synchronous answer; use SubmitUsageRequest'),
  DATA_RANGE_TOO_LARGE: client('The date range is longer than the operation answers'),
  PAGE_SIZE_INVALID: client('The page size is not a whole number within the allowed range'),
  HAN_ESIID_UNKNOWN: client('The ESI ID is not registered'),
  HAN_NOT_REP_OF_RECORD: client('The requester is not the REP of record of the ESI ID'),
  HAN_METER_MISMATCH: client('The meter number does not match the meter of the ESI ID'),
  HAN_MAC_INVALID: client('The MAC address is not a valid EUI-64'),
  HAN_INSTALL_CODE_INVALID: client('The install code is not valid'),
  HAN_DEVICE_LIMIT: client('The ESI ID already has the most HAN devices allowed'),
  HAN_DEVICE_DUPLICATE: client('The device is already provisioned on the ESI ID'),
  HAN_DEVICE_NOT_FOUND: client('No such HAN device on the ESI ID'),
  HAN_DEVICE_STATE: client('The status of the device does not allow this request'),
  HAN_REQUEST_UNKNOWN: client('The request id is not known'),
  HAN_NOT_TDSP_METER: client('The meter does not belong to the calling TDSP'),
  HAN_STATUS_INVALID: client('The reported status is not possible for the device'),
  HAN_FIELD_INVALID: client('A message field is missing or out of range'),
  HAN_NO_ADDED_DEVICE: client('No HAN device in Device Added status can receive the message'),
  HAN_EVENT_UNKNOWN: client('The event to cancel is not known'),
  HAN_EVENT_FINISHED: client('The event to cancel has already finished'),
  HAN_RATE_LIMITED: client('Too many HAN message requests; retry later'),
  INTERNAL: server,
};

/** The codes a fault detail can carry: every Client code, and INTERNAL for all Server faults (the XSD's FaultCode). */
export function faultDetailCodes(): string[] {
  const codes = (Object.keys(FAULT_TABLE) as ErrorCode[]).filter((code) => FAULT_TABLE[code].faultcode === 'soap:Client');
  return [...codes, INTERNAL_FAULT_CODE];
}

/** The smtFault element; `attributes.xmlns` puts it in the fault namespace (node-soap writes fault details without schema). */
export interface SmtFaultElement extends SmtFault {
  attributes: { xmlns: typeof FAULT_NAMESPACE };
}

export interface SoapFaultBody {
  faultcode: SoapFaultCode;
  faultstring: string;
  detail: { smtFault: SmtFaultElement };
  /** node-soap takes the HTTP status from the Fault object itself; without it a fault goes out as 200. */
  statusCode: 500;
}

/** What a service method throws (or rejects with) to make node-soap answer with this fault. */
export interface SoapFaultError {
  Fault: SoapFaultBody;
  statusCode: 500;
  /** Server faults only: the fresh id sent in the detail; log the original error under it. */
  correlationId?: string;
}

export interface FaultContext {
  transId?: string | null;
  correlationId?: string | null;
}

/** Turns anything thrown into the fault to send. An already-built fault passes through unchanged. */
export function toSoapFault(error: unknown, context: FaultContext = {}): SoapFaultError {
  if (isSoapFaultError(error)) return error;
  const entry = isSmtError(error) ? FAULT_TABLE[error.code] : undefined;
  if (isSmtError(error) && entry?.faultcode === 'soap:Client') {
    return build(entry, { code: error.code, message: xmlText(error.message) || entry.faultstring }, context.transId, context.correlationId);
  }
  const incident = randomUUID();
  const message = `${SERVER_FAULTSTRING}; the failure is logged under correlation id ${incident}: quote it to the platform operators.`;
  return { ...build(server, { code: INTERNAL_FAULT_CODE, message }, context.transId, incident), correlationId: incident };
}

export function isSoapFaultError(value: unknown): value is SoapFaultError {
  const fault = (value as { Fault?: { faultcode?: unknown } } | null)?.Fault;
  return typeof fault === 'object' && fault !== null && typeof fault.faultcode === 'string';
}

function build(entry: FaultEntry, what: { code: string; message: string }, transId?: string | null, correlationId?: string | null): SoapFaultError {
  // Key order is element order: node-soap writes the detail in the order of the object.
  const smtFault: SmtFaultElement = { attributes: { xmlns: FAULT_NAMESPACE }, code: what.code, message: what.message };
  const trans = schemaId(transId);
  if (trans !== undefined) smtFault.trans_id = trans;
  const correlation = schemaId(correlationId);
  if (correlation !== undefined) smtFault.correlationId = correlation;
  return { Fault: { faultcode: entry.faultcode, faultstring: entry.faultstring, detail: { smtFault }, statusCode: 500 }, statusCode: 500 };
}

/** TransId and CorrelationId are 1 to 64 characters; anything else is left out so the fault stays valid. */
function schemaId(value: string | null | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = xmlText(value);
  return text.length >= 1 && text.length <= 64 ? text : undefined;
}

/** Messages may quote what the caller sent; characters XML 1.0 cannot carry would break the response. */
function xmlText(text: string): string {
  return text.replace(/[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD');
}
