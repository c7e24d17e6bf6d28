import type https from 'node:https';
import * as soap from 'soap';
import { appendInstallCodeCrc } from '../../src/han/install-code';
import type { Rep, SoakOptions } from './scale-out-soak';

/** One REP's SOAP clients (mutual TLS, signed requests) on an API instance. */
export interface RepClient {
  usage: soap.Client;
  han: soap.Client;
  agent: https.Agent;
}


async function call(client: soap.Client, agent: https.Agent, operation: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const [result] = await (client as unknown as Record<string, (a: unknown, o: unknown) => Promise<[Record<string, unknown>]>>)[`${operation}Async`]!(args, { httpsAgent: agent });
  return result;
}

/** MM/DD/YYYY, as the MeterUsage service takes dates. */
function usDate(day: string): string {
  return `${day.slice(5, 7)}/${day.slice(8, 10)}/${day.slice(0, 4)}`;
}

/** The REP's ad-hoc interval reports over the stored days, each for all its ESI IDs; returns their correlation ids. */
export async function submitReport(client: RepClient, rep: Rep, o: SoakOptions): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < o.reportsPerRep; i++) {
    const last = new Date(Date.UTC(2025, 5, o.days)).toISOString().slice(0, 10);
    const result = await call(client.usage, client.agent, 'SubmitUsageRequest', {
      trans_id: `soak-${rep.duns}-${i}`, requestorID: 'soak', requesterType: 'ROR', requesterAuthenticationID: rep.duns,
      reportType: 'INTERVAL', startDate: usDate('2025-06-01'), endDate: usDate(last), version: 'L', readingType: 'C', esiid: rep.esiids,
    });
    ids.push(String(result.correlationId));
  }
  return ids;
}

/** Provisions HAN devices on the REP's first ESI IDs; returns the platform's request ids. */
export async function submitHan(client: RepClient, rep: Rep, o: SoakOptions): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < o.hanPerRep; i++) {
    const index = Number(rep.duns.slice(1)) * 1000 + i;
    const result = await call(client.han, client.agent, 'ProvisionHanDevice', {
      trans_id: `soak-han-${rep.duns}-${i}`, requestorID: 'soak', requesterAuthenticationID: rep.duns,
      esiid: rep.esiids[i % rep.esiids.length], meterNumber: meterOf(rep, i % rep.esiids.length),
      macAddress: `00124B${index.toString(16).toUpperCase().padStart(10, '0')}`, installCode: appendInstallCodeCrc('83FED3407A939723'),
    });
    ids.push(String(result.requestId));
  }
  return ids;
}

/** The meter number registered for the REP's n-th ESI ID (see addReps). */
function meterOf(rep: Rep, n: number): string {
  const repIndex = Number(rep.duns.slice(1)) - 1;
  return `S${String(repIndex * rep.esiids.length + n).padStart(8, '0')}`;
}

/** A request signed once, to be sent twice (the second time to another instance): GetUsageRequestStatus of an unknown id. */
export function signedRequest(rep: Rep): string {
  const body = `<GetUsageRequestStatus xmlns="urn:smt-platform:meter-usage:v1"><trans_id>soak-replay</trans_id><requestorID>soak</requestorID><correlationId>00000000-0000-0000-0000-000000000000</correlationId></GetUsageRequestStatus>`;
  const security = new soap.WSSecurityCert(rep.files.privateKeyPem, rep.files.certificatePem, '', {
    hasTimeStamp: true, signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256', signerOptions: { idMode: 'wssecurity' },
  } as never);
  return security.postProcess(`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header></soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`, 'soap');
}
