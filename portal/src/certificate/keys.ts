// SPDX-License-Identifier: Apache-2.0
// The holder's new key, made on this device: an RSA-2048 pair from WebCrypto, the 20-byte R of
// the identity binding (korea.md, "Identity binding") and the PKCS#10 request signed with the
// key, built by PKI.js (docs/adr/0005). Nothing here talks to the server.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

export interface NewKey {
  keys: CryptoKeyPair;
  /// R: 20 random bytes, kept with the key (the randomNum attribute) and sent for the VID.
  random: Uint8Array;
}

const rsa: RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
};

/// The key is extractable only so that it can be encrypted under the certificate password
/// (signPri.key, .pfx); it is never written or sent anywhere unencrypted.
export async function newKey(): Promise<NewKey> {
  const keys = await crypto.subtle.generateKey(rsa, true, ['sign', 'verify']);
  const random = crypto.getRandomValues(new Uint8Array(20));
  return { keys, random };
}

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/// Standard base64 of bytes.
export function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function pem(label: string, der: ArrayBuffer): string {
  const body = base64(new Uint8Array(der)).replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${body}${body.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`;
}

export function fromPem(text: string): ArrayBuffer[] {
  const blocks = text.match(/-----BEGIN [^-]+-----[\s\S]*?-----END [^-]+-----/g) ?? [];
  return blocks.map((block) => {
    const body = block.replace(/-----(BEGIN|END) [^-]+-----/g, '').replace(/\s+/g, '');
    const binary = atob(body);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  });
}

/// The PKCS#10 request. The subject is a placeholder: the CA takes the holder's name from the
/// customer register, never from the request; what matters is the key and its signature.
export async function certificationRequest(key: NewKey): Promise<string> {
  const request = new pkijs.CertificationRequest();
  request.version = 0;
  request.subject.typesAndValues.push(
    new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: 'dojang' }) }),
  );
  await request.subjectPublicKeyInfo.importKey(key.keys.publicKey);
  await request.sign(key.keys.privateKey, 'SHA-256');
  return pem('CERTIFICATE REQUEST', request.toSchema().toBER(false));
}

/// Whether a certificate holds this key: its SubjectPublicKeyInfo, byte for byte.
export async function holdsKey(certificate: pkijs.Certificate, key: CryptoKey): Promise<boolean> {
  const mine = new Uint8Array(await crypto.subtle.exportKey('spki', key));
  const theirs = new Uint8Array(certificate.subjectPublicKeyInfo.toSchema().toBER(false));
  return mine.length === theirs.length && mine.every((byte, i) => byte === theirs[i]);
}
