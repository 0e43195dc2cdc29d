// SPDX-License-Identifier: Apache-2.0
// The Node.js relying party: crypto.X509Certificate (parse, checkIssued, verify) and
// crypto.verify, nothing from npm. Node has no API for extensions' criticality, CRLs or OCSP, so
// a small DER reader here reads what a Node relying party must read itself: key usage, the
// certificate policies and the otherName from the certificate's bytes, the CRL, and the OCSP
// answer (requests sent by GET and by POST).
//   node check.mjs good|revoked CASES.tsv
// Prints "ARTEFACT CASE ok|FAIL why" per check.
import { X509Certificate, createHash, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';

/** One DER element: { tag, start, content, end, buf }. */
function der(buf, at = 0) {
  const tag = buf[at];
  let length = buf[at + 1];
  let content = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 3) throw new Error('unsupported DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[content + i];
    content += count;
  }
  if (content + length > buf.length) throw new Error('truncated DER');
  return { tag, start: at, content, end: content + length, buf };
}
const children = (node) => {
  const list = [];
  for (let at = node.content; at < node.end;) {
    const child = der(node.buf, at);
    list.push(child);
    at = child.end;
  }
  return list;
};
const value = (node) => node.buf.subarray(node.content, node.end);
const encoded = (node) => node.buf.subarray(node.start, node.end);
function oid(node) {
  if (node.tag !== 0x06) throw new Error(`not an OID: tag ${node.tag}`);
  const arcs = [];
  let arc = 0n;
  for (const byte of value(node)) {
    arc = (arc << 7n) | BigInt(byte & 0x7f);
    if (!(byte & 0x80)) {
      if (arcs.length === 0) {
        const first = arc >= 80n ? 2n : arc / 40n;
        arcs.push(first, arc - 40n * first);
      } else {
        arcs.push(arc);
      }
      arc = 0n;
    }
  }
  return arcs.join('.');
}
function build(tag, ...parts) {
  const body = Buffer.concat(parts);
  const n = body.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), body]);
}
const unsigned = (bytes) => {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return Buffer.from(bytes.subarray(i)).toString('hex');
};
const HASHES = {
  '1.2.840.113549.1.1.11': 'sha256', '1.2.840.113549.1.1.12': 'sha384', '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256', '1.2.840.10045.4.3.3': 'sha384',
};
function hashOf(algorithm) {
  const name = HASHES[oid(children(algorithm)[0])];
  if (!name) throw new Error(`signature algorithm ${oid(children(algorithm)[0])}`);
  return name;
}
/** Verifies SEQUENCE { tbs, algorithm, BIT STRING signature } with `key`. */
function signedBy(signed, key) {
  const [tbs, algorithm, signature] = children(signed);
  const bits = value(signature);
  if (bits[0] !== 0) throw new Error('signature BIT STRING with unused bits');
  return verify(hashOf(algorithm), encoded(tbs), key, bits.subarray(1));
}

/** The parts of a certificate's TBSCertificate a relying party needs. */
function tbsOf(cert) {
  const fields = children(children(der(cert.raw))[0]);
  const at = fields[0].tag === 0xa0 ? 1 : 0;
  const extensions = {};
  const wrapper = fields.find((f) => f.tag === 0xa3);
  for (const ext of wrapper ? children(children(wrapper)[0]) : []) {
    const parts = children(ext);
    const critical = parts.length === 3 && value(parts[1])[0] === 0xff;
    extensions[oid(parts[0])] = { critical, value: der(value(parts[parts.length - 1])) };
  }
  return { serial: unsigned(value(fields[at])), subject: encoded(fields[at + 4]),
    spki: fields[at + 5], extensions };
}

function checkCertificate(cert, policy, identify, realName) {
  const { extensions } = tbsOf(cert);
  const usage = extensions['2.5.29.15'];
  if (!usage?.critical) return 'key usage is not critical';
  const bits = value(usage.value);  // unused-bit count, then the bits
  if (bits[1] !== 0xc0 || bits.subarray(2).some((b) => b !== 0)) {
    return `key usage ${bits.toString('hex')}, not digitalSignature+nonRepudiation`;
  }
  const policies = extensions['2.5.29.32'];
  if (!policies?.critical) return 'certificatePolicies is not critical';
  const oids = children(policies.value).map((info) => oid(children(info)[0]));
  if (oids.join() !== policy) return `policies ${oids}, not ${policy}`;
  const names = extensions['2.5.29.17'] ? children(extensions['2.5.29.17'].value) : [];
  const others = names.filter((name) => name.tag === 0xa0);
  if (!identify) return others.length ? 'an otherName it should not have' : null;
  if (others.length !== 1) return `${others.length} otherNames`;
  const [type, wrapped] = children(others[0]);
  if (oid(type) !== '1.2.410.200004.10.1.1') return `otherName of type ${oid(type)}`;
  const data = children(wrapped);
  if (wrapped.tag !== 0xa0 || data.length !== 1 || data[0].tag !== 0x30) return 'identifyData is not [0] SEQUENCE';
  const [name, userInfo] = children(data[0]);
  if (name.tag !== 0x0c || value(name).toString('utf8') !== realName) return `realName is not ${realName}`;
  if (children(userInfo).length !== 1) return 'not one userInfo entry';
  return null;
}

