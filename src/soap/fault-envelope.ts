import type { SoapFaultError } from './fault-table';

const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A fault as a SOAP 1.1 envelope, for refusals made before a request reaches node-soap (TLS
 * identity, body size, WS-Security). Same fault table, same shape as the faults services throw.
 */
export function faultEnvelope(fault: SoapFaultError): string {
  const { faultcode, faultstring, detail } = fault.Fault;
  const f = detail.smtFault;
  const optional = (name: string, value: string | undefined) => (value === undefined ? '' : `<${name}>${escape(value)}</${name}>`);
  return '<?xml version="1.0" encoding="utf-8"?>'
    + '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>'
    + `<faultcode>${faultcode}</faultcode><faultstring>${escape(faultstring)}</faultstring>`
    + `<detail><smtFault xmlns="${f.attributes.xmlns}"><code>${escape(f.code)}</code><message>${escape(f.message)}</message>`
    + `${optional('trans_id', f.trans_id)}${optional('correlationId', f.correlationId)}</smtFault></detail>`
    + '</soap:Fault></soap:Body></soap:Envelope>';
}
