// SPDX-License-Identifier: Apache-2.0
// The certificates kept in this browser (브라우저 인증서; korea.md, "Certificates kept in the
// browser"): IndexedDB database "dojang-certificates", store "certificates", one record per
// certificate keyed by its serial. The key is kept exactly as in signPri.key, encrypted under
// the certificate password; nothing here can decrypt it.
import type * as pkijs from 'pkijs';
import { commonName } from './npki';

export interface StoredCertificate {
  serial: string;
  certificate: ArrayBuffer;  // DER
  key: ArrayBuffer;  // signPri.key (PKCS#8 EncryptedPrivateKeyInfo, DER)
  subject: string;
  issuer: string;
  not_before: string;  // ISO 8601
  not_after: string;
  saved_at: string;
}

function serialOf(certificate: pkijs.Certificate): string {
  return Array.from(certificate.serialNumber.valueBlock.valueHexView, (b) => b.toString(16).padStart(2, '0'))
    .join('')
    .replace(/^(00)+(?=.)/, '');
}

function issuerName(certificate: pkijs.Certificate): string {
  const cn = certificate.issuer.typesAndValues.find((entry) => entry.type === '2.5.4.3');
  const value = cn?.value as { valueBlock?: { value?: unknown } } | undefined;
  return typeof value?.valueBlock?.value === 'string' ? value.valueBlock.value : '';
}

/// The record of a certificate and its key file; the serial as the CA writes it (hex, no
/// leading zero bytes) unless the caller has the CA's own spelling.
export function recordOf(certificate: pkijs.Certificate, certificateDer: ArrayBuffer, key: ArrayBuffer, serial = serialOf(certificate)): StoredCertificate {
  return {
    serial,
    certificate: certificateDer,
    key,
    subject: commonName(certificate),
    issuer: issuerName(certificate),
    not_before: certificate.notBefore.value.toISOString(),
    not_after: certificate.notAfter.value.toISOString(),
    saved_at: new Date().toISOString(),
  };
}

const DATABASE = 'dojang-certificates';
const STORE = 'certificates';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE, { keyPath: 'serial' });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB'));
    request.onblocked = () => reject(new Error('IndexedDB blocked'));
  });
}

async function run<T>(mode: IDBTransactionMode, act: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const database = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const transaction = database.transaction(STORE, mode);
      const request = act(transaction.objectStore(STORE));
      // Resolved when the transaction commits, not when the request succeeds: a saved
      // certificate is one the browser has written.
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB'));
      transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB aborted'));
    });
  } finally {
    database.close();
  }
}

/// Asks the browser not to clear this site's storage under pressure; whether it agreed.
export async function keepStorage(): Promise<boolean> {
  try {
    return (await navigator.storage?.persisted?.()) || ((await navigator.storage?.persist?.()) ?? false);
  } catch {
    return false;
  }
}

export async function saveCertificate(record: StoredCertificate): Promise<void> {
  await run('readwrite', (store) => store.put(record));
}

export function storedCertificates(): Promise<StoredCertificate[]> {
  return run('readonly', (store) => store.getAll() as IDBRequest<StoredCertificate[]>);
}

export async function deleteCertificate(serial: string): Promise<void> {
  await run('readwrite', (store) => store.delete(serial));
}
