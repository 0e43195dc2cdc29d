#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""An independent client for the *Korean* CMP profile, as Korean bank certificate software
(yessign's and SIGNGATE/KICA's clients, Initech's cmp.js) sends it: genm -> genp (the CA's VID
encryption certificate), ir with an EncryptedVID -> ip, pkiconf -> pkiconf, every message protected
by PasswordBasedMac with the ETRI desMAC. Written from the profile's description, not from dojang's
code: every structure is built and parsed with pyasn1 / pyasn1_modules, the cryptography with the
`cryptography` library. Runs with Debian 12's python3-cryptography 38 and python3-pyasn1 0.4.8 /
python3-pyasn1-modules 0.2.8.

  korean_cmp_client.py --self-test
      the desMAC and VID known answers (and the public Initech sample ir), no server
  korean_cmp_client.py --url URL --reference REF --code CODE --idn IDN \
          --variant yessign|signgate --transport cmp|gateway --issuer issuing.pem --out cert.pem \
          [--vid-cert vid.pem] [--name REALNAME]
      a whole issuance; prints each step, exits 1 with "FAILED: ..." on the first thing that is
      not as expected; writes the issued certificate (PEM) to --out
  korean_cmp_client.py --url URL --reference REF --code CODE --wrong-code
      a genm MACed with a wrong code must get an unprotected error [23] with a Korean text
  korean_cmp_client.py --url URL --reference REF --code CODE --idn IDN --wrong-key-mac
      an ir whose POPO publicKeyMAC uses another code must get error [23] badPOP, Korean text

Variants: yessign = pvno 1 with a transactionID, the reissue as ir -> ip; signgate = pvno 0, no
transactionID at all, and the reissue as key recovery, krr [9] -> krp [10] with newSigCert.
Transports: cmp = POST URL/cmp (DER, application/pkixcmp); gateway = POST URL/cmp/gateway (form
fields with base64 messages, as cmp.js posts them: msg = genm first, then msg/msg2/msg3 =
genm/ir/pkiconf in one request, answered with the base64 ip).

