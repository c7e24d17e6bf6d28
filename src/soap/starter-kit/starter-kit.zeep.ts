/**
 * The WS-Security Timestamp a zeep client adds to each request (five minutes), as Python: the kit's
 * script ships it, and the platform's tests put it before their own zeep clients.
 */
export const ZEEP_TIMESTAMP = String.raw`stamp = lambda t: t.strftime('%Y-%m-%dT%H:%M:%SZ')

class Timestamp:
    def apply(self, envelope, headers):
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        get_security_header(envelope).append(WSU.Timestamp(WSU.Created(stamp(now)), WSU.Expires(stamp(now + datetime.timedelta(minutes=5)))))
        return envelope, headers
    def verify(self, envelope):
        return envelope
`;

/**
 * The kit's call-sample.py: sends one of the kit's sample requests with zeep (Debian python3-zeep and
 * python3-xmlsec), signed as the README describes, over mutual TLS with the PEM files of step 1, and
 * checks that the answer is signed by a certificate the kit's CA issued (openssl verify). Stock tools
 * only, for integrators without soapUI.
 */
export const ZEEP_SCRIPT = String.raw`#!/usr/bin/env python3
"""Sends one sample request of this starter kit, signed (WS-Security: Timestamp, BinarySecurityToken,
RSA-SHA256 over Body and Timestamp), over mutual TLS, and prints the answer.
Usage, from the kit's folder once certs/client.crt and certs/client.key exist (README, step 1):
    python3 call-sample.py requests/SubmitUsageRequest.xml
    python3 call-sample.py requests/GetUsageRequestStatus.xml correlationId=THE-ID
Needs zeep and xmlsec (Debian: python3-zeep python3-xmlsec) and openssl."""
import base64, datetime, json, os, subprocess, sys, tempfile
import requests, xmlsec, zeep
from lxml import etree
from zeep.helpers import serialize_object
from zeep.transports import Transport
from zeep.wsse.compose import Compose
from zeep.wsse.signature import BinarySignature, _make_verify_key, _verify_envelope_with_key
from zeep.wsse.utils import WSU, get_security_header

SOAP = '{http://schemas.xmlsoap.org/soap/envelope/}'
WSSE = '{http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd}'
CA = 'certs/server-ca.pem'
${ZEEP_TIMESTAMP}
class SignedByTheServer(BinarySignature):
    """The answer must be signed by the certificate it carries, and the kit's CA must have issued that certificate."""
    def verify(self, envelope):
        token = envelope.find('%sHeader/%sSecurity/%sBinarySecurityToken' % (SOAP, WSSE, WSSE))
        if token is None:
            sys.exit('the answer is not signed')
        body = base64.b64encode(base64.b64decode(''.join(token.text.split()))).decode()
        pem = '-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----\n' % '\n'.join(body[i:i + 64] for i in range(0, len(body), 64))
        with tempfile.NamedTemporaryFile('w', suffix='.pem', delete=False) as f:
            f.write(pem)
        try:
            subprocess.run(['openssl', 'verify', '-CAfile', CA, f.name], check=True, capture_output=True)
        except subprocess.CalledProcessError:
            sys.exit('the answer is signed by a certificate the kit\'s CA did not issue')
        finally:
            os.unlink(f.name)
        _verify_envelope_with_key(envelope, _make_verify_key(pem.encode()))
        return envelope

sample = sys.argv[1]
request = next(e for e in etree.parse(sample).find(SOAP + 'Body') if isinstance(e.tag, str))
operation = etree.QName(request).localname
fields = {}
for child in request:
    if isinstance(child.tag, str):
        fields.setdefault(etree.QName(child).localname, []).append(child.text or '')
for override in sys.argv[2:]:
    name, value = override.split('=', 1)
    fields[name] = [value]
folder = os.path.basename(os.path.dirname(os.path.normpath(sample)))
wsdl = {'HAN': 'wsdl/Han.wsdl', 'EsiIdData': 'wsdl/EsiIdData.wsdl'}.get(folder, 'wsdl/MeterUsage.wsdl')

session = requests.Session()
session.trust_env = False
session.cert = ('certs/client.crt', 'certs/client.key')
session.verify = CA
signature = SignedByTheServer('certs/client.key', 'certs/client.crt', signature_method=xmlsec.Transform.RSA_SHA256, digest_method=xmlsec.Transform.SHA256)
client = zeep.Client(wsdl, transport=Transport(session=session), wsse=Compose([Timestamp(), signature]))
arguments = {name: values if len(values) > 1 else values[0] for name, values in fields.items()}
try:
    answer = getattr(client.service, operation)(**arguments)
except zeep.exceptions.Fault as fault:
    detail = fault.detail is not None and {etree.QName(e).localname: e.text for e in fault.detail.iter() if isinstance(e.tag, str) and len(e) == 0}
    sys.exit('fault: %s %s' % (fault.message, json.dumps(detail or {})))
print(json.dumps(serialize_object(answer), default=str, indent=2))
`;
