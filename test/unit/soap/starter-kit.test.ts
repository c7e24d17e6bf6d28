import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { expect } from 'chai';
import forge from 'node-forge';
import * as soap from 'soap';
import { parseInstallCode } from '../../../src/han/install-code';
import { contractPath } from '../../../src/soap/contract';
import { FAULT_NAMESPACE, FAULT_XSD_FILE } from '../../../src/soap/fault-table';
import { HAN_NAMESPACE, HAN_OPERATIONS, HAN_WSDL_FILE, HAN_XSD_FILE } from '../../../src/soap/han.types';
import { METER_USAGE_NAMESPACE, METER_USAGE_WSDL_FILE, METER_USAGE_XSD_FILE } from '../../../src/soap/meter-usage.types';
import { ESIID_DATA_NAMESPACE, ESIID_DATA_OPERATIONS, ESIID_DATA_WSDL_FILE, ESIID_DATA_XSD_FILE } from '../../../src/soap/esiid-data.types';
import { writeStarterKit, type StarterKit } from '../../../src/soap/starter-kit/starter-kit';
import { ESIID_DATA_KIT_FILES, HAN_KIT_FILES, KIT_FILES, SAMPLE_DIRS, samplePath, TDSP_KIT_FILES } from '../../../src/soap/starter-kit/starter-kit.files';
import { hanSampleRequests, sampleRequests } from '../../../src/soap/starter-kit/starter-kit.samples';
import { SIGNING } from '../../../src/soap/starter-kit/starter-kit.soapui';
import { TDSP_CALLBACK_WSDL_FILE, TDSP_HAN_WSDL_FILE, TDSP_HAN_XSD_FILE } from '../../../src/soap/tdsp-han.types';
import { CliHarness, FIXTURES } from '../../support/cli-harness';
import { validateAgainstXsd } from '../../support/xsd-validate';

const CON = 'http://eviware.com/soapui/config';
const WSDL = 'http://schemas.xmlsoap.org/wsdl/';
const ENDPOINT = 'https://smt.example.com:8443/MeterUsage';
const HAN_ENDPOINT = 'https://smt.example.com:8443/HAN';
const HAN_SAMPLE_OPERATIONS = Object.keys(HAN_OPERATIONS).sort();
const ESIID_DATA_ENDPOINT = 'https://smt.example.com:8443/EsiIdData';
const ESIID_DATA_SAMPLE_OPERATIONS = Object.keys(ESIID_DATA_OPERATIONS).sort();

/** A self-signed certificate and its key as PKCS#12, the way an integrator's keystore looks. */
function makeKeystore(commonName: string, password: string): { p12: Buffer; certPem: string } {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date();
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  cert.setSubject([{ name: 'commonName', value: commonName }]);
  cert.setIssuer([{ name: 'commonName', value: commonName }]);
  cert.sign(key, forge.md.sha256.create());
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, [cert], password, { algorithm: '3des', friendlyName: commonName });
  return { p12: Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'), certPem: forge.pki.certificateToPem(cert) };
}

function parse(xml: string): Document {
  const problems: string[] = [];
  const doc = new DOMParser({ errorHandler: { warning: () => undefined, error: (m: string) => problems.push(m), fatalError: (m: string) => problems.push(m) } })
    .parseFromString(xml, 'text/xml');
  expect(problems, 'well-formed').to.deep.equal([]);
  return doc;
}

function byTag(parent: Document | Element, ns: string, name: string): Element[] {
  return Array.from(parent.getElementsByTagNameNS(ns, name));
}

function text(parent: Element, ns: string, name: string): string {
  return byTag(parent, ns, name)[0]?.textContent ?? '';
}

function readKit(outDir: string, file: string): string {
  return fs.readFileSync(path.join(outDir, file), 'utf8');
}