One deliberate difference from the description: the VID inside EncryptedVID is sent as
SEQUENCE { hashAlg, virtualID [0] EXPLICIT OCTET STRING }, the form Initech's cmp.js encrypts
and Korean certificates carry (see class VID), not with an untagged OCTET STRING.
"""

import argparse
import base64
import datetime
import hashlib
import hmac
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, modes

try:  # cryptography >= 43 moved DES there
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
except ImportError:  # Debian 12: cryptography 38
    from cryptography.hazmat.primitives.ciphers.algorithms import TripleDES

from pyasn1.codec.der import decoder, encoder
from pyasn1.error import PyAsn1Error
from pyasn1.type import char, namedtype, tag, univ
from pyasn1_modules import rfc2459, rfc2511, rfc4210

# ---------------------------------------------------------------------------------------------
# Object identifiers of the profile
# ---------------------------------------------------------------------------------------------
OID_PASSWORD_BASED_MAC = univ.ObjectIdentifier("1.2.840.113533.7.66.13")
OID_SHA1 = univ.ObjectIdentifier("1.3.14.3.2.26")
OID_DES_MAC = univ.ObjectIdentifier("1.3.14.3.2.10")
OID_HMAC_SHA1 = univ.ObjectIdentifier("1.3.6.1.5.5.8.1.2")
OID_SHA256 = univ.ObjectIdentifier("2.16.840.1.101.3.4.2.1")
OID_RSA_ENCRYPTION = univ.ObjectIdentifier("1.2.840.113549.1.1.1")
OID_SHA256_WITH_RSA = univ.ObjectIdentifier("1.2.840.113549.1.1.11")
OID_CA_PROT_ENC_CERT = univ.ObjectIdentifier("1.3.6.1.5.5.7.4.1")  # id-it-caProtEncCert
OID_YESSIGN_VID_CERT = univ.ObjectIdentifier("1.2.410.200005.1.10.1")
OID_ENCRYPTED_VID = univ.ObjectIdentifier("1.2.410.200004.10.1.1.2")
OID_KISA_IDENTIFY_DATA = "1.2.410.200004.10.1.1"

# The ETRI PasswordBasedMac parameters every Korean message carries.
ETRI_SALT = b"aaaaabbbbb"
ETRI_ITERATIONS = 2


class Failure(Exception):
    """Something is not as the profile says: the message says what."""


def expect(condition, message):
    if not condition:
        raise Failure(message)


def step(text):
    print(text, flush=True)


# ---------------------------------------------------------------------------------------------
# ASN.1 of the profile that pyasn1_modules does not have
# ---------------------------------------------------------------------------------------------
def _explicit(n, asn1):
    return asn1.subtype(explicitTag=tag.Tag(tag.tagClassContext, tag.tagFormatConstructed, n))


class VID(univ.Sequence):
    """VID ::= SEQUENCE { hashAlg AlgorithmIdentifier, virtualID [0] EXPLICIT OCTET STRING }

    The description this test was written from gives `virtualID OCTET STRING` (untagged). Korean
    software tags it: Initech's public cmp.js builds the VID it encrypts as
    SEQUENCE { hashAlg, [0] { OCTET STRING } } (its comment gives the bytes: 30 4C 30 33 30 0D ...
    A0 22 04 20 ...), and the yessign test certificate in tests/vectors/npki-yessign-test carries
    its VID in identifyData in the same form. So the client sends the tagged form; the untagged
    one (VIDUntagged) is only looked for in a certificate, and named when found."""
    componentType = namedtype.NamedTypes(
        namedtype.NamedType("hashAlg", rfc2459.AlgorithmIdentifier()),
        namedtype.NamedType("virtualID", _explicit(0, univ.OctetString())),
    )


class VIDUntagged(univ.Sequence):
    """SEQUENCE { hashAlg AlgorithmIdentifier, virtualID OCTET STRING }: the VID as the
    description writes it."""
    componentType = namedtype.NamedTypes(
        namedtype.NamedType("hashAlg", rfc2459.AlgorithmIdentifier()),
        namedtype.NamedType("virtualID", univ.OctetString()),
    )


class HashContent(univ.Sequence):
    """HashContent ::= SEQUENCE { idn PrintableString, randomNum BIT STRING }"""
    componentType = namedtype.NamedTypes(
        namedtype.NamedType("idn", char.PrintableString()),
        namedtype.NamedType("randomNum", univ.BitString()),
    )


class EncryptContent(univ.Sequence):
    """What encryptedVID encrypts: EncryptContent ::= SEQUENCE { vid VID, randomNum BIT STRING }"""
    componentType = namedtype.NamedTypes(
        namedtype.NamedType("vid", VID()),
        namedtype.NamedType("randomNum", univ.BitString()),
    )


class IssuerAndSerialNumber(univ.Sequence):
    componentType = namedtype.NamedTypes(
        namedtype.NamedType("issuer", rfc2459.Name()),
        namedtype.NamedType("serialNumber", rfc2459.CertificateSerialNumber()),
    )


class EncryptedVID(univ.Sequence):
    """EncryptedVID ::= SEQUENCE {
         version      [0] EXPLICIT INTEGER DEFAULT 0,
         vidHashAlg   [1] EXPLICIT AlgorithmIdentifier OPTIONAL,
         vidEncAlg    [2] EXPLICIT AlgorithmIdentifier,
         certID       [3] EXPLICIT IssuerAndSerialNumber,
         encryptedVID [4] EXPLICIT OCTET STRING }"""
    componentType = namedtype.NamedTypes(
        namedtype.DefaultedNamedType("version", _explicit(0, univ.Integer(0))),
        namedtype.OptionalNamedType("vidHashAlg", _explicit(1, rfc2459.AlgorithmIdentifier())),
        namedtype.NamedType("vidEncAlg", _explicit(2, rfc2459.AlgorithmIdentifier())),
        namedtype.NamedType("certID", _explicit(3, IssuerAndSerialNumber())),
        namedtype.NamedType("encryptedVID", _explicit(4, univ.OctetString())),
    )


class IdentifyData(univ.Sequence):
    """KISA identifyData (otherName 1.2.410.200004.10.1.1), its fixed part:
       SEQUENCE { realName UTF8String, userInfo SEQUENCE OF ... }"""
    componentType = namedtype.NamedTypes(
        namedtype.NamedType("realName", char.UTF8String()),
        namedtype.NamedType("userInfo", univ.SequenceOf(componentType=univ.Any())),
    )


class UserInfo(univ.Sequence):
    """A userInfo element as Korean certificates carry it (the yessign vector in tests/vectors):
       SEQUENCE { type OBJECT IDENTIFIER (id-VID 1.2.410.200004.10.1.1.1), value VID }"""
    componentType = namedtype.NamedTypes(
        namedtype.NamedType("type", univ.ObjectIdentifier()),
        namedtype.NamedType("value", univ.Any()),
    )


OID_KISA_VID = univ.ObjectIdentifier("1.2.410.200004.10.1.1.1")


# Any DER element seen as its elements (to walk structures whose nesting is not fixed).
ANY_SEQUENCE = univ.SequenceOf(componentType=univ.Any())
ANY_SET = univ.SetOf(componentType=univ.Any())


def algorithm(oid, parameters=None, null=True):
    """AlgorithmIdentifier with the given parameters (a pyasn1 value), or NULL."""
    alg = rfc2459.AlgorithmIdentifier()
    alg["algorithm"] = oid
    if parameters is not None:
        alg["parameters"] = univ.Any(encoder.encode(parameters))
    elif null:
        alg["parameters"] = univ.Any(encoder.encode(univ.Null("")))
    return alg


def fill_algorithm(target, source):
    """Copies an AlgorithmIdentifier into a (tagged) AlgorithmIdentifier component."""
    target["algorithm"] = source["algorithm"]
    if source["parameters"].isValue:
        target["parameters"] = source["parameters"]


def decode_exact(data, spec, what):
    try:
        value, rest = decoder.decode(data, asn1Spec=spec)
    except PyAsn1Error as e:
        raise Failure(f"{what}: not DER of the expected structure ({e})")
    expect(not rest, f"{what}: {len(rest)} bytes after the structure")
    return value


# ---------------------------------------------------------------------------------------------
# PasswordBasedMac: the ETRI desMAC (message protection) and RFC 4211's HMAC (POPO publicKeyMAC)
# ---------------------------------------------------------------------------------------------
def etri_key(secret, salt, iterations):
    """K = SHA1 applied `iterations` times to salt || secret (iterationCount 2: SHA1(SHA1(..)));
    the DES key is the first 8 bytes."""
    h = salt + secret
    for _ in range(iterations):
        h = hashlib.sha1(h).digest()
    return h[:8]


def des_mac(key, data):
    """DES-CBC, zero IV, over data followed by 1..8 zero bytes (a whole block when the length is
    already a multiple of 8); the MAC is the last ciphertext block. Single DES is 3DES with
    K || K || K."""
    padded = data + b"\0" * (8 - len(data) % 8)
    enc = Cipher(TripleDES(key * 3), modes.CBC(b"\0" * 8)).encryptor()
    return (enc.update(padded) + enc.finalize())[-8:]


def rfc4211_pbm(secret, salt, iterations, data):
    """RFC 4211 4.4 / RFC 4210 5.1.3.1: key = SHA-1 iterated over secret || salt, then HMAC-SHA1."""
    key = secret + salt
    for _ in range(iterations):
        key = hashlib.sha1(key).digest()
    return hmac.new(key, data, hashlib.sha1).digest()


def etri_protection_alg():
    """protectionAlg: PasswordBasedMac { salt "aaaaabbbbb", SHA-1, 2, desMAC }"""
    pbm = rfc4210.PBMParameter()
    pbm["salt"] = ETRI_SALT
    pbm["owf"] = algorithm(OID_SHA1)
    pbm["iterationCount"] = ETRI_ITERATIONS
    pbm["mac"] = algorithm(OID_DES_MAC)
    return algorithm(OID_PASSWORD_BASED_MAC, pbm)


# ---------------------------------------------------------------------------------------------
# VID (KISA): virtualID = SHA-256(SHA-256(DER(HashContent { idn, R })))
# ---------------------------------------------------------------------------------------------
def hash_content_der(idn, r):
    hc = HashContent()
    hc["idn"] = idn
    hc["randomNum"] = univ.BitString.fromOctetString(r)
    return encoder.encode(hc)


def virtual_id(idn, r):
    return hashlib.sha256(hashlib.sha256(hash_content_der(idn, r)).digest()).digest()


# ---------------------------------------------------------------------------------------------
# PKIMessage building, protection and checking
# ---------------------------------------------------------------------------------------------
def general_name_empty_dn():
    gn = rfc2459.GeneralName()
    gn["directoryName"][""].clear()  # an empty RDNSequence: directoryName ""
    return gn


def general_name_space():
    gn = rfc2459.GeneralName()
    gn["rfc822Name"] = " "  # rfc822Name " ", the genm's sender
    return gn


class Session:
    """The values one Korean client keeps across genm, ir and pkiconf."""

    def __init__(self, reference, code, variant):
        self.reference = reference.encode("ascii")
        self.secret = code  # the code's digits, bytes
        self.pvno = 1 if variant == "yessign" else 0
        self.variant = variant
        # yessign: a transactionID; SIGNGATE/KICA: none at all
        self.transaction_id = os.urandom(16) if variant == "yessign" else None
        self.sender_nonce = os.urandom(16)  # the same in genm, ir and pkiconf
        self.recip_nonce = None  # the genp's senderNonce once known

    def header(self, sender):
        h = rfc4210.PKIHeader()
        h["pvno"] = self.pvno
        h["sender"] = sender
        h["recipient"] = general_name_empty_dn()
        h["messageTime"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d%H%M%SZ")
        fill_algorithm(h["protectionAlg"], etri_protection_alg())
        h["senderKID"] = self.reference
        if self.transaction_id is not None:
            h["transactionID"] = self.transaction_id
        h["senderNonce"] = self.sender_nonce
        if self.recip_nonce is not None:
            h["recipNonce"] = self.recip_nonce
        return h

    def protected_message(self, header, body, secret=None):
        """PKIMessage { header, body, protection [0] desMAC(DER(ProtectedPart)) }"""
        part = rfc4210.ProtectedPart()
        part["header"] = header
        part["infoValue"] = body
        key = etri_key(self.secret if secret is None else secret, ETRI_SALT, ETRI_ITERATIONS)
        mac = des_mac(key, encoder.encode(part))
        msg = rfc4210.PKIMessage()
        msg["header"] = header
        msg["body"] = body
        protection = msg.componentType.getTypeByPosition(msg.componentType.getPositionByName("protection"))
        msg["protection"] = protection.clone(hexValue=mac.hex())
        return encoder.encode(msg)


def body_of(kind):
    body = rfc4210.PKIBody()
    position = body.componentType.getPositionByName(kind)
    return body, body.componentType.getTypeByPosition(position)


def genm_message(session, secret=None):
    """genm [21] with an empty GenMsgContent; sender rfc822Name " "."""
    body, _ = body_of("genm")
    body["genm"].clear()
    return session.protected_message(session.header(general_name_space()), body, secret)


def pkiconf_message(session):
    """pkiconf [19] NULL; sender an empty directoryName."""
    body, pkiconf = body_of("pkiconf")
    body["pkiconf"] = pkiconf.clone(b"")
    return session.protected_message(session.header(general_name_empty_dn()), body)


def parse_message(raw, what):
    """The decoded PKIMessage and its header and body exactly as received (for the MAC)."""
    msg = decode_exact(raw, rfc4210.PKIMessage(), what)
    elements = decode_exact(raw, ANY_SEQUENCE, what)
    return msg, bytes(elements[0]), bytes(elements[1])


def verify_desmac(raw, secret, what):
    """Checks that a received message is protected with PasswordBasedMac/desMAC under the codes."""
    msg, header_der, body_der = parse_message(raw, what)
    header = msg["header"]
    expect(header["protectionAlg"].isValue, f"{what}: not protected (no protectionAlg)")
    expect(msg["protection"].isValue, f"{what}: no protection")
    alg = header["protectionAlg"]
    expect(alg["algorithm"] == OID_PASSWORD_BASED_MAC,
           f"{what}: protectionAlg {alg['algorithm']}, expected PasswordBasedMac")
    pbm = decode_exact(bytes(alg["parameters"]), rfc4210.PBMParameter(), f"{what}: PBMParameter")
    expect(pbm["owf"]["algorithm"] == OID_SHA1, f"{what}: owf {pbm['owf']['algorithm']}, expected SHA-1")
    expect(pbm["mac"]["algorithm"] == OID_DES_MAC, f"{what}: mac {pbm['mac']['algorithm']}, expected desMAC")
    protection = msg["protection"]
    expect(len(protection) == 64, f"{what}: protection of {len(protection)} bits, expected 64")
    part = ANY_SEQUENCE.clone()
    part.append(univ.Any(header_der))
    part.append(univ.Any(body_der))
    key = etri_key(secret, bytes(pbm["salt"]), int(pbm["iterationCount"]))
    expected = des_mac(key, encoder.encode(part))
    expect(protection.asOctets() == expected,
           f"{what}: the desMAC does not verify (got {protection.asOctets().hex()}, expected {expected.hex()}"
           f" with salt {bytes(pbm['salt'])!r}, {int(pbm['iterationCount'])} iterations)")
    return msg


def check_answer(raw, session, kind, what):
    """An answer in the Korean form: desMAC, pvno echoed, transactionID (when the client sent one),
    recipNonce = our senderNonce. Returns the message and a note of what was checked."""
    msg, _, _ = parse_message(raw, what)
    got = msg["body"].getName()
    if got == "error":
        raise Failure(f"{what}: the server answered error [23]: {describe_error(msg)}")
    expect(got == kind, f"{what}: body {got}, expected {kind}")
    msg = verify_desmac(raw, session.secret, what)
    header = msg["header"]
    expect(int(header["pvno"]) == session.pvno, f"{what}: pvno {int(header['pvno'])}, expected {session.pvno}")
    if session.transaction_id is not None:
        expect(header["transactionID"].isValue, f"{what}: no transactionID")
        expect(bytes(header["transactionID"]) == session.transaction_id,
               f"{what}: transactionID {bytes(header['transactionID']).hex()}, expected {session.transaction_id.hex()}")
    expect(header["recipNonce"].isValue, f"{what}: no recipNonce")
    expect(bytes(header["recipNonce"]) == session.sender_nonce,
           f"{what}: recipNonce {bytes(header['recipNonce']).hex()}, expected our senderNonce {session.sender_nonce.hex()}")
    if session.transaction_id is not None:
        checked = f"desMAC, pvno {session.pvno}, transactionID, recipNonce"
    else:  # nothing to compare: say what the server put there
        tid = bytes(header["transactionID"]).hex() if header["transactionID"].isValue else "none"
        checked = f"desMAC, pvno {session.pvno}, recipNonce; the answer's transactionID: {tid}"
    return msg, checked


def describe_error(msg):
    err = msg["body"]["error"]
    info = err["pKIStatusInfo"]
    text = " / ".join(str(s) for s in info["statusString"]) if info["statusString"].isValue else ""
    fail_info = ""
    if info["failInfo"].isValue:
        bits = info["failInfo"]
        names = [name for name, bit in rfc4210.PKIFailureInfo.namedValues.items() if bit < len(bits) and bits[bit]]
        fail_info = ",".join(names)
    details = " / ".join(str(s) for s in err["errorDetails"]) if err["errorDetails"].isValue else ""
    return f"status {int(info['status'])}, failInfo [{fail_info}], statusString {text!r}, errorDetails {details!r}"


def has_hangul(text):
    return any("\uac00" <= c <= "\ud7a3" or "\u1100" <= c <= "\u11ff" or "\u3130" <= c <= "\u318f" for c in text)


# ---------------------------------------------------------------------------------------------
# genp: the VID encryption certificate
# ---------------------------------------------------------------------------------------------
def vid_certificate_from_genp(msg, published):
    """The two InfoTypeAndValue of the genp, each the VID encryption certificate (RSA)."""
    infos = msg["body"]["gen"]  # pyasn1_modules names genp [22] "gen"
    found = {}
    for itav in infos:
        found[str(itav["infoType"])] = bytes(itav["infoValue"]) if itav["infoValue"].isValue else None
    step(f"  genp InfoTypeAndValue: {', '.join(found) or 'none'}")
    for oid in (OID_CA_PROT_ENC_CERT, OID_YESSIGN_VID_CERT):
        expect(str(oid) in found, f"genp: no InfoTypeAndValue {oid}")
        expect(found[str(oid)], f"genp: InfoTypeAndValue {oid} has no value")
    expect(len(infos) == 2, f"genp: {len(infos)} InfoTypeAndValue, expected 2")
    der = found[str(OID_CA_PROT_ENC_CERT)]
    expect(found[str(OID_YESSIGN_VID_CERT)] == der,
           f"genp: the certificates under {OID_CA_PROT_ENC_CERT} and {OID_YESSIGN_VID_CERT} differ")
    asn1_cert = decode_exact(der, rfc2459.Certificate(), "genp VID certificate")
    cert = x509.load_der_x509_certificate(der)
    expect(isinstance(cert.public_key(), rsa.RSAPublicKey), "genp: the VID certificate's key is not RSA")
    if published is not None:
        expect(published.public_bytes(serialization.Encoding.DER) == der,
               "genp: the VID certificate is not the one published at /ca/vid.pem (--vid-cert)")
    step(f"  VID encryption certificate: {cert.subject.rfc4514_string()}, serial {cert.serial_number:x}")
    return cert, asn1_cert


# ---------------------------------------------------------------------------------------------
# ir: CertReqMessages with POPO signature (publicKeyMAC) and the EncryptedVID
# ---------------------------------------------------------------------------------------------
def fill_spki(target, spki):
    target["algorithm"]["algorithm"] = spki["algorithm"]["algorithm"]
    if spki["algorithm"]["parameters"].isValue:
        target["algorithm"]["parameters"] = spki["algorithm"]["parameters"]
    target["subjectPublicKey"] = spki["subjectPublicKey"]


def fill_poposk_input(target, spki, spki_der, secret):
    """POPOSigningKeyInput { authInfo publicKeyMAC PKMACValue, publicKey }"""
    salt = os.urandom(16)
    pbm = rfc2511.PBMParameter()
    pbm["salt"] = salt
    pbm["owf"] = algorithm(OID_SHA1)
    pbm["iterationCount"] = 1024
    pbm["mac"] = algorithm(OID_HMAC_SHA1)
    mac_value = target["authInfo"]["publicKeyMAC"]
    fill_algorithm(mac_value["algId"], algorithm(OID_PASSWORD_BASED_MAC, pbm))
    mac_value["value"] = univ.BitString.fromOctetString(rfc4211_pbm(secret, salt, 1024, spki_der))
    fill_spki(target["publicKey"], spki)


def encrypt_content_der(idn, r):
    """DER(EncryptContent { vid VID { SHA-256, virtualID }, randomNum R })"""
    content = EncryptContent()
    fill_algorithm(content["vid"]["hashAlg"], algorithm(OID_SHA256))
    content["vid"]["virtualID"] = virtual_id(idn, r)
    content["randomNum"] = univ.BitString.fromOctetString(r)
    return encoder.encode(content)


def encrypted_vid(idn, r, vid_cert, vid_asn1):
    """EncryptedVID: RSAES-PKCS1-v1_5, to the genp's VID certificate, of DER(EncryptContent);
    certID names that certificate (its issuer and serial)."""
    ciphertext = vid_cert.public_key().encrypt(encrypt_content_der(idn, r), padding.PKCS1v15())
    ev = EncryptedVID()  # version: DEFAULT 0, left out
    fill_algorithm(ev["vidHashAlg"], algorithm(OID_SHA256))
    fill_algorithm(ev["vidEncAlg"], algorithm(OID_RSA_ENCRYPTION))
    ev["certID"]["issuer"] = vid_asn1["tbsCertificate"]["issuer"]
    ev["certID"]["serialNumber"] = int(vid_asn1["tbsCertificate"]["serialNumber"])
    ev["encryptedVID"] = ciphertext
    return encoder.encode(ev)


def ir_message(session, key, idn, r, vid_cert, vid_asn1, key_mac_secret=None):
    spki_der = key.public_key().public_bytes(serialization.Encoding.DER,
                                             serialization.PublicFormat.SubjectPublicKeyInfo)
    spki = decode_exact(spki_der, rfc2459.SubjectPublicKeyInfo(), "our public key")

    msg = rfc2511.CertReqMsg()
    # certReq { certReqId 0, certTemplate { publicKey [6] } }
    msg["certReq"]["certReqId"] = 0
    fill_spki(msg["certReq"]["certTemplate"]["publicKey"], spki)
    # popo signature [1] POPOSigningKey: the signature is over DER(POPOSigningKeyInput) untagged
    plain_input = rfc2511.POPOSigningKeyInput()
    fill_poposk_input(plain_input, spki, spki_der, key_mac_secret or session.secret)
    signature = key.sign(encoder.encode(plain_input), padding.PKCS1v15(), hashes.SHA256())
    popo = msg["pop"]["signature"]
    tagged_input = popo["poposkInput"]
    tagged_input["authInfo"]["publicKeyMAC"] = plain_input["authInfo"]["publicKeyMAC"]
    fill_spki(tagged_input["publicKey"], spki)
    fill_algorithm(popo["algorithmIdentifier"], algorithm(OID_SHA256_WITH_RSA))
    popo["signature"] = univ.BitString.fromOctetString(signature)
    # the tagged copy must encode to exactly what was signed, apart from the [0] tag
    expect(encoder.encode(tagged_input)[1:] == encoder.encode(plain_input)[1:],
           "internal: poposkInput differs from what was signed")
    # regInfo: { EncryptedVID }
    atv = rfc2459.AttributeTypeAndValue()
    atv["type"] = OID_ENCRYPTED_VID
    atv["value"] = univ.Any(encrypted_vid(idn, r, vid_cert, vid_asn1))
    msg["regInfo"].append(atv)

    # SIGNGATE (KICA) asks for a reissue with key recovery: the same CertReqMessages under krr [9].
    kind = "krr" if session.variant == "signgate" else "ir"
    body, _ = body_of(kind)
    body[kind].append(msg)
    return session.protected_message(session.header(general_name_empty_dn()), body)


# ---------------------------------------------------------------------------------------------
# The issued certificate: key, chain, VID
# ---------------------------------------------------------------------------------------------
def children(der):
    """The elements of a constructed DER element (SEQUENCE, SET or context-tagged), or None."""
    specs = [ANY_SEQUENCE, ANY_SET] + [
        ANY_SEQUENCE.subtype(implicitTag=tag.Tag(tag.tagClassContext, tag.tagFormatConstructed, n))
        for n in range(10)]
    for spec in specs:
        try:
            value, rest = decoder.decode(der, asn1Spec=spec)
        except PyAsn1Error:
            continue
        if not rest:
            return [bytes(v) for v in value]
    return None


VID_FORMS = (("VID { AlgorithmIdentifier, [0] EXPLICIT OCTET STRING }", VID()),
             ("VID { AlgorithmIdentifier, OCTET STRING } (untagged, as the description writes it)", VIDUntagged()))


def as_vid(der):
    """(form, hashAlg, virtualID) when der is a VID in either form, else None."""
    for form, spec in VID_FORMS:
        try:
            value, rest = decoder.decode(der, asn1Spec=spec)
        except PyAsn1Error:
            continue
        if not rest:
            return form, value["hashAlg"]["algorithm"], bytes(value["virtualID"])
    return None


def find_vids(der, path="identifyData"):
    vid = as_vid(der)
    if vid:
        return [(path,) + vid]
    found = []
    for i, child in enumerate(children(der) or []):
        found += find_vids(child, f"{path}/{i}")
    return found


def dump(der, indent="  "):
    """A readable outline of a DER element, for failure messages."""
    kids = children(der)
    if kids is not None:
        lines = [f"{indent}constructed 0x{der[0]:02x} ({len(kids)} elements)"]
        for kid in kids:
            lines.append(dump(kid, indent + "  "))
        return "\n".join(lines)
    try:
        value, _ = decoder.decode(der)
        return f"{indent}{value.__class__.__name__}: {value.prettyPrint()}"
    except PyAsn1Error:
        return f"{indent}0x{der[0]:02x}: {der.hex()}"


def vids_in_user_info(identify):
    """The VIDs of userInfo in the nestings Korean certificates use: SEQUENCE { id-VID, VID } (as
    real certificates), or SEQUENCE { vid VID, ... } (as the description has it)."""
    vids = []
    for i, element in enumerate(identify["userInfo"]):
        element = bytes(element)
        try:
            info, rest = decoder.decode(element, asn1Spec=UserInfo())
            if not rest and info["type"] == OID_KISA_VID and as_vid(bytes(info["value"])):
                vids.append((f"userInfo/{i} {{ id-VID, VID }}",) + as_vid(bytes(info["value"])))
                continue
        except PyAsn1Error:
            pass
        elements = children(element)
        if elements and as_vid(elements[0]):
            vids.append((f"userInfo/{i} {{ vid VID, ... }}",) + as_vid(elements[0]))
    return vids


def check_vid_in_certificate(cert, expected_vid, name):
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        raise Failure("the issued certificate has no subjectAltName")
    others = [g for g in san if isinstance(g, x509.OtherName) and g.type_id.dotted_string == OID_KISA_IDENTIFY_DATA]
    expect(others, f"the subjectAltName has no otherName {OID_KISA_IDENTIFY_DATA} (KISA identifyData): {san}")
    value = others[0].value  # the DER inside the otherName's [0] EXPLICIT
    try:
        identify, rest = decoder.decode(value, asn1Spec=IdentifyData())
        ok = not rest
    except PyAsn1Error:
        ok = False
    if not ok:
        raise Failure("identifyData is not SEQUENCE { realName UTF8String, userInfo SEQUENCE OF ... }:\n" + dump(value))
    real_name = str(identify["realName"])
    step(f"  identifyData: realName {real_name!r}, {len(identify['userInfo'])} userInfo")
    if name is not None:
        expect(real_name == name, f"identifyData realName {real_name!r}, expected {name!r}")

    vids = vids_in_user_info(identify)
    if not vids:  # another nesting: any VID-shaped SEQUENCE inside identifyData
        vids = find_vids(value)
        expect(vids, "no VID SEQUENCE { AlgorithmIdentifier, OCTET STRING } in identifyData:\n" + dump(value))
        step(f"  the VID is not where expected in userInfo; found at {vids[0][0]}")
    matching = [v for v in vids if v[3] == expected_vid]
    if not matching:
        raise Failure("the certificate's VID is not SHA-256(SHA-256(DER(HashContent { idn, our R }))): "
                      f"expected {expected_vid.hex()}, found {[v[3].hex() for v in vids]}\n" + dump(value))
    where, form, hash_alg, _ = matching[0]
    expect(hash_alg == OID_SHA256, f"the VID's hashAlg is {hash_alg}, expected SHA-256")
    step(f"  VID {expected_vid.hex()} (as expected) at {where}, {form}")


def verify_issued_by(cert, issuer):
    expect(cert.issuer == issuer.subject,
           f"issued by {cert.issuer.rfc4514_string()}, not by {issuer.subject.rfc4514_string()}")
    key = issuer.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(), cert.signature_hash_algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(cert.signature_hash_algorithm))
        else:
            key.verify(cert.signature, cert.tbs_certificate_bytes)
    except InvalidSignature:
        raise Failure("the issued certificate's signature does not verify with the issuing CA's key")


def certificate_from_krp(msg):
    """krp [10] KeyRecRepContent { status, newSigCert [0] CMPCertificate, ... }: the certificate
    of a krr."""
    rep = msg["body"]["krp"]
    status = int(rep["status"]["status"])
    if status != 0:
        text = " / ".join(str(s) for s in rep["status"]["statusString"]) if rep["status"]["statusString"].isValue else ""
        raise Failure(f"krp: status {status} (not accepted): {text!r}")
    expect(rep["newSigCert"].isValue, "krp: no newSigCert [0]")
    tagged = rep["newSigCert"]
    plain = rfc2459.Certificate()  # the same certificate without the [0] tag
    for name in ("tbsCertificate", "signatureAlgorithm", "signatureValue"):
        plain[name] = tagged[name]
    return x509.load_der_x509_certificate(encoder.encode(plain))


def certificate_from_ip(msg):
    rep = msg["body"]["ip"]
    expect(len(rep["response"]) == 1, f"ip: {len(rep['response'])} CertResponse, expected 1")
    response = rep["response"][0]
    status = int(response["status"]["status"])
    if status != 0:
        text = " / ".join(str(s) for s in response["status"]["statusString"]) if response["status"]["statusString"].isValue else ""
        raise Failure(f"ip: status {status} (not accepted): {text!r}")
    expect(int(response["certReqId"]) == 0, f"ip: certReqId {int(response['certReqId'])}, expected 0")
    expect(response["certifiedKeyPair"].isValue, "ip: no certifiedKeyPair")
    choice = response["certifiedKeyPair"]["certOrEncCert"]
    expect(choice.getName() == "certificate", f"ip: certOrEncCert is {choice.getName()}, not certificate [0]")
    tagged = choice["certificate"]
    plain = rfc2459.Certificate()  # the same certificate without the [0] tag
    for name in ("tbsCertificate", "signatureAlgorithm", "signatureValue"):
        plain[name] = tagged[name]
    return x509.load_der_x509_certificate(encoder.encode(plain))


# ---------------------------------------------------------------------------------------------
# Transports
# ---------------------------------------------------------------------------------------------
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, no proxy


def http_post(url, body, content_type):
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})
    try:
        with OPENER.open(request, timeout=60) as answer:
            return answer.status, answer.headers.get("Content-Type", ""), answer.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


def post_cmp(url, der, allow_error_status=False):
    """POST URL/cmp, body DER, application/pkixcmp (RFC 6712)."""
    status, ctype, body = http_post(url + "/cmp", der, "application/pkixcmp")
    if not allow_error_status:
        expect(status == 200, f"POST /cmp: HTTP {status}: {body[:300]!r}")
    expect(ctype.split(";")[0].strip().lower() == "application/pkixcmp",
           f"POST /cmp: HTTP {status}, Content-Type {ctype!r}, expected application/pkixcmp: {body[:300]!r}")
    return status, body


def post_gateway(url, fields):
    """POST URL/cmp/gateway, form fields (base64 messages, URL-encoded); the answer is base64."""
    form = "&".join(f"{k}={urllib.parse.quote(v, safe='')}" for k, v in fields)
    status, ctype, body = http_post(url + "/cmp/gateway", form.encode("ascii"), "application/x-www-form-urlencoded")
    text = body.decode("utf-8", "replace").strip()
    expect(status == 200, f"POST /cmp/gateway: HTTP {status}: {text[:300]!r}")
    expect(not text.startswith("[ERROR"), f"POST /cmp/gateway: {text[:300]}")
    try:
        return base64.b64decode(text, validate=True)
    except ValueError as e:
        raise Failure(f"POST /cmp/gateway: the answer is not base64 ({e}): {text[:300]!r}")


def b64(der):
    return base64.b64encode(der).decode("ascii")


# ---------------------------------------------------------------------------------------------
# Modes
# ---------------------------------------------------------------------------------------------
def code_digits(code):
    digits = "".join(c for c in code if c.isdigit())
    expect(digits, "the authorization code has no digits")
    return digits.encode("ascii")


def load_pem_certificate(path, what):
    try:
        with open(path, "rb") as f:
            return x509.load_pem_x509_certificate(f.read())
    except (OSError, ValueError) as e:
        raise Failure(f"cannot read {what} from {path}: {e}")


def run(args):
    # the files first: nothing is sent (and no codes are used) if they are missing
    issuer = load_pem_certificate(args.issuer, "the issuing CA certificate")
    published_vid = load_pem_certificate(args.vid_cert, "the VID certificate") if args.vid_cert else None
    session = Session(args.reference, code_digits(args.code), args.variant)
    step(f"Korean CMP, {args.variant} (pvno {session.pvno}, "
         f"{'transactionID ' + session.transaction_id.hex() if session.transaction_id else 'no transactionID'}), "
         f"over {'/cmp' if args.transport == 'cmp' else '/cmp/gateway'}")

    # genm -> genp
    genm = genm_message(session)
    if args.transport == "cmp":
        _, genp_raw = post_cmp(args.url, genm)
    else:
        genp_raw = post_gateway(args.url, [("type", "0"), ("msg", b64(genm)), ("ip", ""), ("port", "")])
    genp, checked = check_answer(genp_raw, session, "gen", "genp")  # "gen": genp [22]
    expect(genp["header"]["senderNonce"].isValue, "genp: no senderNonce")
    session.recip_nonce = bytes(genp["header"]["senderNonce"])
    vid_cert, vid_asn1 = vid_certificate_from_genp(genp, published_vid)
    step(f"genm → genp: ok ({checked}; VID certificate)")

    # ir and the confirmation, both built before the ip arrives (as cmp.js does)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    r = os.urandom(20)
    expected_vid = virtual_id(args.idn, r)
    ir = ir_message(session, key, args.idn, r, vid_cert, vid_asn1)
    conf = pkiconf_message(session)

    if args.transport == "cmp":
        _, ip_raw = post_cmp(args.url, ir)
    else:
        ip_raw = post_gateway(args.url, [("type", "0"), ("msg", b64(genm)), ("msg2", b64(ir)),
                                         ("msg3", b64(conf)), ("ip", ""), ("port", "")])
    if session.variant == "signgate":
        krp, checked = check_answer(ip_raw, session, "krp", "krp")
        cert = certificate_from_krp(krp)
        step(f"krr → krp: ok ({checked}; accepted, newSigCert serial {cert.serial_number:x})")
    else:
        ip, checked = check_answer(ip_raw, session, "ip", "ip")
        cert = certificate_from_ip(ip)
        step(f"ir → ip: ok ({checked}; accepted, serial {cert.serial_number:x})")

    ours = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    expect(cert.public_key().public_bytes(serialization.Encoding.DER,
                                          serialization.PublicFormat.SubjectPublicKeyInfo) == ours,
           "the issued certificate does not hold our public key")
    verify_issued_by(cert, issuer)
    check_vid_in_certificate(cert, expected_vid, args.name)
    step(f"certificate: ok (our key, signed by {issuer.subject.rfc4514_string()}, VID of the idn and our R)")

    if args.transport == "cmp":
        _, answer = post_cmp(args.url, conf)
        _, checked = check_answer(answer, session, "pkiconf", "pkiconf answer")
        step(f"pkiconf → pkiconf: ok ({checked})")
    else:
        step("pkiconf: sent as msg3 with the ir (the gateway answers with the ip only)")

    with open(args.out, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    step(f"wrote {args.out}")


def wrong_key_mac(args):
    """An ir whose message desMAC is right but whose POPO publicKeyMAC is keyed with another code:
    the CA must refuse it (failInfo badPOP), in the Korean form, with a Korean text."""
    code = code_digits(args.code)
    wrong = bytes((c - ord("0") + 1) % 10 + ord("0") for c in code)  # every digit different
    session = Session(args.reference, code, args.variant)
    _, genp_raw = post_cmp(args.url, genm_message(session))
    genp, _ = check_answer(genp_raw, session, "gen", "genp")
    session.recip_nonce = bytes(genp["header"]["senderNonce"])
    vid_cert, vid_asn1 = vid_certificate_from_genp(genp, None)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ir = ir_message(session, key, args.idn, os.urandom(20), vid_cert, vid_asn1, key_mac_secret=wrong)
    _, raw = post_cmp(args.url, ir, allow_error_status=True)
    msg, _, _ = parse_message(raw, "answer to an ir with a wrong publicKeyMAC")
    kind = msg["body"].getName()
    expect(kind == "error", f"an ir with a wrong publicKeyMAC was answered with {kind}, expected error [23]")
    verify_desmac(raw, session.secret, "the error to a wrong publicKeyMAC")
    info = msg["body"]["error"]["pKIStatusInfo"]
    expect(int(info["status"]) == 2, f"error [23]: status {int(info['status'])}, expected rejection (2)")
    bits = info["failInfo"]
    bad_pop = rfc4210.PKIFailureInfo.namedValues["badPOP"]
    expect(info["failInfo"].isValue and bad_pop < len(bits) and bits[bad_pop],
           f"error [23]: failInfo is not badPOP: {describe_error(msg)}")
    text = " ".join(str(s) for s in info["statusString"]) if info["statusString"].isValue else ""
    expect(has_hangul(text), f"error [23]: the statusString has no Korean text: {text!r}")
    step(f"wrong publicKeyMAC → error [23]: ok (protected; {describe_error(msg)})")


def wrong_code(args):
    """A genm MACed with a wrong code: an unprotected error [23] with a Korean statusString."""
    code = code_digits(args.code)
    wrong = bytes((c - ord("0") + 1) % 10 + ord("0") for c in code)  # every digit different
    session = Session(args.reference, code, args.variant)
    status, raw = post_cmp(args.url, genm_message(session, secret=wrong), allow_error_status=True)
    msg, _, _ = parse_message(raw, "answer to a wrong code")
    kind = msg["body"].getName()
    expect(kind == "error", f"a genm with a wrong code was answered with {kind}, expected error [23]")
    expect(not msg["protection"].isValue, "the error [23] to a wrong code is protected (it must not be)")
    expect(not msg["header"]["protectionAlg"].isValue, "the error [23] to a wrong code names a protectionAlg")
    info = msg["body"]["error"]["pKIStatusInfo"]
    expect(int(info["status"]) == 2, f"error [23]: status {int(info['status'])}, expected rejection (2)")
    expect(info["statusString"].isValue and len(info["statusString"]) > 0, "error [23]: no statusString")
    text = " / ".join(str(s) for s in info["statusString"])
    expect(has_hangul(text), f"error [23]: the statusString has no Korean text: {text!r}")
    step(f"wrong code → error [23]: ok (HTTP {status}, unprotected; {describe_error(msg)})")


def self_test():
    """Known answers, no server."""
    key = etri_key(b"1234567890123456", b"aaaaabbbbb", 2)
    expect(key.hex() == "310736d78e27cead", f"ETRI key {key.hex()}, expected 310736d78e27cead")
    mac = des_mac(key, bytes.fromhex("3003020101"))
    expect(mac.hex() == "fdda8053b626f861", f"desMAC(3003020101) {mac.hex()}, expected fdda8053b626f861")
    mac = des_mac(key, bytes(range(16)))
    expect(mac.hex() == "cefedc030767eb11", f"desMAC(00..0f) {mac.hex()}, expected cefedc030767eb11")
    step("self-test: desMAC known answers ok")

    r = bytes.fromhex("79EA7568A2D3776604E18BCD3A1B1B85B7DA0872")
    der = hash_content_der("1234561234567", r)
    expected = bytes.fromhex("3026130D31323334353631323334353637031500") + r
    expect(der == expected, f"DER(HashContent) {der.hex()}, expected {expected.hex()}")
    vid = virtual_id("1234561234567", r)
    expect(vid.hex() == "17692c8dd00ead33791de0a64a937c60799634c64ac56fa57570c0e05252ab35",
           f"VID {vid.hex()}")
    # The VID and R as cmp.js encrypts them, byte for byte (the comment in Initech's cmp.js):
    # 30 4C 30 33 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 A0 22 04 20 <VID> 03 15 00 <R>
    content = encrypt_content_der("1234561234567", r)
    expected = bytes.fromhex("304C3033300D06096086480165030402010500A0220420") + vid + bytes.fromhex("031500") + r
    expect(content == expected, f"DER(EncryptContent) {content.hex()}, expected {expected.hex()}")
    step("self-test: VID known answer ok (HashContent, virtualID, EncryptContent)")

    # Our own messages: a genm verifies under the code, not under another one; the ProtectedPart
    # we MAC is the header and body as they appear in the message.
    session = Session("1234567890", b"1234567890123456", "yessign")
    genm = genm_message(session)
    verify_desmac(genm, b"1234567890123456", "self-test genm")
    try:
        verify_desmac(genm, b"1234567890123457", "self-test genm")
        raise Failure("self-test: a genm verified under the wrong code")
    except Failure as e:
        expect("does not verify" in str(e), str(e))
    step("self-test: genm protection round trip ok")

    # The public Initech sample ir (tests/vectors/kr-cmp): our structures decode it, and its POPO
    # signature verifies over DER(POPOSigningKeyInput) as we compute it.
    vectors = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "vectors")
    sample = os.path.join(vectors, "kr-cmp", "initech_sample_ir.der")
    with open(sample, "rb") as f:
        raw = f.read()
    msg = decode_exact(raw, rfc4210.PKIMessage(), "Initech sample ir")
    expect(encoder.encode(msg) == raw, "the Initech sample ir does not re-encode to itself")
    header = msg["header"]
    expect(int(header["pvno"]) == 1 and bytes(header["senderKID"]) == b"431943", "Initech sample: header")
    pbm = decode_exact(bytes(header["protectionAlg"]["parameters"]), rfc4210.PBMParameter(), "sample PBMParameter")
    expect(bytes(pbm["salt"]) == ETRI_SALT and int(pbm["iterationCount"]) == 2
           and pbm["mac"]["algorithm"] == OID_DES_MAC, "Initech sample: PBMParameter")
    crm = msg["body"]["ir"][0]
    popo = crm["pop"]["signature"]
    plain_input = rfc2511.POPOSigningKeyInput()
    plain_input["authInfo"]["publicKeyMAC"] = popo["poposkInput"]["authInfo"]["publicKeyMAC"]
    fill_spki(plain_input["publicKey"], popo["poposkInput"]["publicKey"])
    spki = rfc2459.SubjectPublicKeyInfo()
    fill_spki(spki, popo["poposkInput"]["publicKey"])
    public_key = serialization.load_der_public_key(encoder.encode(spki))
    try:
        public_key.verify(popo["signature"].asOctets(), encoder.encode(plain_input), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise Failure("self-test: the Initech sample's POPO signature does not verify")
    expect(crm["regInfo"][0]["type"] == OID_ENCRYPTED_VID, "Initech sample: regInfo type")
    ev = decode_exact(bytes(crm["regInfo"][0]["value"]), EncryptedVID(), "Initech sample EncryptedVID")
    expect(int(ev["certID"]["serialNumber"]) == 0x3FEF15 and len(bytes(ev["encryptedVID"])) == 256
           and ev["vidHashAlg"]["algorithm"] == OID_SHA256, "Initech sample: EncryptedVID")
    step("self-test: Initech sample ir decodes, POPO signature and EncryptedVID ok")

    # The yessign test certificate (tests/vectors/npki-yessign-test): its identifyData's VID is
    # found where ours is looked for.
    with open(os.path.join(vectors, "npki-yessign-test", "signCert.der"), "rb") as f:
        yessign = x509.load_der_x509_certificate(f.read())
    check_vid_in_certificate(yessign, bytes.fromhex("8ad4f673412f825da4d1fb4d4216946bbc7f8194a0af01f86622ee23c7ee0de7"), None)
    step("self-test: the yessign vector's identifyData VID found")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--self-test", action="store_true", help="known answers only, no server")
    parser.add_argument("--wrong-code", action="store_true", help="the negative check: a genm with a wrong code")
    parser.add_argument("--wrong-key-mac", action="store_true",
                        help="the negative check: an ir whose POPO publicKeyMAC uses another code")
    parser.add_argument("--url", help="the server, e.g. http://127.0.0.1:8080")
    parser.add_argument("--reference", help="the reference number (senderKID)")
    parser.add_argument("--code", help="the authorization code as printed (dashes allowed)")
    parser.add_argument("--idn", help="the resident registration number the application was registered with")
    parser.add_argument("--name", help="the registered name: identifyData's realName must be it")
    parser.add_argument("--variant", choices=("yessign", "signgate"), default="yessign")
    parser.add_argument("--transport", choices=("cmp", "gateway"), default="cmp")
    parser.add_argument("--issuer", help="PEM of the issuing CA certificate")
    parser.add_argument("--vid-cert", help="PEM of the published VID certificate: the genp's must be it")
    parser.add_argument("--out", help="where to write the issued certificate (PEM)")
    args = parser.parse_args()
    try:
        if args.self_test:
            self_test()
        elif args.wrong_code:
            for option in ("url", "reference", "code"):
                if not getattr(args, option):
                    parser.error(f"--wrong-code needs --{option}")
            wrong_code(args)
        elif args.wrong_key_mac:
            for option in ("url", "reference", "code", "idn"):
                if not getattr(args, option):
                    parser.error(f"--wrong-key-mac needs --{option}")
            wrong_key_mac(args)
        else:
            for option in ("url", "reference", "code", "idn", "issuer", "out"):
                if not getattr(args, option):
                    parser.error(f"--{option} is required")
            run(args)
    except Failure as e:
        print(f"FAILED: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
