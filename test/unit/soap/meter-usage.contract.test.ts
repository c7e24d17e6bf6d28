import { expect } from 'chai';
import * as soap from 'soap';
import { asArray, contractPath, wireText } from '../../../src/soap/contract';
import { FAULT_NAMESPACE, FAULT_XSD_FILE } from '../../../src/soap/fault-table';
import {
  MESSAGE_FIELDS, METER_USAGE_NAMESPACE, METER_USAGE_OPERATIONS, METER_USAGE_WSDL_FILE, METER_USAGE_XSD_FILE, STATUS_CODES,
  type SubmitUsageRequest,
} from '../../../src/soap/meter-usage.types';
import { describeContract } from '../../support/contract-drift';
import { validateAgainstXsd } from '../../support/xsd-validate';

describeContract({
  title: 'MeterUsage',
  namespace: METER_USAGE_NAMESPACE,
  xsdFile: METER_USAGE_XSD_FILE,
  messageFields: MESSAGE_FIELDS,
  imports: { [FAULT_NAMESPACE]: FAULT_XSD_FILE },
  enumerations: {
    RequesterType: ['ROR', 'TDSP'],
    ReportType: ['INTERVAL', 'DAILY', 'MONTHLY'],
    Version: ['L', 'A'],
    ReadingType: ['C', 'G', 'A'],
    StatusCode: STATUS_CODES,
    EstimatedActual: ['A', 'E'],
    ConsumptionSurplusGeneration: ['Consumption', 'Surplus Generation'],
  },
  wsdls: [{
    file: METER_USAGE_WSDL_FILE,
    operations: METER_USAGE_OPERATIONS,
    service: 'MeterUsage',
    port: 'MeterUsagePort',
    binding: 'MeterUsageBinding',
    address: 'https://localhost:8443/MeterUsage',
  }],
});

describe('MeterUsage contract: what node-soap and the validator make of it', () => {
  describe('as node-soap reads it', () => {
    let client: soap.Client;
    before(async () => {
      client = await soap.createClientAsync(contractPath(METER_USAGE_WSDL_FILE));
    });

    it('hands a request over with string values, repeated elements as arrays and empty ones as null', () => {
      const envelope = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="${METER_USAGE_NAMESPACE}"><s:Body>
        <m:SubmitUsageRequest><m:trans_id>T-1</m:trans_id><m:requestorID>ops</m:requestorID><m:requesterType>ROR</m:requesterType>
        <m:requesterAuthenticationID>012345678</m:requesterAuthenticationID><m:reportType>INTERVAL</m:reportType>
        <m:startDate>07/01/2025</m:startDate><m:endDate>07/02/2025</m:endDate><m:version/>
        <m:esiid>00104437200000001</m:esiid></m:SubmitUsageRequest></s:Body></s:Envelope>`;
      const parsed = client.wsdl.xmlToObject(envelope) as { Body: { SubmitUsageRequest: SubmitUsageRequest } };
      const args = parsed.Body.SubmitUsageRequest;
      expect(args.requesterAuthenticationID).to.equal('012345678');
      expect(args.version).to.equal(null);
      expect(wireText(args.version)).to.equal(undefined);
      expect(args.readingType).to.equal(undefined);
      expect(asArray(args.esiid)).to.deep.equal(['00104437200000001']);
    });
  });

  describe('asArray', () => {
    it('takes a single value, an array, or nothing', () => {
      expect(asArray('1')).to.deep.equal(['1']);
      expect(asArray(['1', '2'])).to.deep.equal(['1', '2']);
      expect(asArray(undefined)).to.deep.equal([]);
      expect(asArray(null)).to.deep.equal([]);
    });
  });

  describe('validateAgainstXsd', () => {
    const envelope = (body: string) =>
      `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:tns="${METER_USAGE_NAMESPACE}"><soap:Body>${body}</soap:Body></soap:Envelope>`;

    it('accepts a valid payload, whether its namespace is declared on it or on the envelope', () => {
      const own = validateAgainstXsd(envelope(`<GetUsageRequestStatus xmlns="${METER_USAGE_NAMESPACE}"><trans_id>T</trans_id><requestorID>r</requestorID><correlationId>c</correlationId></GetUsageRequestStatus>`));
      expect(own.errors).to.equal('');
      expect(own.valid).to.equal(true);
      const inherited = validateAgainstXsd(envelope('<tns:GetUsageRequestStatus><tns:trans_id>T</tns:trans_id><tns:requestorID>r</tns:requestorID><tns:correlationId>c</tns:correlationId></tns:GetUsageRequestStatus>'));
      expect(inherited.valid, inherited.errors).to.equal(true);
    });

    it('refuses a payload that breaks the schema, and says why', () => {
      const result = validateAgainstXsd(envelope('<tns:SubmitUsageRequestResponse><tns:trans_id>T</tns:trans_id><tns:statusCode>MAYBE</tns:statusCode></tns:SubmitUsageRequestResponse>'));
      expect(result.valid).to.equal(false);
      expect(result.errors).to.match(/correlationId/);
    });

    it('finds a named element inside the Body, such as a fault detail', () => {
      const fault = envelope(`<soap:Fault><faultcode>soap:Client</faultcode><faultstring>x</faultstring><detail><smtFault xmlns="${FAULT_NAMESPACE}"><code>NOT_FOUND</code><message>m</message></smtFault></detail></soap:Fault>`);
      expect(validateAgainstXsd(fault).valid).to.equal(false);
      expect(validateAgainstXsd(fault, 'smtFault').valid).to.equal(true);
      expect(validateAgainstXsd(fault, 'nothing').errors).to.match(/no <nothing>/);
    });

    it('takes the schema of the payload\'s namespace unless given one, and says when there is none', () => {
      const status = `<GetUsageRequestStatus xmlns="${METER_USAGE_NAMESPACE}"><trans_id>T</trans_id><requestorID>r</requestorID><correlationId>c</correlationId></GetUsageRequestStatus>`;
      expect(validateAgainstXsd(status, undefined, contractPath(METER_USAGE_XSD_FILE)).valid).to.equal(true);
      const wrongSchema = validateAgainstXsd(status, undefined, contractPath(FAULT_XSD_FILE));
      expect(wrongSchema.valid).to.equal(false);
      expect(wrongSchema.errors).to.match(/No matching global declaration/);
      const unknown = validateAgainstXsd('<GetUsageRequestStatus xmlns="urn:example:other"/>');
      expect(unknown.valid).to.equal(false);
      expect(unknown.errors).to.match(/no schema in wsdl\/ for the namespace "urn:example:other"/);
    });

    it('reports XML that is not well-formed', () => {
      const result = validateAgainstXsd('<soap:Envelope');
      expect(result.valid).to.equal(false);
      expect(result.errors).to.match(/not well-formed/);
    });
  });
});
