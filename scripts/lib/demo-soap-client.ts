import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import * as soap from 'soap';

/**
 * A node-soap client of one of the platform's services, set up as a REP's back office sets it up:
 * mutual TLS with the demo REP's client certificate, every request signed (WS-Security: Timestamp,
 * BinarySecurityToken, RSA-SHA256 over Body and Timestamp). Pass `call` as each call's options.
 */
export async function demoRepClient(dataDir: string, url: string): Promise<{ client: soap.Client; call: { httpsAgent: https.Agent } }> {
  const demo = path.join(dataDir, 'demo', 'demo-rep');
  if (!fs.existsSync(path.join(demo, 'client.crt'))) {
    throw new Error(`${dataDir} holds no demo REP (${demo}): start the platform first (npm start makes ./var), or name its data dir with --data DIR or SMT_DATA_DIR`);
  }
  const cert = fs.readFileSync(path.join(demo, 'client.crt'), 'utf8');
  const key = fs.readFileSync(path.join(demo, 'client.key'), 'utf8');
  const agent = new https.Agent({ cert, key, ca: fs.readFileSync(path.join(dataDir, 'pki', 'ca.crt')), keepAlive: true });
  const client = await soap.createClientAsync(`${url}?wsdl`, { wsdl_options: { httpsAgent: agent } });
  client.setEndpoint(url);
  client.setSecurity(new soap.WSSecurityCert(key, cert, '', {
    hasTimeStamp: true,
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    signerOptions: { idMode: 'wssecurity' },
  } as never));
  return { client, call: { httpsAgent: agent } };
}

/** What went wrong, with the smtFault's code and message when the platform answered with a fault. */
export function describeFailure(error: unknown): string {
  const body = (error as { body?: string }).body;
  const code = body ? /<code>([^<]+)<\/code>/.exec(body)?.[1] : undefined;
  const message = body ? /<message>([^<]+)<\/message>/.exec(body)?.[1] : undefined;
  return code ? `${code}: ${message}` : (body ?? (error as Error).message);
}
