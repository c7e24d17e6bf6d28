import { expect } from 'chai';
import { SmtError } from '../../../src/core/errors';
import { appendInstallCodeCrc, crc16X25, maskInstallCode, parseInstallCode } from '../../../src/han/install-code';

/** The refusal a call throws; fails the test when it returns instead. */
function refusal(call: () => unknown): SmtError {
  try {
    call();
  } catch (error) {
    expect(error).to.be.instanceOf(SmtError);
    expect((error as SmtError).code, (error as SmtError).message).to.equal('HAN_INSTALL_CODE_INVALID');
    return error as SmtError;
  }
  expect.fail('expected HAN_INSTALL_CODE_INVALID');
}

// The reference's vectors (code → code+CRC), the CRC appended low byte first.
const VECTORS: [string, string, number][] = [
  ['83FED3407A93', '83FED3407A932B70', 6],
  ['83FED3407A939723', '83FED3407A93972397FC', 8],
  ['83FED3407A939723A5C639FF', '83FED3407A939723A5C639FF4C12', 12],
  ['83FED3407A939723A5C639B26916D505', '83FED3407A939723A5C639B26916D505C3B5', 16],
  ['1122334455667788', '11223344556677884AF7', 8],
];

describe('han/install-code', () => {
  describe('crc16X25', () => {
    it('gives the catalogue check value 0x906E for ASCII 123456789', () => {
      expect(crc16X25(Buffer.from('123456789', 'ascii'))).to.equal(0x906e);
    });

    it('gives 0x0000 for no bytes (0xFFFF init xor 0xFFFF out)', () => {
      expect(crc16X25(new Uint8Array(0))).to.equal(0x0000);
    });

    it('gives the first vector CRC 0x702B, which the label writes low byte first as 2B70', () => {
      expect(crc16X25(Buffer.from('83FED3407A93', 'hex'))).to.equal(0x702b);
    });
  });

  describe('appendInstallCodeCrc', () => {
    for (const [code, withCrc] of VECTORS) {
      it(`${code} → ${withCrc}`, () => {
        expect(appendInstallCodeCrc(code)).to.equal(withCrc);
        expect(appendInstallCodeCrc(code.toLowerCase())).to.equal(withCrc);
      });
    }

    it('refuses a code of a length no install code has, naming the allowed lengths', () => {
      const error = refusal(() => appendInstallCodeCrc('83FED3407A9397'));
      expect(error.message).to.contain('code has 14 hex digits').and.contain('12, 16, 24 or 32');
    });

    it('refuses non-hex text', () => {
      expect(refusal(() => appendInstallCodeCrc('83FED3407A9Z')).message).to.contain('not a hex digit at position 12');
    });
  });

  describe('parseInstallCode', () => {
    for (const [, withCrc, codeBytes] of VECTORS) {
      it(`accepts ${withCrc} as a ${codeBytes}-byte code`, () => {
        expect(parseInstallCode(withCrc)).to.deep.equal({ hex: withCrc, codeBytes });
      });
    }

    it('upper-cases and trims', () => {
      expect(parseInstallCode('  83fed3407a932b70\n')).to.deep.equal({ hex: '83FED3407A932B70', codeBytes: 6 });
    });

    it('refuses a bad CRC, showing both CRCs but not the code', () => {
      const error = refusal(() => parseInstallCode('83FED3407A939723A5C639B26916D505C3B6'));
      expect(error.message).to.contain('the CRC is C3B6 but CRC-16/X-25 of the code gives C3B5');
      expect(error.message).not.to.contain('83FED340');
    });

    it('catches every single-digit typo anywhere in a 16-byte code+CRC', () => {
      const good = VECTORS[3][1];
      for (let i = 0; i < good.length; i++) {
        const typo = good.slice(0, i) + (good[i] === '0' ? '1' : '0') + good.slice(i + 1);
        expect(() => parseInstallCode(typo), `typo at ${i}`).to.throw(SmtError, 'CRC');
      }
    });

    it('refuses a code without its CRC (a bare 8-byte code reads as a 6-byte code with a wrong CRC)', () => {
      expect(refusal(() => parseInstallCode('1122334455667788')).message).to.contain('CRC-16/X-25 of the code gives');
    });

    it('refuses lengths that are not 8, 10, 14 or 18 bytes and lists the allowed ones', () => {
      for (const digits of [4, 14, 18, 24, 34, 38]) {
        const error = refusal(() => parseInstallCode('A'.repeat(digits)));
        expect(error.message).to.contain(`installCode has ${digits} hex digits`).and.contain('allowed 16, 20, 28 or 36 hex digits');
        expect(error.message).not.to.contain('AAAA');
      }
    });

    it('refuses an odd number of digits', () => {
      expect(refusal(() => parseInstallCode('83FED3407A932B7')).message).to.contain('15 hex digits, an odd number');
    });

    it('refuses non-hex characters by position, without echoing the code', () => {
      const error = refusal(() => parseInstallCode('83FED3407A93-2B70'));
      expect(error.message).to.contain('not a hex digit at position 13');
      expect(error.message).not.to.contain('83FED');
    });

    it('refuses missing, empty and non-text values without showing them', () => {
      expect(refusal(() => parseInstallCode(undefined)).message).to.match(/^installCode is missing; allowed/);
      expect(refusal(() => parseInstallCode(null)).message).to.match(/^installCode is empty; allowed/);
      expect(refusal(() => parseInstallCode('   ')).message).to.match(/^installCode is empty; allowed/);
      const error = refusal(() => parseInstallCode(83123456789012));
      expect(error.message).to.match(/^installCode is not text; allowed/);
      expect(error.message).not.to.contain('8312');
    });
  });

  describe('maskInstallCode', () => {
    it('keeps only the last 4 digits', () => {
      expect(maskInstallCode('83FED3407A932B70')).to.equal('************2B70');
      expect(maskInstallCode('83FED3407A939723A5C639B26916D505C3B5')).to.equal(`${'*'.repeat(32)}C3B5`);
    });
  });
});
