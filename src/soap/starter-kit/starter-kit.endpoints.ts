import type { RequesterType } from '../meter-usage.types';

/**
 * The service addresses a starter kit names: MeterUsage and EsiIdData for everyone, HAN for a REP, and for a TDSP
 * the TdspCallback service it reports HAN statuses to. They live side by side under the public URL
 * (SMT_SOAP_PUBLIC_URL), so the others are taken from the MeterUsage endpoint.
 */
export interface KitEndpoints {
  MeterUsage: string;
  EsiIdData: string;
  /** A REP's kit only. */
  HAN: string | null;
  /** A TDSP's kit only. */
  TdspCallback: string | null;
}

export function kitEndpoints(meterUsageEndpoint: string, requesterType: RequesterType): KitEndpoints {
  return {
    MeterUsage: meterUsageEndpoint,
    EsiIdData: siblingEndpoint(meterUsageEndpoint, 'EsiIdData'),
    HAN: requesterType === 'ROR' ? siblingEndpoint(meterUsageEndpoint, 'HAN') : null,
    TdspCallback: requesterType === 'TDSP' ? siblingEndpoint(meterUsageEndpoint, 'TdspCallback') : null,
  };
}

/** https://smt.example.com:8443/MeterUsage → https://smt.example.com:8443/HAN (any path prefix is kept). */
function siblingEndpoint(endpoint: string, service: string): string {
  const { pathname, search, hash } = new URL(endpoint);
  if (!/\/[^/]+$/.test(pathname) || search || hash) {
    throw new Error(`The MeterUsage endpoint ${endpoint} does not end with the service's name (e.g. https://host:8443/MeterUsage)`);
  }
  return endpoint.replace(/[^/]+$/, service);
}
