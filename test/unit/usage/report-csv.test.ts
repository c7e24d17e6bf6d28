import { expect } from 'chai';
import { csvChunk, csvHeader } from '../../../src/usage/report-csv';

describe('usage/report-csv', () => {
  it('ends every record with CRLF, the trailing one included', () => {
    expect(csvChunk([['a', 'b'], ['c', '']])).to.equal('a,b\r\nc,\r\n');
    expect(csvHeader(['X', 'Y'])).to.equal('X,Y\r\n');
  });

  it('quotes only what needs quoting, and leaves the apostrophe alone', () => {
    expect(csvChunk([["'1", 'M,1', 'say "hi"', '']])).to.equal('\'1,"M,1","say ""hi""",\r\n');
  });

  it('gives nothing for no rows', () => {
    expect(csvChunk([])).to.equal('');
  });
});
