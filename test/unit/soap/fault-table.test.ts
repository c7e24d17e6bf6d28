import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { expect } from 'chai';
import * as soap from 'soap';
import { SmtError, type ErrorCode } from '../../../src/core/errors';
import { contractPath } from '../../../src/soap/contract';
import {
  FAULT_MESSAGE_FIELDS, FAULT_NAMESPACE, FAULT_TABLE, FAULT_XSD_FILE, faultDetailCodes, INTERNAL_FAULT_CODE, SERVER_FAULTSTRING, toSoapFault,
  type SoapFaultError,
} from '../../../src/soap/fault-table';
import { METER_USAGE_NAMESPACE, METER_USAGE_WSDL_FILE } from '../../../src/soap/meter-usage.types';
import { children, describeContract, parseContract, XS } from '../../support/contract-drift';
import { runTool } from '../../support/run-tool';
import { validateAgainstXsd } from '../../support/xsd-validate';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The ErrorCode union as written in src/core/errors.ts: a runtime cross-check of what the compiler enforces. */
function declaredErrorCodes(): string[] {
  const source = fs.readFileSync(path.join(__dirname, '../../../src/core/errors.ts'), 'utf8');
  const union = /export type ErrorCode =([^;]+);/.exec(source)![1];
  return [...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]);
}

function schemaFaultCodes(): string[] {
  const faultCode = children(parseContract(FAULT_XSD_FILE), XS, 'simpleType').find((t) => t.getAttribute('name') === 'FaultCode')!;
  return Array.from(faultCode.getElementsByTagNameNS(XS, 'enumeration')).map((e) => e.getAttribute('value')!);
}

// The fault schema has no WSDL of its own: every service's WSDL declares its smtFault (checked by their contract tests).
describeContract({
  title: 'smtFault',
  namespace: FAULT_NAMESPACE,
  xsdFile: FAULT_XSD_FILE,
  messageFields: FAULT_MESSAGE_FIELDS,
  enumerations: { FaultCode: faultDetailCodes() },
  samples: { smtFault: { code: 'HAN_DEVICE_LIMIT', message: 'ESI ID 10443720000000001 already has 5 HAN devices', trans_id: 'T-1', correlationId: 'R-1' } },
  wsdls: [],
});

