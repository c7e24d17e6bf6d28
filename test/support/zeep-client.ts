import { ZEEP_TIMESTAMP } from '../../src/soap/starter-kit/starter-kit.zeep';

/**
 * zeep, a stock SOAP client independent of the code under test, as a python3 script: `zeepScript(main)`
 * puts before `main` a `signed_client(wsdl, cert, key, ca, server_cert, **options)` that builds a
 * zeep.Client from a WSDL (file or URL) calling over mutual TLS, signing every request with
 * WS-Security by libxmlsec (Timestamp, BinarySecurityToken, RSA-SHA256 over Body and Timestamp) and
 * checking the server's signature on every answer against its certificate. `options` go to
 * zeep.Client (e.g. plugins). `main` reads its own arguments from sys.argv.
 */
export function zeepScript(main: string): string {
  return ZEEP_SIGNED_CLIENT + main;
}

const ZEEP_SIGNED_CLIENT = String.raw`
import datetime, json, sys
import requests, xmlsec, zeep
from zeep.transports import Transport
from zeep.wsse.compose import Compose
from zeep.wsse.signature import BinarySignature, _make_verify_key, _verify_envelope_with_key
from zeep.wsse.utils import WSU, get_security_header

${ZEEP_TIMESTAMP}
def signed_client(wsdl, cert, key, ca, server_cert, **options):
    class SignedByServer(BinarySignature):
        def verify(self, envelope):
            with open(server_cert, 'rb') as f:
                _verify_envelope_with_key(envelope, _make_verify_key(f.read()))
            return envelope

    session = requests.Session()
    session.trust_env = False  # REQUESTS_CA_BUNDLE in the environment would replace session.verify
    session.cert = (cert, key)
    session.verify = ca
    signature = SignedByServer(key, cert, signature_method=xmlsec.Transform.RSA_SHA256, digest_method=xmlsec.Transform.SHA256)
    return zeep.Client(wsdl, transport=Transport(session=session), wsse=Compose([Timestamp(), signature]), **options)

`;
