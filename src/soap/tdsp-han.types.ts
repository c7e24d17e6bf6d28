import { fieldsOf, type MessageFields, type Repeated } from './contract';
import { DEVICE_STATUSES } from '../han/device-status';
import { TDSP_MESSAGE_STATUS_CODES } from '../han/han-message-status.service';
import { MESSAGE_IMPORTANCES, TRANSMISSION_MODES } from '../han/se1/messaging.encoder';

/**
 * The HAN contract between the platform and the TDSPs: wsdl/tdsp-han.xsd, used by TdspHan.wsdl (the
 * service every TDSP implements and the platform calls) and TdspCallback.wsdl (the platform's service
 * the TDSPs call back). TDSP_HAN_MESSAGE_FIELDS is compared with the schema element by element
 * (test/unit/soap/tdsp-han.contract.test.ts). As in han.types.ts, every simple value is a string, in
 * requests and responses alike (named types keep node-soap from converting them: src/soap/contract.ts).
 * Faults carry the smtFault of wsdl/smt-fault.xsd.
 */

export const TDSP_HAN_NAMESPACE = 'urn:smt-platform:tdsp-han:v1';
export const TDSP_HAN_XSD_FILE = 'tdsp-han.xsd';
export const TDSP_HAN_WSDL_FILE = 'TdspHan.wsdl';
export const TDSP_CALLBACK_WSDL_FILE = 'TdspCallback.wsdl';

// ---------------------------------------------------------------- enumerations of the schema
// DeviceStatus, Importance and TransmissionMode are copies of han.xsd's (checked by the drift test).

/** A message status a TDSP reports: the HAN message log's codes without RQA, which is the platform's own. */
export type TdspMessageStatusCode = (typeof TDSP_MESSAGE_STATUS_CODES)[number];

/** The enumerations of tdsp-han.xsd by simple type name, for the drift test. */
export const TDSP_HAN_ENUMERATIONS: Readonly<Record<string, readonly string[]>> = {
  DeviceStatus: DEVICE_STATUSES,
  TdspMessageStatusCode: TDSP_MESSAGE_STATUS_CODES,
  Importance: MESSAGE_IMPORTANCES,
  TransmissionMode: TRANSMISSION_MODES,
};

// ---------------------------------------------------------------- TdspHan (platform → TDSP)
// The TDSP's service receives these as node-soap hands them (strings; repeated elements through
// asArray), and the platform's client sends them with the keys in schema order (nested objects too:
// a target's keys in MessageTarget's order).
//
// What node-soap 1.13 hands a service method for the repeated elements (soap.listen with the WSDL's
// uri, as soap-host.ts and the mock TDSP wire it; checked by tdsp-han.contract.test.ts):
// - `target` is always an array, with one entry as with several (`[{ esiid, meterNumber, macAddress }]`),
//   and so is `macAddress` inside each target (`['00124B0001A2B3C4']` for one device); likewise
//   ReportMessageStatus's `status`;
// - an empty `<target/>` arrives as a null entry (`target: [null]`), a target without devices as an
//   entry without a `macAddress` key, a call without targets as no `target` key: node-soap does not
//   validate, so check every entry;
// - node-soap does not enforce maxOccurs either: the 1,000 limits (TDSP_MESSAGE_TARGETS_PER_CALL,
//   TDSP_MESSAGE_STATUSES_PER_CALL) are the receiving service's to check.
// Read them through asArray all the same (the types say Repeated): a single object is what a reader
// that does not consult the schema would give.

/** The most ESI IDs (targets) one call of a message operation carries; a request for more is split over calls. */
export const TDSP_MESSAGE_TARGETS_PER_CALL = 1000;
/** The most message statuses one ReportMessageStatus call carries. */
export const TDSP_MESSAGE_STATUSES_PER_CALL = 1000;

export interface ProvisionDevice {
  requestId: string;
  esiid: string;
  meterNumber: string;
  meterFirmwareVersion?: string | null;
  macAddress: string;
  /** In full: code followed by its CRC. A secret: never log it. */
  installCode: string;
  deviceDescription?: string | null;
  callbackAddress: string;
}

