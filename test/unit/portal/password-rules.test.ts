import { expect } from 'chai';
import { loginProblem, passwordProblem } from '../../../src/portal/password-rules';

describe('portal password and user ID rules', () => {
  it('asks for 8 to 64 characters with a letter and a digit, without the user ID', () => {
    expect(passwordProblem('Sunny-day-42', 'maria.lopez')).to.equal(null);
    expect(passwordProblem('abc123', 'maria.lopez')).to.match(/8 to 64 characters long \(it is 6\)/);
    expect(passwordProblem('a1'.repeat(33), 'maria.lopez')).to.match(/8 to 64/);
    expect(passwordProblem('onlyletters', 'maria.lopez')).to.match(/one letter and one digit/);
    expect(passwordProblem('12345678', 'maria.lopez')).to.match(/one letter and one digit/);
    expect(passwordProblem('xMARIA.LOPEZ1', 'maria.lopez')).to.match(/must not contain your user ID/);
  });

  it('takes user IDs of 6 to 40 letters, digits and . _ - @', () => {
    expect(loginProblem('maria.lopez')).to.equal(null);
    expect(loginProblem('m@x.io')).to.equal(null);
    expect(loginProblem('short')).to.match(/6 to 40/);
    expect(loginProblem('has space')).to.match(/6 to 40/);
    expect(loginProblem('<script>')).to.match(/6 to 40/);
  });
});
