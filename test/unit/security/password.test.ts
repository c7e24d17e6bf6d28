import { expect } from 'chai';
import { hashPassword, verifyPassword } from '../../../src/security/password';

describe('security/password', () => {
  it('stores scrypt$N$r$p$salt$hash with a fresh 16-byte salt and verifies only the right password', async () => {
    const stored = await hashPassword('correct horse battery staple');
    const [scheme, n, r, p, salt, hash] = stored.split('$');
    expect([scheme, n, r, p]).to.deep.equal(['scrypt', '16384', '8', '1']);
    expect(Buffer.from(salt!, 'base64')).to.have.length(16);
    expect(Buffer.from(hash!, 'base64')).to.have.length(32);
    expect(stored).to.not.contain('correct horse');
    expect(await hashPassword('correct horse battery staple')).to.not.equal(stored);
    expect(await verifyPassword('correct horse battery staple', stored)).to.equal(true);
    expect(await verifyPassword('correct horse battery stapl', stored)).to.equal(false);
    expect(await verifyPassword('Correct horse battery staple', stored)).to.equal(false);
  });

  it('refuses stored values it did not write, including parameters that would cost unbounded memory', async () => {
    const stored = await hashPassword('correct horse battery staple');
    const parts = stored.split('$');
    for (const tampered of ['', 'plain-text', parts.slice(0, 5).join('$'), ['bcrypt', ...parts.slice(1)].join('$'),
      ['scrypt', '1048576', '64', '1', parts[4], parts[5]].join('$'), ['scrypt', '1000', '8', '1', parts[4], parts[5]].join('$'),
      ['scrypt', '16384', '8', '1', '', parts[5]].join('$')]) {
      expect(await verifyPassword('correct horse battery staple', tampered), tampered).to.equal(false);
    }
  });
});