export interface DeprovisionDevice {
  requestId: string;
  esiid: string;
  meterNumber: string;
  macAddress: string;
  callbackAddress: string;
}

/** One ESI ID a message operation is for (complex type MessageTarget). */
export interface MessageTarget {
  esiid: string;
  meterNumber: string;
  /** One or more devices of the ESI ID in Device Added status; node-soap hands an array, even of one. */
  macAddress: Repeated<string>;
}

/**
 * What every message operation starts with. One call carries 1 to TDSP_MESSAGE_TARGETS_PER_CALL targets,
 * each ESI ID once; a request for more ESI IDs is split over calls with the same requestId, and a retry
 * after a lost answer may send targets again under it: the TDSP treats them as the same delivery.
 */
export interface TdspMessageHead {
  requestId: string;
  /** 1..1000 targets; node-soap hands an array, even of one. */
  target: Repeated<MessageTarget>;
  /** The SE 1.0 ZCL payload, hex: the same for every target. */
  payloadHex: string;
  callbackAddress: string;
}

export interface DeliverTextMessage extends TdspMessageHead {
  messageId: string;
  text: string;
  startTime?: string | null;
  durationMinutes?: string | null;
  importance: string;
  confirmationRequired: string;
  transmissionMode: string;
}

export interface TdspCancelTextMessage extends TdspMessageHead {
  messageCancellationId: string;
  messageId: string;
}

export interface DeliverLoadControlEvent extends TdspMessageHead {
  issuerEventId: string;
  deviceClass: string;
  utilityEnrollmentGroup: string;
  startTime?: string | null;
  durationMinutes: string;
  criticality: string;
  coolingTemperatureOffset?: string | null;
  heatingTemperatureOffset?: string | null;
  coolingTemperatureSetPoint?: string | null;
  heatingTemperatureSetPoint?: string | null;
  averageLoadAdjustmentPercentage?: string | null;
  dutyCycle?: string | null;
  randomizeStart: string;
  randomizeEnd: string;
  /** 'true' when criticality ≥ 7: opting out is invalid. */
  mandatory: string;
}

export interface TdspCancelLoadControlEvent extends TdspMessageHead {
  messageCancellationId: string;
  issuerEventId: string;
  deviceClass: string;
  utilityEnrollmentGroup: string;
  randomizeEnd: string;
  effectiveTime?: string | null;
}

export interface TdspCancelAllLoadControlEvents extends TdspMessageHead {
  messageCancellationId: string;
  randomizeEnd: string;
}

export interface DeliverPriceMessage extends TdspMessageHead {
  providerId: string;
  rateLabel: string;
  issuerEventId: string;
  unitOfMeasure: string;
  currency: string;
  trailingDigits: string;
  priceTier: string;
  numberOfPriceTiers: string;
  startTime?: string | null;
  durationMinutes?: string | null;
  price: string;
  priceRatio?: string | null;
  generationPrice?: string | null;
}

/**
 * Every TdspHan operation answers `<Operation>Response` with this: taken on or not. For a message
 * operation it covers every target of the call; a target the TDSP cannot deliver to gets FLR on the callback.
 */
export interface TdspAnswer {
  requestId: string;
  /** 'true' | 'false' */
  accepted: string;
  /** Why not, when accepted is 'false'. */
  reason?: string;
}

// ---------------------------------------------------------------- TdspCallback (TDSP → platform)

export interface ReportDeviceStatus {
  requestId: string;
  esiid: string;
  macAddress: string;
  deviceStatus: string;
  /** xs:dateTime */
  statusTime: string;
  reason?: string | null;
}

export interface ReportDeviceStatusResponse {
  requestId: string;
  /** 'true' | 'false' */
  recorded: string;
  /** 'false' when out of order or a repeat: recorded only. */
  applied: string;
}

