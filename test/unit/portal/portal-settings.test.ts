import { expect } from 'chai';
import { portalSettings } from '../../../src/config/portal-settings';

describe('portal settings', () => {
  it('defaults to 127.0.0.1:8444 with the development mail catcher', () => {
    expect(portalSettings({})).to.include({ mode: 'on', host: '127.0.0.1', port: 8444, smtpUrl: null, publicUrl: null, accountMaxFailures: 5, addressMaxFailures: 30, lockMinutes: 15 });
  });

  it('refuses a bad SMTP URL without echoing its password, a bad public URL and a bad mode', () => {
    expect(() => portalSettings({ SMT_SMTP_URL: 'mail.example.com' })).to.throw(/SMT_SMTP_URL.*smtp:\/\//);
    expect(() => portalSettings({ SMT_SMTP_URL: 'http://user:secret@mail' })).to.throw(/SMT_SMTP_URL/).and.not.to.match(/secret/);
    expect(() => portalSettings({ SMT_PORTAL_PUBLIC_URL: 'portal.example.com' })).to.throw(/SMT_PORTAL_PUBLIC_URL/);
    expect(() => portalSettings({ SMT_PORTAL: 'maybe' })).to.throw(/SMT_PORTAL.*on, off/);
    expect(() => portalSettings({ SMT_PORTAL_PORT: '70000' })).to.throw(/SMT_PORTAL_PORT/);
    expect(portalSettings({ SMT_SMTP_URL: 'smtps://u:p@mail.example.com:465', SMT_PORTAL_PUBLIC_URL: 'https://portal.example.com/' })).to.include({ smtpUrl: 'smtps://u:p@mail.example.com:465', publicUrl: 'https://portal.example.com' });
  });
});
