import fs from 'node:fs/promises';
import path from 'node:path';
import forge from 'node-forge';
import { cptToday } from '../../core/cpt';
import { contractPath } from '../contract';
import { ESIID_DATA_NAMESPACE, ESIID_DATA_WSDL_FILE, ESIID_DATA_XSD_FILE, type EsiIdDataOperation } from '../esiid-data.types';
import { FAULT_XSD_FILE } from '../fault-table';
import { HAN_NAMESPACE, HAN_WSDL_FILE, HAN_XSD_FILE, type HanOperation } from '../han.types';
import { METER_USAGE_NAMESPACE, METER_USAGE_WSDL_FILE, METER_USAGE_XSD_FILE, type MeterUsageOperation } from '../meter-usage.types';
import { kitEndpoints, type KitEndpoints } from './starter-kit.endpoints';
import { esiidDataSampleRequests } from './starter-kit.esiid-samples';
import { DEMO_KIT_FILES, ESIID_DATA_KIT_FILES, HAN_KIT_FILES, KIT_FILES, samplePath, TDSP_KIT_FILES } from './starter-kit.files';
import { readme } from './starter-kit.readme';
import { hanSampleRequests, sampleRequests, type SampleOptions } from './starter-kit.samples';
import { soapUiProject, type SoapUiInterface } from './starter-kit.soapui';
import { TDSP_CALLBACK_WSDL_FILE, TDSP_HAN_WSDL_FILE, TDSP_HAN_XSD_FILE } from '../tdsp-han.types';
import { withServiceAddress } from '../wsdl-address';
import { ZEEP_SCRIPT } from './starter-kit.zeep';

/**
 * The soapUI starter kit an integrator gets at onboarding: the contracts, a soapUI project with one
 * sample request per operation and WS-Security set up as the server expects it, the certificates,
 * and a README with the steps. Every kit covers MeterUsage and EsiIdData; a REP's also HAN (contract, samples and
 * an interface of its own in the project), a TDSP's instead the TDSP side of HAN (TdspHan and TdspCallback
 * contracts). Sample requests are valid against their XSD (checked by a test).
 * Layout: starter-kit.files.ts; samples, project and README: starter-kit.{samples,soapui,readme}.ts.
 */

export interface StarterKitOptions extends SampleOptions {
  outDir: string;
  /** The MeterUsage endpoint, e.g. https://smt.example.com:8443/MeterUsage; HAN and TdspCallback are its siblings (…/HAN). */
  endpoint: string;
  /** The entity's client certificate and key as PKCS#12; copied into the kit when given. */
  clientP12Path?: string;
  p12Password?: string;
  /** The CA certificate the server's TLS certificate (and response signatures) chain to. */
  serverCaPem: string;
  /** Days delivered files stay in the FTPS folder (SMT_RETENTION_DAYS), for the README. */
  retentionDays?: number;
  /** The FTPS site as integrators reach it (SMT_FTPS_PUBLIC_URL). */
  ftpsUrl: string;
  /** A development setup's demo participant: its passwords go into the README, its PGP private key into the kit. */
  demo?: { ftpsPassword: string | null; pgpPrivateKeyPath: string | null };
}

export interface StarterKit {
  outDir: string;
  /** Paths relative to outDir, in the order written. */
  files: string[];
  /** The addresses written into the WSDLs, the project and the README. */
  endpoints: KitEndpoints;
  operations: MeterUsageOperation[];
  /** The MeterUsage sample envelope of each operation, as in the project and in requests/. */
  samples: Record<MeterUsageOperation, string>;
  /** A REP's kit: the HAN sample envelope of each operation, as in the project and in requests/HAN/; null in a TDSP's kit. */
  hanSamples: Record<HanOperation, string> | null;
  /** The EsiIdData sample envelope of each operation, as in the project and in requests/EsiIdData/. */
  esiidDataSamples: Record<EsiIdDataOperation, string>;
  /** The key alias found in the keystore, when it could be opened. */
  keystoreAlias: string | null;
}

const PRIVATE = 0o600;
const PUBLIC = 0o644;