/** One status of a message for one target's meter, or one of its devices (complex type MessageStatusReport). */
export interface MessageStatusReport {
  esiid: string;
  meterSerialNumber: string;
  /** Present when the status is per device; null when sent empty. */
  macAddress?: string | null;
  /** ACK | PEN | STR | CON | OPT | FLR */
  statusCode: string;
  statusDescription?: string | null;
  /** Timestamp: xs:dateTime with its zone. */
  statusTime: string;
}

/** 1 to TDSP_MESSAGE_STATUSES_PER_CALL statuses of one request. */
export interface ReportMessageStatus {
  requestId: string;
  /** node-soap hands an array, even of one. */
  status: Repeated<MessageStatusReport>;
}

export interface ReportMessageStatusResponse {
  requestId: string;
  /** StatusCount as decimal text, '0' to '1000': how many of the call's statuses were stored. */
  recorded: string;
}

// ---------------------------------------------------------------- field lists, checked against the XSD

const HEAD = ['requestId', `target[1..${TDSP_MESSAGE_TARGETS_PER_CALL}]`, 'payloadHex', 'callbackAddress'] as const;
const answer = fieldsOf<TdspAnswer>()(['requestId', 'accepted', 'reason?']);

/** Every top-level element and named complex type of tdsp-han.xsd, with its fields in schema order. */
export const TDSP_HAN_MESSAGE_FIELDS: MessageFields = {
  MessageTarget: fieldsOf<MessageTarget>()(['esiid', 'meterNumber', 'macAddress+']),
  MessageStatusReport: fieldsOf<MessageStatusReport>()([
    'esiid', 'meterSerialNumber', 'macAddress?', 'statusCode', 'statusDescription?', 'statusTime',
  ]),
  ProvisionDevice: fieldsOf<ProvisionDevice>()([
    'requestId', 'esiid', 'meterNumber', 'meterFirmwareVersion?', 'macAddress', 'installCode', 'deviceDescription?', 'callbackAddress',
  ]),
  ProvisionDeviceResponse: answer,
  DeprovisionDevice: fieldsOf<DeprovisionDevice>()(['requestId', 'esiid', 'meterNumber', 'macAddress', 'callbackAddress']),
  DeprovisionDeviceResponse: answer,
  DeliverTextMessage: fieldsOf<DeliverTextMessage>()([
    ...HEAD, 'messageId', 'text', 'startTime?', 'durationMinutes?', 'importance', 'confirmationRequired', 'transmissionMode',
  ]),
  DeliverTextMessageResponse: answer,
  CancelTextMessage: fieldsOf<TdspCancelTextMessage>()([...HEAD, 'messageCancellationId', 'messageId']),
  CancelTextMessageResponse: answer,
  DeliverLoadControlEvent: fieldsOf<DeliverLoadControlEvent>()([
    ...HEAD, 'issuerEventId', 'deviceClass', 'utilityEnrollmentGroup', 'startTime?', 'durationMinutes', 'criticality',
    'coolingTemperatureOffset?', 'heatingTemperatureOffset?', 'coolingTemperatureSetPoint?', 'heatingTemperatureSetPoint?',
    'averageLoadAdjustmentPercentage?', 'dutyCycle?', 'randomizeStart', 'randomizeEnd', 'mandatory',
  ]),
  DeliverLoadControlEventResponse: answer,
  CancelLoadControlEvent: fieldsOf<TdspCancelLoadControlEvent>()([
    ...HEAD, 'messageCancellationId', 'issuerEventId', 'deviceClass', 'utilityEnrollmentGroup', 'randomizeEnd', 'effectiveTime?',
  ]),
  CancelLoadControlEventResponse: answer,
  CancelAllLoadControlEvents: fieldsOf<TdspCancelAllLoadControlEvents>()([...HEAD, 'messageCancellationId', 'randomizeEnd']),
  CancelAllLoadControlEventsResponse: answer,
  DeliverPriceMessage: fieldsOf<DeliverPriceMessage>()([
    ...HEAD, 'providerId', 'rateLabel', 'issuerEventId', 'unitOfMeasure', 'currency', 'trailingDigits', 'priceTier',
    'numberOfPriceTiers', 'startTime?', 'durationMinutes?', 'price', 'priceRatio?', 'generationPrice?',
  ]),
  DeliverPriceMessageResponse: answer,
  ReportDeviceStatus: fieldsOf<ReportDeviceStatus>()(['requestId', 'esiid', 'macAddress', 'deviceStatus', 'statusTime', 'reason?']),
  ReportDeviceStatusResponse: fieldsOf<ReportDeviceStatusResponse>()(['requestId', 'recorded', 'applied']),
  ReportMessageStatus: fieldsOf<ReportMessageStatus>()(['requestId', `status[1..${TDSP_MESSAGE_STATUSES_PER_CALL}]`]),
  ReportMessageStatusResponse: fieldsOf<ReportMessageStatusResponse>()(['requestId', 'recorded']),
};

