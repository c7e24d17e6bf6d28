import { expect } from 'chai';
import { esiidCell, kwh3, readingCell, readingWh, revisionDate, usDate } from '../../../src/usage/report-format';

describe('usage/report-format', () => {
  it('writes dates as MM/DD/YYYY and versions as MM/DD/YYYY HH:MM:SS', () => {
    expect(usDate('2025-07-01')).to.equal('07/01/2025');
    expect(revisionDate(20250702073717)).to.equal('07/02/2025 07:37:17');
    expect(revisionDate(20251231000005)).to.equal('12/31/2025 00:00:05');
  });

  it('writes kWh from integer Wh with exactly 3 decimals', () => {
    expect(kwh3(580)).to.equal('0.580');
    expect(kwh3(0)).to.equal('0.000');
    expect(kwh3(7)).to.equal('0.007');
    expect(kwh3(300)).to.equal('0.300'); // 0.1 + 0.2 in floats would not survive this
    expect(kwh3(1073741823)).to.equal('1073741.823');
    expect(kwh3(-500)).to.equal('-0.500');
    expect(kwh3(12345678901234567890n)).to.equal('12345678901234567.890');
  });

  it('prefixes the ESI ID with an apostrophe', () => {
    expect(esiidCell('10443720009255964')).to.equal("'10443720009255964");
  });

  it('reads register values exactly, rounding past the third decimal half up', () => {
    expect(readingWh('12345.6')).to.equal(12345600n);
    expect(readingWh('12347')).to.equal(12347000n);
    expect(readingWh('1.23456')).to.equal(1235n);
    expect(readingWh('1.2344')).to.equal(1234n);
    expect(readingWh('99999999999999999999')).to.equal(99999999999999999999000n);
    expect(readingCell('0')).to.equal('0.000');
    expect(readingCell(null)).to.equal('');
  });
});
