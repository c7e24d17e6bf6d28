import { SmtError } from '../../core/errors';
import { checkDecimal, checkInteger, fieldError } from '../message-fields';
import { toUtcTime } from './utc-time';
import { ZclPayloadWriter } from './zcl-payload.writer';

/** Price cluster (SE 1.0): the ESI (meter) publishes the current and scheduled prices to devices. */
export const PRICE_CLUSTER_ID = 0x0700;

const UINT32_MAX = 0xffffffff;
const RATE_LABEL = /^[\x20-\x7e]{1,12}$/;
const UNITS_NOTE = '0 kWh, 1 m³, 2 ft³, 3 ccf, 4 US gallons, 5 imperial gallons, 6 BTU, 7 liters; 128-135 the same in BCD';
const UNTIL_CHANGED = 0xffff;
const RATIO_UNUSED = 0xff;
const GENERATION_PRICE_UNUSED = 0xffffffff;

export interface PublishPriceFields {
  providerId: number;
  /** 1..12 printable ASCII characters, e.g. "TOU Peak". */
  rateLabel: string;
  /** Among overlapping prices the larger issuerEventId wins. */
  issuerEventId: number;
  /** 0..7 or 0x80..0x87; 0 = kWh. */
  unitOfMeasure: number;
  /** ISO 4217 numeric code, 840 = USD. */
  currency: number;
  /** Digits right of the decimal point in price and generationPrice, 0..15. */
  trailingDigits: number;
  /** The tier this price is for, 1..6. */
  priceTier: number;
  /** Tiers in use, 0..6. */
  numberOfPriceTiers: number;
  /** Undefined = start now. */
  startTime?: Date;
  /** 1..0xFFFE minutes; undefined = until changed. */
  durationMinutes?: number;
  /** Already scaled by trailingDigits: 1234 with 3 trailing digits is 1.234 per unit. */
  price: number;
  /** Price relative to the normal price, 0.1..25.4 in steps of 0.1; undefined = not used. */
  priceRatio?: number;
  /** Scaled like price; undefined = not used. */
  generationPrice?: number;
  /** 0.1..25.4 in steps of 0.1; undefined = not used. */
  generationPriceRatio?: number;
}

export function checkPublishPrice(fields: PublishPriceFields): void {
  checkInteger(fields.providerId, 'providerId', 0, UINT32_MAX);
  if (typeof fields.rateLabel !== 'string' || !RATE_LABEL.test(fields.rateLabel)) {
    throw fieldError('rateLabel', fields.rateLabel, '1 to 12 printable ASCII characters (space to ~)');
  }
  checkInteger(fields.issuerEventId, 'issuerEventId', 0, UINT32_MAX);
  const unit = fields.unitOfMeasure;
  if (!Number.isInteger(unit) || !((unit >= 0 && unit <= 7) || (unit >= 0x80 && unit <= 0x87))) {
    throw fieldError('unitOfMeasure', unit, `whole numbers 0 to 7 or 128 to 135 (${UNITS_NOTE})`);
  }
  checkInteger(fields.currency, 'currency', 1, 999, 'ISO 4217 numeric code, e.g. 840 US dollar');
  checkInteger(fields.trailingDigits, 'trailingDigits', 0, 15, 'digits right of the decimal point in price');
  checkInteger(fields.priceTier, 'priceTier', 1, 6);
  checkInteger(fields.numberOfPriceTiers, 'numberOfPriceTiers', 0, 6, '0 when the rate has no tiers');
  // A device showing "tier 4 of 3" has been told two different things; refuse rather than pick one.
  if (fields.numberOfPriceTiers > 0 && fields.priceTier > fields.numberOfPriceTiers) {
    throw new SmtError(
      'HAN_FIELD_INVALID',
      `priceTier is ${fields.priceTier} but numberOfPriceTiers is ${fields.numberOfPriceTiers}; allowed a priceTier from 1 to numberOfPriceTiers`,
      { field: 'priceTier' },
    );
  }
  toUtcTime(fields.startTime, 'startTime');
  if (fields.durationMinutes !== undefined) {
    checkInteger(fields.durationMinutes, 'durationMinutes', 1, 0xfffe, 'minutes; leave it out for "until changed"');
  }
  checkInteger(fields.price, 'price', 0, UINT32_MAX - 1, 'scaled by trailingDigits');
  if (fields.priceRatio !== undefined) checkDecimal(fields.priceRatio, 'priceRatio', 0.1, 25.4, 0.1, 'leave it out when not used');
  if (fields.generationPrice !== undefined) {
    checkInteger(fields.generationPrice, 'generationPrice', 0, UINT32_MAX - 1, 'scaled by trailingDigits; leave it out when not used');
  }
  if (fields.generationPriceRatio !== undefined) {
    checkDecimal(fields.generationPriceRatio, 'generationPriceRatio', 0.1, 25.4, 0.1, 'leave it out when not used');
  }
}

/** Publish Price payload, 34 bytes plus the rate label; Current Time is `now`. */
export function encodePublishPrice(fields: PublishPriceFields, now: Date = new Date()): Buffer {
  checkPublishPrice(fields);
  const ratio = (value: number | undefined): number => (value === undefined ? RATIO_UNUSED : Math.round(value * 10));
  return new ZclPayloadWriter()
    .uint32(fields.providerId)
    .lengthPrefixed(Buffer.from(fields.rateLabel, 'ascii'))
    .uint32(fields.issuerEventId)
    .uint32(toUtcTime(now, 'currentTime'))
    .uint8(fields.unitOfMeasure)
    .uint16(fields.currency)
    .uint8((fields.trailingDigits << 4) | fields.priceTier)
    // Low nibble is the register tier, which SE 1.0 price messages from the ESI leave at 0.
    .uint8(fields.numberOfPriceTiers << 4)
    .uint32(toUtcTime(fields.startTime, 'startTime'))
    .uint16(fields.durationMinutes ?? UNTIL_CHANGED)
    .uint32(fields.price)
    .uint8(ratio(fields.priceRatio))
    .uint32(fields.generationPrice ?? GENERATION_PRICE_UNUSED)
    .uint8(ratio(fields.generationPriceRatio))
    .toBuffer();
}
