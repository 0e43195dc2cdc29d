// SPDX-License-Identifier: Apache-2.0
// The key file written for the holder (korea.md, "Private key files"): signPri.key, a PKCS#8
// EncryptedPrivateKeyInfo (PBES2: PBKDF2-HMAC-SHA256, 600,000 iterations, AES-256-CBC) whose
// PrivateKeyInfo keeps R as the randomNum attribute, and the same key in a PKCS#12 .pfx.
// PKI.js does the ASN.1 and WebCrypto the cryptography; the password never leaves this module.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

export const RANDOM_NUM = '1.2.410.200004.10.1.1.3';
export const ITERATIONS = 600_000;
const KEY_BAG = '1.2.840.113549.1.12.10.1.2';
const CERT_BAG = '1.2.840.113549.1.12.10.1.3';
const FRIENDLY_NAME = '1.2.840.113549.1.9.20';
const LOCAL_KEY_ID = '1.2.840.113549.1.9.21';

const utf8 = (text: string): ArrayBuffer => new TextEncoder().encode(text).slice().buffer;

/// The PrivateKeyInfo of the key with R as its randomNum attribute (a BIT STRING, 0 unused bits).
async function privateKeyInfo(key: CryptoKey, random: Uint8Array): Promise<pkijs.PrivateKeyInfo> {
  const info = pkijs.PrivateKeyInfo.fromBER(await crypto.subtle.exportKey('pkcs8', key));
  info.attributes = [
    new pkijs.Attribute({ type: RANDOM_NUM, values: [new asn1js.BitString({ valueHex: random.slice().buffer, unusedBits: 0 })] }),
  ];
  return info;
}

/// A PrivateKeyInfo (attributes and all) encrypted under the password: a PKCS#8
/// EncryptedPrivateKeyInfo (the shrouded key bag of PKCS#12 has the same shape). PKI.js writes
/// the ciphertext as a constructed BER OCTET STRING in 1,024-byte pieces; signPri.key is DER,
/// so it is written again as one primitive OCTET STRING.
export async function encryptKeyInfo(info: pkijs.PrivateKeyInfo, password: string): Promise<pkijs.PKCS8ShroudedKeyBag> {
  const bag = new pkijs.PKCS8ShroudedKeyBag({ parsedValue: info });
  await bag.makeInternalValues({
    password: utf8(password),
    // PKI.js draws the IV itself; its type asks for one that it does not read.
    contentEncryptionAlgorithm: { name: 'AES-CBC', length: 256 } as pkijs.ContentEncryptionAlgorithm,
    hmacHashAlgorithm: 'SHA-256',
    iterationCount: ITERATIONS,
  });
  bag.encryptedData = new asn1js.OctetString({ valueHex: bag.encryptedData.getValue() });
  return bag;
}

/// The new key, with R as its randomNum attribute, encrypted under the password.
export async function encryptedKey(key: CryptoKey, random: Uint8Array, password: string): Promise<pkijs.PKCS8ShroudedKeyBag> {
  return encryptKeyInfo(await privateKeyInfo(key, random), password);
}

export class WrongPassword extends Error {}
export class UnsupportedKeyFile extends Error {}

const PBES2 = '1.2.840.113549.1.5.13';
/// Beyond this a file is refused rather than decrypted: a hostile file must not make the page
/// spin (korea.md, "Private key files").
const MAX_ITERATIONS = 10_000_000;
/// AES-128/192/256-CBC: the PBES2 ciphers WebCrypto has.
const AES_CBC = ['2.16.840.1.101.3.4.1.2', '2.16.840.1.101.3.4.1.22', '2.16.840.1.101.3.4.1.42'];

