// SPDX-License-Identifier: Apache-2.0
// A request signed with a certificate's key, as the server's holder routes take it
// (POST /api/v1/certificates/{serial}/renewal, .../renewal/confirm, .../revocation): a CMS
// SignedData (RFC 5652, DER) whose content is the JSON of the action, with the certificate
// and the signed attributes contentType, signingTime and messageDigest, built by PKI.js and
// signed by WebCrypto.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { base64 } from './keys';

const DATA = '1.2.840.113549.1.7.1';
const SIGNED_DATA = '1.2.840.113549.1.7.2';
const CONTENT_TYPE = '1.2.840.113549.1.9.3';
const MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const SIGNING_TIME = '1.2.840.113549.1.9.5';

/// The private key of a decrypted key file, for signing with WebCrypto. The PrivateKeyInfo is
/// imported without its attributes (R stays in the key file), which some engines refuse.
export async function signingKey(info: pkijs.PrivateKeyInfo): Promise<CryptoKey> {
  const bare = new pkijs.PrivateKeyInfo({ version: info.version, privateKeyAlgorithm: info.privateKeyAlgorithm, privateKey: info.privateKey });
  return crypto.subtle.importKey('pkcs8', bare.toSchema().toBER(false), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
}

/// The request body {"signed": base64} for `action`, signed with `key` of `certificate`.
export async function signedBody(action: Record<string, string>, certificate: pkijs.Certificate, key: CryptoKey): Promise<{ signed: string }> {
  const content = new TextEncoder().encode(JSON.stringify(action));
  const digest = await crypto.subtle.digest('SHA-256', content);
  // In DER order (SET OF sorts by encoding; these differ in length): contentType,
  // signingTime, messageDigest. OpenSSL checks the signature over the DER form.
  const attributes = [
    new pkijs.Attribute({ type: CONTENT_TYPE, values: [new asn1js.ObjectIdentifier({ value: DATA })] }),
    new pkijs.Attribute({ type: SIGNING_TIME, values: [new asn1js.UTCTime({ valueDate: new Date() })] }),
    new pkijs.Attribute({ type: MESSAGE_DIGEST, values: [new asn1js.OctetString({ valueHex: digest })] }),
  ];
  const signedData = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: DATA, eContent: new asn1js.OctetString({ valueHex: content.slice().buffer }) }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: certificate.issuer, serialNumber: certificate.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes }),
      }),
    ],
    certificates: [certificate],
  });
  // PKI.js turns eContent into a constructed BER OCTET STRING; the request is DER, so the
  // content goes back in as one primitive OCTET STRING (the same catch as signPri.key).
  signedData.encapContentInfo.eContent = new asn1js.OctetString({ valueHex: content.slice().buffer });
  await signedData.sign(key, 0, 'SHA-256');
  const info = new pkijs.ContentInfo({ contentType: SIGNED_DATA, content: signedData.toSchema(true) });
  return { signed: base64(new Uint8Array(info.toSchema().toBER(false))) };
}