/** The operations of TdspHan (every TDSP implements them), each with its request and response element. */
export const TDSP_HAN_OPERATIONS = {
  ProvisionDevice: { input: 'ProvisionDevice', output: 'ProvisionDeviceResponse' },
  DeprovisionDevice: { input: 'DeprovisionDevice', output: 'DeprovisionDeviceResponse' },
  DeliverTextMessage: { input: 'DeliverTextMessage', output: 'DeliverTextMessageResponse' },
  CancelTextMessage: { input: 'CancelTextMessage', output: 'CancelTextMessageResponse' },
  DeliverLoadControlEvent: { input: 'DeliverLoadControlEvent', output: 'DeliverLoadControlEventResponse' },
  CancelLoadControlEvent: { input: 'CancelLoadControlEvent', output: 'CancelLoadControlEventResponse' },
  CancelAllLoadControlEvents: { input: 'CancelAllLoadControlEvents', output: 'CancelAllLoadControlEventsResponse' },
  DeliverPriceMessage: { input: 'DeliverPriceMessage', output: 'DeliverPriceMessageResponse' },
} as const;

/** The operations of TdspCallback (the platform implements them). */
export const TDSP_CALLBACK_OPERATIONS = {
  ReportDeviceStatus: { input: 'ReportDeviceStatus', output: 'ReportDeviceStatusResponse' },
  ReportMessageStatus: { input: 'ReportMessageStatus', output: 'ReportMessageStatusResponse' },
} as const;

export type TdspHanOperation = keyof typeof TDSP_HAN_OPERATIONS;
export type TdspCallbackOperation = keyof typeof TDSP_CALLBACK_OPERATIONS;

/** The service methods a TDSP (the mock TDSP) implements, in the shape soap.listen expects. */
export interface TdspHanMethods {
  ProvisionDevice(args: ProvisionDevice, ...rest: unknown[]): Promise<TdspAnswer>;
  DeprovisionDevice(args: DeprovisionDevice, ...rest: unknown[]): Promise<TdspAnswer>;
  DeliverTextMessage(args: DeliverTextMessage, ...rest: unknown[]): Promise<TdspAnswer>;
  CancelTextMessage(args: TdspCancelTextMessage, ...rest: unknown[]): Promise<TdspAnswer>;
  DeliverLoadControlEvent(args: DeliverLoadControlEvent, ...rest: unknown[]): Promise<TdspAnswer>;
  CancelLoadControlEvent(args: TdspCancelLoadControlEvent, ...rest: unknown[]): Promise<TdspAnswer>;
  CancelAllLoadControlEvents(args: TdspCancelAllLoadControlEvents, ...rest: unknown[]): Promise<TdspAnswer>;
  DeliverPriceMessage(args: DeliverPriceMessage, ...rest: unknown[]): Promise<TdspAnswer>;
}

/** The service methods of the platform's TdspCallback handler. */
export interface TdspCallbackMethods {
  ReportDeviceStatus(args: ReportDeviceStatus, ...rest: unknown[]): Promise<ReportDeviceStatusResponse>;
  ReportMessageStatus(args: ReportMessageStatus, ...rest: unknown[]): Promise<ReportMessageStatusResponse>;
}
