import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { expect } from 'chai';
import forge from 'node-forge';
import * as soap from 'soap';
import { contractPath } from '../../../src/soap/contract';
import { FAULT_NAMESPACE, FAULT_XSD_FILE } from '../../../src/soap/fault-table';
import { METER_USAGE_WSDL_FILE, METER_USAGE_XSD_FILE } from '../../../src/soap/meter-usage.types';
import { KIT_FILES, sampleRequests, SIGNING, writeStarterKit, type StarterKit } from '../../../src/soap/starter-kit';
import { CliHarness, FIXTURES } from '../../support/cli-harness';
import { validateAgainstXsd } from '../../support/xsd-validate';

const CON = 'http://eviware.com/soapui/config';
const WSDL = 'http://schemas.xmlsoap.org/wsdl/';
const ENDPOINT = 'https://smt.example.com:8443/MeterUsage';

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

describe('soap/starter-kit', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'smt-kit-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  describe('writeStarterKit with a keystore', () => {
    const keystore = makeKeystore('rep1.example.com', 'kit-secret');
    const p12Path = path.join(tmp, 'in.p12');
    fs.writeFileSync(p12Path, keystore.p12);
    const outDir = path.join(tmp, 'kit');
    let kit: StarterKit;
    let project: Document;

    before(async () => {
      kit = await writeStarterKit({
        outDir, endpoint: ENDPOINT, entityName: 'Retail Power & Light', duns: '123456789', requesterType: 'ROR',
        clientP12Path: p12Path, p12Password: 'kit-secret', serverCaPem: keystore.certPem, sampleEsiids: ['10443720000000001', '10443720000000002'],
      });
      project = parse(fs.readFileSync(path.join(outDir, KIT_FILES.project), 'utf8'));
    });

    it('writes the contract, the project, the certificates, the samples and the README', () => {
      for (const file of Object.values(KIT_FILES)) expect(fs.existsSync(path.join(outDir, file)), file).to.equal(true);
      expect(kit.files).to.include.members(Object.values(KIT_FILES));
      expect(fs.readFileSync(path.join(outDir, KIT_FILES.keystore))).to.deep.equal(keystore.p12);
      expect(fs.statSync(path.join(outDir, KIT_FILES.keystore)).mode & 0o777).to.equal(0o600);
      expect(fs.statSync(path.join(outDir, KIT_FILES.project)).mode & 0o777).to.equal(0o600);
      expect(fs.readFileSync(path.join(outDir, KIT_FILES.serverCa), 'utf8')).to.equal(keystore.certPem);
      expect(fs.readFileSync(path.join(outDir, KIT_FILES.xsd), 'utf8')).to.equal(fs.readFileSync(contractPath(METER_USAGE_XSD_FILE), 'utf8'));
      expect(fs.readFileSync(path.join(outDir, KIT_FILES.faultXsd), 'utf8')).to.equal(fs.readFileSync(contractPath(FAULT_XSD_FILE), 'utf8'));
    });

    it('copies the WSDL with the endpoint as its address and nothing else changed', () => {
      const copy = fs.readFileSync(path.join(outDir, KIT_FILES.wsdl), 'utf8');
      expect(copy).to.include(`<soap:address location="${ENDPOINT}"/>`);
      expect(copy.replace(ENDPOINT, 'https://localhost:8443/MeterUsage')).to.equal(fs.readFileSync(contractPath(METER_USAGE_WSDL_FILE), 'utf8'));
    });

    it('names every operation of the WSDL in the project, each with a sample call to the endpoint', () => {
      const wsdlOperations = byTag(parse(fs.readFileSync(path.join(outDir, KIT_FILES.wsdl), 'utf8')), WSDL, 'portType')
        .flatMap((pt) => byTag(pt, WSDL, 'operation')).map((o) => o.getAttribute('name')).sort();
      const iface = byTag(project, CON, 'interface')[0];
      expect(iface.getAttribute('bindingName')).to.equal('{urn:smt-platform:meter-usage:v1}MeterUsageBinding');
      const operations = byTag(iface, CON, 'operation');
      expect(operations.map((o) => o.getAttribute('name')).sort()).to.deep.equal(wsdlOperations);
      expect(kit.operations.slice().sort()).to.deep.equal(wsdlOperations);
      expect(text(byTag(iface, CON, 'endpoints')[0], CON, 'endpoint')).to.equal(ENDPOINT);
      for (const operation of operations) {
        const call = byTag(operation, CON, 'call')[0];
        expect(call.getAttribute('outgoingWss')).to.equal('SMT signed request');
        expect(call.getAttribute('sslKeystore')).to.equal('client.p12');
        expect(text(call, CON, 'endpoint')).to.equal(ENDPOINT);
        expect(text(call, CON, 'request')).to.equal(kit.samples[operation.getAttribute('name') as keyof StarterKit['samples']]);
      }
    });

    it('has sample requests that validate against the XSD, in the project and in requests/', () => {
      for (const operation of byTag(project, CON, 'operation')) {
        const name = operation.getAttribute('name')!;
        const request = text(byTag(operation, CON, 'call')[0], CON, 'request');
        const result = validateAgainstXsd(request);
        expect(result.valid, `${name}: ${result.errors}`).to.equal(true);
        expect(result.payload).to.match(new RegExp(`^<mu:${name}[ >]`));
        expect(fs.readFileSync(path.join(outDir, 'requests', `${name}.xml`), 'utf8')).to.equal(request);
      }
      expect(kit.samples.SubmitUsageRequest).to.include('<mu:esiid>10443720000000002</mu:esiid>');
      expect(kit.samples.GetDailyReads).to.include('<mu:requesterAuthenticationID>123456789</mu:requesterAuthenticationID>');
      expect(kit.samples.GetMonthlyUsage).to.include('<mu:requestorID>retail-power-light</mu:requestorID>');
    });

    it('caches the contract inline so the project opens without the files', () => {
      const parts = byTag(project, CON, 'part');
      expect(parts.map((p) => text(p, CON, 'url'))).to.deep.equal([KIT_FILES.wsdl, KIT_FILES.xsd, KIT_FILES.faultXsd]);
      expect(text(parts[0], CON, 'content')).to.equal(fs.readFileSync(path.join(outDir, KIT_FILES.wsdl), 'utf8'));
      expect(text(parts[1], CON, 'content')).to.equal(fs.readFileSync(path.join(outDir, KIT_FILES.xsd), 'utf8'));
      expect(text(parts[2], CON, 'content')).to.equal(fs.readFileSync(path.join(outDir, KIT_FILES.faultXsd), 'utf8'));
      expect(parts.slice(1).map((p) => text(p, CON, 'type'))).to.deep.equal(['http://www.w3.org/2001/XMLSchema', 'http://www.w3.org/2001/XMLSchema']);
    });

    it('signs Body and Timestamp with RSA-SHA256, SHA-256 digests, exc-c14n and a BinarySecurityToken from the keystore', () => {
      const container = byTag(project, CON, 'wssContainer')[0];
      const cryptoConfig = byTag(container, CON, 'crypto')[0];
      expect(text(cryptoConfig, CON, 'source')).to.equal(KIT_FILES.keystore);
      expect(text(cryptoConfig, CON, 'password')).to.equal('kit-secret');
      expect(text(cryptoConfig, CON, 'defaultAlias')).to.equal('rep1.example.com');
      expect(kit.keystoreAlias).to.equal('rep1.example.com');
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

    it('explains the onboarding steps and signing settings in the README', () => {
      const readme = fs.readFileSync(path.join(outDir, KIT_FILES.readme), 'utf8');
      for (const expected of ['Certificate', 'IP addresses', 'PGP key', 'DUNS', 'RSA-SHA256', 'SHA-256', 'exclusive c14n', '**Body**',
        '**Timestamp**', 'BinarySecurityToken', ENDPOINT, '123456789', 'REPORT_TOO_MANY_ESIIDS', 'RANGE_TOO_LARGE', KIT_FILES.faultXsd, FAULT_NAMESPACE]) {
        expect(readme, expected).to.include(expected);
      }
      expect(readme).to.not.include('kit-secret');
    });

    it('is loadable from the kit folder by node-soap', async () => {
      const client = await soap.createClientAsync(path.join(outDir, KIT_FILES.wsdl));
      expect(Object.keys(client.describe().MeterUsage.MeterUsagePort).sort()).to.deep.equal(kit.operations.slice().sort());
    });
  });

  it('writes a kit without a keystore that says where to put one', async () => {
    const outDir = path.join(tmp, 'no-keystore');
    const kit = await writeStarterKit({ outDir, endpoint: ENDPOINT, entityName: 'Wires Inc', duns: '1000000020001', requesterType: 'TDSP', serverCaPem: '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----' });
    expect(fs.existsSync(path.join(outDir, KIT_FILES.keystore))).to.equal(false);
    expect(kit.keystoreAlias).to.equal(null);
    expect(fs.readFileSync(path.join(outDir, KIT_FILES.readme), 'utf8')).to.include('Not included');
    expect(kit.samples.SubmitUsageRequest).to.include('<mu:requesterType>TDSP</mu:requesterType>');
    for (const sample of Object.values(kit.samples)) expect(validateAgainstXsd(sample).valid).to.equal(true);
  });

  it('asks for recent days, within the synchronous limits', () => {
    const samples = sampleRequests({ entityName: 'x', duns: '123456789', today: '2026-03-01' });
    expect(samples.GetIntervalUsage).to.include('<mu:startDate>02/22/2026</mu:startDate>').and.include('<mu:endDate>02/28/2026</mu:endDate>');
    expect(samples.GetDailyReads).to.include('<mu:startDate>01/30/2026</mu:startDate>');
  });

  describe('smt starter-kit', () => {
    const cli = new CliHarness('smt-kit-cli-');
    after(() => cli.remove());

    before(async () => {
      const imported = await cli.run('registry', 'import', path.join(FIXTURES, 'registry', 'participants.csv'));
      expect(imported.status, imported.err).to.equal(0);
    });

    it('writes the kit for a registered participant with its demo keystore and the configured endpoint', async () => {
      const demoDir = path.join(cli.dataDir, 'demo', 'demo-rep');
      fs.mkdirSync(demoDir, { recursive: true });
      const keystore = makeKeystore('demo-rep', 'demo-pass');
      fs.writeFileSync(path.join(demoDir, 'client.p12'), keystore.p12);
      fs.writeFileSync(path.join(demoDir, 'p12-password.txt'), 'demo-pass\n');
      const ca = path.join(tmp, 'server-ca.pem');
      fs.writeFileSync(ca, keystore.certPem);
      const out = path.join(tmp, 'cli-kit');
      const saved = process.env.SMT_SOAP_PUBLIC_URL;
      process.env.SMT_SOAP_PUBLIC_URL = 'https://smt.example.net/';
      try {
        const r = await cli.run('starter-kit', '--entity', 'demo rep', '--out', out, '--server-ca', ca);
        expect(r.status, r.err).to.equal(0);
        expect(r.out).to.include('DUNS 200000001').and.include('soapui-project.xml');
      } finally {
        if (saved === undefined) delete process.env.SMT_SOAP_PUBLIC_URL;
        else process.env.SMT_SOAP_PUBLIC_URL = saved;
      }
      expect(fs.readFileSync(path.join(out, KIT_FILES.keystore))).to.deep.equal(keystore.p12);
      const project = fs.readFileSync(path.join(out, KIT_FILES.project), 'utf8');
      expect(project).to.include('<con:endpoint>https://smt.example.net/MeterUsage</con:endpoint>');
      expect(project).to.include('<con:defaultAlias>demo-rep</con:defaultAlias>');
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