describe('soap/fault-table', () => {
  it('maps every ErrorCode to a Client or Server fault with a clear text', () => {
    expect(Object.keys(FAULT_TABLE).sort()).to.deep.equal(declaredErrorCodes().sort());
    for (const [code, entry] of Object.entries(FAULT_TABLE)) {
      expect(['soap:Client', 'soap:Server'], code).to.include(entry.faultcode);
      expect(entry.faultstring, code).to.match(/^[A-Z].{3,}[^.]$/);
    }
    expect(FAULT_TABLE.INTERNAL.faultcode).to.equal('soap:Server');
    expect(FAULT_TABLE.REPORT_TOO_MANY_ESIIDS.faultcode).to.equal('soap:Client');
  });

  it('lists in the fault XSD exactly the codes a fault detail can carry', () => {
    expect(schemaFaultCodes().sort()).to.deep.equal(faultDetailCodes().sort());
  });

  describe('toSoapFault', () => {
    it('turns an SmtError of a Client code into a Client fault carrying its message, code and ids', () => {
      const error = new SmtError('REPORT_TOO_MANY_ESIIDS', '50001 ESI IDs asked; at most 50000 per request: split the list');
      const fault = toSoapFault(error, { transId: 'T-77', correlationId: 'c-1' });
      expect(fault).to.deep.equal({
        Fault: {
          faultcode: 'soap:Client',
          faultstring: 'Too many ESI IDs in one request',
          detail: { smtFault: { attributes: { xmlns: FAULT_NAMESPACE }, code: 'REPORT_TOO_MANY_ESIIDS', message: error.message, trans_id: 'T-77', correlationId: 'c-1' } },
          statusCode: 500,
        },
        statusCode: 500,
      });
    });

    it('keeps internals out of Server faults and hands back a fresh correlation id to log under', () => {
      for (const thrown of [
        new SmtError('CONFIG_INVALID', 'Setting SMT_DB_URL is postgres://smt:secret@db/smt'),
        new SmtError('INTERNAL', 'worker crashed at /srv/secret/path'),
        new Error('db password=secret'),
        'secret string',
        undefined,
        null,
      ]) {
        const fault = toSoapFault(thrown, { transId: 'T-1' });
        expect(JSON.stringify(fault)).to.not.match(/secret/);
        expect(fault.Fault.faultcode).to.equal('soap:Server');
        expect(fault.Fault.faultstring).to.equal(SERVER_FAULTSTRING);
        expect(fault.Fault.detail.smtFault.code).to.equal(INTERNAL_FAULT_CODE);
        expect(fault.correlationId).to.match(UUID);
        expect(fault.Fault.detail.smtFault.correlationId).to.equal(fault.correlationId);
        expect(fault.Fault.detail.smtFault.message).to.include(fault.correlationId!);
        expect(fault.Fault.detail.smtFault.trans_id).to.equal('T-1');
      }
      expect(toSoapFault(new Error('x')).correlationId).to.not.equal(toSoapFault(new Error('x')).correlationId);
    });

    it('leaves out ids the schema would refuse and replaces characters XML cannot carry', () => {
      const fault = toSoapFault(new SmtError('REPORT_ESIID_INVALID', 'malformed ESI ID(s): "a\u0000b"'), { transId: 'x'.repeat(65), correlationId: '' });
      expect(fault.Fault.detail.smtFault).to.not.have.property('trans_id');
      expect(fault.Fault.detail.smtFault).to.not.have.property('correlationId');
      expect(fault.Fault.detail.smtFault.message).to.equal('malformed ESI ID(s): "a\uFFFDb"');
    });

    it('passes an already-built fault through', () => {
      const built = toSoapFault(new SmtError('NOT_FOUND', 'no such request'));
      expect(toSoapFault(built)).to.equal(built);
    });
  });

  describe('through a real node-soap server', () => {
    let server: http.Server;
    let url: string;
    let next: () => unknown = () => undefined;

    before(async () => {
      server = http.createServer((_req, res) => res.writeHead(404).end());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const wsdlFile = contractPath(METER_USAGE_WSDL_FILE);
      const method = async (args: { trans_id?: string }) => {
        try {
          return next();
        } catch (error) {
          throw toSoapFault(error, { transId: args.trans_id });
        }
      };
      // node-soap reads the included XSD asynchronously and routes the path only once `callback` has fired.
      await new Promise<void>((resolve, reject) => soap.listen(server, {
        path: '/MeterUsage', xml: fs.readFileSync(wsdlFile, 'utf8'), uri: wsdlFile, forceUseSchemaXmlns: true,
        services: { MeterUsage: { MeterUsagePort: { GetUsageRequestStatus: method } } },
        callback: (error: unknown) => (error ? reject(error) : resolve()),
      }));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/MeterUsage`;
    });

    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    async function call(thrown: unknown): Promise<{ status: number; body: string }> {
      next = () => {
        throw thrown;
      };
      const envelope = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="${METER_USAGE_NAMESPACE}"><s:Body>`
        + '<m:GetUsageRequestStatus><m:trans_id>T-9</m:trans_id><m:requestorID>ops</m:requestorID><m:correlationId>c</m:correlationId>'
        + '</m:GetUsageRequestStatus></s:Body></s:Envelope>';
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' }, body: envelope });
      return { status: response.status, body: await response.text() };
    }

    it('answers every error code with HTTP 500, a SOAP 1.1 fault and a detail that validates against the XSD', async () => {
      for (const code of Object.keys(FAULT_TABLE) as ErrorCode[]) {
        const { status, body } = await call(new SmtError(code, `what to change about ${code} <&>`));
        expect(status, code).to.equal(500);
        const doc = new DOMParser().parseFromString(body, 'text/xml');
        const fault = doc.getElementsByTagNameNS('http://schemas.xmlsoap.org/soap/envelope/', 'Fault')[0];
        expect(fault, code).to.not.equal(undefined);
        const faultcode = fault.getElementsByTagName('faultcode')[0].textContent!;
        const [prefix, local] = faultcode.split(':');
        expect(fault.lookupNamespaceURI(prefix), code).to.equal('http://schemas.xmlsoap.org/soap/envelope/');
        expect(local).to.equal(FAULT_TABLE[code].faultcode.slice(5));
        const detail = validateAgainstXsd(body, 'smtFault');
        expect(detail.valid, `${code}: ${detail.errors}\n${detail.payload}`).to.equal(true);
        expect(detail.payload).to.include('<trans_id>T-9</trans_id>');
      }
    });

    it('sends a generic Server fault for an unexpected error', async () => {
      const { status, body } = await call(new TypeError("Cannot read properties of undefined (reading 'password')"));
      expect(status).to.equal(500);
      expect(body).to.not.match(/password|TypeError/);
      expect(body).to.include('<faultcode>soap:Server</faultcode>');
      expect(validateAgainstXsd(body, 'smtFault').valid).to.equal(true);
    });

    it('is read by zeep, a strict independent client, as a fault with our code in the detail', async function () {
      this.timeout(30_000);
      next = () => {
        throw new SmtError('NOT_FOUND', 'no report request with correlation id c');
      };
      const script = [
        'import sys, zeep, zeep.exceptions',
        'client = zeep.Client(sys.argv[1])',
        "service = client.create_service('{urn:smt-platform:meter-usage:v1}MeterUsageBinding', sys.argv[2])",
        'try:',
        "    service.GetUsageRequestStatus(trans_id='T-9', requestorID='ops', correlationId='c')",
        "    print('no fault')",
        'except zeep.exceptions.Fault as fault:',
        `    ns = {'f': '${FAULT_NAMESPACE}'}`,
        "    print(fault.code, '|', fault.message, '|', fault.detail.find('f:smtFault/f:code', ns).text)",
      ].join('\n');
      const out = (await runTool('/usr/bin/python3', ['-c', script, contractPath(METER_USAGE_WSDL_FILE), url])).toString().trim();
      expect(out).to.match(/Client \| Not found \| NOT_FOUND$/);
    });
  });

  it('builds faults whose shape node-soap accepts when rejected from a service method', () => {
    const fault: SoapFaultError = toSoapFault(new SmtError('WSS_REPLAY', 'this signature was already used'));
    expect(fault.Fault).to.have.all.keys('faultcode', 'faultstring', 'detail', 'statusCode');
  });
});