/// The key file read back: a PBES2 signPri.key (AES or any cipher WebCrypto has) decrypted
/// with the password. The old SEED forms are not readable in a browser (no SEED in WebCrypto);
/// `dojang passwd` re-encrypts them with AES.
export async function openKeyFile(der: ArrayBuffer, password: string): Promise<{ bag: pkijs.PKCS8ShroudedKeyBag; info: pkijs.PrivateKeyInfo }> {
  let bag: pkijs.PKCS8ShroudedKeyBag;
  try {
    bag = pkijs.PKCS8ShroudedKeyBag.fromBER(der);
  } catch {
    throw new UnsupportedKeyFile('not a PKCS#8 EncryptedPrivateKeyInfo');
  }
  if (bag.encryptionAlgorithm.algorithmId !== PBES2) throw new UnsupportedKeyFile(bag.encryptionAlgorithm.algorithmId);
  try {
    const parameters = new pkijs.PBES2Params({ schema: bag.encryptionAlgorithm.algorithmParams });
    const kdf = new pkijs.PBKDF2Params({ schema: parameters.keyDerivationFunc.algorithmParams });
    if (typeof kdf.iterationCount !== 'number' || kdf.iterationCount > MAX_ITERATIONS) throw new UnsupportedKeyFile('iterations');
    if (!AES_CBC.includes(parameters.encryptionScheme.algorithmId)) throw new UnsupportedKeyFile(parameters.encryptionScheme.algorithmId);
  } catch (error) {
    throw error instanceof UnsupportedKeyFile ? error : new UnsupportedKeyFile('PBES2 parameters');
  }
  let info: pkijs.PrivateKeyInfo;
  try {
    const encrypted = new pkijs.EncryptedData({
      encryptedContentInfo: new pkijs.EncryptedContentInfo({
        contentType: pkijs.ContentInfo.DATA,
        contentEncryptionAlgorithm: bag.encryptionAlgorithm,
        encryptedContent: bag.encryptedData,
      }),
    });
    info = pkijs.PrivateKeyInfo.fromBER(await encrypted.decrypt({ password: utf8(password) }));
  } catch {
    // A wrong password shows as bad padding or an unparsable PrivateKeyInfo.
    throw new WrongPassword();
  }
  bag.parsedValue = info;
  return { bag, info };
}

/// R from a PrivateKeyInfo's randomNum attribute, if it has one.
export function randomOf(info: pkijs.PrivateKeyInfo): Uint8Array | undefined {
  const attribute = info.attributes?.find((a) => a.type === RANDOM_NUM);
  const value = attribute?.values[0] as asn1js.BitString | undefined;
  return value ? new Uint8Array(value.valueBlock.valueHexView) : undefined;
}

/// Whether the decrypted key belongs to the certificate (the RSA modulus, byte for byte).
export function keyMatches(info: pkijs.PrivateKeyInfo, certificate: pkijs.Certificate): boolean {
  const mine = (info.parsedKey as pkijs.RSAPrivateKey | undefined)?.modulus.valueBlock.valueHexView;
  const theirs = (certificate.subjectPublicKeyInfo.parsedKey as pkijs.RSAPublicKey | undefined)?.modulus.valueBlock.valueHexView;
  return !!mine && !!theirs && mine.length === theirs.length && mine.every((byte, i) => byte === theirs[i]);
}

/// signPri.key: the DER of the EncryptedPrivateKeyInfo.
export function signPriKey(bag: pkijs.PKCS8ShroudedKeyBag): ArrayBuffer {
  return bag.toSchema().toBER(false);
}

/// A .pfx: the encrypted key (the same bag as signPri.key, so R is kept) and the certificate,
/// tied by a localKeyId, with a SHA-256 MAC under the same password. OpenSSL 3, Windows and
/// `dojang import` read it.
export async function pfx(bag: pkijs.PKCS8ShroudedKeyBag, certificate: pkijs.Certificate, name: string, password: string): Promise<ArrayBuffer> {
  const certificateDer = certificate.toSchema().toBER(false);
  const keyId = await crypto.subtle.digest('SHA-1', certificateDer);
  const attributes = (): pkijs.Attribute[] => [
    new pkijs.Attribute({ type: LOCAL_KEY_ID, values: [new asn1js.OctetString({ valueHex: keyId })] }),
    new pkijs.Attribute({ type: FRIENDLY_NAME, values: [new asn1js.BmpString({ value: name })] }),
  ];
  const file = new pkijs.PFX({
    parsedValue: {
      integrityMode: 0,
      authenticatedSafe: new pkijs.AuthenticatedSafe({
        parsedValue: {
          safeContents: [
            { privacyMode: 0, value: new pkijs.SafeContents({ safeBags: [new pkijs.SafeBag({ bagId: KEY_BAG, bagValue: bag, bagAttributes: attributes() })] }) },
            {
              privacyMode: 0,
              value: new pkijs.SafeContents({
                safeBags: [new pkijs.SafeBag({ bagId: CERT_BAG, bagValue: new pkijs.CertBag({ parsedValue: certificate }), bagAttributes: attributes() })],
              }),
            },
          ],
        },
      }),
    },
  });
  const safe = file.parsedValue?.authenticatedSafe;
  if (!safe) throw new Error('PKCS#12: no authenticated safe');
  await safe.makeInternalValues({ safeContents: [{}, {}] });
  await file.makeInternalValues({
    password: utf8(password),
    iterations: 2048,
    pbkdf2HashAlgorithm: 'SHA-256',
    hmacHashAlgorithm: 'SHA-256',
  });
  return file.toSchema().toBER(false);
}
