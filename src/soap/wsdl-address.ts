import { escapeXml } from './xml-text';

/**
 * The address a WSDL gives its service. The contracts in wsdl/ carry a placeholder
 * (https://localhost:8443/…); every WSDL handed to a client, served at `?wsdl` or copied into a
 * starter kit, names the address that client must call instead: the public URL (SMT_SOAP_PUBLIC_URL)
 * followed by the service's path.
 */

/** The WSDL with its soap:address location replaced by `endpoint`. */
export function withServiceAddress(wsdl: string, endpoint: string): string {
  return wsdl.replace(/(<soap:address location=")[^"]*(")/, `$1${escapeXml(endpoint)}$2`);
}

/**
 * A base URL whose port is 0 (the server was told to pick a free port: SMT_SOAP_PORT=0 with the
 * default public URL) with the port the server got; any other URL as it is.
 * https://localhost:0 → https://localhost:40123; https://smt.example.com/api → unchanged.
 */
export function publicUrlOnPort(publicUrl: string, port: number): string {
  return publicUrl.replace(/^(https?:\/\/[^/]*):0(?=\/|$)/i, `$1:${port}`);
}
