import type { Logger } from '../core/logger';
import type { CredentialsService } from '../security/credentials.service';
import type { ReplayGuard } from '../security/replay-cache';
import type { SigningCredentials } from '../security/ws-security.signer';
import type { WsSecurityPool } from '../security/ws-security.pool';
import { authenticatedCaller } from './client-identity';
import { ESIID_DATA_NAMESPACE, ESIID_DATA_OPERATIONS, ESIID_DATA_WSDL_FILE, ESIID_DATA_XSD_FILE, type EsiIdDataMethods } from './esiid-data.types';
import { FAULT_XSD_FILE } from './fault-table';
import { HAN_NAMESPACE, HAN_OPERATIONS, HAN_WSDL_FILE, HAN_XSD_FILE, type HanMethods } from './han.types';
import { METER_USAGE_NAMESPACE, METER_USAGE_OPERATIONS, METER_USAGE_WSDL_FILE, METER_USAGE_XSD_FILE, type MeterUsageMethods } from './meter-usage.types';
import { authenticateClient, type MessageSecurityOptions } from './soap-security.middleware';
import { startSoapHost, type RunningSoapServer } from './soap-host';
import { TDSP_CALLBACK_OPERATIONS, TDSP_CALLBACK_WSDL_FILE, TDSP_HAN_NAMESPACE, TDSP_HAN_XSD_FILE, type TdspCallbackMethods } from './tdsp-han.types';

export type { RunningSoapServer } from './soap-host';
export { publicUrlOnPort } from './wsdl-address';

export interface SoapServerOptions extends Omit<MessageSecurityOptions, 'operations' | 'priority'> {
  host: string;
  port: number;
  /** The server's TLS certificate and key, which also sign every response. */
  server: SigningCredentials;
  /** PEM bundle of the CA(s) client certificates must chain to. */
  clientCaPem: string;
  /** SMT_SOAP_PUBLIC_URL: the served WSDLs name <publicUrl>/MeterUsage, /EsiIdData, /HAN and /TdspCallback (port 0: the port the server got). */
  publicUrl: string;
}

export interface SoapServerDeps {
  credentials: CredentialsService;
  security: WsSecurityPool;
  meterUsage: MeterUsageMethods;
  esiidData: EsiIdDataMethods;
  han: HanMethods;
  tdspCallback: TdspCallbackMethods;
  /** The replay records every process on the database shares. */
  replay: ReplayGuard;
  logger: Logger;
}

/**
 * The platform's SOAP front door: MeterUsage, EsiIdData and HAN for REPs (and TDSPs reading usage), and
 * TdspCallback for TDSPs reporting HAN statuses. Every caller is a registered entity: its client
 * certificate, its address, its signature.
 */
export function startSoapServer(deps: SoapServerDeps, options: SoapServerOptions): Promise<RunningSoapServer> {
  return startSoapHost([
    {
      path: '/MeterUsage', wsdlFile: METER_USAGE_WSDL_FILE, service: 'MeterUsage', port: 'MeterUsagePort',
      namespace: METER_USAGE_NAMESPACE, operations: Object.keys(METER_USAGE_OPERATIONS), methods: deps.meterUsage,
    },
    {
      path: '/EsiIdData', wsdlFile: ESIID_DATA_WSDL_FILE, service: 'EsiIdData', port: 'EsiIdDataPort',
      namespace: ESIID_DATA_NAMESPACE, operations: Object.keys(ESIID_DATA_OPERATIONS), methods: deps.esiidData,
    },
    {
      path: '/HAN', wsdlFile: HAN_WSDL_FILE, service: 'HAN', port: 'HANPort',
      namespace: HAN_NAMESPACE, operations: Object.keys(HAN_OPERATIONS), methods: deps.han,
    },
    {
      path: '/TdspCallback', wsdlFile: TDSP_CALLBACK_WSDL_FILE, service: 'TdspCallback', port: 'TdspCallbackPort',
      namespace: TDSP_HAN_NAMESPACE, operations: Object.keys(TDSP_CALLBACK_OPERATIONS), methods: deps.tdspCallback, urgent: true,
    },
  ], {
    security: deps.security,
    authenticate: authenticateClient(deps.credentials, deps.logger),
    signerOf: authenticatedCaller,
    replay: deps.replay,
    logger: deps.logger,
  }, { ...options, schemaFiles: [METER_USAGE_XSD_FILE, ESIID_DATA_XSD_FILE, HAN_XSD_FILE, TDSP_HAN_XSD_FILE, FAULT_XSD_FILE] });
}
