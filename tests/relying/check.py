# SPDX-License-Identifier: Apache-2.0
"""The Python relying party: Debian 12's python3-cryptography (38.0.4).

Certificate, CRL and OCSP loaders; cryptography 38 has no path validation, so the chain is
checked link by link (names, signatures, validity, CA flags) as a Python relying party does.
OCSP requests go by GET and by POST; the answer's signature and its delegated responder are
verified here. Prints "ARTEFACT CASE ok|FAIL why" per check.

    python3 check.py good|revoked CASES.tsv
"""
import base64
import datetime
import sys
import urllib.parse
import urllib.request

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID

IDENTIFY_DATA = "1.2.410.200004.10.1.1"


def der(data, at=0):
    """(tag, content, end) of the DER element at `at` (definite lengths only)."""
    tag, length = data[at], data[at + 1]
    at += 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 3:
            raise ValueError("unsupported DER length")
        length = int.from_bytes(data[at:at + count], "big")
        at += count
    if at + length > len(data):
        raise ValueError("truncated DER")
    return tag, data[at:at + length], at + length


def children(content):
    at, found = 0, []
    while at < len(content):
        tag, value, at = der(content, at)
        found.append((tag, value))
    return found


def load(path):
    with open(path, "rb") as file:
        return x509.load_pem_x509_certificate(file.read())


def signed_by(child_signature, tbs, hash_algorithm, issuer_key):
    if isinstance(issuer_key, rsa.RSAPublicKey):
        issuer_key.verify(child_signature, tbs, padding.PKCS1v15(), hash_algorithm)
    elif isinstance(issuer_key, ec.EllipticCurvePublicKey):
        issuer_key.verify(child_signature, tbs, ec.ECDSA(hash_algorithm))
    else:
        raise ValueError(f"unexpected key {type(issuer_key).__name__}")


def check_certificate(cert, policy, identify, real_name):
    key_usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    usage = key_usage.value
    if not (key_usage.critical and usage.digital_signature and usage.content_commitment):
        return "key usage is not critical digitalSignature+nonRepudiation"
    if usage.key_encipherment or usage.data_encipherment or usage.key_cert_sign or usage.crl_sign:
        return "key usage has more bits"
    policies = cert.extensions.get_extension_for_class(x509.CertificatePolicies)
    if not policies.critical:
        return "certificatePolicies is not critical"
    oids = [info.policy_identifier.dotted_string for info in policies.value]
    if oids != [policy]:
        return f"policies {oids}, not [{policy}]"
    try:
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        others = names.get_values_for_type(x509.OtherName)
    except x509.ExtensionNotFound:
        others = []
    if not identify:
        return "an otherName it should not have" if others else None
    if len(others) != 1 or others[0].type_id.dotted_string != IDENTIFY_DATA:
        return f"otherNames {[o.type_id.dotted_string for o in others]}, not one identifyData"
    tag, content, end = der(others[0].value)  # SEQUENCE { realName, userInfo }
    if tag != 0x30 or end != len(others[0].value):
        return "identifyData is not a SEQUENCE"
    fields = children(content)
    if fields[0][0] != 0x0C or fields[0][1].decode("utf-8") != real_name:
        return f"realName is not the UTF8String {real_name}"
    if len(children(fields[1][1])) != 1:
        return "not one userInfo entry"
    return None


def check_chain(cert, issuer, root):
    now = datetime.datetime.utcnow()
    for child, parent in ((cert, issuer), (issuer, root), (root, root)):
        if child.issuer != parent.subject:
            return f"{child.subject.rfc4514_string()} is not issued by {parent.subject.rfc4514_string()}"
        signed_by(child.signature, child.tbs_certificate_bytes, child.signature_hash_algorithm,
                  parent.public_key())
        if not child.not_valid_before <= now <= child.not_valid_after:
            return f"{child.subject.rfc4514_string()} is not valid now"
    for ca in (issuer, root):
        if not ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca:
            return f"{ca.subject.rfc4514_string()} is not a CA"
        if not ca.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign:
            return f"{ca.subject.rfc4514_string()} may not sign certificates"
    return None


def check_crl(path, cert, issuer, revoked):
    with open(path, "rb") as file:
        crl = x509.load_der_x509_crl(file.read())
    if not crl.is_signature_valid(issuer.public_key()):
        return "the CRL's signature does not verify"
    if crl.issuer != issuer.subject:
        return "the CRL's issuer is not the issuing CA"
    listed = crl.get_revoked_certificate_by_serial_number(cert.serial_number) is not None
    if listed != revoked:
        return f"serial {cert.serial_number:x} listed: {listed}"
    return None


def check_answer(data, cert, issuer, revoked):
    answer = ocsp.load_der_ocsp_response(data)
    if answer.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
        return f"status {answer.response_status}"
    signer = issuer
    if answer.certificates:
        signer = answer.certificates[0]
        # A delegated responder: issued by the certificate's CA, for OCSP signing.
        signed_by(signer.signature, signer.tbs_certificate_bytes, signer.signature_hash_algorithm,
                  issuer.public_key())
        usages = signer.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        if ExtendedKeyUsageOID.OCSP_SIGNING not in usages:
            return "the responder certificate is not for OCSP signing"
    signed_by(answer.signature, answer.tbs_response_bytes, answer.signature_hash_algorithm,
              signer.public_key())
    if answer.serial_number != cert.serial_number:
        return f"the answer is about {answer.serial_number:x}"
    want = ocsp.OCSPCertStatus.REVOKED if revoked else ocsp.OCSPCertStatus.GOOD
    if answer.certificate_status != want:
        return f"says {answer.certificate_status}, not {want}"
    if answer.next_update is None or answer.next_update < datetime.datetime.utcnow():
        return "the answer is stale"
    return None


def fetch(url, body=None):
    request = urllib.request.Request(url, data=body)
    if body is not None:
        request.add_header("Content-Type", "application/ocsp-request")
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()


def main():
    revoked = sys.argv[1] == "revoked"
    with open(sys.argv[2], encoding="utf-8") as lines:
        cases = [line.rstrip("\n").split("\t") for line in lines]
    for f in cases:
        name = f[0]

        def step(artefact, check, *args):
            try:
                problem = check(*args)
            except Exception as error:  # each refusal is a cell of the matrix
                problem = f"{type(error).__name__}: {error}"
            print(f"{artefact} {name} " + ("ok" if problem is None else "FAIL " + problem.replace("\n", " ")))

        try:
            cert, issuer, root = load(f[1]), load(f[2]), load(f[3])
        except Exception as error:
            print(f"* {name} FAIL {type(error).__name__}: {error}")
            continue
        step("cert", check_certificate, cert, f[6], f[7] == "yes", f[10])
        step("chain", check_chain, cert, issuer, root)
        step("crl", check_crl, f[4], cert, issuer, revoked)
        request = (ocsp.OCSPRequestBuilder().add_certificate(cert, issuer, hashes.SHA1()).build()
                   .public_bytes(serialization.Encoding.DER))
        encoded = urllib.parse.quote(base64.b64encode(request).decode(), safe="")
        step("ocsp-get", lambda: check_answer(fetch(f[5] + "/" + encoded), cert, issuer, revoked))
        step("ocsp-post", lambda: check_answer(fetch(f[5], request), cert, issuer, revoked))


if __name__ == "__main__":
    main()
