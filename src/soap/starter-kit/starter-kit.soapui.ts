import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { KIT_FILES } from './starter-kit.files';
import { cdata, escapeXml, SOAP_ENVELOPE_NAMESPACE } from '../xml-text';

/**
 * The starter kit's soapUI 5 project: one WsdlInterface per service with its contract cached inline
 * and a sample call per operation, every call signed by the same outgoing WS-Security configuration
 * and sent over TLS with the same keystore.
 */

/** What the server expects of a request's signature (the README states the same). */
export const SIGNING = {
  signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
  canonicalization: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  timestampSeconds: 300,
} as const;

/** The outgoing WS-Security configuration every sample call uses. */
export const OUTGOING_WSS = 'SMT signed request';

const WSU = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd';
const WSDL_TYPE = 'http://schemas.xmlsoap.org/wsdl/';
const XSD_TYPE = 'http://www.w3.org/2001/XMLSchema';

export interface SoapUiInterface {
  /** The WSDL binding, e.g. MeterUsageBinding. */
  binding: string;
  /** The contract's target namespace; soapActions are <namespace>/<operation>. */
  namespace: string;
  endpoint: string;
  /** The contract as the project caches it: the WSDL first, then the schemas it uses (paths in the kit). */
  definition: { url: string; content: string }[];
  /** The sample request of each operation of the binding, in the binding's order. */
  samples: Readonly<Record<string, string>>;
}

export interface SoapUiProjectInput {
  entityName: string;
  duns: string;
  /** The keystore password, when known (written into the project, which is then owner-only). */
  p12Password?: string;
  keystoreAlias: string | null;
  interfaces: SoapUiInterface[];
}

export function soapUiProject(input: SoapUiProjectInput): string {
  const keystoreLabel = path.posix.basename(KIT_FILES.keystore);
  const password = escapeXml(input.p12Password ?? '');
  const alias = escapeXml(input.keystoreAlias ?? '');
  const part = (name: string, ns: string) => escapeXml(
    `<xml-fragment xmlns:con="http://eviware.com/soapui/config"><con:entry key="id" value=""/><con:entry key="name" value="${name}"/><con:entry key="namespace" value="${ns}"/><con:entry key="enc" value="Element"/></xml-fragment>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<con:soapui-project xmlns:con="http://eviware.com/soapui/config" id="${randomUUID()}" name="${escapeXml(`SMT - ${input.entityName}`)}" resourceRoot="\${projectDir}" soapui-version="5.7.0" abortOnError="false" runType="SEQUENTIAL" activeEnvironment="Default">
  <con:description>${escapeXml(`Starter kit for ${input.entityName} (DUNS ${input.duns}): ${input.interfaces.map((i) => i.binding).join(', ')}. See README.md.`)}</con:description>
  <con:settings/>${input.interfaces.map((i) => wsdlInterface(i, keystoreLabel)).join('')}
  <con:properties/>
  <con:wssContainer>
    <con:crypto>
      <con:source>${KIT_FILES.keystore}</con:source>
      <con:password>${password}</con:password>
      <con:type>KEYSTORE</con:type>
      <con:defaultAlias>${alias}</con:defaultAlias>
      <con:aliasPassword>${password}</con:aliasPassword>
    </con:crypto>
    <con:outgoing>
      <con:name>${OUTGOING_WSS}</con:name>
      <con:entry type="Timestamp"><con:configuration><timeToLive>${SIGNING.timestampSeconds}</timeToLive><strictTimestamp>true</strictTimestamp></con:configuration></con:entry>
      <con:entry type="Signature" username="${alias}" password="${password}"><con:configuration><crypto>${keystoreLabel}</crypto><keyIdentifierType>1</keyIdentifierType><signatureAlgorithm>${SIGNING.signatureAlgorithm}</signatureAlgorithm><signatureCanonicalization>${SIGNING.canonicalization}</signatureCanonicalization><useSingleCert>true</useSingleCert><prependSignature>false</prependSignature><digestAlgorithm>${SIGNING.digestAlgorithm}</digestAlgorithm><customTokenValueType/><customTokenId/><signaturePart>${part('Body', SOAP_ENVELOPE_NAMESPACE)}</signaturePart><signaturePart>${part('Timestamp', WSU)}</signaturePart></con:configuration></con:entry>
    </con:outgoing>
  </con:wssContainer>
</con:soapui-project>
`;
}

function wsdlInterface(iface: SoapUiInterface, keystoreLabel: string): string {
  const endpoint = escapeXml(iface.endpoint);
  const wsdl = iface.definition[0]!.url;
  const operations = Object.entries(iface.samples).map(([name, sample]) => `
    <con:operation id="${randomUUID()}" isOneWay="false" action="${iface.namespace}/${name}" name="${name}" bindingOperationName="${name}" type="Request-Response" inputName="" receivesAttachments="false" sendsAttachments="false" anonymous="optional">
      <con:settings/>
      <con:call id="${randomUUID()}" name="Sample ${name}" outgoingWss="${OUTGOING_WSS}" sslKeystore="${keystoreLabel}">
        <con:settings/>
        <con:encoding>UTF-8</con:encoding>
        <con:endpoint>${endpoint}</con:endpoint>
        <con:request>${cdata(sample)}</con:request>
        <con:credentials><con:authType>No Authorization</con:authType></con:credentials>
        <con:jmsConfig JMSDeliveryMode="PERSISTENT"/>
        <con:jmsPropertyConfig/>
        <con:wsaConfig mustUnderstand="NONE" version="200508" action="${iface.namespace}/${name}"/>
        <con:wsrmConfig version="1.2"/>
      </con:call>
    </con:operation>`).join('');
  const parts = iface.definition.map(({ url, content }) =>
    `\n      <con:part><con:url>${url}</con:url><con:content>${cdata(content)}</con:content><con:type>${url.endsWith('.wsdl') ? WSDL_TYPE : XSD_TYPE}</con:type></con:part>`).join('');
  return `
  <con:interface xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="con:WsdlInterface" id="${randomUUID()}" wsaVersion="NONE" name="${iface.binding}" type="wsdl" bindingName="{${iface.namespace}}${iface.binding}" soapVersion="1_1" anonymous="optional" definition="${wsdl}">
    <con:settings/>
    <con:definitionCache type="TEXT" rootPart="${wsdl}">${parts}
    </con:definitionCache>
    <con:endpoints><con:endpoint>${endpoint}</con:endpoint></con:endpoints>${operations}
  </con:interface>`;
}
