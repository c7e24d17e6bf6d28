import { expect } from 'chai';
import { SmtError } from '../../../src/core/errors';
import {
  DRLC_CLUSTER_ID,
  encodeCancelAllLoadControlEvents,
  encodeCancelLoadControlEvent,
  encodeLoadControlEvent,
  type LoadControlEventFields,
} from '../../../src/han/se1/drlc.encoder';
import {
  encodeCancelMessage,
  encodeDisplayMessage,
  fitMessageText,
  MAX_TEXT_BYTES,
  MESSAGING_CLUSTER_ID,
  type DisplayMessageFields,
} from '../../../src/han/se1/messaging.encoder';
import { encodePublishPrice, PRICE_CLUSTER_ID, type PublishPriceFields } from '../../../src/han/se1/price.encoder';
import { toUtcTime } from '../../../src/han/se1/utc-time';
import { SE_PROFILE_ID } from '../../../src/han/se1/zcl-payload.writer';

/** Hex with spaces between fields, as the worked examples below are written. */
const hex = (spaced: string): string => spaced.replace(/\s+/g, '');

function refusal(call: () => unknown, field: string): SmtError {
  try {
    call();
  } catch (error) {
    expect(error).to.be.instanceOf(SmtError);
    const smt = error as SmtError;
    expect(smt.code, smt.message).to.equal('HAN_FIELD_INVALID');
    expect(smt.message, 'the message names the field first').to.match(new RegExp(`^${field} `));
    expect(smt.details.field).to.equal(field);
    return smt;
  }
  expect.fail(`expected ${field} to be refused`);
}

// UTCTime worked by hand (seconds since 2000-01-01T00:00:00Z, 86,400 s a day):
// 2000-01-01 → 2026-01-01 is 26 years with 7 leap days (2000, 04, 08, 12, 16, 20, 24):
//   26 × 365 + 7 = 9,497 days × 86,400 = 820,540,800 = 0x30E87580 → LE 80 75 E8 30.
// 2026-01-01 → 2026-11-27 is 31+28+31+30+31+30+31+31+30+31 = 304 days to Nov 1, + 26 = 330 days;
//   820,540,800 + 330 × 86,400 + 14 h × 3,600 = 849,103,200 = 0x329C4960 → LE 60 49 9C 32.
// 2026-01-01 → 2026-07-15 is 31+28+31+30+31+30 = 181 days to Jul 1, + 14 = 195 days;
//   820,540,800 + 195 × 86,400 + 20 h × 3,600 = 837,460,800 = 0x31EAA340 → LE 40 A3 EA 31.
const NEW_YEAR_2026 = new Date('2026-01-01T00:00:00Z');
const NOV_27_14H = new Date('2026-11-27T14:00:00Z');
const JUL_15_20H = new Date('2026-07-15T20:00:00Z');