function checkChain(cert, issuer, root) {
  const now = new Date();
  for (const [child, parent] of [[cert, issuer], [issuer, root], [root, root]]) {
    if (!child.checkIssued(parent)) return `${child.subject} is not issued by ${parent.subject}`;
    if (!child.verify(parent.publicKey)) return `the signature of ${child.subject} does not verify`;
    if (now < new Date(child.validFrom) || now > new Date(child.validTo)) return `${child.subject} is not valid now`;
  }
  if (!issuer.ca || !root.ca) return 'a CA certificate is not a CA';
  return null;
}

function checkCrl(path, cert, issuer, revoked) {
  const crl = der(readFileSync(path));
  if (!signedBy(crl, issuer.publicKey)) return "the CRL's signature does not verify";
  const fields = children(children(crl)[0]);
  const at = fields[0].tag === 0x02 ? 1 : 0;  // version
  if (!encoded(fields[at + 1]).equals(tbsOf(issuer).subject)) return "the CRL's issuer is not the issuing CA";
  const serial = tbsOf(cert).serial;
  const entries = fields.find((f, i) => i > at + 2 && f.tag === 0x30);
  const listed = (entries ? children(entries) : []).some((entry) => unsigned(value(children(entry)[0])) === serial);
  if (listed !== revoked) return `serial ${serial} listed: ${listed}`;
  return null;
}

function ocspRequest(cert, issuer) {
  const { subject, spki } = tbsOf(issuer);
  const keyBits = value(children(spki)[1]).subarray(1);
  const sha1 = (data) => createHash('sha1').update(data).digest();
  const certId = build(0x30, build(0x30, build(0x06, Buffer.from([0x2b, 0x0e, 0x03, 0x02, 0x1a])), build(0x05)),
    build(0x04, sha1(subject)), build(0x04, sha1(keyBits)), build(0x02, value(children(children(der(cert.raw))[0])
      .find((f) => f.tag === 0x02))));
  return build(0x30, build(0x30, build(0x30, build(0x30, certId))));
}

function fetch(url, body) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, {
      method: body ? 'POST' : 'GET', timeout: 10000,
      headers: body ? { 'Content-Type': 'application/ocsp-request', 'Content-Length': body.length } : {},
    }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => (response.statusCode === 200 ? resolve(Buffer.concat(chunks))
        : reject(new Error(`HTTP ${response.statusCode}`))));
    });
    request.on('error', reject);
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.end(body);
  });
}

function checkAnswer(answer, cert, issuer, revoked) {
  const [status, bytes] = children(der(answer));
  if (value(status)[0] !== 0) return `responseStatus ${value(status)[0]}`;
  const [type, octets] = children(children(bytes)[0]);
  if (oid(type) !== '1.3.6.1.5.5.7.48.1.1') return 'not a basic response';
  const basic = der(value(octets));
  const parts = children(basic);
  let signer = issuer;
  if (parts.length > 3) {
    signer = new X509Certificate(encoded(children(children(parts[3])[0])[0]));
    // A delegated responder: issued by the certificate's CA, for OCSP signing.
    if (!signer.checkIssued(issuer) || !signer.verify(issuer.publicKey)) return 'the responder is not the CA\'s';
    if (!(signer.keyUsage ?? []).includes('1.3.6.1.5.5.7.3.9')) return 'the responder is not for OCSP signing';
  }
  if (!signedBy(basic, signer.publicKey)) return "the answer's signature does not verify";
  const fields = children(parts[0]);
  const at = fields[0].tag === 0xa0 ? 1 : 0;
  const responses = children(fields[at + 2]);
  if (responses.length !== 1) return `${responses.length} responses`;
  const [certId, certStatus] = children(responses[0]);
  const serial = unsigned(value(children(certId)[3]));
  if (serial !== tbsOf(cert).serial) return `the answer is about ${serial}`;
  const said = { 0x80: 'good', 0xa1: 'revoked', 0x82: 'unknown' }[certStatus.tag] ?? '?';
  const want = revoked ? 'revoked' : 'good';
  return said === want ? null : `says ${said}, not ${want}`;
}

const revoked = process.argv[2] === 'revoked';
const lines = readFileSync(process.argv[3], 'utf8').split('\n').filter(Boolean);
for (const line of lines) {
  const f = line.split('\t');
  const name = f[0];
  const say = (artefact, problem) => console.log(`${artefact} ${name} ${problem == null ? 'ok' : `FAIL ${problem}`}`);
  const step = async (artefact, check) => {
    try {
      say(artefact, await check());
    } catch (error) {
      say(artefact, String(error).replace(/\n/g, ' '));
    }
  };
  let cert, issuer, root;
  try {
    [cert, issuer, root] = [1, 2, 3].map((i) => new X509Certificate(readFileSync(f[i])));
  } catch (error) {
    say('*', String(error));
    continue;
  }
  await step('cert', () => checkCertificate(cert, f[6], f[7] === 'yes', f[10]));
  await step('chain', () => checkChain(cert, issuer, root));
  await step('crl', () => checkCrl(f[4], cert, issuer, revoked));
  const request = ocspRequest(cert, issuer);
  await step('ocsp-get', async () => checkAnswer(
    await fetch(`${f[5]}/${encodeURIComponent(request.toString('base64'))}`), cert, issuer, revoked));
  await step('ocsp-post', async () => checkAnswer(await fetch(f[5], request), cert, issuer, revoked));
}
