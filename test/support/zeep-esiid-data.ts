import { zeepScript } from './zeep-client';

/**
 * zeep built from the served EsiIdData WSDL, over mutual TLS, signing its requests and checking the
 * server's signature on every answer (see zeep-client.ts). Arguments: the WSDL URL, client
 * certificate, key, CA, server certificate, then the operation and its arguments as JSON.
 */
export const ZEEP_ESIID_DATA_SCRIPT = zeepScript(String.raw`
from zeep.helpers import serialize_object

wsdl, cert, key, ca, server_cert, operation, arguments = sys.argv[1:8]
client = signed_client(wsdl, cert, key, ca, server_cert)
answer = getattr(client.service, operation)(**json.loads(arguments))
print(json.dumps(serialize_object(answer), default=str))
`);
