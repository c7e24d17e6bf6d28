/**
 * Errors with stable codes. Every layer throws these; the edges (CLI, SOAP) map the code to what
 * their users see, so the code is the contract and the message says what to change.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'INPUT_INVALID'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'FILE_UNREADABLE'
  | 'FILE_TOO_LARGE'
  | 'DECRYPT_FAILED'
  | 'ZIP_INVALID'
  | 'REGISTRY_INVALID'
  | 'REPORT_TOO_MANY_ESIIDS'
  | 'REPORT_DATES_INVALID'
  | 'REPORT_END_IN_FUTURE'
  | 'REPORT_START_TOO_OLD'
  | 'REPORT_ESIID_INVALID'
  | 'REPORT_OPTION_INVALID'
  | 'REPORT_QUEUE_FULL'
  | 'REPORT_ROW_LIMIT'
  | 'DUNS_UNKNOWN'
  | 'DUNS_NOT_OWNED'
  | 'AUTH_NO_CERTIFICATE'
  | 'AUTH_CERTIFICATE_UNKNOWN'
  | 'AUTH_CERTIFICATE_REVOKED'
  | 'AUTH_CERTIFICATE_EXPIRED'
  | 'AUTH_IP_NOT_REGISTERED'
  | 'AUTH_PASSWORD_INVALID'
  | 'AUTH_LOCKED'
  | 'WSS_MISSING'
  | 'WSS_SIGNATURE_INVALID'
  | 'WSS_CERTIFICATE_UNTRUSTED'
  | 'WSS_ALGORITHM_REFUSED'
  | 'WSS_TIMESTAMP_INVALID'
  | 'WSS_REPLAY'
  | 'WSS_VERIFY_TIMEOUT'
  | 'XML_MALFORMED'
  | 'XML_DTD_FORBIDDEN'
  | 'XML_TOO_DEEP'
  | 'XML_LIMIT_EXCEEDED'
  | 'SOAP_ENCODING_FORBIDDEN'
  | 'BODY_TOO_LARGE'
  | 'SOAP_OPERATION_UNKNOWN'
  | 'RANGE_TOO_LARGE'
  | 'DATA_RANGE_TOO_LARGE'
  | 'PAGE_SIZE_INVALID'
  | 'HAN_ESIID_UNKNOWN'
  | 'HAN_NOT_REP_OF_RECORD'
  | 'HAN_METER_MISMATCH'
  | 'HAN_MAC_INVALID'
  | 'HAN_INSTALL_CODE_INVALID'
  | 'HAN_DEVICE_LIMIT'
  | 'HAN_DEVICE_DUPLICATE'
  | 'HAN_DEVICE_NOT_FOUND'
  | 'HAN_DEVICE_STATE'
  | 'HAN_REQUEST_UNKNOWN'
  | 'HAN_NOT_TDSP_METER'
  | 'HAN_STATUS_INVALID'
  | 'HAN_FIELD_INVALID'
  | 'HAN_NO_ADDED_DEVICE'
  | 'HAN_EVENT_UNKNOWN'
  | 'HAN_EVENT_FINISHED'
  | 'HAN_RATE_LIMITED'
  | 'INTERNAL';

export class SmtError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'SmtError';
  }
}

export function isSmtError(error: unknown, code?: ErrorCode): error is SmtError {
  return error instanceof SmtError && (code === undefined || error.code === code);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
