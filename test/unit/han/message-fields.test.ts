import { expect } from 'chai';
import { SmtError } from '../../../src/core/errors';
import {
  checkDecimal,
  checkEnum,
  checkFlag,
  checkInteger,
  checkStartTime,
  optionalBoolean,
  optionalDateTime,
  optionalDecimal,
  optionalEnum,
  optionalInteger,
  readDecimal,
  readEnum,
  readInteger,
} from '../../../src/han/message-fields';

function refusal(call: () => unknown): SmtError {
  try {
    call();
  } catch (error) {
    expect(error).to.be.instanceOf(SmtError);
    expect((error as SmtError).code, (error as SmtError).message).to.equal('HAN_FIELD_INVALID');
    return error as SmtError;
  }
  expect.fail('expected HAN_FIELD_INVALID');
}

const CRITICALITY = '1 green, 2-6 voluntary, 7 emergency, 8 planned outage, 9 service disconnect, 10-15 utility defined';

describe('han/message-fields', () => {
  describe('readInteger / optionalInteger', () => {
    it('reads decimal digits with an optional sign, trimming white space', () => {
      expect(readInteger('7', 'criticality', 1, 15)).to.equal(7);
      expect(readInteger(' +15 ', 'criticality', 1, 15)).to.equal(15);
      expect(readInteger('-100', 'averageLoadAdjustmentPercentage', -100, 100)).to.equal(-100);
      expect(Object.is(readInteger('-0', 'dutyCycle', 0, 100), 0)).to.equal(true);
      expect(readInteger(12, 'criticality', 1, 15)).to.equal(12);
    });

    it('refuses one past each bound with the field, the value and the range', () => {
      expect(refusal(() => readInteger('16', 'criticality', 1, 15, CRITICALITY)).message)
        .to.equal(`criticality is 16; allowed 1 to 15 (${CRITICALITY})`);
      expect(refusal(() => readInteger('0', 'criticality', 1, 15)).message).to.equal('criticality is 0; allowed 1 to 15');
      expect(refusal(() => readInteger(16, 'criticality', 1, 15)).message).to.equal('criticality is 16; allowed 1 to 15');
      expect(readInteger('1', 'criticality', 1, 15)).to.equal(1);
    });

    it('refuses what Number() would take but xs:int does not', () => {
      for (const text of ['0x1F', '1e1', '1.0', '1.5', '', ' ', 'ten', '١٢']) {
        expect(refusal(() => readInteger(text, 'durationMinutes', 1, 1440)).message).to.match(/^durationMinutes is ".*"; allowed whole numbers 1 to 1440$/);
      }
      expect(refusal(() => readInteger(1.5, 'durationMinutes', 1, 1440)).message).to.equal('durationMinutes is 1.5; allowed whole numbers 1 to 1440');
    });

    it('says missing for undefined and empty for null', () => {
      expect(refusal(() => readInteger(undefined, 'criticality', 1, 15)).message).to.equal('criticality is missing; allowed whole numbers 1 to 15');
      expect(refusal(() => readInteger(null, 'criticality', 1, 15)).message).to.equal('criticality is empty; allowed whole numbers 1 to 15');
    });

    it('optionalInteger: absent, empty and blank are undefined; anything else is checked', () => {
      for (const absent of [undefined, null, '', '  ']) expect(optionalInteger(absent, 'dutyCycle', 0, 100)).to.equal(undefined);
      expect(optionalInteger('100', 'dutyCycle', 0, 100)).to.equal(100);
      expect(refusal(() => optionalInteger('101', 'dutyCycle', 0, 100)).message).to.equal('dutyCycle is 101; allowed 0 to 100');
    });
  });

  describe('readDecimal / optionalDecimal', () => {
    it('reads multiples of the step exactly, 0.3 included', () => {
      expect(readDecimal('0.3', 'coolingTemperatureOffset', 0, 25.4, 0.1)).to.equal(0.3);
      expect(readDecimal('0.30', 'coolingTemperatureOffset', 0, 25.4, 0.1)).to.equal(0.3);
      expect(readDecimal('25.4', 'coolingTemperatureOffset', 0, 25.4, 0.1)).to.equal(25.4);
      expect(readDecimal('.5', 'coolingTemperatureOffset', 0, 25.4, 0.1)).to.equal(0.5);
      expect(readDecimal('2.', 'coolingTemperatureOffset', 0, 25.4, 0.1)).to.equal(2);
      expect(readDecimal('-273.15', 'heatingTemperatureSetPoint', -273.15, 327.67, 0.01)).to.equal(-273.15);
      expect(readDecimal('327.67', 'heatingTemperatureSetPoint', -273.15, 327.67, 0.01)).to.equal(327.67);
      expect(readDecimal(0.1 + 0.2, 'coolingTemperatureOffset', 0, 25.4, 0.1)).to.equal(0.3);
    });

    it('refuses values that are not a multiple of the step', () => {
      expect(refusal(() => readDecimal('0.35', 'coolingTemperatureOffset', 0, 25.4, 0.1)).message)
        .to.equal('coolingTemperatureOffset is 0.35; allowed 0 to 25.4 in steps of 0.1');
      expect(refusal(() => readDecimal('20.005', 'coolingTemperatureSetPoint', -273.15, 327.67, 0.01)).message)
        .to.contain('coolingTemperatureSetPoint is 20.005; allowed -273.15 to 327.67 in steps of 0.01');
      refusal(() => readDecimal(0.35, 'coolingTemperatureOffset', 0, 25.4, 0.1));
    });

    it('handles steps that are not a power of ten', () => {
      expect(readDecimal('1.5', 'halfSteps', 0, 10, 0.5)).to.equal(1.5);
      expect(refusal(() => readDecimal('0.7', 'halfSteps', 0, 10, 0.5)).message).to.equal('halfSteps is 0.7; allowed 0 to 10 in steps of 0.5');
      expect(readDecimal('7.5', 'quarterSteps', 0, 10, 0.25)).to.equal(7.5);
      refusal(() => readDecimal('0.3', 'quarterSteps', 0, 10, 0.25));
      refusal(() => checkDecimal(0.7, 'halfSteps', 0, 10, 0.5));
    });

    it('refuses one step past each bound', () => {
      expect(refusal(() => readDecimal('25.5', 'coolingTemperatureOffset', 0, 25.4, 0.1)).message).to.match(/^coolingTemperatureOffset is 25.5; allowed 0 to 25.4/);
      expect(refusal(() => readDecimal('-0.1', 'coolingTemperatureOffset', 0, 25.4, 0.1)).message).to.match(/^coolingTemperatureOffset is -0.1;/);
      refusal(() => readDecimal('-273.16', 'heatingTemperatureSetPoint', -273.15, 327.67, 0.01));
      refusal(() => readDecimal('327.68', 'heatingTemperatureSetPoint', -273.15, 327.67, 0.01));
      refusal(() => readDecimal('9'.repeat(400), 'heatingTemperatureSetPoint', -273.15, 327.67, 0.01));
    });

    it('refuses text that is not an xs:decimal', () => {
      for (const text of ['1e1', '.', '', '+', '1,5', 'NaN', 'Infinity']) refusal(() => readDecimal(text, 'priceRatio', 0.1, 25.4, 0.1));
      refusal(() => readDecimal(undefined, 'priceRatio', 0.1, 25.4, 0.1));
      refusal(() => readDecimal(Number.NaN, 'priceRatio', 0.1, 25.4, 0.1));
    });

    it('optionalDecimal: absent is undefined', () => {
      expect(optionalDecimal(null, 'priceRatio', 0.1, 25.4, 0.1)).to.equal(undefined);
      expect(optionalDecimal('', 'priceRatio', 0.1, 25.4, 0.1)).to.equal(undefined);
      expect(optionalDecimal('1.5', 'priceRatio', 0.1, 25.4, 0.1)).to.equal(1.5);
    });
  });

  describe('checkInteger / checkDecimal / checkFlag / checkEnum (domain values)', () => {
    it('check bounds, whole numbers and steps', () => {
      expect(checkInteger(15, 'criticality', 1, 15)).to.equal(15);
      expect(refusal(() => checkInteger(Number.NaN, 'criticality', 1, 15)).message).to.equal('criticality is NaN; allowed whole numbers 1 to 15');
      expect(checkDecimal(25.4, 'priceRatio', 0.1, 25.4, 0.1)).to.equal(25.4);
      expect(refusal(() => checkDecimal(Number.POSITIVE_INFINITY, 'priceRatio', 0.1, 25.4, 0.1)).message).to.match(/^priceRatio is Infinity;/);
    });

    it('checkFlag takes booleans, absent as false', () => {
      expect(checkFlag(undefined, 'randomizeStart')).to.equal(false);
      expect(checkFlag(true, 'randomizeStart')).to.equal(true);
      expect(refusal(() => checkFlag('true' as unknown as boolean, 'randomizeStart')).message).to.equal('randomizeStart is "true"; allowed true or false');
    });

    it('checkEnum matches exactly, without trimming', () => {
      expect(checkEnum('LOW', 'importance', ['LOW', 'HIGH'] as const)).to.equal('LOW');
      refusal(() => checkEnum(' LOW', 'importance', ['LOW', 'HIGH'] as const));
    });
  });

  describe('optionalBoolean', () => {
    it('reads true, false, 1 and 0', () => {
      expect(optionalBoolean('true', 'randomizeStart')).to.equal(true);
      expect(optionalBoolean('1', 'randomizeStart')).to.equal(true);
      expect(optionalBoolean(' false ', 'randomizeStart')).to.equal(false);
      expect(optionalBoolean('0', 'randomizeStart')).to.equal(false);
      expect(optionalBoolean(undefined, 'randomizeStart')).to.equal(undefined);
      expect(optionalBoolean(null, 'randomizeStart')).to.equal(undefined);
    });

    it('refuses other spellings (xs:boolean is lower case)', () => {
      for (const text of ['TRUE', 'yes', 'on', '2']) {
        expect(refusal(() => optionalBoolean(text, 'randomizeEnd')).message).to.equal(`randomizeEnd is "${text}"; allowed true, false, 1 or 0`);
      }
    });
  });

  describe('readEnum / optionalEnum', () => {
    const IMPORTANCE = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;

    it('reads an allowed value, trimming white space', () => {
      expect(readEnum(' HIGH ', 'importance', IMPORTANCE)).to.equal('HIGH');
      expect(optionalEnum(undefined, 'importance', IMPORTANCE)).to.equal(undefined);
      expect(optionalEnum('LOW', 'importance', IMPORTANCE)).to.equal('LOW');
    });

    it('refuses others (case matters, as in the XSD) and lists the allowed values', () => {
      expect(refusal(() => readEnum('high', 'importance', IMPORTANCE)).message).to.equal('importance is "high"; allowed LOW, MEDIUM, HIGH or CRITICAL');
      expect(refusal(() => readEnum(undefined, 'importance', IMPORTANCE)).message).to.equal('importance is missing; allowed LOW, MEDIUM, HIGH or CRITICAL');
    });
  });

  describe('optionalDateTime', () => {
    it('reads UTC and offset forms as the same instant', () => {
      expect(optionalDateTime('2026-11-27T14:00:00Z', 'startTime')!.toISOString()).to.equal('2026-11-27T14:00:00.000Z');
      expect(optionalDateTime('2026-11-27T08:00:00-06:00', 'startTime')!.toISOString()).to.equal('2026-11-27T14:00:00.000Z');
      expect(optionalDateTime('2026-11-27T19:30:00+05:30', 'startTime')!.toISOString()).to.equal('2026-11-27T14:00:00.000Z');
      expect(optionalDateTime(' 2026-11-27T14:00:00.25Z ', 'startTime')!.toISOString()).to.equal('2026-11-27T14:00:00.250Z');
      expect(optionalDateTime('2028-02-29T00:00:00Z', 'startTime')!.toISOString()).to.equal('2028-02-29T00:00:00.000Z');
    });

    it('passes absent values through as undefined', () => {
      for (const absent of [undefined, null, '']) expect(optionalDateTime(absent, 'startTime')).to.equal(undefined);
    });

    it('refuses a time without a zone and says to add Z or an offset', () => {
      const error = refusal(() => optionalDateTime('2026-11-27T14:00:00', 'startTime'));
      expect(error.message).to.contain('startTime is "2026-11-27T14:00:00"').and.contain('add Z').and.contain('offset');
    });

    it('refuses dates and times that do not exist', () => {
      for (const text of ['2026-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-04-31T00:00:00Z', '2026-11-27T24:00:00Z', '2026-11-27T14:60:00Z', '2026-11-27T14:00:00+15:00']) {
        expect(refusal(() => optionalDateTime(text, 'effectiveTime')).message).to.match(/^effectiveTime is ".*"; allowed an xs:dateTime with a time zone/);
      }
    });

    it('refuses other formats', () => {
      for (const text of ['27/11/2026 14:00', '2026-11-27', '2026-11-27 14:00:00Z', 'now']) refusal(() => optionalDateTime(text, 'startTime'));
    });
  });

  describe('checkStartTime', () => {
    const now = new Date('2026-11-27T14:00:00Z');

    it('passes undefined (start now), the future and starts within the grace', () => {
      expect(checkStartTime(undefined, now, 300)).to.equal(undefined);
      const future = new Date('2026-11-27T15:00:00Z');
      expect(checkStartTime(future, now, 300)).to.equal(future);
      const edge = new Date(now.getTime() - 300_000);
      expect(checkStartTime(edge, now, 300)).to.equal(edge);
    });

    it('refuses a start further in the past than the grace, saying how far and the grace', () => {
      const error = refusal(() => checkStartTime(new Date(now.getTime() - 301_000), now, 300));
      expect(error.message).to.equal(
        'startTime is 2026-11-27T13:54:59.000Z, 5 min 1 s in the past; allowed at most 5 min in the past: give a later time or leave it out to start now',
      );
      expect(refusal(() => checkStartTime(new Date('2026-11-27T13:59:00Z'), now, 30, 'effectiveTime')).message)
        .to.match(/^effectiveTime is 2026-11-27T13:59:00.000Z, 60 s in the past; allowed at most 30 s in the past/);
    });
  });

  it('shortens a long received value to 40 characters and never splits a surrogate pair', () => {
    const message = refusal(() => readEnum('😀'.repeat(50), 'importance', ['LOW'] as const)).message;
    const shownPart = message.slice('importance is '.length, message.indexOf('; allowed'));
    expect(shownPart.length).to.be.at.most(40);
    expect(shownPart.endsWith('…"')).to.equal(true);
    expect(Buffer.from(shownPart, 'utf8').toString('utf8')).to.equal(shownPart);
  });
});
