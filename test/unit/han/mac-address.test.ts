import { expect } from 'chai';
import { SmtError } from '../../../src/core/errors';
import { parseMacAddress } from '../../../src/han/mac-address';

function refusal(text: unknown): SmtError {
  try {
    parseMacAddress(text);
  } catch (error) {
    expect(error).to.be.instanceOf(SmtError);
    expect((error as SmtError).code, (error as SmtError).message).to.equal('HAN_MAC_INVALID');
    return error as SmtError;
  }
  expect.fail(`expected ${JSON.stringify(text)} to be refused`);
}

const EXPECTED = 'expected 16 hex digits, most significant byte first, e.g. 00124B0001A2B3C4';

describe('han/mac-address', () => {
  it('returns 16 upper-case hex digits', () => {
    expect(parseMacAddress('00124B0001A2B3C4')).to.equal('00124B0001A2B3C4');
    expect(parseMacAddress('00124b0001a2b3c4')).to.equal('00124B0001A2B3C4');
  });

  it('trims surrounding white space', () => {
    expect(parseMacAddress(' \t00124b0001a2b3c4\n')).to.equal('00124B0001A2B3C4');
  });

  it('accepts the values next to the reserved ones', () => {
    expect(parseMacAddress('0000000000000001')).to.equal('0000000000000001');
    expect(parseMacAddress('FFFFFFFFFFFFFFFE')).to.equal('FFFFFFFFFFFFFFFE');
  });

  it('refuses 15 and 17 digits, saying what is expected', () => {
    expect(refusal('00124B0001A2B3C').message).to.equal(`macAddress is "00124B0001A2B3C"; ${EXPECTED}`);
    expect(refusal('00124B0001A2B3C40').message).to.equal(`macAddress is "00124B0001A2B3C40"; ${EXPECTED}`);
  });

  it('refuses separators, prefixes and non-hex digits', () => {
    for (const text of ['00:12:4B:00:01:A2:B3:C4', '00-12-4B-00-01-A2-B3-C4', '0x00124B0001A2B3C4', '00124B0001A2B3CG', '00124B00 01A2B3C4']) {
      expect(refusal(text).message).to.contain(EXPECTED);
    }
  });

  it('refuses the reserved all-zero and all-FF addresses', () => {
    expect(refusal('0000000000000000').message).to.contain('0000000000000000, a reserved value');
    expect(refusal('ffffffffffffffff').message).to.contain('FFFFFFFFFFFFFFFF, a reserved value').and.contain(EXPECTED);
  });

  it('refuses missing, empty and non-text values', () => {
    expect(refusal(undefined).message).to.equal(`macAddress is missing; ${EXPECTED}`);
    expect(refusal(null).message).to.equal(`macAddress is empty; ${EXPECTED}`);
    expect(refusal('').message).to.equal(`macAddress is ""; ${EXPECTED}`);
    expect(refusal(1234567890123456).message).to.equal(`macAddress is 1234567890123456; ${EXPECTED}`);
  });

  it('shows at most 40 characters of what it received, escaped', () => {
    const message = refusal(`${'A'.repeat(100)}\nforged log line`).message;
    const shownPart = message.slice('macAddress is '.length, message.indexOf(';'));
    expect(shownPart.length).to.be.at.most(40);
    expect(shownPart).to.match(/^"A+…"$/);
    expect(message).not.to.contain('\n');
  });
});
