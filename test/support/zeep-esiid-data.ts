/**
 * zeep, a stock SOAP client independent of the code under test, built from the served EsiIdData WSDL:
 * over mutual TLS, signing with WS-Security by libxmlsec (Timestamp, BinarySecurityToken, RSA-SHA256
 * over Body and Timestamp) and checking the server's signature on every answer. Arguments: the WSDL
 * URL, client certificate, key, CA, server certificate, then the operation and its arguments as JSON.
 */
export const ZEEP_ESIID_DATA_SCRIPT = String.raw`
import datetime, json, sys
import requests, xmlsec, zeep
from zeep.helpers import serialize_object
from zeep.transports import Transport
from zeep.wsse.compose import Compose
from zeep.wsse.signature import BinarySignature, _make_verify_key, _verify_envelope_with_key
from zeep.wsse.utils import WSU, get_security_header

wsdl, cert, key, ca, server_cert, operation, arguments = sys.argv[1:8]
stamp = lambda t: t.strftime('%Y-%m-%dT%H:%M:%SZ')

class Timestamp:
    def apply(self, envelope, headers):
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        get_security_header(envelope).append(WSU.Timestamp(WSU.Created(stamp(now)), WSU.Expires(stamp(now + datetime.timedelta(minutes=5)))))
        return envelope, headers
    def verify(self, envelope):
        return envelope

class SignedByServer(BinarySignature):
    def verify(self, envelope):
        with open(server_cert, 'rb') as f:
            _verify_envelope_with_key(envelope, _make_verify_key(f.read()))
        return envelope

session = requests.Session()
session.trust_env = False
session.cert = (cert, key)
session.verify = ca
signature = SignedByServer(key, cert, signature_method=xmlsec.Transform.RSA_SHA256, digest_method=xmlsec.Transform.SHA256)
client = zeep.Client(wsdl, transport=Transport(session=session), wsse=Compose([Timestamp(), signature]))
answer = getattr(client.service, operation)(**json.loads(arguments))
print(json.dumps(serialize_object(answer), default=str))
`;
