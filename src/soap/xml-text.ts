/** XML text the soap layer writes (the starter kit's files, the served WSDLs' addresses): escaped values, CDATA sections and comments. */

export const SOAP_ENVELOPE_NAMESPACE = 'http://schemas.xmlsoap.org/soap/envelope/';

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function cdata(text: string): string {
  return `<![CDATA[${text.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

/** An XML comment; a text that cannot be one (it holds "--" or ends with "-") is a programming error. */
export function xmlComment(text: string): string {
  if (text.includes('--') || text.endsWith('-')) throw new Error(`"${text}" cannot be an XML comment`);
  return `<!-- ${text} -->`;
}
