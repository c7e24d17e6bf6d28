import { serveRequests } from '../core/thread-pool';
import type { WsSecurityAnswer, WsSecurityCall } from './ws-security.pool';
import { signSoapEnvelope } from './ws-security.signer';
import { verifyWsSecurity } from './ws-security.verifier';

/** Thread side of WsSecurityPool. */
function handle(call: WsSecurityCall): WsSecurityAnswer {
  if (call.op === 'sign') return signSoapEnvelope(call.xml, call.credentials, new Date(call.now));
  const verified = verifyWsSecurity(call.message, { ...call.options, now: new Date(call.options.now) });
  return { ...verified, expires: verified.expires.toISOString() };
}

serveRequests(handle);
