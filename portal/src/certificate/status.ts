// SPDX-License-Identifier: Apache-2.0
// A certificate's live status, asked of the server's OCSP responder (RFC 6960, POST /ocsp) and
// believed only when the answer is signed by the issuing CA or by a responder it certified.
import * as pkijs from 'pkijs';
import { fromPem } from './keys';

export type LiveStatus = 'good' | 'revoked' | 'unknown' | 'unavailable';

/// The issuing CA of a certificate among those the server publishes (/ca/issuing.pem).
async function issuerOf(certificate: pkijs.Certificate): Promise<pkijs.Certificate | undefined> {
  const response = await fetch('/ca/issuing.pem', { cache: 'no-store' });
  if (!response.ok) return undefined;
  return fromPem(await response.text())
    .map((der) => pkijs.Certificate.fromBER(der))
    .find((candidate) => candidate.subject.isEqual(certificate.issuer));
}

export async function liveStatus(certificate: pkijs.Certificate): Promise<LiveStatus> {
  try {
    const issuer = await issuerOf(certificate);
    if (!issuer) return 'unavailable';
    const request = new pkijs.OCSPRequest();
    await request.createForCertificate(certificate, { hashAlgorithm: 'SHA-256', issuerCertificate: issuer });
    const response = await fetch('/ocsp', {
      method: 'POST',
      headers: { 'Content-Type': 'application/ocsp-request', Accept: 'application/ocsp-response' },
      body: request.toSchema(true).toBER(false),
      cache: 'no-store',
    });
    if (!response.ok) return 'unavailable';
    const answer = pkijs.OCSPResponse.fromBER(await response.arrayBuffer());
    if (answer.responseStatus.valueBlock.valueDec !== 0 || !answer.responseBytes) return 'unavailable';
    const basic = pkijs.BasicOCSPResponse.fromBER(answer.responseBytes.response.getValue());
    // Signed by the CA itself, the answer carries no certificate: the CA is the signer.
    if (!basic.certs?.length) basic.certs = [issuer];
    const signed = await basic.verify({ trustedCerts: [issuer] });
    if (!signed) return 'unavailable';
    const status = await basic.getCertificateStatus(certificate, issuer);
    if (!status.isForCertificate) return 'unavailable';
    return status.status === 0 ? 'good' : status.status === 1 ? 'revoked' : 'unknown';
  } catch {
    return 'unavailable';
  }
}
