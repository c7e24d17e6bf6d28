import { SmtError } from '../core/errors';
import { WSU_NS, childElements, textOf } from './ws-security.xml';

export interface TimestampPolicy {
  now: Date;
  maxSkewSeconds: number;
  maxAgeSeconds: number;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function refuse(reason: string): SmtError {
  return new SmtError('WSS_TIMESTAMP_INVALID', `WS-Security Timestamp refused: ${reason}`);
}

function instant(timestamp: Element, name: 'Created' | 'Expires'): number {
  const found = childElements(timestamp, WSU_NS, name);
  if (found.length !== 1) throw refuse(`it must hold exactly one wsu:${name}`);
  const text = textOf(found[0]).trim();
  const at = DATE_TIME.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at)) throw refuse(`wsu:${name} is not an xsd:dateTime with a time zone`);
  return at;
}

/**
 * Checks a wsu:Timestamp against the clock and returns the last instant at which a message carrying
 * it is still accepted (its Expires plus the allowed skew): replay records must live that long.
 */
export function checkTimestamp(timestamp: Element, policy: TimestampPolicy): Date {
  if (childElements(timestamp).length !== 2) throw refuse('it must hold wsu:Created and wsu:Expires only');
  const created = instant(timestamp, 'Created');
  const expires = instant(timestamp, 'Expires');
  const now = policy.now.getTime();
  const skew = policy.maxSkewSeconds * 1000;
  if (expires <= created) throw refuse('Expires is not after Created');
  if (created - skew > now) throw refuse('it was created in the future (check the client clock)');
  if (expires + skew < now) throw refuse('it has expired');
  if (expires - created > (policy.maxAgeSeconds + policy.maxSkewSeconds) * 1000) {
    throw refuse(`its lifetime exceeds ${policy.maxAgeSeconds} seconds`);
  }
  if (now - created > (policy.maxAgeSeconds + policy.maxSkewSeconds) * 1000) throw refuse('it is too old');
  return new Date(expires + skew);
}

/** xsd:dateTime in UTC with whole seconds, the form most WS-Security stacks expect. */
export function formatTimestamp(at: Date): string {
  return `${at.toISOString().slice(0, 19)}Z`;
}
