import { SmtError } from '../../core/errors';
import { checkEnum, checkFlag, checkInteger } from '../message-fields';
import { toUtcTime } from './utc-time';
import { ZclPayloadWriter } from './zcl-payload.writer';

/** Messaging cluster (SE 1.0): the ESI (meter) shows text on in-home displays. */
export const MESSAGING_CLUSTER_ID = 0x0703;

/** UTF-8 bytes of text that fit one unfragmented Display Message frame. */
export const MAX_TEXT_BYTES = 59;

export const TRANSMISSION_MODES = ['NORMAL', 'NORMAL_AND_INTERPAN', 'INTERPAN'] as const;
export type TransmissionMode = (typeof TRANSMISSION_MODES)[number];
export const MESSAGE_IMPORTANCES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type MessageImportance = (typeof MESSAGE_IMPORTANCES)[number];

const UINT32_MAX = 0xffffffff;
const UNTIL_CHANGED = 0xffff;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Message Control; each part left out takes its zero encoding (NORMAL, LOW, no confirmation). */
export interface MessageControl {
  transmissionMode?: TransmissionMode;
  importance?: MessageImportance;
  confirmationRequired?: boolean;
}

export interface DisplayMessageFields extends MessageControl {
  messageId: number;
  /** Undefined = show now. */
  startTime?: Date;
  /** 1..0xFFFE minutes; undefined = until changed. */
  durationMinutes?: number;
  /** 1..59 bytes of UTF-8; pass it through fitMessageText first to truncate. */
  text: string;
}

export interface CancelMessageFields extends MessageControl {
  messageId: number;
}

/**
 * Text that fits one frame. Too long is refused unless `truncate`, which cuts at the last whole
 * grapheme that fits: never inside a UTF-8 sequence or a surrogate pair (the device would show
 * garbage or drop the frame), nor between a letter and its accent or inside a joined emoji.
 */
export function fitMessageText(text: string, truncate: boolean): string {
  if (typeof text !== 'string' || text.trim() === '') {
    throw invalidText(`text is ${typeof text === 'string' && text !== '' ? 'only white space' : 'empty'}; allowed 1 to ${MAX_TEXT_BYTES} bytes in UTF-8`);
  }
  const lone = text.search(LONE_SURROGATE);
  if (lone >= 0) {
    throw invalidText(`text has an unpaired surrogate at position ${lone + 1}, which UTF-8 cannot carry; allowed valid Unicode text`);
  }
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= MAX_TEXT_BYTES) return text;
  if (!truncate) {
    throw invalidText(`text is ${bytes} bytes in UTF-8; at most ${MAX_TEXT_BYTES} fit one unfragmented frame: shorten it or set truncate`);
  }
  const byGrapheme = cut(Array.from(new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text), (s) => s.segment));
  // One grapheme longer than the frame (a long run of combining marks) falls back to code points.
  return byGrapheme !== '' ? byGrapheme : cut(Array.from(text));
}

export function checkDisplayMessage(fields: DisplayMessageFields): void {
  checkInteger(fields.messageId, 'messageId', 0, UINT32_MAX);
  checkMessageControl(fields);
  toUtcTime(fields.startTime, 'startTime');
  if (fields.durationMinutes !== undefined) {
    checkInteger(fields.durationMinutes, 'durationMinutes', 1, 0xfffe, 'minutes; leave it out for "until changed"');
  }
  fitMessageText(fields.text, false);
}

/** Display Message payload, 12 bytes plus the UTF-8 text. */
export function encodeDisplayMessage(fields: DisplayMessageFields): Buffer {
  checkDisplayMessage(fields);
  return new ZclPayloadWriter()
    .uint32(fields.messageId)
    .uint8(messageControlByte(fields))
    .uint32(toUtcTime(fields.startTime, 'startTime'))
    .uint16(fields.durationMinutes ?? UNTIL_CHANGED)
    .lengthPrefixed(Buffer.from(fields.text, 'utf8'))
    .toBuffer();
}

export function checkCancelMessage(fields: CancelMessageFields): void {
  checkInteger(fields.messageId, 'messageId', 0, UINT32_MAX);
  checkMessageControl(fields);
}

/** Cancel Message payload, 5 bytes. */
export function encodeCancelMessage(fields: CancelMessageFields): Buffer {
  checkCancelMessage(fields);
  return new ZclPayloadWriter().uint32(fields.messageId).uint8(messageControlByte(fields)).toBuffer();
}

function checkMessageControl(control: MessageControl): void {
  if (control.transmissionMode !== undefined) checkEnum(control.transmissionMode, 'transmissionMode', TRANSMISSION_MODES);
  if (control.importance !== undefined) checkEnum(control.importance, 'importance', MESSAGE_IMPORTANCES);
  checkFlag(control.confirmationRequired, 'confirmationRequired');
}

/** Bits 0-1 transmission mode, bits 2-3 importance, bits 4-6 reserved (0), bit 7 confirmation required. */
function messageControlByte(control: MessageControl): number {
  const mode = TRANSMISSION_MODES.indexOf(control.transmissionMode ?? 'NORMAL');
  const importance = MESSAGE_IMPORTANCES.indexOf(control.importance ?? 'LOW');
  return mode | (importance << 2) | (control.confirmationRequired ? 0x80 : 0);
}

/** The longest prefix of whole pieces that fits the frame. */
function cut(pieces: string[]): string {
  let kept = '';
  let size = 0;
  for (const piece of pieces) {
    const pieceBytes = Buffer.byteLength(piece, 'utf8');
    if (size + pieceBytes > MAX_TEXT_BYTES) break;
    kept += piece;
    size += pieceBytes;
  }
  return kept;
}

function invalidText(message: string): SmtError {
  return new SmtError('HAN_FIELD_INVALID', message, { field: 'text' });
}