describe('han/se1 encoders', () => {
  it('uses the SE profile and cluster ids', () => {
    expect([SE_PROFILE_ID, PRICE_CLUSTER_ID, DRLC_CLUSTER_ID, MESSAGING_CLUSTER_ID]).to.deep.equal([0x0109, 0x0700, 0x0701, 0x0703]);
  });

  describe('toUtcTime', () => {
    it('counts seconds from 2000-01-01T00:00:00Z, dropping milliseconds', () => {
      expect(toUtcTime(NEW_YEAR_2026)).to.equal(820_540_800);
      expect(toUtcTime(NOV_27_14H)).to.equal(849_103_200);
      expect(toUtcTime(JUL_15_20H)).to.equal(837_460_800);
      expect(toUtcTime(new Date('2000-01-01T00:00:01.999Z'))).to.equal(1);
      expect(toUtcTime(new Date(Date.UTC(2000, 0, 1) + 0xfffffffe * 1000))).to.equal(0xfffffffe);
    });

    it('turns undefined into 0 (now)', () => {
      expect(toUtcTime(undefined)).to.equal(0);
    });

    it('refuses times it cannot carry: 2000-01-01T00:00:00Z itself (0 means now), earlier, later, invalid', () => {
      for (const date of [new Date('2000-01-01T00:00:00Z'), new Date('1999-12-31T23:59:59Z'), new Date(Date.UTC(2000, 0, 1) + 0xffffffff * 1000), new Date(Number.NaN)]) {
        refusal(() => toUtcTime(date, 'effectiveTime'), 'effectiveTime');
      }
    });
  });

  describe('Load Control Event', () => {
    const full: LoadControlEventFields = {
      issuerEventId: 0x12345678, deviceClass: 0x0001, utilityEnrollmentGroup: 0, startTime: NEW_YEAR_2026, durationMinutes: 120, criticality: 3,
      coolingTemperatureOffset: 2.5, heatingTemperatureOffset: 0.3, coolingTemperatureSetPoint: 25.5, heatingTemperatureSetPoint: -1.5,
      averageLoadAdjustmentPercentage: -20, dutyCycle: 50, randomizeStart: true, randomizeEnd: true,
    };
    const minimal: LoadControlEventFields = { issuerEventId: 1, deviceClass: 0x0fff, utilityEnrollmentGroup: 255, durationMinutes: 1440, criticality: 7 };

    it('encodes every field (worked example, 23 bytes)', () => {
      // IssuerEventID 0x12345678        → 78 56 34 12
      // DeviceClass 0x0001              → 01 00
      // UEG 0                           → 00
      // StartTime 2026-01-01T00:00:00Z  → 80 75 E8 30 (0x30E87580, see above)
      // Duration 120 min = 0x0078       → 78 00
      // Criticality 3                   → 03
      // Cooling offset 2.5 °C × 10 = 25 → 19
      // Heating offset 0.3 °C × 10 = 3  → 03
      // Cooling set point 25.5 °C × 100 = 2550 = 0x09F6 → F6 09
      // Heating set point −1.5 °C × 100 = −150 = 0xFF6A (two's complement) → 6A FF
      // Avg load adjustment −20 = 0xEC  → EC
      // Duty cycle 50 = 0x32            → 32
      // Event control: randomize start (bit 0) + end (bit 1) → 03
      const payload = encodeLoadControlEvent(full);
      expect(payload.toString('hex').toUpperCase()).to.equal(hex('78563412 0100 00 8075E830 7800 03 19 03 F609 6AFF EC 32 03'));
      expect(payload.length).to.equal(23);
    });

    it('writes the "not used" value for every optional field and 0 for start now', () => {
      // 01 00 00 00 | FF 0F | FF | 00 00 00 00 (now) | A0 05 (1440) | 07 | FF FF (offsets unused)
      // | 00 80 00 80 (set points 0x8000 unused) | 80 (load adjustment unused) | FF (duty cycle unused) | 00
      expect(encodeLoadControlEvent(minimal).toString('hex').toUpperCase()).to.equal(hex('01000000 FF0F FF 00000000 A005 07 FF FF 0080 0080 80 FF 00'));
    });

    it('sets the event control bits separately', () => {
      expect(encodeLoadControlEvent({ ...minimal, randomizeStart: true })[22]).to.equal(0x01);
      expect(encodeLoadControlEvent({ ...minimal, randomizeEnd: true })[22]).to.equal(0x02);
      expect(encodeLoadControlEvent({ ...minimal, randomizeStart: false, randomizeEnd: false })[22]).to.equal(0x00);
    });

    it('encodes the extreme accepted values', () => {
      const payload = encodeLoadControlEvent({
        ...minimal,
        issuerEventId: 0xffffffff,
        deviceClass: 1,
        utilityEnrollmentGroup: 0,
        durationMinutes: 1,
        criticality: 15,
        coolingTemperatureOffset: 25.4, // 254 = 0xFE, one below "not used"
        heatingTemperatureOffset: 0,
        coolingTemperatureSetPoint: -273.15, // −27315 = 0x954D → 4D 95
        heatingTemperatureSetPoint: 327.67, // 32767 = 0x7FFF → FF 7F
        averageLoadAdjustmentPercentage: 100, // 0x64
        dutyCycle: 0,
      });
      expect(payload.toString('hex').toUpperCase()).to.equal(hex('FFFFFFFF 0100 00 00000000 0100 0F FE 00 4D95 FF7F 64 00 00'));
      expect(encodeLoadControlEvent({ ...minimal, averageLoadAdjustmentPercentage: -100, dutyCycle: 100 }).subarray(20, 22).toString('hex')).to.equal('9c64');
    });

    const bad: [keyof LoadControlEventFields, unknown][] = [
      ['issuerEventId', -1], ['issuerEventId', 0x100000000], ['issuerEventId', 1.5],
      ['deviceClass', 0], ['deviceClass', 0x1000],
      ['utilityEnrollmentGroup', -1], ['utilityEnrollmentGroup', 256],
      ['startTime', new Date('1999-12-31T00:00:00Z')], ['startTime', new Date(Number.NaN)],
      ['durationMinutes', 0], ['durationMinutes', 1441],
      ['criticality', 0], ['criticality', 16],
      ['coolingTemperatureOffset', -0.1], ['coolingTemperatureOffset', 25.5], ['coolingTemperatureOffset', 0.15],
      ['heatingTemperatureOffset', -0.1], ['heatingTemperatureOffset', 25.5],
      ['coolingTemperatureSetPoint', -273.16], ['coolingTemperatureSetPoint', 327.68], ['coolingTemperatureSetPoint', 20.005],
      ['heatingTemperatureSetPoint', -273.16], ['heatingTemperatureSetPoint', 327.68],
      ['averageLoadAdjustmentPercentage', -101], ['averageLoadAdjustmentPercentage', 101], ['averageLoadAdjustmentPercentage', 0.5],
      ['dutyCycle', -1], ['dutyCycle', 101],
      ['randomizeStart', 'yes'], ['randomizeEnd', 1],
    ];
    for (const [field, value] of bad) {
      it(`refuses ${field} ${value instanceof Date ? value.toString() : String(value)}`, () => {
        expect(refusal(() => encodeLoadControlEvent({ ...full, [field]: value }), field).message).to.contain('; allowed ');
      });
    }

    it('says what criticality and device class mean', () => {
      expect(refusal(() => encodeLoadControlEvent({ ...full, criticality: 16 }), 'criticality').message).to.equal(
        'criticality is 16; allowed 1 to 15 (1 green, 2-6 voluntary, 7 emergency, 8 planned outage, 9 service disconnect, 10-15 utility defined)',
      );
      expect(refusal(() => encodeLoadControlEvent({ ...full, deviceClass: 0 }), 'deviceClass').message)
        .to.contain('at least one device class').and.contain('0x0004 water heater').and.contain('0x0800 generation');
    });
  });

  describe('Cancel Load Control Event', () => {
    it('encodes a cancellation (worked example, 12 bytes)', () => {
      // IssuerEventID 0x12345678 → 78 56 34 12 | DeviceClass 0x0005 (HVAC + water heater) → 05 00
      // | UEG 2 → 02 | cancel control: end with randomization → 01 | effective 2026-11-27T14:00Z → 60 49 9C 32
      const payload = encodeCancelLoadControlEvent({ issuerEventId: 0x12345678, deviceClass: 0x0005, utilityEnrollmentGroup: 2, randomizeEnd: true, effectiveTime: NOV_27_14H });
      expect(payload.toString('hex').toUpperCase()).to.equal(hex('78563412 0500 02 01 60499C32'));
    });

    it('defaults to no randomization, effective now', () => {
      expect(encodeCancelLoadControlEvent({ issuerEventId: 7, deviceClass: 0x0800, utilityEnrollmentGroup: 0 }).toString('hex').toUpperCase())
        .to.equal(hex('07000000 0008 00 00 00000000'));
    });

    it('refuses out-of-range targets and times', () => {
      const base = { issuerEventId: 7, deviceClass: 1, utilityEnrollmentGroup: 0 };
      refusal(() => encodeCancelLoadControlEvent({ ...base, issuerEventId: -1 }), 'issuerEventId');
      refusal(() => encodeCancelLoadControlEvent({ ...base, deviceClass: 0 }), 'deviceClass');
      refusal(() => encodeCancelLoadControlEvent({ ...base, utilityEnrollmentGroup: 256 }), 'utilityEnrollmentGroup');
      refusal(() => encodeCancelLoadControlEvent({ ...base, effectiveTime: new Date('1990-01-01T00:00:00Z') }), 'effectiveTime');
    });
  });

  describe('Cancel All Load Control Events', () => {
    it('is one cancel control byte', () => {
      expect(encodeCancelAllLoadControlEvents({ randomizeEnd: true }).toString('hex')).to.equal('01');
      expect(encodeCancelAllLoadControlEvents({}).toString('hex')).to.equal('00');
      refusal(() => encodeCancelAllLoadControlEvents({ randomizeEnd: 'true' as unknown as boolean }), 'randomizeEnd');
    });
  });

  describe('Publish Price', () => {
    const price: PublishPriceFields = {
      providerId: 1000, rateLabel: 'Peak', issuerEventId: 10, unitOfMeasure: 0, currency: 840, trailingDigits: 3, priceTier: 2, numberOfPriceTiers: 3,
      startTime: NOV_27_14H, durationMinutes: 240, price: 1234, priceRatio: 1.5, generationPrice: 100, generationPriceRatio: 0.1,
    };
    const minimal: PublishPriceFields = {
      providerId: 0, rateLabel: 'A', issuerEventId: 0, unitOfMeasure: 0, currency: 840, trailingDigits: 0, priceTier: 1, numberOfPriceTiers: 0, price: 0,
    };

    it('encodes every field (worked example, 34 + 4 bytes)', () => {
      // ProviderID 1000 = 0x03E8 → E8 03 00 00 | RateLabel "Peak" → 04 50 65 61 6B
      // | IssuerEventID 10 → 0A 00 00 00 | CurrentTime = now 2026-07-15T20:00Z → 40 A3 EA 31
      // | Unit 0 (kWh) → 00 | Currency 840 = 0x0348 → 48 03 | trailing digits 3, tier 2 → 32
      // | 3 tiers, register tier 0 → 30 | StartTime 2026-11-27T14:00Z → 60 49 9C 32 | 240 min → F0 00
      // | Price 1234 = 0x04D2 ($1.234) → D2 04 00 00 | ratio 1.5 × 10 → 0F | generation 100 → 64 00 00 00
      // | generation ratio 0.1 × 10 → 01
      const payload = encodePublishPrice(price, JUL_15_20H);
      expect(payload.toString('hex').toUpperCase()).to.equal(hex('E8030000 04 5065616B 0A000000 40A3EA31 00 4803 32 30 60499C32 F000 D2040000 0F 64000000 01'));
      expect(payload.length).to.equal(38);
    });

    it('writes start now, "until changed" and the "not used" ratios and generation price', () => {
      // 00000000 | 01 41 ("A") | 00000000 | now | 00 | 48 03 | 01 | 00 | 00000000 | FF FF | 00000000 | FF | FF FF FF FF | FF
      expect(encodePublishPrice(minimal, NEW_YEAR_2026).toString('hex').toUpperCase())
        .to.equal(hex('00000000 0141 00000000 8075E830 00 4803 01 00 00000000 FFFF 00000000 FF FFFFFFFF FF'));
    });

    it('encodes the extreme accepted values', () => {
      const payload = encodePublishPrice(
        { ...minimal, providerId: 0xffffffff, rateLabel: '~ Twelve ch~', unitOfMeasure: 0x87, currency: 999, trailingDigits: 15, priceTier: 6, numberOfPriceTiers: 6, durationMinutes: 0xfffe, price: 0xfffffffe, priceRatio: 25.4, generationPrice: 0xfffffffe, generationPriceRatio: 25.4 },
        NEW_YEAR_2026,
      );
      // label: 0C + "~ Twelve ch~" (7E 20 54 77 65 6C 76 65 20 63 68 7E)
      expect(payload.toString('hex').toUpperCase()).to.equal(
        hex('FFFFFFFF 0C 7E205477656C7665206368 7E 00000000 8075E830 87 E703 F6 60 00000000 FEFF FEFFFFFF FE FEFFFFFF FE'),
      );
      expect(encodePublishPrice({ ...minimal, unitOfMeasure: 7 }, NEW_YEAR_2026)[14]).to.equal(7);
      expect(encodePublishPrice({ ...minimal, unitOfMeasure: 0x80, currency: 1 }, NEW_YEAR_2026)[14]).to.equal(0x80);
    });

    const bad: [keyof PublishPriceFields, unknown][] = [
      ['providerId', -1], ['providerId', 0x100000000],
      ['rateLabel', ''], ['rateLabel', 'Thirteen char'], ['rateLabel', 'Précio'], ['rateLabel', 'Tab\there'],
      ['issuerEventId', -1], ['issuerEventId', 0x100000000],
      ['unitOfMeasure', -1], ['unitOfMeasure', 8], ['unitOfMeasure', 0x7f], ['unitOfMeasure', 0x88],
      ['currency', 0], ['currency', 1000],
      ['trailingDigits', -1], ['trailingDigits', 16],
      ['priceTier', 0], ['priceTier', 7],
      ['numberOfPriceTiers', -1], ['numberOfPriceTiers', 7],
      ['startTime', new Date('1999-01-01T00:00:00Z')],
      ['durationMinutes', 0], ['durationMinutes', 0xffff],
      ['price', -1], ['price', 0xffffffff],
      ['priceRatio', 0], ['priceRatio', 25.5], ['priceRatio', 1.55],
      ['generationPrice', -1], ['generationPrice', 0xffffffff],
      ['generationPriceRatio', 0], ['generationPriceRatio', 25.5],
    ];
    for (const [field, value] of bad) {
      it(`refuses ${field} ${JSON.stringify(value)}`, () => {
        expect(refusal(() => encodePublishPrice({ ...price, [field]: value }, JUL_15_20H), field).message).to.contain('; allowed ');
      });
    }

    it('refuses a price tier above the number of tiers', () => {
      expect(refusal(() => encodePublishPrice({ ...price, priceTier: 4, numberOfPriceTiers: 3 }), 'priceTier').message)
        .to.equal('priceTier is 4 but numberOfPriceTiers is 3; allowed a priceTier from 1 to numberOfPriceTiers');
    });
  });

  describe('Display Message', () => {
    const message: DisplayMessageFields = {
      messageId: 0x102,
      transmissionMode: 'NORMAL_AND_INTERPAN',
      importance: 'HIGH',
      confirmationRequired: true,
      startTime: NOV_27_14H,
      durationMinutes: 60,
      text: 'Peak 2-6pm',
    };

    it('encodes every field (worked example, 12 + 10 bytes)', () => {
      // MessageID 0x102 → 02 01 00 00 | control: mode 1 (bits 0-1) + HIGH 2 << 2 = 0x08 + confirm 0x80 → 89
      // | start 2026-11-27T14:00Z → 60 49 9C 32 | 60 min → 3C 00
      // | "Peak 2-6pm" → 0A 50 65 61 6B 20 32 2D 36 70 6D
      expect(encodeDisplayMessage(message).toString('hex').toUpperCase()).to.equal(hex('02010000 89 60499C32 3C00 0A 5065616B20322D36706D'));
    });

    it('writes text as UTF-8 with its byte length, start now and "until changed" by default', () => {
      // "Café" = 43 61 66 C3 A9: 4 characters, 5 bytes
      expect(encodeDisplayMessage({ messageId: 1, text: 'Café' }).toString('hex').toUpperCase()).to.equal(hex('01000000 00 00000000 FFFF 05 436166C3A9'));
    });

    it('encodes every transmission mode and importance in the control byte', () => {
      const control = (fields: Partial<DisplayMessageFields>): number => encodeDisplayMessage({ messageId: 1, text: 'x', ...fields })[4];
      expect(control({ transmissionMode: 'NORMAL' })).to.equal(0x00);
      expect(control({ transmissionMode: 'NORMAL_AND_INTERPAN' })).to.equal(0x01);
      expect(control({ transmissionMode: 'INTERPAN' })).to.equal(0x02);
      expect(control({ importance: 'LOW' })).to.equal(0x00);
      expect(control({ importance: 'MEDIUM' })).to.equal(0x04);
      expect(control({ importance: 'HIGH' })).to.equal(0x08);
      expect(control({ importance: 'CRITICAL' })).to.equal(0x0c);
      expect(control({ confirmationRequired: true })).to.equal(0x80);
    });

    it('takes the extreme message ids and durations', () => {
      expect(encodeDisplayMessage({ messageId: 0xffffffff, durationMinutes: 0xfffe, text: 'x' }).toString('hex')).to.equal(hex('ffffffff 00 00000000 feff 01 78'));
      expect(encodeDisplayMessage({ messageId: 0, durationMinutes: 1, text: 'x' }).toString('hex')).to.equal(hex('00000000 00 00000000 0100 01 78'));
    });

    const bad: [keyof DisplayMessageFields, unknown][] = [
      ['messageId', -1], ['messageId', 0x100000000],
      ['transmissionMode', 'BROADCAST'], ['importance', 'URGENT'], ['importance', 'high'],
      ['confirmationRequired', 'yes'],
      ['startTime', new Date(Number.NaN)],
      ['durationMinutes', 0], ['durationMinutes', 0xffff],
    ];
    for (const [field, value] of bad) {
      it(`refuses ${field} ${String(value)}`, () => {
        expect(refusal(() => encodeDisplayMessage({ ...message, [field]: value }), field).message).to.contain('; allowed ');
      });
    }

    it('refuses text that does not fit instead of cutting it', () => {
      const error = refusal(() => encodeDisplayMessage({ ...message, text: 'x'.repeat(60) }), 'text');
      expect(error.message).to.equal('text is 60 bytes in UTF-8; at most 59 fit one unfragmented frame: shorten it or set truncate');
      expect(encodeDisplayMessage({ ...message, text: 'x'.repeat(59) }).length).to.equal(12 + 59);
    });
  });

  describe('fitMessageText', () => {
    const fits = (text: string): void => {
      expect(Buffer.byteLength(text, 'utf8')).to.be.at.most(MAX_TEXT_BYTES);
      expect(Buffer.from(text, 'utf8').toString('utf8'), 'no broken character').to.equal(text);
    };

    it('returns text that fits unchanged, truncate or not', () => {
      const text = `${'x'.repeat(55)}😀`; // 55 + 4 = 59 bytes
      expect(fitMessageText(text, false)).to.equal(text);
      expect(fitMessageText(text, true)).to.equal(text);
    });

    it('cuts plain text at 59 bytes', () => {
      expect(fitMessageText('x'.repeat(200), true)).to.equal('x'.repeat(59));
    });

    it('never splits an emoji (4 bytes, a surrogate pair in JavaScript)', () => {
      const cut = fitMessageText(`${'x'.repeat(56)}😀tail`, true); // 56 + 4 > 59
      expect(cut).to.equal('x'.repeat(56));
      fits(cut);
      expect(fitMessageText('😀'.repeat(20), true)).to.equal('😀'.repeat(14)); // 14 × 4 = 56
    });

    it('never splits an accented letter, precomposed or combining', () => {
      expect(fitMessageText(`${'x'.repeat(58)}é`, true)).to.equal('x'.repeat(58)); // é = C3 A9
      // e + U+0301 is one letter in 3 bytes: cutting between them would drop the accent.
      expect(fitMessageText(`${'x'.repeat(57)}e\u0301`, true)).to.equal('x'.repeat(57));
      expect(fitMessageText('été '.repeat(20), true)).to.equal(`${'été '.repeat(9)}été`); // 6 bytes each: 54 + 5
    });

    it('keeps a joined emoji whole (👨‍👩‍👧 is 18 bytes)', () => {
      expect(fitMessageText(`${'x'.repeat(50)}👨‍👩‍👧`, true)).to.equal('x'.repeat(50));
    });

    it('falls back to code points for a single character longer than the frame', () => {
      const cut = fitMessageText(`e${'\u0301'.repeat(40)}`, true); // 1 + 80 bytes, one grapheme
      expect(cut).to.equal(`e${'\u0301'.repeat(29)}`);
      fits(cut);
    });

    it('refuses empty, blank and broken text', () => {
      expect(refusal(() => fitMessageText('', true), 'text').message).to.equal('text is empty; allowed 1 to 59 bytes in UTF-8');
      expect(refusal(() => fitMessageText('   ', true), 'text').message).to.equal('text is only white space; allowed 1 to 59 bytes in UTF-8');
      expect(refusal(() => fitMessageText('ab\uD83D', true), 'text').message).to.contain('unpaired surrogate at position 3');
    });
  });

  describe('Cancel Message', () => {
    it('is the message id and the control byte (worked example, 5 bytes)', () => {
      // 0x102 → 02 01 00 00 | INTERPAN 2 + CRITICAL 3 << 2 = 0x0C → 0E
      expect(encodeCancelMessage({ messageId: 0x102, transmissionMode: 'INTERPAN', importance: 'CRITICAL' }).toString('hex').toUpperCase()).to.equal('020100000E');
      expect(encodeCancelMessage({ messageId: 0x102 }).toString('hex')).to.equal('0201000000');
    });

    it('refuses a bad id or control', () => {
      refusal(() => encodeCancelMessage({ messageId: 0x100000000 }), 'messageId');
      refusal(() => encodeCancelMessage({ messageId: 1, importance: 'NONE' as 'LOW' }), 'importance');
    });
  });
});