/** The operations of a WSDL's port type, sorted. */
function wsdlOperations(wsdl: string): string[] {
  return byTag(parse(wsdl), WSDL, 'portType').flatMap((pt) => byTag(pt, WSDL, 'operation')).map((o) => o.getAttribute('name')!).sort();
}

/** The value of each occurrence of a field in a sample envelope. */
function fieldValues(sample: string, prefix: string, field: string): string[] {
  return [...sample.matchAll(new RegExp(`<${prefix}:${field}>([^<]*)</${prefix}:${field}>`, 'g'))].map((m) => m[1]!);
}

describe('soap/starter-kit', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-kit-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  describe('writeStarterKit for a REP, with a keystore', () => {
    const keystore = makeKeystore('rep1.example.com', 'kit-secret');
    const p12Path = path.join(tmp, 'in.p12');
    fs.writeFileSync(p12Path, keystore.p12);
    const outDir = path.join(tmp, 'kit');
    let kit: StarterKit;
    let project: Document;
    const iface = (binding: string) => byTag(project, CON, 'interface').find((i) => i.getAttribute('name') === binding)!;

    before(async () => {
      kit = await writeStarterKit({
        outDir, endpoint: ENDPOINT, entityName: 'Retail Power & Light', duns: '123456789', requesterType: 'ROR',
        clientP12Path: p12Path, p12Password: 'kit-secret', serverCaPem: keystore.certPem, sampleEsiids: ['10443720000000001', '10443720000000002'],
        sampleMeterNumber: 'M0000001', today: '2026-03-01', ftpsUrl: 'ftp://smt.example.com:2121',
      });
      project = parse(readKit(outDir, KIT_FILES.project));
    });

    it('writes the contracts, the project, the certificates, the samples and the README', () => {
      const expected = [...Object.values(KIT_FILES), ...Object.values(HAN_KIT_FILES), ...Object.values(ESIID_DATA_KIT_FILES),
        ...kit.operations.map((o) => samplePath('MeterUsage', o)), ...HAN_SAMPLE_OPERATIONS.map((o) => samplePath('HAN', o)),
        ...ESIID_DATA_SAMPLE_OPERATIONS.map((o) => samplePath('EsiIdData', o))];
      for (const file of expected) expect(fs.existsSync(path.join(outDir, file)), file).to.equal(true);
      expect(kit.files.slice().sort()).to.deep.equal(expected.sort());
      expect(samplePath('HAN', 'GetMeterInfo')).to.equal('requests/HAN/GetMeterInfo.xml');
      expect(fs.readFileSync(path.join(outDir, KIT_FILES.keystore))).to.deep.equal(keystore.p12);
      expect(fs.statSync(path.join(outDir, KIT_FILES.keystore)).mode & 0o777).to.equal(0o600);
      expect(fs.statSync(path.join(outDir, KIT_FILES.project)).mode & 0o777).to.equal(0o600);
      expect(readKit(outDir, KIT_FILES.serverCa)).to.equal(keystore.certPem);
      expect(readKit(outDir, KIT_FILES.xsd)).to.equal(fs.readFileSync(contractPath(METER_USAGE_XSD_FILE), 'utf8'));
      expect(readKit(outDir, KIT_FILES.faultXsd)).to.equal(fs.readFileSync(contractPath(FAULT_XSD_FILE), 'utf8'));
      expect(readKit(outDir, HAN_KIT_FILES.xsd)).to.equal(fs.readFileSync(contractPath(HAN_XSD_FILE), 'utf8'));
      expect(readKit(outDir, ESIID_DATA_KIT_FILES.xsd)).to.equal(fs.readFileSync(contractPath(ESIID_DATA_XSD_FILE), 'utf8'));
      for (const file of Object.values(TDSP_KIT_FILES)) expect(fs.existsSync(path.join(outDir, file)), file).to.equal(false);
    });

    it('copies each WSDL with its endpoint as the address and nothing else changed', () => {
      expect(kit.endpoints).to.deep.equal({ MeterUsage: ENDPOINT, EsiIdData: ESIID_DATA_ENDPOINT, HAN: HAN_ENDPOINT, TdspCallback: null });
      const copies = [
        { file: KIT_FILES.wsdl, source: METER_USAGE_WSDL_FILE, endpoint: ENDPOINT, placeholder: 'https://localhost:8443/MeterUsage' },
        { file: HAN_KIT_FILES.wsdl, source: HAN_WSDL_FILE, endpoint: HAN_ENDPOINT, placeholder: 'https://localhost:8443/HAN' },
        { file: ESIID_DATA_KIT_FILES.wsdl, source: ESIID_DATA_WSDL_FILE, endpoint: ESIID_DATA_ENDPOINT, placeholder: 'https://localhost:8443/EsiIdData' },
      ];
      for (const { file, source, endpoint, placeholder } of copies) {
        const copy = readKit(outDir, file);
        expect(copy, file).to.include(`<soap:address location="${endpoint}"/>`);
        expect(copy.replace(endpoint, placeholder), file).to.equal(fs.readFileSync(contractPath(source), 'utf8'));
      }
    });

    it('has one interface per service in the project, naming every operation of its WSDL, each with a sample call to its endpoint', () => {
      expect(byTag(project, CON, 'interface').map((i) => i.getAttribute('name'))).to.deep.equal(['MeterUsageBinding', 'EsiIdDataBinding', 'HANBinding']);
      const services = [
        { binding: 'MeterUsageBinding', namespace: METER_USAGE_NAMESPACE, wsdl: KIT_FILES.wsdl, endpoint: ENDPOINT, samples: kit.samples as Record<string, string> },
        { binding: 'HANBinding', namespace: HAN_NAMESPACE, wsdl: HAN_KIT_FILES.wsdl, endpoint: HAN_ENDPOINT, samples: kit.hanSamples! as Record<string, string> },
        { binding: 'EsiIdDataBinding', namespace: ESIID_DATA_NAMESPACE, wsdl: ESIID_DATA_KIT_FILES.wsdl, endpoint: ESIID_DATA_ENDPOINT, samples: kit.esiidDataSamples as Record<string, string> },
      ];
      for (const { binding, namespace, wsdl, endpoint, samples } of services) {
        const operations = wsdlOperations(readKit(outDir, wsdl));
        const element = iface(binding);
        expect(element.getAttribute('bindingName')).to.equal(`{${namespace}}${binding}`);
        expect(element.getAttribute('definition')).to.equal(wsdl);
        expect(byTag(element, CON, 'operation').map((o) => o.getAttribute('name')).sort(), binding).to.deep.equal(operations);
        expect(Object.keys(samples).sort(), binding).to.deep.equal(operations);
        expect(text(byTag(element, CON, 'endpoints')[0], CON, 'endpoint')).to.equal(endpoint);
        for (const operation of byTag(element, CON, 'operation')) {
          const name = operation.getAttribute('name')!;
          expect(operation.getAttribute('action')).to.equal(`${namespace}/${name}`);
          const call = byTag(operation, CON, 'call')[0];
          expect(call.getAttribute('outgoingWss')).to.equal('SMT signed request');
          expect(call.getAttribute('sslKeystore')).to.equal('client.p12');
          expect(text(call, CON, 'endpoint')).to.equal(endpoint);
          expect(text(call, CON, 'request')).to.equal(samples[name]);
        }
      }
      expect(kit.operations.slice().sort()).to.deep.equal(wsdlOperations(readKit(outDir, KIT_FILES.wsdl)));
      expect(HAN_SAMPLE_OPERATIONS).to.deep.equal(wsdlOperations(readKit(outDir, HAN_KIT_FILES.wsdl)));
    });

    it('has sample requests that validate against their XSD, in the project and in requests/ (HAN: requests/HAN/)', () => {
      const services = [
        { binding: 'MeterUsageBinding', service: 'MeterUsage', prefix: 'mu', namespace: METER_USAGE_NAMESPACE },
        { binding: 'HANBinding', service: 'HAN', prefix: 'han', namespace: HAN_NAMESPACE },
        { binding: 'EsiIdDataBinding', service: 'EsiIdData', prefix: 'ed', namespace: ESIID_DATA_NAMESPACE },
      ] as const;
      for (const { binding, service, prefix, namespace } of services) {
        for (const operation of byTag(iface(binding), CON, 'operation')) {
          const name = operation.getAttribute('name')!;
          const request = text(byTag(operation, CON, 'call')[0], CON, 'request');
          const result = validateAgainstXsd(request);
          expect(result.valid, `${name}: ${result.errors}`).to.equal(true);
          expect(result.payload).to.match(new RegExp(`^<${prefix}:${name}[ >]`));
          expect(parse(result.payload).documentElement!.namespaceURI, name).to.equal(namespace);
          expect(readKit(outDir, samplePath(service, name))).to.equal(request);
        }
      }
      expect(fs.readdirSync(path.join(outDir, SAMPLE_DIRS.HAN)).sort()).to.deep.equal(HAN_SAMPLE_OPERATIONS.map((o) => `${o}.xml`));
      expect(kit.samples.SubmitUsageRequest).to.include('<mu:esiid>10443720000000002</mu:esiid>');
      expect(kit.samples.GetDailyReads).to.include('<mu:requesterAuthenticationID>123456789</mu:requesterAuthenticationID>');
      expect(kit.samples.GetMonthlyUsage).to.include('<mu:requestorID>retail-power-light</mu:requestorID>');
    });

    it('fills the HAN samples for the entity: its DUNS, its ESI IDs, a valid device, realistic Smart Energy values, today for the log', () => {
      const han = kit.hanSamples!;
      for (const [name, sample] of Object.entries(han)) {
        expect(fieldValues(sample, 'han', 'requesterAuthenticationID'), name).to.deep.equal(['123456789']);
        expect(fieldValues(sample, 'han', 'requestorID'), name).to.deep.equal(['retail-power-light']);
      }
      for (const name of ['SendTextMessage', 'SendLoadControlEvent', 'CancelAllLoadControlEvents', 'SendPriceMessage'] as const) {
        expect(fieldValues(han[name], 'han', 'esiid'), name).to.deep.equal(['10443720000000001', '10443720000000002']);
      }
      const provision = han.ProvisionHanDevice;
      expect(fieldValues(provision, 'han', 'esiid')).to.deep.equal(['10443720000000001']);
      expect(fieldValues(provision, 'han', 'meterNumber')).to.deep.equal(['M0000001']);
      const [mac] = fieldValues(provision, 'han', 'macAddress');
      expect(mac).to.match(/^[0-9A-F]{16}$/).and.not.match(/^(0{16}|F{16})$/);
      expect(fieldValues(han.GetHanDeviceDetails, 'han', 'macAddress')).to.deep.equal([mac]);
      expect(fieldValues(han.DeprovisionHanDevice, 'han', 'macAddress')).to.deep.equal([mac]);
      const [installCode] = fieldValues(provision, 'han', 'installCode');
      expect(parseInstallCode(installCode).hex).to.equal(installCode);
      const [message] = fieldValues(han.SendTextMessage, 'han', 'text');
      expect(Buffer.byteLength(message!, 'utf8')).to.be.greaterThan(0).and.below(59);
      const field = (name: keyof typeof han, f: string) => fieldValues(han[name], 'han', f)[0];
      expect([field('SendLoadControlEvent', 'deviceClass'), field('SendLoadControlEvent', 'durationMinutes'), field('SendLoadControlEvent', 'criticality')])
        .to.deep.equal(['1', '60', '3']);
      expect([field('SendPriceMessage', 'rateLabel'), field('SendPriceMessage', 'trailingDigits'), field('SendPriceMessage', 'priceTier'), field('SendPriceMessage', 'price')])
        .to.deep.equal(['Peak', '4', '2', '1234']);
      expect([field('GetHanMessageLog', 'startDate'), field('GetHanMessageLog', 'endDate')]).to.deep.equal(['03/01/2026', '03/01/2026']);
      expect(han.CancelTextMessage).to.match(/<!-- replace with the requestId SendTextMessage answered -->\s*<han:requestId>/);
    });

    it('caches each contract inline so the project opens without the files', () => {
      const cached = (binding: string) => byTag(iface(binding), CON, 'part').map((p) => ({ url: text(p, CON, 'url'), content: text(p, CON, 'content'), type: text(p, CON, 'type') }));
      const expected = (files: string[]) => files.map((url) => ({
        url, content: readKit(outDir, url), type: url.endsWith('.wsdl') ? 'http://schemas.xmlsoap.org/wsdl/' : 'http://www.w3.org/2001/XMLSchema',
      }));
      expect(cached('MeterUsageBinding')).to.deep.equal(expected([KIT_FILES.wsdl, KIT_FILES.xsd, KIT_FILES.faultXsd]));
      expect(cached('HANBinding')).to.deep.equal(expected([HAN_KIT_FILES.wsdl, HAN_KIT_FILES.xsd, KIT_FILES.faultXsd]));
    });

    it('signs Body and Timestamp with RSA-SHA256, SHA-256 digests, exc-c14n and a BinarySecurityToken from the keystore', () => {
      const container = byTag(project, CON, 'wssContainer')[0];
      expect(byTag(project, CON, 'wssContainer')).to.have.length(1);
      const cryptoConfig = byTag(container, CON, 'crypto')[0];
      expect(text(cryptoConfig, CON, 'source')).to.equal(KIT_FILES.keystore);
      expect(text(cryptoConfig, CON, 'password')).to.equal('kit-secret');
      expect(text(cryptoConfig, CON, 'defaultAlias')).to.equal('rep1.example.com');
      expect(kit.keystoreAlias).to.equal('rep1.example.com');
      expect(byTag(container, CON, 'outgoing')).to.have.length(1);
      const entries = byTag(byTag(container, CON, 'outgoing')[0], CON, 'entry');
      expect(entries.map((e) => e.getAttribute('type'))).to.deep.equal(['Timestamp', 'Signature']);
      expect(entries[0].getElementsByTagName('timeToLive')[0].textContent).to.equal(String(SIGNING.timestampSeconds));
      const signature = entries[1];
      expect(signature.getAttribute('username')).to.equal('rep1.example.com');
      const setting = (name: string) => signature.getElementsByTagName(name)[0]?.textContent;
      expect(setting('crypto')).to.equal('client.p12');
      expect(setting('keyIdentifierType')).to.equal('1');
      expect(setting('signatureAlgorithm')).to.equal('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
      expect(setting('digestAlgorithm')).to.equal('http://www.w3.org/2001/04/xmlenc#sha256');
      expect(setting('signatureCanonicalization')).to.equal('http://www.w3.org/2001/10/xml-exc-c14n#');
      const parts = Array.from(signature.getElementsByTagName('signaturePart')).map((p) => parse(p.textContent!).documentElement!);
      expect(parts.map((p) => byTag(p, CON, 'entry').find((e) => e.getAttribute('key') === 'name')!.getAttribute('value'))).to.deep.equal(['Body', 'Timestamp']);
    });

    it('explains the onboarding steps, the signing settings and HAN in the README', () => {
      const readme = readKit(outDir, KIT_FILES.readme);
      for (const expected of ['Certificate', 'IP addresses', 'PGP key', 'DUNS', 'RSA-SHA256', 'SHA-256', 'exclusive c14n', '**Body**',
        '**Timestamp**', 'BinarySecurityToken', ENDPOINT, '123456789', 'REPORT_TOO_MANY_ESIIDS', 'RANGE_TOO_LARGE', KIT_FILES.faultXsd, FAULT_NAMESPACE,
        '## HAN', HAN_ENDPOINT, HAN_KIT_FILES.wsdl, HAN_KIT_FILES.xsd, `${SAMPLE_DIRS.HAN}/`, 'HANBinding', 'asynchronous', 'Add Acknowledged',
        'Device Added', 'requestId', 'FLR', ...HAN_SAMPLE_OPERATIONS, '## EsiIdData', ESIID_DATA_ENDPOINT, ESIID_DATA_KIT_FILES.wsdl, ESIID_DATA_KIT_FILES.xsd,
        `${SAMPLE_DIRS.EsiIdData}/`, 'EsiIdDataBinding', ...ESIID_DATA_SAMPLE_OPERATIONS]) {
        expect(readme, expected).to.include(expected);
      }
      expect(readme).to.not.include('kit-secret');
      expect(readme).to.not.include(TDSP_KIT_FILES.tdspHanWsdl);
    });

    it('is loadable from the kit folder by node-soap, MeterUsage and HAN alike', async () => {
      const meterUsage = await soap.createClientAsync(path.join(outDir, KIT_FILES.wsdl));
      expect(Object.keys(meterUsage.describe().MeterUsage.MeterUsagePort).sort()).to.deep.equal(kit.operations.slice().sort());
      const han = await soap.createClientAsync(path.join(outDir, HAN_KIT_FILES.wsdl));
      expect(Object.keys(han.describe().HAN.HANPort).sort()).to.deep.equal(HAN_SAMPLE_OPERATIONS);
      const esiidData = await soap.createClientAsync(path.join(outDir, ESIID_DATA_KIT_FILES.wsdl));
      expect(Object.keys(esiidData.describe().EsiIdData.EsiIdDataPort).sort()).to.deep.equal(ESIID_DATA_SAMPLE_OPERATIONS);
    });
  });

  it('writes a TDSP kit without a keystore: no HAN samples, the TDSP side of HAN instead, and where to put a keystore', async () => {
    const outDir = path.join(tmp, 'tdsp');
    const kit = await writeStarterKit({ outDir, endpoint: ENDPOINT, entityName: 'Wires Inc', duns: '1000000020001', requesterType: 'TDSP', serverCaPem: '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----', ftpsUrl: 'ftp://smt.example.com:2121' });
    expect(fs.existsSync(path.join(outDir, KIT_FILES.keystore))).to.equal(false);
    expect(kit.keystoreAlias).to.equal(null);
    expect(kit.samples.SubmitUsageRequest).to.include('<mu:requesterType>TDSP</mu:requesterType>');
    for (const sample of Object.values(kit.samples)) expect(validateAgainstXsd(sample).valid).to.equal(true);

    expect(kit.hanSamples).to.equal(null);
    expect(kit.endpoints).to.deep.equal({ MeterUsage: ENDPOINT, EsiIdData: ESIID_DATA_ENDPOINT, HAN: null, TdspCallback: 'https://smt.example.com:8443/TdspCallback' });
    expect(fs.existsSync(path.join(outDir, SAMPLE_DIRS.HAN))).to.equal(false);
    for (const file of Object.values(HAN_KIT_FILES)) expect(fs.existsSync(path.join(outDir, file)), file).to.equal(false);
    expect(kit.files).to.include.members(Object.values(TDSP_KIT_FILES));
    expect(kit.files.filter((f) => f.startsWith('requests/')).sort()).to.deep.equal([
      ...kit.operations.map((o) => samplePath('MeterUsage', o)), ...ESIID_DATA_SAMPLE_OPERATIONS.map((o) => samplePath('EsiIdData', o)),
    ].sort());
    for (const sample of Object.values(kit.esiidDataSamples)) expect(validateAgainstXsd(sample).errors).to.equal('');
    expect(kit.esiidDataSamples.GetDataGaps).to.include('<ed:requesterAuthenticationID>1000000020001</ed:requesterAuthenticationID>');
    expect(readKit(outDir, TDSP_KIT_FILES.tdspHanWsdl)).to.equal(fs.readFileSync(contractPath(TDSP_HAN_WSDL_FILE), 'utf8'));
    expect(readKit(outDir, TDSP_KIT_FILES.xsd)).to.equal(fs.readFileSync(contractPath(TDSP_HAN_XSD_FILE), 'utf8'));
    const callback = readKit(outDir, TDSP_KIT_FILES.callbackWsdl);
    expect(callback).to.include('<soap:address location="https://smt.example.com:8443/TdspCallback"/>');
    expect(callback.replace('https://smt.example.com:8443/TdspCallback', 'https://localhost:8443/TdspCallback'))
      .to.equal(fs.readFileSync(contractPath(TDSP_CALLBACK_WSDL_FILE), 'utf8'));

    const project = parse(readKit(outDir, KIT_FILES.project));
    expect(byTag(project, CON, 'interface').map((i) => i.getAttribute('name'))).to.deep.equal(['MeterUsageBinding', 'EsiIdDataBinding']);
    const readme = readKit(outDir, KIT_FILES.readme);
    for (const expected of ['Not included', TDSP_KIT_FILES.tdspHanWsdl, TDSP_KIT_FILES.callbackWsdl, TDSP_KIT_FILES.xsd, 'https://smt.example.com:8443/TdspCallback']) {
      expect(readme, expected).to.include(expected);
    }
    expect(readme).to.not.include(HAN_KIT_FILES.wsdl).and.not.include(SAMPLE_DIRS.HAN);
  });

  it('asks for recent days, within the synchronous limits', () => {
    const samples = sampleRequests({ entityName: 'x', duns: '123456789', today: '2026-03-01' });
    expect(samples.GetIntervalUsage).to.include('<mu:startDate>02/22/2026</mu:startDate>').and.include('<mu:endDate>02/28/2026</mu:endDate>');
    expect(samples.GetDailyReads).to.include('<mu:startDate>01/30/2026</mu:startDate>');
  });

  it('marks an unknown meter number in the HAN sample: the placeholder and a comment pointing to GetMeterInfo', () => {
    const samples = hanSampleRequests({ entityName: 'x', duns: '123456789', sampleEsiids: ['1008901000000000000001'] });
    expect(samples.ProvisionHanDevice).to.match(
      /<!-- replace with the meterNumber GetMeterInfo answers for ESI ID 1008901000000000000001 -->\s*<han:meterNumber>ASK-GetMeterInfo<\/han:meterNumber>/,
    );
    expect(validateAgainstXsd(samples.ProvisionHanDevice).valid).to.equal(true);
  });

  describe('smt starter-kit', () => {
    const cli = new CliHarness('smt-kit-cli-');
    after(() => cli.remove());
    const runWithPublicUrl = async (publicUrl: string, ...args: string[]) => {
      const saved = process.env.SMT_SOAP_PUBLIC_URL;
      process.env.SMT_SOAP_PUBLIC_URL = publicUrl;
      try {
        return await cli.run(...args);
      } finally {
        if (saved === undefined) delete process.env.SMT_SOAP_PUBLIC_URL;
        else process.env.SMT_SOAP_PUBLIC_URL = saved;
      }
    };

    before(async () => {
      const imported = await cli.run('registry', 'import', ...['participants.csv', 'esiids.csv', 'rep-of-record.csv'].map((f) => path.join(FIXTURES, 'registry', f)));
      expect(imported.status, imported.err).to.equal(0);
    });

    it('writes the kit for a registered REP with its demo keystore, the configured endpoints and the registered meter', async () => {
      const demoDir = path.join(cli.dataDir, 'demo', 'demo-rep');
      fs.mkdirSync(demoDir, { recursive: true });
      const keystore = makeKeystore('demo-rep', 'demo-pass');
      fs.writeFileSync(path.join(demoDir, 'client.p12'), keystore.p12);
      fs.writeFileSync(path.join(demoDir, 'p12-password.txt'), 'demo-pass\n');
      const ca = path.join(tmp, 'server-ca.pem');
      fs.writeFileSync(ca, keystore.certPem);
      const out = path.join(tmp, 'cli-kit');
      const r = await runWithPublicUrl('https://smt.example.net/', 'starter-kit', '--entity', 'demo rep', '--out', out, '--server-ca', ca);
      expect(r.status, r.err).to.equal(0);
      expect(r.out).to.include('DUNS 200000001').and.include('soapui-project.xml').and.include('requests/HAN/ProvisionHanDevice.xml')
        .and.include('HAN: https://smt.example.net/HAN').and.include('WARNING MeterUsage: the kit names https://smt.example.net/MeterUsage')
        .and.include('nothing: no platform answered there');
      expect(fs.readFileSync(path.join(out, KIT_FILES.keystore))).to.deep.equal(keystore.p12);
      const project = fs.readFileSync(path.join(out, KIT_FILES.project), 'utf8');
      expect(project).to.include('<con:endpoint>https://smt.example.net/MeterUsage</con:endpoint>');
      expect(project).to.include('<con:endpoint>https://smt.example.net/HAN</con:endpoint>');
      expect(project).to.include('<con:defaultAlias>demo-rep</con:defaultAlias>');
      expect(readKit(out, HAN_KIT_FILES.wsdl)).to.include('<soap:address location="https://smt.example.net/HAN"/>');
      const provision = readKit(out, samplePath('HAN', 'ProvisionHanDevice'));
      expect(fieldValues(provision, 'han', 'esiid')).to.deep.equal(['10443720000000001']);
      expect(fieldValues(provision, 'han', 'meterNumber')).to.deep.equal(['M0000001']);
      expect(validateAgainstXsd(provision).valid).to.equal(true);
    });

    it('writes a TDSP\'s kit with the TDSP side of HAN and its callback endpoint', async () => {
      const out = path.join(tmp, 'cli-kit-tdsp');
      const ca = path.join(tmp, 'tdsp-server-ca.pem');
      fs.writeFileSync(ca, makeKeystore('smt-ca', 'x').certPem);
      const r = await runWithPublicUrl('https://smt.example.net:9000', 'starter-kit', '--entity', 'Demo TDSP', '--out', out, '--server-ca', ca);
      expect(r.status, r.err).to.equal(0);
      expect(r.out).to.include('DUNS 100000001').and.include(TDSP_KIT_FILES.callbackWsdl).and.include('TdspCallback: https://smt.example.net:9000/TdspCallback')
        .and.not.include('requests/HAN/');
      expect(fs.existsSync(path.join(out, SAMPLE_DIRS.HAN))).to.equal(false);
      expect(readKit(out, TDSP_KIT_FILES.callbackWsdl)).to.include('<soap:address location="https://smt.example.net:9000/TdspCallback"/>');
    });

    it('explains an unknown participant, a foreign DUNS and a missing server CA', async () => {
      const out = path.join(tmp, 'cli-kit-2');
      const unknown = await cli.run('starter-kit', '--entity', 'Nobody', '--out', out);
      expect(unknown.status).to.equal(2);
      expect(unknown.err).to.include('No participant named "Nobody"').and.include('"Demo REP"');
      const foreign = await cli.run('starter-kit', '--entity', 'Demo REP', '--out', out, '--duns', '100000001');
      expect(foreign.err).to.include('is not one of');
      const noCa = await cli.run('starter-kit', '--entity', 'Demo REP', '--out', out);
      expect(noCa.status).to.equal(2);
      expect(noCa.err).to.include('smt pki init');
    });
  });
});
