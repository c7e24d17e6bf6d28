import { expect } from 'chai';
import { FtpReplyError, formatReply, parseCommandLine, stripTelnetCommands } from '../../../src/delivery/ftps/ftp-protocol';
import { ftpTimestamp, mlsxLine, unixListLine } from '../../../src/delivery/ftps/listing-format';
import { resolveVirtualPath } from '../../../src/delivery/ftps/virtual-path';
import type { FtpAccount } from '../../../src/security/ftp-accounts.service';

const rep: FtpAccount = { participantId: 1, name: 'Demo REP', kind: 'REP', duns: ['200000001', '2000000011234'] };
const tdsp: FtpAccount = { participantId: 2, name: 'Demo TDSP', kind: 'TDSP', duns: ['100000001'] };

function refusal(account: FtpAccount, cwd: string, input: string): string {
  try {
    resolveVirtualPath(account, cwd, input);
  } catch (error) {
    expect(error).to.be.instanceOf(FtpReplyError);
    expect((error as FtpReplyError).code).to.equal(550);
    return (error as FtpReplyError).message;
  }
  throw new Error(`"${input}" from ${cwd} was not refused`);
}

describe('delivery/ftps/virtual-path', () => {
  it('resolves relative and absolute paths lexically to the root, a DUNS, a folder or a file', () => {
    expect(resolveVirtualPath(rep, '/', '')).to.deep.equal({ kind: 'root', path: '/' });
    expect(resolveVirtualPath(rep, '/200000001/adhoc', '../..')).to.deep.equal({ kind: 'root', path: '/' });
    expect(resolveVirtualPath(rep, '/', '2000000011234')).to.deep.equal({ kind: 'duns', path: '/2000000011234', duns: '2000000011234' });
    expect(resolveVirtualPath(rep, '/200000001', './adhoc/')).to.include({ kind: 'folder', path: '/200000001/adhoc', folder: 'adhoc' });
    expect(resolveVirtualPath(rep, '/200000001/daily', '../adhoc/report 1.csv')).to.deep.include({
      kind: 'file', path: '/200000001/adhoc/report 1.csv', name: 'report 1.csv', rights: { download: true, delete: true, upload: false },
    });
    expect(resolveVirtualPath(tdsp, '/', '/100000001//inbound/LSE.zip')).to.deep.include({ kind: 'file', rights: { download: true, delete: false, upload: true } });
  });

  it("refuses escapes, other DUNS, other kinds' folders, hidden names, depth, NUL and backslashes", () => {
    expect(refusal(rep, '/', '..')).to.contain('above the root');
    expect(refusal(rep, '/200000001/adhoc', '../../../etc/passwd')).to.contain('above the root');
    expect(refusal(rep, '/', '/100000001/reports/x.csv')).to.equal('/100000001/reports/x.csv: No such file or folder');
    expect(refusal(rep, '/', '/tmp/smt/ftps/200000001/adhoc/x')).to.contain('No such file');
    expect(refusal(rep, '/200000001', 'inbound')).to.contain('No such file');
    expect(refusal(tdsp, '/100000001', 'adhoc')).to.contain('No such file');
    expect(refusal(rep, '/200000001', 'constructor')).to.contain('No such file');
    expect(refusal(rep, '/200000001/adhoc', '.partial-0a1b-report.csv')).to.contain('No such file');
    expect(refusal(rep, '/200000001/adhoc', 'sub/file.csv')).to.contain('No such file');
    expect(refusal(rep, '/200000001/adhoc', '%2e%2e/%2e%2e/100000001')).to.contain('No such file');
    expect(refusal(rep, '/200000001/adhoc', 'a\0b')).to.contain('NUL');
    expect(refusal(rep, '/200000001/adhoc', '..\\..\\100000001')).to.contain('backslashes');
  });
});

describe('delivery/ftps/ftp-protocol and listings', () => {
  it('formats single and multi-line replies, and never lets echoed text start a reply of its own', () => {
    expect(formatReply(200, 'ok')).to.equal('200 ok\r\n');
    expect(formatReply(211, ['Features:', 'EPSV', 'End'])).to.equal('211-Features:\r\n EPSV\r\n211 End\r\n');
    expect(formatReply(550, 'x.csv\r\n230 Logged in')).to.equal('550 x.csv 230 Logged in\r\n');
  });

  it('splits verb and argument, keeping spaces in the argument, and strips Telnet IAC sequences', () => {
    expect(parseCommandLine('stor my file.csv')).to.deep.equal({ verb: 'STOR', arg: 'my file.csv' });
    expect(parseCommandLine('PASS  two  spaces ')).to.deep.equal({ verb: 'PASS', arg: ' two  spaces ' });
    expect(stripTelnetCommands(Buffer.from([0xff, 0xf4, 0xff, 0xf2, 0x41, 0x42, 0x4f, 0x52])).toString()).to.equal('ABOR');
  });

  it('writes MLSx facts and ls -l lines', () => {
    const modified = new Date('2025-07-01T06:05:04Z');
    expect(ftpTimestamp(modified)).to.equal('20250701060504');
    expect(mlsxLine({ name: 'a.csv', type: 'file', size: 12, modified, perm: 'rd' })).to.equal('type=file;size=12;modify=20250701060504;perm=rd; a.csv');
    expect(unixListLine({ name: 'a.csv', type: 'file', size: 12, modified, perm: 'rd' }, new Date('2025-07-02T00:00:00Z')))
      .to.equal('-rw-r----- 1 smt smt           12 Jul  1 06:05 a.csv');
    expect(unixListLine({ name: 'adhoc', type: 'dir', size: 0, modified, perm: 'el' }, new Date('2026-07-02T00:00:00Z'))).to.match(/^drwxr-x--- .* Jul  1  2025 adhoc$/);
  });
});
