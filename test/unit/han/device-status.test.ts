import { expect } from 'chai';
import { DEVICE_STATUSES, judgeTransition, REMOVABLE, takesSlot, TDSP_REPORTED, type DeviceStatus } from '../../../src/han/device-status';
import { compareVersions, hanCapability } from '../../../src/han/meter-capability';

describe('han/device-status', () => {
  it('lets exactly the seed\'s seven statuses take one of the five slots', () => {
    expect(DEVICE_STATUSES.filter(takesSlot)).to.deep.equal([
      'Add Acknowledged', 'Add Pending', 'Meter Ready', 'Device Added', 'Remove Acknowledged', 'Remove Pending', 'Remove Failed',
    ]);
    expect(DEVICE_STATUSES.filter((s) => !takesSlot(s))).to.deep.equal(['Add Rejected', 'Add Failed', 'Remove Rejected', 'Device Removed']);
  });

  it('leaves the two Acknowledged statuses to the platform and removal to devices that are added or on their way', () => {
    expect(TDSP_REPORTED.has('Add Acknowledged')).to.equal(false);
    expect(TDSP_REPORTED.has('Remove Acknowledged')).to.equal(false);
    expect(TDSP_REPORTED.size).to.equal(9);
    expect([...REMOVABLE]).to.deep.equal(['Add Acknowledged', 'Add Pending', 'Meter Ready', 'Device Added', 'Remove Failed']);
  });

  const cases: [DeviceStatus, DeviceStatus, string][] = [
    ['Add Acknowledged', 'Add Pending', 'apply'],
    ['Add Acknowledged', 'Device Added', 'apply'],
    ['Add Pending', 'Meter Ready', 'apply'],
    ['Meter Ready', 'Device Added', 'apply'],
    ['Add Pending', 'Add Failed', 'apply'],
    ['Add Acknowledged', 'Add Rejected', 'apply'],
    ['Meter Ready', 'Add Pending', 'stale'],
    ['Device Added', 'Device Added', 'stale'],
    ['Device Added', 'Meter Ready', 'stale'],
    ['Device Added', 'Add Failed', 'impossible'],
    ['Add Rejected', 'Device Added', 'impossible'],
    ['Device Added', 'Device Removed', 'impossible'],
    ['Add Pending', 'Remove Pending', 'impossible'],
    ['Remove Acknowledged', 'Remove Pending', 'apply'],
    ['Remove Pending', 'Device Removed', 'apply'],
    ['Remove Pending', 'Remove Failed', 'apply'],
    ['Remove Failed', 'Device Removed', 'apply'],
    ['Device Removed', 'Remove Failed', 'stale'],
    ['Device Removed', 'Remove Rejected', 'impossible'],
    ['Remove Acknowledged', 'Device Added', 'stale'],
    ['Device Removed', 'Meter Ready', 'stale'],
  ];
  for (const [current, reported, verdict] of cases) {
    it(`judges ${reported} on a device that is ${current}: ${verdict}`, () => {
      expect(judgeTransition(current, reported)).to.equal(verdict);
    });
  }
});

describe('han/meter-capability', () => {
  it('compares firmware with the TDSP\'s floor as dotted numbers', () => {
    expect(compareVersions('4.10', '4.2')).to.be.greaterThan(0);
    expect(compareVersions('4.2.0', '4.2')).to.equal(0);
    expect(compareVersions('3.9', '4')).to.be.lessThan(0);
    expect(compareVersions('v4', '4')).to.equal(null);
    expect(hanCapability('4.10', '4.2').capable).to.equal('YES');
    expect(hanCapability('3.9', '4.2')).to.deep.equal({ capable: 'NO', reason: 'firmware 3.9 is older than 4.2, the oldest that supports HAN provisioning: ask the TDSP for a firmware upgrade' });
    expect(hanCapability(null, '4.2').reason).to.contain('firmware version is not registered');
    expect(hanCapability('4.2', null).reason).to.contain('has not registered which firmware');
    expect(hanCapability('beta', '4.2').capable).to.equal('UNKNOWN');
  });
});
