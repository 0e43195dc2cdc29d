// SPDX-License-Identifier: Apache-2.0
// Where Korean software looks for a certificate (korea.md, "Where certificates live"):
// NPKI/<CA folder>/USER/<subject DN folder>/{signCert.der, signPri.key}, named exactly as the
// holder's CLI names them (src/dojang/keystore/npki_store.cpp), and the ZIP of that folder.
import * as pkijs from 'pkijs';
import { zipSync } from 'fflate';

const KNOWN_CA_FOLDERS = ['yessign', 'KICA', 'SignKorea', 'CrossCert', 'TradeSign'];

/// OpenSSL's short names, lower-cased, for the attributes a subject may hold.
const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'cn',
  '2.5.4.4': 'sn',
  '2.5.4.5': 'serialnumber',
  '2.5.4.6': 'c',
  '2.5.4.7': 'l',
  '2.5.4.8': 'st',
  '2.5.4.10': 'o',
  '2.5.4.11': 'ou',
  '2.5.4.12': 'title',
  '2.5.4.42': 'gn',
  '2.5.4.97': 'organizationidentifier',
  '0.9.2342.19200300.100.1.25': 'dc',
  '1.2.840.113549.1.9.1': 'emailaddress',
};

/// '/', '\' and control characters become '_'; an empty, "." or ".." name gets a '_' in front.
function pathSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  const out = text.replace(/[/\\\x00-\x1f\x7f]/g, '_');
  return out === '' || out === '.' || out === '..' ? `_${out}` : out;
}

function valueOf(entry: pkijs.AttributeTypeAndValue): string {
  const value = entry.value as { valueBlock?: { value?: unknown } };
  return typeof value.valueBlock?.value === 'string' ? value.valueBlock.value : '';
}

export function caFolder(certificate: pkijs.Certificate): string {
  const organisation = certificate.issuer.typesAndValues.find((entry) => entry.type === '2.5.4.10');
  if (!organisation) return 'dojang';
  const name = valueOf(organisation);
  const known = KNOWN_CA_FOLDERS.find((folder) => folder.toLowerCase() === name.toLowerCase());
  return known ?? (name ? pathSafe(name) : 'dojang');
}

/// The subject DN, leaf first, keys lower-case: "cn=홍길동(…),ou=…,o=…,c=kr".
export function dnFolder(certificate: pkijs.Certificate): string {
  const parts = [...certificate.subject.typesAndValues].reverse().map((entry) => `${SHORT_NAMES[entry.type] ?? 'oid'}=${valueOf(entry)}`);
  return pathSafe(parts.join(','));
}

export function commonName(certificate: pkijs.Certificate): string {
  const cn = certificate.subject.typesAndValues.find((entry) => entry.type === '2.5.4.3');
  return cn ? valueOf(cn) : '';
}

export function npkiFolder(certificate: pkijs.Certificate): string {
  return `NPKI/${caFolder(certificate)}/USER/${dnFolder(certificate)}`;
}

/// The ZIP of the NPKI folder: unpacked at the root of a disk (or in the NPKI home) it is where
/// Korean software looks. Stored, not deflated: both files are already random-looking.
export function npkiZip(certificate: pkijs.Certificate, certificateDer: ArrayBuffer, signPriKey: ArrayBuffer): Uint8Array<ArrayBuffer> {
  const folder = npkiFolder(certificate);
  const mtime = new Date();
  const zip = zipSync(
    {
      [`${folder}/signCert.der`]: [new Uint8Array(certificateDer), { level: 0, mtime }],
      [`${folder}/signPri.key`]: [new Uint8Array(signPriKey), { level: 0, mtime }],
    },
    { level: 0 },
  );
  return new Uint8Array(zip);
}