export async function writeStarterKit(options: StarterKitOptions): Promise<StarterKit> {
  const outDir = path.resolve(options.outDir);
  const files: string[] = [];
  const write = async (relative: string, content: string | Buffer, mode: number) => {
    const file = path.join(outDir, relative);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, content, { mode });
    await fs.chmod(file, mode);
    files.push(relative);
  };
  const contract = (file: string) => fs.readFile(contractPath(file), 'utf8');

  const endpoints = kitEndpoints(options.endpoint, options.requesterType ?? 'ROR');
  const wsdl = withServiceAddress(await contract(METER_USAGE_WSDL_FILE), endpoints.MeterUsage);
  const xsd = await contract(METER_USAGE_XSD_FILE);
  const faultXsd = await contract(FAULT_XSD_FILE);
  const samples = sampleRequests(options);
  const han = endpoints.HAN === null ? null : {
    endpoint: endpoints.HAN,
    wsdl: withServiceAddress(await contract(HAN_WSDL_FILE), endpoints.HAN),
    xsd: await contract(HAN_XSD_FILE),
    samples: hanSampleRequests(options),
  };
  const esiidData = {
    wsdl: withServiceAddress(await contract(ESIID_DATA_WSDL_FILE), endpoints.EsiIdData),
    xsd: await contract(ESIID_DATA_XSD_FILE),
    samples: esiidDataSampleRequests(options),
  };
  const keystore = options.clientP12Path ? await fs.readFile(options.clientP12Path) : null;
  const keystoreAlias = keystore && options.p12Password !== undefined ? pkcs12Alias(keystore, options.p12Password) : null;

  await write(KIT_FILES.wsdl, wsdl, PUBLIC);
  await write(KIT_FILES.xsd, xsd, PUBLIC);
  await write(KIT_FILES.faultXsd, faultXsd, PUBLIC);
  for (const [operation, xml] of Object.entries(samples)) await write(samplePath('MeterUsage', operation), xml, PUBLIC);
  await write(ESIID_DATA_KIT_FILES.wsdl, esiidData.wsdl, PUBLIC);
  await write(ESIID_DATA_KIT_FILES.xsd, esiidData.xsd, PUBLIC);
  for (const [operation, xml] of Object.entries(esiidData.samples)) await write(samplePath('EsiIdData', operation), xml, PUBLIC);
  if (han) {
    await write(HAN_KIT_FILES.wsdl, han.wsdl, PUBLIC);
    await write(HAN_KIT_FILES.xsd, han.xsd, PUBLIC);
    for (const [operation, xml] of Object.entries(han.samples)) await write(samplePath('HAN', operation), xml, PUBLIC);
  }
  if (endpoints.TdspCallback !== null) {
    // TdspHan.wsdl keeps its placeholder address: the TDSP implements that service at an address of its own.
    await write(TDSP_KIT_FILES.tdspHanWsdl, await contract(TDSP_HAN_WSDL_FILE), PUBLIC);
    await write(TDSP_KIT_FILES.callbackWsdl, withServiceAddress(await contract(TDSP_CALLBACK_WSDL_FILE), endpoints.TdspCallback), PUBLIC);
    await write(TDSP_KIT_FILES.xsd, await contract(TDSP_HAN_XSD_FILE), PUBLIC);
  }
  await write(KIT_FILES.zeepScript, ZEEP_SCRIPT, PUBLIC);
  await write(KIT_FILES.serverCa, options.serverCaPem.endsWith('\n') ? options.serverCaPem : `${options.serverCaPem}\n`, PUBLIC);
  if (keystore) await write(KIT_FILES.keystore, keystore, PRIVATE);
  const pgpKey = options.demo?.pgpPrivateKeyPath ? await fs.readFile(options.demo.pgpPrivateKeyPath) : null;
  if (pgpKey) await write(DEMO_KIT_FILES.pgpKey, pgpKey, PRIVATE);

  const interfaces: SoapUiInterface[] = [{
    binding: 'MeterUsageBinding', namespace: METER_USAGE_NAMESPACE, endpoint: endpoints.MeterUsage, samples,
    definition: [{ url: KIT_FILES.wsdl, content: wsdl }, { url: KIT_FILES.xsd, content: xsd }, { url: KIT_FILES.faultXsd, content: faultXsd }],
  }, {
    binding: 'EsiIdDataBinding', namespace: ESIID_DATA_NAMESPACE, endpoint: endpoints.EsiIdData, samples: esiidData.samples,
    definition: [{ url: ESIID_DATA_KIT_FILES.wsdl, content: esiidData.wsdl }, { url: ESIID_DATA_KIT_FILES.xsd, content: esiidData.xsd }, { url: KIT_FILES.faultXsd, content: faultXsd }],
  }];
  if (han) {
    interfaces.push({
      binding: 'HANBinding', namespace: HAN_NAMESPACE, endpoint: han.endpoint, samples: han.samples,
      definition: [{ url: HAN_KIT_FILES.wsdl, content: han.wsdl }, { url: HAN_KIT_FILES.xsd, content: han.xsd }, { url: KIT_FILES.faultXsd, content: faultXsd }],
    });
  }
  // The project holds the keystore password when it is known: owner-only, like the keystore.
  await write(KIT_FILES.project, soapUiProject({ ...options, keystoreAlias, interfaces }), PRIVATE);
  await write(KIT_FILES.readme, readme({
    ...options, endpoints, keystoreIncluded: keystore !== null, keystorePasswordKnown: options.p12Password !== undefined, keystoreAlias,
    ownEsiids: options.sampleEsiids ?? [], dataDays: options.dataDays ?? [], writtenOn: options.today ?? cptToday(),
    demo: options.demo ? { p12Password: options.p12Password ?? null, ftpsPassword: options.demo.ftpsPassword, pgpKeyFile: pgpKey ? DEMO_KIT_FILES.pgpKey : null } : null,
  }), options.demo ? PRIVATE : PUBLIC); // a demo kit's README carries its passwords: owner-only, like the keystore
  return {
    outDir, files, endpoints, operations: Object.keys(samples) as MeterUsageOperation[], samples, hanSamples: han?.samples ?? null, esiidDataSamples: esiidData.samples, keystoreAlias,
  };
}

/** The alias soapUI lists for the keystore's key: its friendlyName. null when the keystore cannot be opened. */
function pkcs12Alias(p12: Buffer, password: string): string | null {
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(p12.toString('binary')));
    const bags = forge.pkcs12.pkcs12FromAsn1(asn1, password).getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ?? [];
    return bags.flatMap((bag) => bag.attributes.friendlyName ?? [])[0] ?? null;
  } catch {
    return null;
  }
}
