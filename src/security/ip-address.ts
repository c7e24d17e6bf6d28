import { isIP } from 'node:net';
import { SmtError } from '../core/errors';

/**
 * One spelling per address, so that a registered address and a connection's remoteAddress
 * compare as strings: IPv4-mapped IPv6 (what a dual-stack socket reports for an IPv4 caller)
 * becomes plain IPv4, and IPv6 becomes its compressed lower-case form. null when not an address.
 */
export function normalizeIp(value: string): string | null {
  const trimmed = value.trim();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(trimmed);
  const candidate = mapped ? mapped[1]! : trimmed;
  const version = isIP(candidate);
  if (version === 4) return candidate;
  if (version !== 6) return null;
  // The WHATWG URL parser serializes IPv6 hosts in the RFC 5952 canonical form.
  if (candidate.includes('%')) return candidate.toLowerCase();
  const canonical = new URL(`http://[${candidate}]/`).hostname.slice(1, -1);
  const embedded = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (embedded) {
    const high = parseInt(embedded[1]!, 16);
    const low = parseInt(embedded[2]!, 16);
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  }
  return canonical;
}

/** What an address must look like, for messages. */
export const IP_EXPECTED = 'an IPv4 address (203.0.113.10) or an IPv6 address (2001:db8::10); no ranges or host names';

/** Normalized, de-duplicated and sorted, or an error naming every value that is not an address. */
export function normalizeIpList(ips: string[]): string[] {
  const bad = ips.filter((ip) => normalizeIp(ip) === null);
  if (bad.length > 0) throw new SmtError('INPUT_INVALID', `Not an IP address: ${bad.map((ip) => `"${ip}"`).join(', ')}; expected ${IP_EXPECTED}.`);
  return [...new Set(ips.map((ip) => normalizeIp(ip)!))].sort();
}
