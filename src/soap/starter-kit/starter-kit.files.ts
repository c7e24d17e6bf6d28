import { ESIID_DATA_WSDL_FILE, ESIID_DATA_XSD_FILE } from '../esiid-data.types';
import { FAULT_XSD_FILE } from '../fault-table';
import { HAN_WSDL_FILE, HAN_XSD_FILE } from '../han.types';
import { METER_USAGE_WSDL_FILE, METER_USAGE_XSD_FILE } from '../meter-usage.types';
import { TDSP_CALLBACK_WSDL_FILE, TDSP_HAN_WSDL_FILE, TDSP_HAN_XSD_FILE } from '../tdsp-han.types';

/** Where each file of the starter kit goes, relative to the kit's folder. */

/** In every kit: the MeterUsage contract, the soapUI project, the certificates and the README. */
export const KIT_FILES = {
  wsdl: `wsdl/${METER_USAGE_WSDL_FILE}`,
  xsd: `wsdl/${METER_USAGE_XSD_FILE}`,
  /** Imported by every schema of the kit: the smtFault detail of every fault. */
  faultXsd: `wsdl/${FAULT_XSD_FILE}`,
  project: 'soapui-project.xml',
  serverCa: 'certs/server-ca.pem',
  keystore: 'certs/client.p12',
  readme: 'README.md',
  /** Sends one sample with zeep, signed, and checks the answer's signature: the stock-tool path without soapUI. */
  zeepScript: 'call-sample.py',
} as const;

/** In every kit: the EsiIdData service (ESI ID data services and the data-gap report), for REPs and TDSPs alike. */
export const ESIID_DATA_KIT_FILES = {
  wsdl: `wsdl/${ESIID_DATA_WSDL_FILE}`,
  xsd: `wsdl/${ESIID_DATA_XSD_FILE}`,
} as const;

/** In a development kit for a demo participant: its PGP private key, to decrypt its report files. */
export const DEMO_KIT_FILES = { pgpKey: 'certs/pgp-private.asc' } as const;

/** In a REP's kit: the HAN service it calls. */
export const HAN_KIT_FILES = {
  wsdl: `wsdl/${HAN_WSDL_FILE}`,
  xsd: `wsdl/${HAN_XSD_FILE}`,
} as const;

/** In a TDSP's kit instead: the TDSP side of HAN, the service it implements (TdspHan) and the one it calls back (TdspCallback). */
export const TDSP_KIT_FILES = {
  tdspHanWsdl: `wsdl/${TDSP_HAN_WSDL_FILE}`,
  callbackWsdl: `wsdl/${TDSP_CALLBACK_WSDL_FILE}`,
  xsd: `wsdl/${TDSP_HAN_XSD_FILE}`,
} as const;

/** The folder of each service's sample requests as plain SOAP envelopes. */
export const SAMPLE_DIRS = { MeterUsage: 'requests', HAN: 'requests/HAN', EsiIdData: 'requests/EsiIdData' } as const;

/** The sample request of one operation: requests/SubmitUsageRequest.xml, requests/HAN/ProvisionHanDevice.xml, requests/EsiIdData/GetDataGaps.xml. */
export function samplePath(service: keyof typeof SAMPLE_DIRS, operation: string): string {
  return `${SAMPLE_DIRS[service]}/${operation}.xml`;
}
